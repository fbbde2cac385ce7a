// Waits for items (generations, jobs) to finish: polls their status on the schedule of
// poll-schedule.ts, logs each meaningful change once, and stops at the
// deadline. The clock and sleep are parameters so that the benchmark can run
// this very code against simulated time.

import type { Log } from '../action/log.js';
import { DeadlineReached } from '../core/errors.js';
import { FINAL_STATUSES, type ItemStatus, WaitTimeout } from './api.js';
import { nextPollDelay, type Observation } from './poll-schedule.js';

const KNOWN_STATUSES = ['queued', 'processing', 'finalizing', ...FINAL_STATUSES];

export interface WaitOptions {
  /** Absolute time on `clock` by which waiting must end. */
  deadline: number;
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  /** eta_sec from the create answer. */
  etaSec?: number;
  /** When the generations were created (or the wait began). */
  startedAt: number;
  log: Pick<Log, 'info' | 'warning'>;
  /**
   * The statuses of several generations in one request (GET /generations?ids=):
   * when given, a round with more than one pending generation makes one
   * request, not one per generation. Generations it does not return are asked
   * again next round.
   */
  list?: (ids: string[]) => Promise<ItemStatus[]>;
  /** Called once for each generation as soon as it is complete or failed (downloads start then). */
  onFinal?: (id: string, status: ItemStatus) => void;
}

/** A log line for a status change or a progress step of 10 %, and nothing for polls that changed nothing. */
function describeChange(id: string, now: ItemStatus, before: ItemStatus | undefined, batch: boolean): string | undefined {
  const step = (s: ItemStatus | undefined) => Math.floor((s?.progress ?? 0) * 10);
  if (before && before.status === now.status && step(before) === step(now)) return undefined;
  const who = batch ? `Generation ${id}` : 'Generation';
  const progress = now.status === 'processing' && now.progress != null ? ` ${Math.round(now.progress * 100)}%` : '';
  return `${who}: ${now.status}${progress}`;
}

/**
 * Polls each generation until it is complete or failed; answers in the order
 * of `ids`. Throws WaitTimeout (with the last status of each) at the deadline.
 */
export async function waitForGenerations(status: (id: string) => Promise<ItemStatus>, ids: string[], options: WaitOptions): Promise<ItemStatus[]> {
  const last = new Map<string, ItemStatus | undefined>(ids.map((id) => [id, undefined]));
  const history = new Map<string, Observation[]>(ids.map((id) => [id, []]));
  const warned = new Set<string>();
  try {
    return await pollUntilFinal(status, ids, options, last, history, warned);
  } catch (error) {
    // The run's deadline can also strike during a poll or a sleep: the same timeout, with what was seen.
    if (error instanceof DeadlineReached) throw new WaitTimeout(last);
    throw error;
  }
}

async function pollUntilFinal(
  status: (id: string) => Promise<ItemStatus>,
  ids: string[],
  options: WaitOptions,
  last: Map<string, ItemStatus | undefined>,
  history: Map<string, Observation[]>,
  warned: Set<string>,
): Promise<ItemStatus[]> {
  for (;;) {
    const pending = ids.filter((id) => !FINAL_STATUSES.includes(last.get(id)?.status ?? ''));
    for (const now of await statusesOf(pending, status, options.list)) {
      const id = now.id;
      const line = describeChange(id, now, last.get(id), ids.length > 1);
      if (line) options.log.info(line);
      if (!KNOWN_STATUSES.includes(now.status) && !warned.has(now.status)) {
        warned.add(now.status);
        options.log.warning(`Hedra reported a status this action does not know ("${now.status}"); waiting on as if it were still running.`);
      }
      last.set(id, now);
      history.get(id)!.push({ at: options.clock(), status: now.status, progress: now.progress ?? 0 });
      if (FINAL_STATUSES.includes(now.status)) options.onFinal?.(id, now);
    }
    const stillPending = ids.filter((id) => !FINAL_STATUSES.includes(last.get(id)?.status ?? ''));
    if (stillPending.length === 0) return ids.map((id) => last.get(id)!);

    const now = options.clock();
    if (now >= options.deadline) throw new WaitTimeout(last);
    const delay = Math.min(
      ...stillPending.map((id) => nextPollDelay({ now, startedAt: options.startedAt, etaSec: options.etaSec, history: history.get(id)! })),
    );
    await options.sleep(Math.min(delay, options.deadline - now));
  }
}

/** This round's answers for the pending ids: one list request for several, else one status request each. */
async function statusesOf(pending: string[], status: (id: string) => Promise<ItemStatus>, list: WaitOptions['list']): Promise<ItemStatus[]> {
  if (pending.length > 1 && list) {
    const wanted = new Set(pending);
    return (await list(pending)).filter((answer) => wanted.has(answer.id));
  }
  const answers: ItemStatus[] = [];
  for (const id of pending) answers.push({ ...(await status(id)), id });
  return answers;
}
