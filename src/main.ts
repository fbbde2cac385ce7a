// The action, as the story of one run:
//   1. Mask the API key, before anything else can print it.
//   2. Read every input; what cannot be read is kept as a problem, so that it
//      is reported with the model's problems in one round.
//   3. Check what GitHub itself must allow (release-upload, comment) and warn
//      about an untrusted trigger.
//   4. Choose the API (v2, the generations API, or v3, one endpoint per model)
//      and run the one pipeline with that API's adapter: check against the
//      model, price and guard, reuse, store, submit exactly once, follow,
//      download, report (src/pipeline/).
//   5. Whatever fails, fail once, saying what exists on Hedra's side and how to
//      pick it up without paying again.
// The collaborators (the toolkit, fetch, time, the environment, where ids come
// from) are parameters of runWith(): run() passes the real ones, tests their own.
import { randomUUID } from 'node:crypto';
import * as core from '@actions/core';
import { createLog, type Log } from './action/log.js';
import { abortOnSignals, createRunControl, type RunControl, realTime, type Time } from './action/run-control.js';
import type { Env, Toolkit } from './action/toolkit.js';
import { untrustedTriggerWarning } from './action/trust.js';
import { v2Adapter } from './apis/v2/adapter.js';
import { ExplainedError, InputError, SpendingRefused } from './core/errors.js';
import { type Adapter, type RunState, uncached } from './hedra/api.js';
import { type Fetcher, fetcherFor } from './http/fetch.js';
import { Transport } from './http/transport.js';
import { MISSING_KEY, readApiKey, secretParts } from './inputs/api-key.js';
import { type ManifestStep, readManifestStep } from './inputs/manifest-step.js';
import { lines } from './inputs/parsers.js';
import { readInputs } from './inputs/read.js';
import type { Api } from './inputs/settings.js';
import { runManifest } from './manifest/run.js';
import type { SharedAcrossItems, StepResult } from './manifest/shared.js';
import { runPipeline } from './pipeline/run.js';
import { failureMessage, idsToName } from './report/failures.js';
import { checkGitHubInputs } from './report/github.js';
import { setOutputs } from './report/results.js';

const USER_AGENT = 'hedra-generate-action/1';

interface RunDependencies {
  toolkit: Toolkit;
  env: Env;
  /** Where relative paths are resolved when GITHUB_WORKSPACE is not set. */
  cwd: string;
  fetcher: Fetcher;
  /** The clock and the way of waiting: the wall clock for the runner, a faster one in tests. */
  time: Time;
  /** Aborted when the runner cancels the step. */
  cancel: AbortSignal;
  /** Generation and asset ids the action reserves. */
  newId: () => string;
}

/** Each API's adapter. v3's (with its JSON-schema validator) is loaded only by v3 runs, so that v2 runs start as fast as before. */
const ADAPTERS: Record<Api, () => Promise<Adapter>> = {
  v2: async () => v2Adapter,
  v3: async () => (await import('./apis/v3/adapter.js')).v3Adapter,
};

/**
 * The action as the runner starts it (index.ts), or a harness such as
 * @github/local-action: the real collaborators, and the exit code set.
 */
export async function run(): Promise<void> {
  const cancel = new AbortController();
  abortOnSignals(cancel);
  process.exitCode = await runWith({
    toolkit: core,
    env: process.env,
    cwd: process.cwd(),
    fetcher: fetcherFor(process.env),
    time: realTime,
    cancel: cancel.signal,
    newId: randomUUID,
  });
}

/** Runs the action with the collaborators given; resolves to the exit code. */
export async function runWith(deps: RunDependencies): Promise<number> {
  const { toolkit, env } = deps;
  // Every key given (a manifest that mixes the APIs gives one per line), and each one's secret half, in every form.
  const secrets = lines(readApiKey(toolkit, env) ?? '').flatMap(secretParts);
  const log = createLog(toolkit, env);
  for (const secret of secrets) log.addSecret(secret);
  let manifest: ManifestStep | undefined;
  try {
    manifest = readManifestStep(toolkit, env);
  } catch (error) {
    log.fail(failureMessage(error, { phase: 'reading inputs' }), 'Invalid input');
    return 1;
  }
  if (!manifest) return (await runStep(deps, log)).code;
  // Once for the step, not once per item (its items skip it: a plan of 1,000 items would read the event 1,000 times).
  await warnOfUntrustedTrigger(env, log);
  return runManifest({
    log,
    toolkit,
    step: manifest,
    env,
    cwd: deps.cwd,
    time: deps.time,
    cancel: deps.cancel,
    runItem: (toolkit, env, shared, priceOnly) => {
      // Each item's log redacts with every key of the step, not its own alone: its lines go to the runner as they are.
      const itemLog = createLog(toolkit, env);
      for (const secret of secrets) itemLog.addSecret(secret);
      return runStep({ ...deps, toolkit, env, shared, priceOnly }, itemLog);
    },
  });
}

