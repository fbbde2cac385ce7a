// What the user reads when a run fails: the error, plus what exists on
// Hedra's side and how to pick it up without paying again. Pure.
import { Cancelled, DeadlineReached, GenerationFailed, HedraError } from '../errors.js';
import type { GenerationStatus } from '../hedra/client.js';
import type { WaitTimeout } from '../hedra/wait.js';
import { formatDuration } from './format.js';

/** Where the run is and what exists on Hedra's side so far, for failure messages: nothing may be lost. */
export interface RunState {
  phase: 'reading inputs' | 'uploading' | 'creating the generation' | 'waiting' | 'downloading' | 'reporting';
  /** Ids sent in a create request whose answer has not arrived. */
  attempted?: string[];
  /** Ids Hedra confirmed. */
  created?: string[];
}

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
  // An error answer from Hedra means the create did not happen; anything else
  // (a lost connection, an answer we could not read) leaves it unknown, so name the ids to check.
  if (state.attempted && !(error instanceof HedraError)) {
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

/** Hedra's reason for a failed generation, in one line: error type, message, reason code, parameter, credits. */
export function failureReason(status: GenerationStatus): string {
  const e = status.error;
  if (!e) return status.error_message ?? 'Hedra gave no reason';
  const details = [
    e.reason_code && `reason ${e.reason_code}`,
    e.param && `parameter ${e.param}`,
    e.credits_needed != null && `${e.credits_needed} credits needed`,
    e.credits_available != null && `${e.credits_available} available`,
  ].filter(Boolean);
  return `${[e.type, e.message].filter(Boolean).join(': ')}${details.length ? ` (${details.join('; ')})` : ''}`;
}

/** One line per failed item, for the step's failure. */
export function failedItemsMessage(failed: { generationId: string; status: GenerationStatus }[]): string {
  return failed.map((item) => `Generation ${item.generationId} failed: ${failureReason(item.status)}.`).join('\n');
}
