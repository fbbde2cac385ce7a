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
  if (state.created) {
    return `${message}\nGeneration ${state.created.join(', ')} exists on Hedra's side; to pick it up without paying again, ${resumeHint(state.created)}`;
  }
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

/** Waiting ran out of time: what each generation was doing, and that it is paid for and can be picked up. */
export function waitTimeoutMessage(timeout: WaitTimeout, ids: string[], timeoutMs: number): string {
  const states = ids.map((id) => {
    const s = timeout.last.get(id);
    const progress = s?.status === 'processing' && s.progress != null ? ` ${Math.round(s.progress * 100)}%` : '';
    return `${id} (${s ? `${s.status}${progress}` : 'no status yet'})`;
  });
  return (
    `Gave up waiting after ${formatDuration(timeoutMs)} (input "timeout"): ${states.join(', ')}. ` +
    `The generation keeps running on Hedra's side and is already paid for; to wait for it and download it without paying again, ${resumeHint(ids)}`
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
