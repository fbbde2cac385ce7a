// The end of every run that has work on Hedra's side: follow each item to its
// end, download each result as soon as it is ready (while the others are still
// followed), read what it cost, report; fail if any item failed. The same for
// a run that created the work, reused it, or picked it up (`generation-id`).
import { GenerationFailed, isStop, said } from '../core/errors.js';
import { type Money, rounded } from '../core/money.js';
import { type ItemResult, type ItemStatus, type Submission, WaitTimeout } from '../hedra/api.js';
import { downloadQueue } from '../media/download.js';
import { failedItemsMessage, waitTimeoutMessage } from '../report/failures.js';
import type { Spending } from '../report/outputs.js';
import { reportResults, setOutputs } from '../report/results.js';
import type { SummaryInput } from '../report/summary.js';
import type { Run } from './context.js';

export interface CollectOptions {
  summary: Omit<SummaryInput, 'items' | 'elapsedMs'>;
  spending: Spending;
  /** The request as sent, for the manifest (undefined when picked up). */
  request?: unknown;
  inputAssetIds: Record<string, string | string[]>;
}

/** The items as the run starts following them: those Hedra refused at creation are final already. */
function startingItems(submission: Submission): ItemResult[] {
  return submission.ids.map((id, index) => {
    if (id) return { generationId: id, status: { id, status: 'queued' } };
    const refused = submission.refused.find((f) => f.index === index);
    return {
      generationId: '',
      status: { id: '', status: 'error', error_message: refused?.reason ?? 'refused at creation' },
      refusedAtCreation: { requestedId: refused?.requestedId ?? '' },
    };
  });
}

const capitalized = (noun: string) => `${noun.charAt(0).toUpperCase()}${noun.slice(1)}`;

export async function collect(run: Run, submission: Submission, options: CollectOptions): Promise<void> {
  const { api, log, settings, state } = run;
  const items = startingItems(submission);
  // Never wait on an id Hedra did not confirm: items refused at creation are final already.
  const confirmed = submission.ids.filter(Boolean);
  const downloads = settings.download
    ? await downloadQueue({ transport: run.transport(), log, clock: run.time.now }, settings.outputPath, items.length)
    : undefined;
  const costs = new Map<string, Money>();
  const ended = (id: string, status: ItemStatus, cost?: Money) => {
    if (cost) costs.set(id, cost);
    const index = submission.ids.indexOf(id);
    const item = items[index];
    item.status = status;
    if (status.status !== 'complete' || !downloads) return;
    if (status.voice_id) {
      log.info(`${capitalized(api.noun)} ${id} made voice ${status.voice_id}: a voice, not a file, so nothing is downloaded (step output voice-id).`);
      return;
    }
    if (!status.download_url) {
      log.info(`${capitalized(api.noun)} ${id} produced no downloadable file (a ${status.type ?? 'result'}).`);
      return;
    }
    downloads.add(index, { url: status.download_url, name: status.asset_id ?? id }, (file) => {
      item.file = file;
    });
  };

  state.phase = 'waiting';
  if (confirmed.length > 0) {
    try {
      await log.group(`Waiting for ${api.noun} ${confirmed.join(', ')}`, () => api.follow(confirmed, { onFinal: ended }, submission.etaSec));
    } catch (error) {
      if (!(error instanceof WaitTimeout)) throw error;
      const lastStatus = error.last.get(confirmed[0])?.status;
      if (lastStatus) setOutputs(log, { status: lastStatus });
      throw new GenerationFailed(waitTimeoutMessage(error, confirmed, settings.timeoutMs));
    }
  }

  state.phase = 'downloading';
  if (downloads) await log.group('Downloading', () => downloads.settle());

  state.phase = 'reporting';
  const spending = { ...options.spending, ...(await charged(run, confirmed, submission.paidElsewhere, costs)) };
  await reportResults({
    log,
    env: run.env,
    settings,
    items,
    request: options.request,
    inputAssetIds: options.inputAssetIds,
    summary: { ...options.summary, spending, elapsedMs: run.time.now() - run.startedAt },
    spending,
  });
  if (items.some((item) => item.status.status === 'error')) throw new GenerationFailed(failedItemsMessage(items));
}

/**
 * What Hedra charged for the items this run paid for (those another run paid for cost nothing), once they
 * ended: the total only when every item's cost is known. A paid result never fails over it: unreadable, it is
 * left out.
 */
async function charged(run: Run, ids: string[], paidElsewhere: Set<string>, known: Map<string, Money>): Promise<Pick<Spending, 'charged' | 'perItem'>> {
  const paid = ids.filter((id) => !paidElsewhere.has(id));
  let costs: Map<string, Money> | undefined = known;
  try {
    if (paid.length > 0) costs = await run.api.charged(paid, known);
  } catch (error) {
    if (isStop(error)) throw error;
    run.log.info(`Could not read what the ${run.api.noun}s cost (${said(error)}).`);
    costs = known;
  }
  const perItem = new Map([...(costs ?? known)].map(([id, cost]) => [id, cost.amount]));
  if (!costs || paid.some((id) => !costs.has(id))) return { perItem };
  return { charged: rounded(paid.reduce((sum, id) => sum + (costs.get(id)?.amount ?? 0), 0)), perItem };
}
