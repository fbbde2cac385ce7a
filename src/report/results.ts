// The end of a run that has results: the manifest file, the step's outputs,
// the job summary, and what goes to GitHub (release assets, the comment).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Log } from '../action/log.js';
import type { Env } from '../action/toolkit.js';
import type { ItemResult } from '../hedra/api.js';
import type { Settings } from '../inputs/settings.js';
import { publish } from './github.js';
import { manifest, type Outputs, resultOutputs, type Spending, spendingOutputs } from './outputs.js';
import { renderSummary, type SummaryInput } from './summary.js';

/** Sets the outputs, with any secret Hedra echoed hidden. */
export function setOutputs(log: Pick<Log, 'output'>, outputs: Outputs): void {
  for (const [name, value] of Object.entries(outputs)) log.output(name, value);
}

interface ResultsContext {
  log: Log;
  env: Env;
  settings: Settings;
  items: ItemResult[];
  /** The request body sent, when this run created the generations. */
  request?: unknown;
  /** Input name → asset id of the media inputs (input-asset-ids). */
  inputAssetIds: Record<string, string | string[]>;
  /** The summary's facts besides the items. */
  summary: Omit<SummaryInput, 'items'>;
  spending?: Spending;
}

export async function reportResults(ctx: ResultsContext): Promise<void> {
  const { settings, items } = ctx;
  // Named after the first generation that exists (an item refused at creation has no id).
  const named = items.find((item) => item.generationId)?.generationId ?? 'refused';
  const resultsFile = join(settings.runnerTemp, `hedra-results-${named}.json`);
  const written = JSON.stringify(
    manifest(items, { request: ctx.request, inputAssetIds: ctx.inputAssetIds, spending: ctx.spending, model: ctx.summary.model }),
    null,
    2,
  );
  await writeFile(resultsFile, ctx.log.hideSecrets(written));
  setOutputs(ctx.log, { ...resultOutputs(items, resultsFile), ...(ctx.spending ? spendingOutputs(ctx.spending) : {}) });
  const summary = await ctx.log.summary(renderSummary({ ...ctx.summary, items, spending: ctx.spending }));
  await publish(settings, items, summary, ctx.env, ctx.log);
}
