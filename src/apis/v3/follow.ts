// Waits for v3 jobs: each job's server-sent-events stream first (Hedra pushes
// every status change, so nothing is polled), and when a stream is refused,
// breaks, ends early or falls silent, polling that job's status on the same
// schedule as v2 (never more often than every 2 s: poll-schedule.ts), through
// the same waiting code (../wait.ts), v3's statuses read in v2's words.
import type { Log } from '../../action/log.js';
import { Cancelled, DeadlineReached } from '../../core/errors.js';
import { name } from '../../core/outside.js';
import { type ItemStatus, WaitTimeout } from '../../hedra/api.js';
import { waitForGenerations } from '../../hedra/poll.js';
import { MIN_DELAY_MS } from '../../hedra/poll-schedule.js';
import { readEventStream, type ServerSentEvent } from '../../http/sse.js';
import { HedraV3Client, type V3Status } from './client.js';

/** v3's job statuses in the words the shared waiting and reporting use. */
const AS_V2: Record<string, string> = { IN_QUEUE: 'queued', IN_PROGRESS: 'processing', COMPLETED: 'complete', FAILED: 'error' };

export function asItemStatus(job: string, status: V3Status): ItemStatus {
  // A status Hedra's document does not list is shown only when it has the shape of a name (it reaches the log).
  return { id: job, status: AS_V2[status.status] ?? name(status.status.toLowerCase()) ?? 'unknown', progress: status.progress ?? undefined };
}

const isFinal = (status: V3Status | undefined) => status?.status === 'COMPLETED' || status?.status === 'FAILED';

/** The stream's last frame: `event: done`, `data: [STREAM_DONE]`. */
const STREAM_DONE = '[STREAM_DONE]';

/** At most one status line a second per job (a status that flaps would otherwise flood the log); a final one always. */
const LINE_EVERY_MS = 1000;

/**
 * How long a stream may go on without a word about the status (keep-alives, logs, bytes without an end of line)
 * before the status is read once: a few poll intervals (6 s), shorter with a short `timeout` (a tenth of it, at
 * least one poll interval), so that a run never spends much of its time not knowing.
 */
export const silentAfter = (timeoutMs: number) => Math.min(3 * MIN_DELAY_MS, Math.max(MIN_DELAY_MS, timeoutMs / 10));

export interface JobWaitOptions {
  client: HedraV3Client;
  log: Pick<Log, 'info' | 'warning' | 'debug'>;
  deadline: number;
  clock: () => number;
  /** Sleeps `ms`, unless the run or `signal` is aborted first (then rejects). */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** How long the stream may say nothing of the status (while saying something) before the status is read: silentAfter. */
  silentMs: number;
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
  };

  let why: string;
  try {
    why = await readStream(job, options, note);
  } catch (error) {
    if (error instanceof Cancelled || error instanceof DeadlineReached) throw error;
    why = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
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

/** The alarm of a stream that has said nothing of the status for a while. */
const SILENT = Symbol('silent');

/**
 * Reads the job's stream until it reports the job ended (or says it is done); resolves with why it
 * stopped early otherwise. A refusal or a broken connection rejects. A stream that keeps talking (keep-alives,
 * logs, bytes that never end a line: the stall watchdog never fires) but says nothing of the status for
 * `silentMs` is checked with one status read, and again each `silentMs` while it stays so; a stream silent
 * altogether is the stall watchdog's.
 */
async function readStream(job: string, options: JobWaitOptions, note: (status: V3Status) => void): Promise<string> {
  const stream = await options.client.openStream(job);
  let talked = false;
  const events = readEventStream(stream.body, () => {
    talked = true;
    stream.touch();
  })[Symbol.asyncIterator]();
  const quiet = new AbortController();
  let heardAt = options.clock();
  let reads = 0;
  let alarm: Promise<typeof SILENT> | undefined;
  let next: Promise<IteratorResult<ServerSentEvent>> | undefined;
  try {
    for (;;) {
      next ??= events.next();
      alarm ??= options.sleep(Math.max(0, heardAt + options.silentMs - options.clock()), quiet.signal).then(() => SILENT);
      const step = await Promise.race([next, alarm]);
      if (step === SILENT) {
        alarm = undefined;
        if (options.clock() - heardAt < options.silentMs) continue;
        heardAt = options.clock();
        if (!talked) continue;
        talked = false;
        const log = reads++ === 0 ? options.log.info : options.log.debug;
        log(`Job ${job}: the event stream has said nothing of the status for ${options.silentMs / 1000}s; reading the status.`);
        const status = await options.client.status(job);
        // Counted from the answer: reads are never closer than silentMs, however long one takes.
        heardAt = options.clock();
        note(status);
        if (isFinal(status)) return 'the job ended';
        continue;
      }
      next = undefined;
      if (step.done) return 'the stream ended before the job did';
      const event = step.value;
      if (event.event === 'status') {
        const status = HedraV3Client.statusFrame(event.data);
        if (!status) {
          options.log.debug(`Job ${job}: a status frame that could not be read: ${event.data.slice(0, 200)}`);
          continue;
        }
        heardAt = options.clock();
        talked = false;
        note(status);
        if (isFinal(status)) return 'the job ended';
      } else if (event.event === 'done' || event.data.trim() === STREAM_DONE) {
        return 'the stream said it was done before the job ended';
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
