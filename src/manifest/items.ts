// Running items of a manifest, each as a single step (main.ts's runStep) with a
// toolkit and an environment of its own, a few at a time, all sharing one
// request budget per API key and the reads that answer the same for all; and
// reading what each left (its outputs, the results file) into lock entries
// and provenance.
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import type { Log } from '../action/log.js';
import type { Time } from '../action/run-control.js';
import type { Env, Toolkit } from '../action/toolkit.js';
import { isObject } from '../core/json.js';
import { pool } from '../core/lazy.js';
import type { ManifestStep } from '../inputs/manifest-step.js';
import type { Fingerprint } from './fingerprint.js';
import { type ItemRecord, itemEnv, itemInputs, itemToolkit } from './item-toolkit.js';
import type { LockedItem, LockedOutput } from './lock.js';
import type { ManifestItem } from './manifest-file.js';
import type { Made } from './provenance.js';
import type { RunItem, SharedAcrossItems, StepResult } from './shared.js';

export interface ItemsContext {
  log: Log;
  toolkit: Toolkit;
  env: Env;
  step: ManifestStep;
  time: Time;
  runItem: RunItem;
  workspace: string;
  /** The secret forms already given to the runner's masker. */
  masked: Set<string>;
}

/** One item's run, and what it left. */
export interface ItemRun {
  item: ManifestItem;
  result: StepResult;
  record: ItemRecord;
  startedAt: number;
  finishedAt: number;
}

/** Runs `items`, `limit` at a time; resolves once every one has ended (a failed item does not stop the others). */
export async function runItems(
  ctx: ItemsContext,
  items: ManifestItem[],
  options: { shared: SharedAcrossItems; priceOnly: boolean; limit: number; failures: 'fail the step' | 'keep'; quiet?: boolean },
): Promise<ItemRun[]> {
  const runs: ItemRun[] = new Array(items.length);
  const label = items.length > 1;
  await pool([...items.keys()], options.limit, async (index) => {
    const item = items[index];
    const record: ItemRecord = { outputs: {}, summary: '', failures: [] };
    const inputs = itemInputs(item, ctx.step, ctx, options.priceOnly);
    const toolkit = itemToolkit(
      ctx.log,
      ctx.toolkit,
      inputs,
      { label: label ? item.name : undefined, failures: options.failures, masked: ctx.masked, quiet: options.quiet },
      record,
    );
    const startedAt = ctx.time.now();
    const result = await ctx.runItem(toolkit, itemEnv(ctx.env, inputs), options.shared, options.priceOnly);
    // In the manifest's order, whatever order they end in.
    runs[index] = { item, result, record, startedAt, finishedAt: ctx.time.now() };
  });
  return runs;
}

/** One generation of a results file, as far as the lock needs it. */
interface ResultGeneration {
  generation_id?: unknown;
  asset_id?: unknown;
  path?: unknown;
  bytes?: unknown;
  sha256?: unknown;
}

/** What an item made, from its results file (written by the item's own run, in RUNNER_TEMP). */
async function readResults(run: ItemRun): Promise<{ model: string | null; request: unknown; reused: boolean; generations: ResultGeneration[] } | undefined> {
  const file = run.record.outputs['results-file'];
  if (!file) return undefined;
  const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (!isObject(parsed) || !Array.isArray(parsed.generations)) return undefined;
  const credits = isObject(parsed.credits) ? parsed.credits : {};
  return {
    model: typeof parsed.model === 'string' ? parsed.model : null,
    request: parsed.request ?? null,
    reused: credits.reused === true,
    generations: parsed.generations.filter(isObject) as ResultGeneration[],
  };
}

/** A downloaded file's place, relative to the workspace; undefined if it is not inside it (never recorded then). */
function inWorkspace(workspace: string, path: unknown): string | undefined {
  if (typeof path !== 'string' || path === '') return undefined;
  const inside = relative(workspace, path).replace(/\\/g, '/');
  return inside === '' || inside.startsWith('..') || isAbsolute(inside) ? undefined : inside;
}

/** The lock entry and the provenance of an item that ended well, with every output downloaded into the workspace. */
export async function whatWasMade(run: ItemRun, fingerprint: Fingerprint, workspace: string): Promise<{ locked: LockedItem; made: Made[] } | undefined> {
  const results = await readResults(run);
  if (!results) return undefined;
  const outputs: LockedOutput[] = [];
  const made: Made[] = [];
  for (const generation of results.generations) {
    const path = inWorkspace(workspace, generation.path);
    if (!path || typeof generation.sha256 !== 'string' || typeof generation.bytes !== 'number') continue;
    outputs.push({ path, bytes: generation.bytes, sha256: generation.sha256 });
    made.push({
      item: run.item.name,
      path,
      sha256: generation.sha256,
      api: fingerprint.api,
      model: results.model,
      generationId: String(generation.generation_id ?? ''),
      assetId: typeof generation.asset_id === 'string' ? generation.asset_id : null,
      contentKey: fingerprint.key,
      inputs: fingerprint.inputs,
      request: results.request,
      reused: results.reused,
      startedOn: new Date(run.startedAt).toISOString(),
      finishedOn: new Date(run.finishedAt).toISOString(),
    });
  }
  // An item whose files were not all downloaded (download: false, a voice) is not recorded: the lock would not hold its outputs.
  if (outputs.length === 0 || outputs.length !== results.generations.length) return undefined;
  const ids = results.generations.map((generation) => String(generation.generation_id ?? ''));
  return { locked: { key: fingerprint.key, api: fingerprint.api, model: results.model, ids, inputs: fingerprint.inputs, outputs }, made };
}
