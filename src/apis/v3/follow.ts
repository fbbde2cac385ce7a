// Waits for v3 jobs: each job's server-sent-events stream first (Hedra pushes
// every status change, so nothing is polled). A stream Hedra closes without its
// `done` frame (it does so by design: drains, a maximum duration, after a
// `retry:`) is reconnected with Last-Event-Id, as Hedra's SDKs do, at most
// MAX_RECONNECTS times; when a stream is refused, breaks, falls silent, or is
// closed once more, that job's status is polled on the same schedule as v2
// (never more often than every 2 s: poll-schedule.ts), through the same waiting
// code (../wait.ts), v3's statuses read in v2's words. Every request (streams,
// reads) waits its turn in the key's request budget (http/budget.ts), so the
// jobs of a batch that all poll take turns.
import type { Log } from '../../action/log.js';
import { Cancelled, DeadlineReached } from '../../core/errors.js';
import { name } from '../../core/outside.js';
import { type ItemStatus, WaitTimeout } from '../../hedra/api.js';
import { waitForGenerations } from '../../hedra/poll.js';
import { nextPollDelay, type Observation } from '../../hedra/poll-schedule.js';
import { readEventStream, type ServerSentEvent } from '../../http/sse.js';
import { HedraV3Client, type V3Status } from './client.js';

/** v3's job statuses in the words the shared waiting and reporting use. */
const AS_V2: Record<string, string> = { IN_QUEUE: 'queued', IN_PROGRESS: 'processing', COMPLETED: 'complete', FAILED: 'error' };

export function asItemStatus(job: string, status: V3Status): ItemStatus {
  // A status Hedra's document does not list is shown only when it has the shape of a name (it reaches the log).
  return { id: job, status: AS_V2[status.status] ?? name(status.status.toLowerCase()) ?? 'unknown', progress: status.progress ?? undefined };
}

const isFinal = (status: V3Status | undefined) => status?.status === 'COMPLETED' || status?.status === 'FAILED';

/** The stream's last frame: `event: done`, with `data: [STREAM_DONE]` (3.9.0) or the final status as JSON (3.0.1). */
const STREAM_DONE = '[STREAM_DONE]';

/** How many times a stream Hedra closed before the job ended is opened again before the job is polled instead. */
export const MAX_RECONNECTS = 2;
/** How long to wait before reconnecting when the stream named no `retry:`. */
const RECONNECT_DEFAULT_MS = 1000;
/** The longest `retry:` honoured: a longer one is cut to it (the job is not left unwatched for minutes). */
const RECONNECT_MAX_MS = 30_000;

/** At most one status line a second per job (a status that flaps would otherwise flood the log); a final one always. */
const LINE_EVERY_MS = 1000;

/**
 * How long a stream may go on without a word about the status (keep-alives, logs, bytes without an end of line)
 * before the status is read once: the poll interval, what polling would wait at this point of the job (2 s at
 * first, longer as the job's own progress says its end is far: poll-schedule.ts), so that a job that is done is
 * noticed as soon as polling would have noticed it, and a long job's quiet stream is not polled every 2 s.
 * `history` is what the stream (and the reads) said of the status since following began at `startedAt`.
 */
export const quietCheckAfter = (now: number, startedAt: number, history: Observation[]) => nextPollDelay({ now, startedAt, history });

export interface JobWaitOptions {
  client: HedraV3Client;
  log: Pick<Log, 'info' | 'warning' | 'debug'>;
  deadline: number;
  clock: () => number;
  /** Sleeps `ms`, unless the run or `signal` is aborted first (then rejects). */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called once per job as soon as it has ended (its result is fetched then). */
  onFinal: (job: string, status: V3Status) => void;
  /** Called for a job that could not be followed to its end (its stream and then its polls failed); the others go on. */
  onLost: (job: string, error: unknown) => void;
}

/**
 * Follows every job until it has ended; resolves with their last statuses in order (undefined for a job
 * that could not be followed: see onLost). At the deadline, throws WaitTimeout with what was last seen of each.
 */
