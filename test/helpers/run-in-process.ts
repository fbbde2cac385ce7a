// The action in-process, as the runner would see it: the same directories,
// environment and file commands as a run of the bundle (test/e2e/run-action.ts
// prepares and reads them for both), the real @actions/core writing the
// workflow commands, and what it printed captured as the runner reads it. Only
// the process boundary moves: runWith() instead of `node dist/index.js`, with a
// fast clock (fast-time.ts) that the test's servers share, so that no test
// waits out real poll intervals, backoffs or deadlines.
//
// @actions/core reads process.env and writes to process.stdout, so both are
// the run's own while it runs (Vitest runs the tests of a file one after
// another, each file in a process of its own); its job summary caches the
// file's path for the life of the process, so each run gets a summary writer
// of its own. What only a process shows (the exit code set by index.ts, a
// second signal's exit, stderr, the bundle's chunks) stays in test/e2e/.
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import * as core from '@actions/core';
import type { Toolkit } from '../../src/action/toolkit.ts';
import { Cancelled } from '../../src/core/errors.ts';
import { fetcherFor } from '../../src/http/fetch.ts';
import { runWith } from '../../src/main.ts';
import { type ActionRun, finishRun, prepareRun, type RunOptions } from '../e2e/run-action.ts';
import { FAST, type TestTime } from './fast-time.ts';

export interface InProcessOptions extends RunOptions {
  /** The run's clock: FAST unless said; the servers of the test must share it. */
  time?: TestTime;
  /** Where generation and asset ids come from (random UUIDs unless said). */
  newId?: () => string;
}

/** A job summary writer for one run: what it adds is appended to the run's GITHUB_STEP_SUMMARY file on write(). */
function summaryFile(path: string | undefined): Toolkit['summary'] {
  let buffer = '';
  const summary = {
    addRaw(text: string, addEOL = false) {
      buffer += text + (addEOL ? '\n' : '');
      return summary;
    },
    async write() {
      if (!path) throw new Error('Unable to find environment variable for $GITHUB_STEP_SUMMARY.');
      appendFileSync(path, buffer);
      buffer = '';
      return summary;
    },
  };
  return summary as unknown as Toolkit['summary'];
}

/** Runs the action once in this process, with the inputs and options runAction() takes; resolves to the same record. */
export async function runInProcess(inputs: Record<string, string>, options: InProcessOptions = {}): Promise<ActionRun> {
  const run = prepareRun(inputs, options);
  const cancel = new AbortController();
  const onExit: (() => void)[] = [];
  // A signal as the runner sends it: the first cancels the run (what abortOnSignals does in the process).
  options.control?.(
    {
      kill(signal) {
        if (!cancel.signal.aborted) cancel.abort(new Cancelled(signal));
        return true;
      },
      on: (_event, listener) => onExit.push(listener),
    },
    run.dirs,
  );
  let stdout = '';
  const write = process.stdout.write;
  const env = process.env;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stdout.write;
  process.env = { ...run.env };
  const started = Date.now();
  let code: number;
  try {
    code = await runWith({
      toolkit: { ...core, summary: summaryFile(run.env.GITHUB_STEP_SUMMARY) },
      env: run.env,
      cwd: run.dirs.workspace,
      fetcher: fetcherFor(run.env),
      time: options.time ?? FAST,
      cancel: cancel.signal,
      newId: options.newId ?? randomUUID,
    });
  } finally {
    process.stdout.write = write;
    process.env = env;
  }
  for (const listener of onExit) listener();
  return finishRun(run, { code, stdout, stderr: '', elapsedMs: Date.now() - started });
}
