// One item of a manifest as a single step sees the runner: its inputs are the
// item's (the manifest's, with the step's own for what applies to every item),
// its outputs and job summary are kept for the manifest's report, and its log
// lines go to the step's log, named by the item when several run at once.
import type { Log } from '../action/log.js';
import type { Env, Toolkit } from '../action/toolkit.js';
import type { ManifestStep } from '../inputs/manifest-step.js';
import { envName, read } from '../inputs/raw.js';
import { INPUT_DEFAULTS, INPUT_NAMES, type InputName } from '../inputs/settings.js';
import { ITEM_INPUTS, itemApi, type ManifestItem } from './manifest-file.js';

/** The step's inputs an item takes as they are: how every item waits, downloads, reuses and spends. */
const STEP_INPUTS: readonly InputName[] = ['timeout', 'wait', 'download', 'reuse', 'max-credits', 'github-token'];

/** What one item's run left: its outputs, its job summary and its failures' messages. */
export interface ItemRecord {
  outputs: Record<string, string>;
  summary: string;
  failures: string[];
}

/**
 * Every input of the item's run, as the runner passes a step's (each declared input, defaults applied). `priceOnly`:
 * a run that checks and prices only (a plan), which must neither look up earlier work nor need a key.
 */
export function itemInputs(item: ManifestItem, step: ManifestStep, parent: { toolkit: Toolkit; env: Env }, priceOnly: boolean): Record<InputName, string> {
  const inputs = { ...INPUT_DEFAULTS } as Record<InputName, string>;
  for (const input of STEP_INPUTS) inputs[input] = read(parent.toolkit, parent.env, input);
  for (const input of ITEM_INPUTS) if (item.inputs[input] !== undefined) inputs[input] = item.inputs[input] as string;
  const api = itemApi(item);
  inputs['api-key'] = step.keys[api] ?? '';
  inputs['base-url'] = step.baseUrls[api] ?? '';
  if (priceOnly) Object.assign(inputs, { 'dry-run': 'true', reuse: 'false', 'max-credits': '' });
  return inputs;
}

/** The item's environment: the step's, but its inputs are the item's and the key comes only from `api-key`. */
export function itemEnv(env: Env, inputs: Record<InputName, string>): Env {
  const own: Env = {};
  for (const [name, value] of Object.entries(env)) if (!name.startsWith('INPUT_') && name !== 'HEDRA_API_KEY') own[name] = value;
  for (const input of INPUT_NAMES) own[envName(input)] = inputs[input];
  return own;
}

/**
 * The item's toolkit. `label`: the item's name, put before each of its log lines when several items share the log
 * (their groups become lines then: groups cannot interleave); undefined: its lines are the step's own. `failures`:
 * whether the item's failure is the step's (an error annotation), or kept for the manifest to report with the
 * other items' (a plan's input problems, all in one round). `masked`: the values given to the runner's masker by the
 * step's items so far.
 */
export function itemToolkit(
  log: Log,
  parent: Toolkit,
  inputs: Record<InputName, string>,
  options: { label?: string; failures: 'fail the step' | 'keep'; masked: Set<string>; quiet?: boolean },
  record: ItemRecord,
): Toolkit {
  const { label } = options;
  const named = (message: string) => (label ? `[${label}] ${message}` : message);
  let summary = '';
  const writer = {
    addRaw(text: string, addEOL = false) {
      summary += text + (addEOL ? '\n' : '');
      return writer;
    },
    async write() {
      record.summary += summary;
      summary = '';
      return writer;
    },
  };
  return {
    getInput: (name: string) => (inputs[name as InputName] ?? '').trim(),
    setOutput: (name: string, value: unknown) => {
      record.outputs[name] = String(value);
    },
    // Each form once to the runner's masker, however many items register it.
    setSecret: (secret: string) => {
      if (options.masked.has(secret)) return;
      options.masked.add(secret);
      parent.setSecret(secret);
    },
    // The item's own log has redacted its lines with every key of the step (main.ts gives it them all): they go to
    // the runner as they are, not through a second redaction.
    // A check's lines (`quiet`) are the plan's detail: the plan says per item what matters, once.
    info: (message: string) => (options.quiet ? parent.debug(named(message)) : parent.info(named(message))),
    debug: (message: string) => parent.debug(named(message)),
    warning: (message, properties) => parent.warning(named(String(message)), properties),
    error: (message, properties) => {
      record.failures.push(String(message));
      if (options.failures === 'fail the step') log.fail(named(String(message)), properties?.title);
    },
    startGroup: (name: string) => (label ? log.info(named(`── ${name}`)) : parent.startGroup(name)),
    endGroup: () => (label ? undefined : parent.endGroup()),
    summary: writer as unknown as Toolkit['summary'],
  } as Toolkit;
}