export async function waitForJobs(jobs: string[], options: JobWaitOptions): Promise<(V3Status | undefined)[]> {
  const last = new Map<string, ItemStatus | undefined>(jobs.map((job) => [job, undefined]));
  try {
    return await Promise.all(
      jobs.map((job) =>
        follow(job, options, last, jobs.length > 1).catch((error) => {
          if (error instanceof Cancelled || error instanceof DeadlineReached || error instanceof WaitTimeout) throw error;
          options.onLost(job, error);
          return undefined;
        }),
      ),
    );
  } catch (error) {
    // The run's deadline (during a stream, a poll or a sleep) or the poller's: the same timeout, with every job's view.
    if (error instanceof DeadlineReached || error instanceof WaitTimeout) throw new WaitTimeout(last);
    throw error;
  }
}

/** One job: its stream, then (if needed) polling. */
async function follow(job: string, options: JobWaitOptions, last: Map<string, ItemStatus | undefined>, batch: boolean): Promise<V3Status> {
  const who = batch ? `Job ${job}` : 'Job';
  let seen: V3Status | undefined;
  let lineAt = Number.NEGATIVE_INFINITY;
  const history: Observation[] = [];
  const startedAt = options.clock();
  const note = (status: V3Status) => {
    const before = last.get(job);
    const now = asItemStatus(job, status);
    const step = (s: ItemStatus | undefined) => Math.floor((s?.progress ?? 0) * 10);
    const changed = !before || before.status !== now.status || step(before) !== step(now);
    if (changed && (isFinal(status) || options.clock() - lineAt >= LINE_EVERY_MS)) {
      const progress = now.status === 'processing' && now.progress != null ? ` ${Math.round(now.progress * 100)}%` : '';
      options.log.info(`${who}: ${now.status}${progress}`);
      lineAt = options.clock();
    }
    last.set(job, now);
    seen = status;
    history.push({ at: options.clock(), status: now.status, progress: now.progress ?? 0 });
  };

  const where: StreamPlace = {};
  let why: string;
  for (let reconnects = 0; ; reconnects++) {
    let ended: StreamEnd;
    try {
      ended = await readStream(job, options, note, where, () => quietCheckAfter(options.clock(), startedAt, history));
    } catch (error) {
      if (error instanceof Cancelled || error instanceof DeadlineReached) throw error;
      why = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
      break;
    }
    why = ended.why;
    if (isFinal(seen) || !ended.closed) break;
    if (reconnects >= MAX_RECONNECTS) {
      why = `Hedra closed it ${reconnects + 1} times before the job ended`;
      break;
    }
    const wait = Math.min(RECONNECT_MAX_MS, where.retryMs ?? RECONNECT_DEFAULT_MS);
    const from = where.lastEventId === undefined ? 'from the start' : `after event ${name(where.lastEventId) ?? '(an id not shown)'}`;
    options.log.info(`${who}: Hedra closed the event stream before the job ended; reconnecting in ${(wait / 1000).toFixed(1)}s, ${from}.`);
    await options.sleep(wait);
  }
  if (isFinal(seen)) {
    options.onFinal(job, seen as V3Status);
    return seen as V3Status;
  }
  options.log.info(`${who}: the event stream stopped (${why}); following the job by polling its status instead.`);

  // The shared poller, on v3's status endpoint: it logs changes itself, from here on.
  let final: V3Status | undefined;
  await waitForGenerations(
    async (id) => {
      const status = await options.client.status(id);
      final = status;
      last.set(job, asItemStatus(id, status));
      return asItemStatus(id, status);
    },
    [job],
    {
      deadline: options.deadline,
      clock: options.clock,
      sleep: options.sleep,
      startedAt: options.clock(),
      log: { info: (line) => options.log.info(line.replace(/^Generation/, who)), warning: options.log.warning },
    },
  );
  options.onFinal(job, final as V3Status);
  return final as V3Status;
}

/** Where a job's stream got to, across its connections: what a reconnect sends as Last-Event-Id, and the `retry:` asked. */
interface StreamPlace {
  lastEventId?: string;
  retryMs?: number;
}