async function warnOfUntrustedTrigger(env: Env, log: Log): Promise<void> {
  const warning = await untrustedTriggerWarning(env);
  if (warning) log.warning(warning, 'Untrusted trigger');
}

/** One step's run (or one item's of a manifest): its exit code, and what ended it when it failed. */
async function runStep(deps: RunDependencies & { shared?: SharedAcrossItems; priceOnly?: boolean }, log: Log): Promise<StepResult> {
  const { toolkit, env, time } = deps;
  const startedAt = deps.shared?.startedAt ?? time.now();
  const apiKey = readApiKey(toolkit, env);
  // The whole key and its secret half (v3), each in every form; the key id alone is not secret (api-key.ts).
  for (const part of apiKey ? secretParts(apiKey) : []) log.addSecret(part);
  const state: RunState = { phase: 'reading inputs' };
  let transport: Transport | undefined;
  let control: RunControl | undefined;
  let failure: unknown;
  try {
    const { settings, problems, unparsed, reachable } = await readInputs(toolkit, env, deps.cwd);
    if (settings.githubToken) log.addSecret(settings.githubToken);
    // Only a dry run may go without a key (it asks Hedra for nothing then).
    if (!apiKey && !settings.dryRun) problems.push(MISSING_KEY);
    // Without the API, its address or a usable key, nothing more can be checked: what is known is all there is to say.
    if (problems.length > 0 && (!reachable || (!apiKey && !settings.dryRun))) throw InputError.all(problems, 'The inputs have');
    if (!deps.shared) await warnOfUntrustedTrigger(env, log);
    await checkGitHubInputs(settings, env).catch((error) => {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems);
    });
    const running = createRunControl(startedAt, settings.timeoutMs, deps.cancel, time);
    control = running;
    const adapter = await ADAPTERS[settings.api]();
    const connect = () =>
      (transport ??= new Transport({
        baseUrl: settings.baseUrl,
        apiKey: apiKey ?? '',
        keyScheme: adapter.keyScheme,
        headers: adapter.headers,
        userAgent: USER_AGENT,
        control: running,
        timeoutMs: settings.timeoutMs,
        fetcher: deps.fetcher,
        clock: time.now,
        debug: log.debug,
        describeError: adapter.describeError,
        rateLimit: adapter.rateLimit,
        budget: deps.shared?.budget(`${settings.api} ${settings.baseUrl}`, adapter.rateLimit),
        peer: 'Hedra',
      }));
    const reads = deps.shared?.reads ?? uncached;
    const api = adapter.make({ log, settings, apiKey, transport: connect, clock: time.now, newId: deps.newId, reads });
    await runPipeline({
      api,
      log,
      settings,
      state,
      env,
      time,
      startedAt,
      newId: deps.newId,
      transport: connect,
      hasKey: apiKey !== undefined,
      problems,
      unparsed,
      reads,
      priceOnly: deps.priceOnly,
    });
  } catch (error) {
    failure = error;
    // Work that may exist is named in the outputs too, so a later step can pick it up.
    const named = idsToName(error, state);
    if (named) setOutputs(log, { 'generation-id': named[0], 'generation-ids': JSON.stringify(named) });
    log.fail(
      failureMessage(error, state),
      error instanceof InputError ? 'Invalid input' : error instanceof SpendingRefused ? 'Not paid for' : 'Hedra generation failed',
    );
    if (!(error instanceof ExplainedError) && error instanceof Error) log.debug(error.stack ?? String(error));
  } finally {
    control?.dispose();
    await transport?.close();
  }
  return { code: log.failed() ? 1 : 0, error: failure };
}
