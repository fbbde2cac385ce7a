// What the user reads when a run fails: the error, plus what exists on
// Hedra's side and how to pick it up without paying again. Pure.

import { Cancelled, DeadlineReached, GenerationFailed } from '../core/errors.js';
import { formatDuration } from '../core/format.js';
import { said } from '../core/outside.js';
import type { ItemResult, ItemStatus, RunState, WaitTimeout } from '../hedra/api.js';
import { HttpError } from '../http/errors.js';
import { wasNeverSent } from '../http/retry.js';

/** How to pick up generations that exist, without paying again. */
export function resumeHint(ids: string[]): string {
  return `run this action with generation-id: ${ids.join(',')}`;
}

/** The error, plus what exists on Hedra's side and how to pick it up. */
export function failureMessage(error: unknown, state: RunState): string {
  let message = error instanceof Error ? error.message : String(error);
  if (error instanceof Cancelled) message = `Cancelled (${error.signal}) while ${state.phase}.`;
  if (error instanceof DeadlineReached) message = `Gave up after ${formatDuration(error.timeoutMs)} (input "timeout") while ${state.phase}.`;
  if (error instanceof GenerationFailed) return message;
  // A submit still unanswered (v3's job has no id before the answer): what may exist, and how to find it.
  const unanswered = state.mayExist ? `\n${state.mayExist}` : '';
  if (state.created) {
    return `${message}\nGeneration ${state.created.join(', ')} exists on Hedra's side; to pick it up without paying again, ${resumeHint(state.created)}${unanswered}`;
  }
  if (unanswered) return `${message}${unanswered}`;
  // An error answer from Hedra, or a request that never left this machine,
  // means the create did not happen; anything else (a lost connection, an
  // answer we could not read) leaves it unknown, so name the ids to check.
  if (state.attempted && wasNeverSent(error)) {
    return `${message}\nThe request never left this machine: no generation was created, and nothing was billed.`;
  }
  if (state.attempted && (state.outcomeUnknown || !(error instanceof HttpError))) {
    return `${message}\nThe generation may exist on Hedra's side under id ${state.attempted.join(', ')}; check before running again (generation-id: ${state.attempted.join(',')} picks it up if it does).`;
  }
  return message;
}

/**
 * The ids a failure names as existing, or possibly existing, before the run set the id outputs (during the
 * submit): the outputs name them too, so that a later step can pick them up.
 */
export function idsToName(error: unknown, state: RunState): string[] | undefined {
  if (state.phase !== 'creating the generation') return undefined;
  if (state.created) return state.created;
  if (state.attempted && (state.outcomeUnknown || (!(error instanceof HttpError) && !wasNeverSent(error)))) return state.attempted;
  return undefined;
}

/** Waiting ran out of time: what each generation was doing, and that it is paid for and can be picked up. */
export function waitTimeoutMessage(timeout: WaitTimeout, ids: string[], timeoutMs: number): string {
  const states = ids.map((id) => {
    if (timeout.unread.has(id)) return `${id} (ended; its result is not readable yet)`;
    const s = timeout.last.get(id);
    const progress = s?.status === 'processing' && s.progress != null ? ` ${Math.round(s.progress * 100)}%` : '';
    return `${id} (${s ? `${s.status}${progress}` : 'no status yet'})`;
  });
  // Not a failure: Hedra's result store lags the job's status, and the result is paid for.
  const lag =
    timeout.unread.size > 0
      ? `Hedra said ${[...timeout.unread].join(', ')} had ended, but did not yet give its result (the result lags the status): it is not a failure. `
      : '';
  const what = ids.every((id) => timeout.unread.has(id)) ? "The result is kept on Hedra's side" : "The generation keeps running on Hedra's side";
  return (
    `Gave up waiting after ${formatDuration(timeoutMs)} (input "timeout"): ${states.join(', ')}. ${lag}` +
    `${what} and is already paid for; to wait for it and download it without paying again, ${resumeHint(ids)}`
  );
}

/** One `violations` entry as `field: message` (the spec gives them as field/message pairs). */
function violationLine(violation: Record<string, unknown>): string {
  const { field, message } = violation;
  if (typeof field === 'string' && typeof message === 'string') return `${field}: ${message}`;
  return Object.entries(violation)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(', ');
}

/** Hedra's reason for a failed generation, in one line (outside text: core/outside.ts's said()): error type, message, reason code, parameter, credits. */
export function failureReason(status: ItemStatus): string {
  return said(reasonOf(status));
}

function reasonOf(status: ItemStatus): string {
  const e = status.error;
  if (!e) return status.error_message ?? 'Hedra gave no reason';
  const details = [
    e.reason_code && `reason ${e.reason_code}`,
    e.param && `parameter ${e.param}`,
    ...(e.violations ?? []).slice(0, 20).map((v) => violationLine(v)),
    e.credits_needed != null && `${e.credits_needed} credits needed`,
    e.credits_available != null && `${e.credits_available} available`,
  ].filter(Boolean);
  return `${[e.type, e.message].filter(Boolean).join(': ')}${details.length ? ` (${details.join('; ')})` : ''}`;
}

/** One line per failed item, for the step's failure: `items` are all the run's items, in order. */
export function failedItemsMessage(items: ItemResult[]): string {
  return items
    .flatMap((item, index) => {
      if (item.status.status !== 'error') return [];
      if (item.refusedAtCreation) {
        return [
          `Batch item ${index + 1} (requested as generation ${item.refusedAtCreation.requestedId}) was refused at creation: ${failureReason(item.status)}.`,
        ];
      }
      return [`Generation ${item.generationId} failed: ${failureReason(item.status)}.`];
    })
    .join('\n');
}
