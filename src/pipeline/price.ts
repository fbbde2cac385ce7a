// A run that only prices the request (a manifest's plan with a key): checked
// as a run that pays is, then estimated, and nothing else is asked of Hedra
// (no reuse look-up, no balance, nothing stored). Items of one shape (the same
// model and request but for their texts) are priced once: the estimate is
// kept in the run's shared reads under the shape, so that planning 1,000
// items costs one estimate per model and shape, not 1,000.
import { canonicalJson, isObject } from '../core/json.js';
import type { Estimate, Plan } from '../hedra/api.js';
import type { Spending } from '../report/outputs.js';
import { spendingOutputs } from '../report/outputs.js';
import { setOutputs } from '../report/results.js';
import type { Run } from './context.js';

/** Free texts of a request: they say what to make, not how much of it (no price of Hedra's follows their length). */
const TEXT_FIELDS = new Set(['prompt', 'text', 'text_prompt', 'negative_prompt', 'name', 'title']);

/** The request without its free texts: what its price follows. */
export function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([field, inner]) => [field, TEXT_FIELDS.has(field) && typeof inner === 'string' ? '…' : shapeOf(inner)]));
}

/** Prices the plan (once per shape across the items that share `run.reads`) and sets the spending outputs. */
export async function priceOnly(run: Run, plan: Plan): Promise<void> {
  // Without a key nothing is priced, and nothing needs saying per item: the plan says it once.
  if (!run.hasKey) return;
  const { api, log } = run;
  const shape = canonicalJson({
    api: api.name,
    base: run.settings.baseUrl,
    model: plan.model ?? run.settings.model ?? null,
    count: plan.count,
    request: shapeOf(plan.request),
  });
  const estimate: Estimate = await run.reads(`estimate ${shape}`, () => api.estimate(plan));
  const spending: Spending = {
    unit: api.unit,
    estimated: estimate.known ? estimate.total.amount : undefined,
    estimateText: estimate.known ? estimate.text : undefined,
  };
  log.info(`Estimated cost: ${estimate.known ? estimate.text : `unknown: ${estimate.reason}`}.`);
  setOutputs(log, spendingOutputs(spending));
}
