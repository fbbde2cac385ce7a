// The entry point the runner starts: the real collaborators, handed to run().
import { randomUUID } from 'node:crypto';
import * as core from '@actions/core';
import { abortOnSignals } from './action/run-control.js';
import { fetcherFor } from './http/fetch.js';
import { run } from './main.js';

const cancel = new AbortController();
abortOnSignals(cancel);
process.exitCode = await run({
  toolkit: core,
  env: process.env,
  cwd: process.cwd(),
  fetcher: fetcherFor(process.env),
  clock: Date.now,
  cancel: cancel.signal,
  newId: randomUUID,
});
