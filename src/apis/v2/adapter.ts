// Hedra's v2 API (the generations API) as the pipeline drives it: one
// POST /generations for the whole batch, under generation ids the action
// chooses before the first attempt (content-derived with `reuse`), local
// files as assets, prices from the model catalogue in credits, and waiting by
// polling, several generations per request.
import { once } from '../../core/lazy.js';
import { credits, type Money } from '../../core/money.js';
import type { Adapter, AdapterContext, Balance, DryRunReport, Earlier, HedraApi, Submission } from '../../hedra/api.js';
import { waitForGenerations } from '../../hedra/poll.js';
import { inputAssetIds, withAssetIds } from '../../media/local-files.js';
import { spendable } from './balance.js';
import { withGenerationIds } from './build.js';
import { HedraClient, type ListedGeneration } from './client.js';
import { createdIds } from './created.js';
import { describeV2Error } from './errors.js';
import { estimateCredits, priced } from './estimate.js';
import { INPUT_FIELDS } from './fields.js';
import { prepareV2, type V2Plan } from './prepare.js';
import { decideReuse } from './reuse.js';
import { uploadAll } from './uploads.js';

/** The v2 API: its key as `X-API-Key`, its own error vocabulary. */
export const v2Adapter: Adapter = { keyScheme: 'x-api-key', describeError: describeV2Error, make: v2Api };

export function v2Api(ctx: AdapterContext): HedraApi<V2Plan> {
  const { log, settings } = ctx;
  const client = once(() => new HedraClient(ctx.transport(), log, ctx.clock));

  return {
    name: 'v2',
    unit: 'credits',
    noun: 'generation',

    promptInput: ({ type }) => (INPUT_FIELDS.prompt[type] ? 'prompt' : INPUT_FIELDS.text[type] ? 'text' : undefined),

    prepare: (request) => prepareV2(ctx, ctx.apiKey ? client() : undefined, request),

    /**
     * What Hedra has under this request's derived ids: a usable generation is reused or waited for; otherwise the
     * plan takes the ids of the first free slot (or fresh ones), under which it will be created.
     */
    async earlier(plan) {
      if (!plan.slots || !plan.lookup) return undefined;
      const found = await plan.lookup;
      const decision = decideReuse(plan.slots, new Map(found.map((f) => [f.id, f])), plan.body);
      for (const note of decision.notes) log.info(note);
      if (decision.action === 'fresh') return undefined;
      plan.generationIds = decision.ids;
      plan.body = withGenerationIds(plan.body, decision.ids);
      plan.request = plan.body;
      if (decision.action === 'create') return undefined;
      return { action: decision.action, ids: decision.ids, createdAt: decision.action === 'reuse' ? decision.createdAt : undefined } satisfies Earlier;
    },

    estimate: async (plan) => priced(estimateCredits(plan.chosen, plan.body)),

    async balance(): Promise<Balance | undefined> {
      const balance = await client().balance();
      return balance && spendable(balance);
    },

    dryRun(plan, earlier): DryRunReport {
      const lines: string[] = [];
      if (earlier)
        lines.push(`Would ${earlier.action === 'reuse' ? 'reuse' : 'wait for'} generation ${earlier.ids.join(', ')}, made earlier from the same inputs.`);
      for (const u of plan.uploads)
        lines.push(`Would ${u.present ? 'reuse the uploaded' : 'upload'} ${u.written} (${u.inputs.join(', ')}) as asset ${u.assetId}.`);
      lines.push(`Dry run: the ${plan.settings.type} request is valid; nothing was sent.\n${JSON.stringify(plan.body, null, 2)}`);
      return { lines, request: plan.body };
    },

    async store(plan) {
      const renamed = await log.group(`Uploading ${plan.uploads.length} file${plan.uploads.length > 1 ? 's' : ''}`, () =>
        uploadAll(client(), plan.uploads, settings.workspace, log, ctx.clock),
      );
      // Hedra may answer with asset ids of its own: the request names those.
      const body = withAssetIds(plan.body, renamed);
      const stored = withAssetIds(plan.settings, renamed);
      return { ...plan, body, request: body, settings: stored, inputAssetIds: inputAssetIds(stored) };
    },

    async submit(plan, state): Promise<Submission> {
      state.attempted = plan.generationIds;
      const created = await client().createGeneration(plan.body, plan.generationIds, () => {
        state.outcomeUnknown = true;
      });
      const ids = createdIds(plan.generationIds, created);
      const confirmed = ids.generationIds.filter(Boolean);
      if (confirmed.length > 0) state.created = confirmed;
      state.attempted = undefined;
      // With derived ids, "already exists" on a first attempt means another run with the same inputs made it
      // (between the lookup and this create): it paid, this one waits for its result.
      const madeByAnother = plan.derive !== undefined && created.adopted === 'already-existed' && !state.outcomeUnknown;
      if (madeByAnother) {
        log.info(`Generation ${confirmed.join(', ')} was just created by another run with the same inputs: waiting for it instead of paying for another.`);
      } else if (confirmed.length > 0) {
        log.info(`Created ${plan.settings.type} generation ${confirmed.join(', ')} (asset ${ids.assetIds.filter(Boolean).join(', ')}).`);
      }
      if (plan.derive && ids.generationIds.some((id, i) => id && id !== plan.generationIds[i])) {
        log.warning('Hedra created the generation under ids other than the ones the action derived from the inputs: a re-run cannot find it to reuse.');
      }
      for (const refused of ids.failedAtCreation) {
        log.warning(`Hedra refused batch item ${refused.index + 1} at creation (requested as generation ${refused.requestedId}): ${refused.reason}`);
      }
      return {
        ids: ids.generationIds,
        assetIds: ids.assetIds,
        refused: ids.failedAtCreation,
        paidElsewhere: new Set(madeByAnother ? confirmed : []),
        reused: madeByAnother ? { waited: true } : undefined,
        etaSec: created.eta_sec ?? undefined,
      };
    },

    // Asked by the documented list filter: the status endpoint's answer for an unknown id is undocumented.
    async unknownIds(ids) {
      const known = new Set((await client().list(ids)).map((status) => status.id));
      return ids.filter((id) => !known.has(id));
    },

    async follow(ids, handlers, etaSec) {
      const { control } = ctx.transport();
      await waitForGenerations((id) => client().status(id), ids, {
        deadline: control.deadline,
        startedAt: ctx.clock(),
        clock: ctx.clock,
        sleep: (ms) => control.sleep(ms),
        etaSec,
        log,
        list: (pending) => client().listWithResults(pending),
        // A final answer from the list carries what the generation cost: no need to ask again.
        onFinal: (id, status) => handlers.onFinal(id, status, costOf(status as ListedGeneration)),
      });
    },

    /** Costs the list answers carried while waiting are known; the others are read in one request. */
    async charged(ids, known) {
      const costs = new Map(known);
      const missing = ids.filter((id) => !costs.has(id));
      if (missing.length > 0) {
        for (const generation of await client().list(missing)) {
          const cost = costOf(generation);
          if (cost) costs.set(generation.id, cost);
        }
      }
      return costs;
    },
  };
}

/** A generation's credit_cost, when the answer (the list's) carries one. */
function costOf(status: Pick<ListedGeneration, 'credit_cost'>): Money | undefined {
  return typeof status.credit_cost === 'number' ? credits(status.credit_cost) : undefined;
}