/** Why a connection of the stream stopped; `closed` when Hedra ended it cleanly before the job ended and without `done`. */
interface StreamEnd {
  why: string;
  closed: boolean;
}

/** The alarm of a stream that has said nothing of the status for a while. */
const SILENT = Symbol('silent');

/**
 * Reads the job's stream until it reports the job ended (or says it is done); resolves with why it
 * stopped early otherwise. A refusal or a broken connection rejects. A stream that keeps talking (keep-alives,
 * logs, bytes that never end a line: the stall watchdog never fires) but says nothing of the status for
 * the poll interval (quietFor) is checked with one status read, and again each interval while it stays so; a stream silent
 * altogether is the stall watchdog's.
 */
async function readStream(
  job: string,
  options: JobWaitOptions,
  note: (status: V3Status) => void,
  where: StreamPlace,
  quietFor: () => number,
): Promise<StreamEnd> {
  const stream = await options.client.openStream(job, where.lastEventId);
  let talked = false;
  const events = readEventStream(
    stream.body,
    () => {
      talked = true;
      stream.touch();
    },
    (ms) => {
      where.retryMs = ms;
    },
  )[Symbol.asyncIterator]();
  const ended = (why: string, closed = false): StreamEnd => ({ why, closed });
  const quiet = new AbortController();
  let heardAt = options.clock();
  let silentMs = quietFor();
  let reads = 0;
  let alarm: Promise<typeof SILENT> | undefined;
  let next: Promise<IteratorResult<ServerSentEvent>> | undefined;
  try {
    for (;;) {
      next ??= events.next();
      alarm ??= options.sleep(Math.max(0, heardAt + silentMs - options.clock()), quiet.signal).then(() => SILENT);
      const step = await Promise.race([next, alarm]);
      if (step === SILENT) {
        alarm = undefined;
        if (options.clock() - heardAt < silentMs) continue;
        heardAt = options.clock();
        silentMs = quietFor();
        if (!talked) continue;
        talked = false;
        const log = reads++ === 0 ? options.log.info : options.log.debug;
        log(`Job ${job}: the event stream has said nothing of the status for ${Math.round(silentMs / 100) / 10}s; reading the status.`);
        const status = await options.client.status(job);
        // Counted from the answer: reads are never closer than the interval, however long one takes.
        heardAt = options.clock();
        note(status);
        silentMs = quietFor();
        if (isFinal(status)) return ended('the job ended');
        continue;
      }
      next = undefined;
      if (step.done) return ended('the stream ended before the job did', true);
      const event = step.value;
      // An id too long to be one of Hedra's is not sent back: the stream is then resumed from its start.
      if (event.id !== undefined) where.lastEventId = event.id.length <= 256 ? event.id : undefined;
      if (event.event === 'status') {
        const status = HedraV3Client.statusFrame(event.data);
        if (!status) {
          options.log.debug(`Job ${job}: a status frame that could not be read: ${event.data.slice(0, 200)}`);
          continue;
        }
        heardAt = options.clock();
        talked = false;
        note(status);
        silentMs = quietFor();
        if (isFinal(status)) return ended('the job ended');
      } else if (event.event === 'done' || event.data.trim() === STREAM_DONE) {
        // 3.0.1's `done` carries the final status; 3.9.0's only the marker (the status came before it).
        const status = event.data.trim() === STREAM_DONE ? undefined : HedraV3Client.statusFrame(event.data);
        if (status) note(status);
        return ended(isFinal(status) ? 'the job ended' : 'the stream said it was done before the job ended');
      } else if (event.event === 'log') {
        options.log.debug(`Job ${job} log: ${event.data.slice(0, 500)}`);
      }
    }
  } finally {
    // The alarm and a read still waiting were raced (so their rejections are handled): stopping them only settles
    // them. Ending the events releases the body (after the read in flight, if any), which closes the connection.
    quiet.abort();
    events.return?.(undefined).catch(() => undefined);
    stream.stop();
  }
}
