// What a failed run says (src/report/failures.ts): the error, what exists on
// Hedra's side, and how to pick it up without paying again.

import { describe, expect, it } from 'vitest';
import { Cancelled, DeadlineReached, GenerationFailed, UnexpectedAnswer } from '../../src/core/errors.ts';
import type { ItemResult } from '../../src/hedra/api.ts';
import { WaitTimeout } from '../../src/hedra/api.ts';
import { HttpError, NetworkError } from '../../src/http/errors.ts';
import { failedItemsMessage, failureMessage, failureReason, idsToName, resumeHint, waitTimeoutMessage } from '../../src/report/failures.ts';

const G1 = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const G2 = 'bbbbcccc-dddd-4eee-8fff-aaaabbbbcccc';

describe('resumeHint', () => {
  it('names every id, comma-separated, as the input takes them', () => {
    expect(resumeHint([G1, G2])).toBe(`run this action with generation-id: ${G1},${G2}`);
  });
});

describe('failureMessage', () => {
  it('is the error alone when nothing was sent', () => {
    expect(failureMessage(new Error('Input "x" is wrong.'), { phase: 'reading inputs' })).toBe('Input "x" is wrong.');
    expect(failureMessage('a thrown string', { phase: 'uploading' })).toBe('a thrown string');
  });
  it('says what was going on when the run was cancelled or ran out of time', () => {
    expect(failureMessage(new Cancelled('SIGTERM'), { phase: 'uploading' })).toBe('Cancelled (SIGTERM) while uploading.');
    expect(failureMessage(new DeadlineReached(90_000), { phase: 'downloading' })).toBe('Gave up after 1m 30s (input "timeout") while downloading.');
  });
  it('names the generations that exist and how to pick them up', () => {
    expect(failureMessage(new DeadlineReached(60_000), { phase: 'waiting', attempted: [G1, G2], created: [G1, G2] })).toBe(
      `Gave up after 1m 00s (input "timeout") while waiting.\nGeneration ${G1}, ${G2} exists on Hedra's side; to pick it up without paying again, run this action with generation-id: ${G1},${G2}`,
    );
  });
  it('says the whole story of a failed generation as it is', () => {
    expect(failureMessage(new GenerationFailed('Generation g failed: no.'), { phase: 'waiting', created: [G1] })).toBe('Generation g failed: no.');
  });
  it('names the ids to check when the outcome of the create is unknown', () => {
    expect(failureMessage(new NetworkError('Connection reset.', 'ECONNRESET'), { phase: 'creating the generation', attempted: [G1, G2] })).toBe(
      `Connection reset.\nThe generation may exist on Hedra's side under id ${G1}, ${G2}; check before running again (generation-id: ${G1},${G2} picks it up if it does).`,
    );
    expect(failureMessage(new UnexpectedAnswer('Hedra answered without an id.', {}), { phase: 'creating the generation', attempted: [G1] })).toMatch(
      /\nThe generation may exist on Hedra's side under id /,
    );
  });
  it('says nothing was billed when the create never left this machine', () => {
    expect(failureMessage(new NetworkError('Connection refused.', 'ECONNREFUSED'), { phase: 'creating the generation', attempted: [G1] })).toBe(
      'Connection refused.\nThe request never left this machine: no generation was created, and nothing was billed.',
    );
  });
  it('adds nothing to a refusal by Hedra: the create did not happen', () => {
    expect(failureMessage(new HttpError('Hedra answered HTTP 400.', 400, {}), { phase: 'creating the generation', attempted: [G1] })).toBe(
      'Hedra answered HTTP 400.',
    );
  });
  it('adds nothing about a connection that failed before any create', () => {
    expect(failureMessage(new NetworkError('Connection refused.', 'ECONNREFUSED'), { phase: 'uploading' })).toBe('Connection refused.');
  });
});

describe('what may exist when a submit is unanswered', () => {
  const NOTE = "A job of model m may exist on Hedra's side: the submit (idempotency key k) may have reached Hedra before its answer reached this run.";
  it('says it, whatever ended the run: the deadline, a cancel, a lost connection', () => {
    const state = { phase: 'creating the generation' as const, mayExist: NOTE };
    expect(failureMessage(new DeadlineReached(2000), state)).toBe(`Gave up after 2s (input "timeout") while creating the generation.\n${NOTE}`);
    expect(failureMessage(new Cancelled('SIGINT'), state)).toBe(`Cancelled (SIGINT) while creating the generation.\n${NOTE}`);
    expect(failureMessage(new NetworkError('No answer.'), state)).toBe(`No answer.\n${NOTE}`);
  });
  it('says it after the jobs that are known', () => {
    const message = failureMessage(new DeadlineReached(2000), { phase: 'creating the generation', created: [G1], mayExist: NOTE });
    expect(message).toBe(
      `Gave up after 2s (input "timeout") while creating the generation.\nGeneration ${G1} exists on Hedra's side; to pick it up without paying again, run this action with generation-id: ${G1}\n${NOTE}`,
    );
  });
});

describe('idsToName', () => {
  it('names the jobs known during the submit, before the id outputs were set', () => {
    expect(idsToName(new DeadlineReached(1), { phase: 'creating the generation', created: [G1] })).toEqual([G1]);
    expect(idsToName(new DeadlineReached(1), { phase: 'waiting', created: [G1] })).toBeUndefined();
  });
  it('names the ids a v2 create was sent under when its outcome is unknown, not when Hedra refused it or it never left', () => {
    const state = { phase: 'creating the generation' as const, attempted: [G1, G2] };
    expect(idsToName(new DeadlineReached(1), state)).toEqual([G1, G2]);
    expect(idsToName(new HttpError('refused', 400, {}), state)).toBeUndefined();
    expect(idsToName(new HttpError('lost', 400, {}), { ...state, outcomeUnknown: true })).toEqual([G1, G2]);
    expect(idsToName(new NetworkError('never sent', 'ECONNREFUSED'), state)).toBeUndefined();
  });
});

describe('waitTimeoutMessage', () => {
  it('says a job whose result lags its status ended and is not readable yet: not a failure', () => {
    const last = new Map([[G1, { id: G1, status: 'finalizing' }]]);
    expect(waitTimeoutMessage(new WaitTimeout(last, new Set([G1])), [G1], 60_000)).toBe(
      `Gave up waiting after 1m 00s (input "timeout"): ${G1} (ended; its result is not readable yet). Hedra said ${G1} had ended, but did not yet give its result (the result lags the status): it is not a failure. The result is kept on Hedra's side and is already paid for; to wait for it and download it without paying again, run this action with generation-id: ${G1}`,
    );
  });

  it('says what each generation was doing, that it is paid for, and how to pick it up', () => {
    const last = new Map([
      [G1, { id: G1, status: 'processing', progress: 0.456 }],
      [G2, { id: G2, status: 'queued', progress: 0 }],
    ]);
    expect(waitTimeoutMessage(new WaitTimeout(last), [G1, G2], 1_800_000)).toBe(
      `Gave up waiting after 30m 00s (input "timeout"): ${G1} (processing 46%), ${G2} (queued). The generation keeps running on Hedra's side and is already paid for; to wait for it and download it without paying again, run this action with generation-id: ${G1},${G2}`,
    );
  });
  it('says when a generation was never seen, or its progress is unknown', () => {
    const last = new Map([
      [G1, undefined],
      [G2, { id: G2, status: 'processing', progress: null }],
    ]);
    expect(waitTimeoutMessage(new WaitTimeout(last), [G1, G2], 60_000)).toContain(`: ${G1} (no status yet), ${G2} (processing). `);
  });
});

describe('failureReason', () => {
  it('is the error message, or says there was none', () => {
    expect(failureReason({ id: 'g', status: 'error', error_message: 'Content flagged' })).toBe('Content flagged');
    expect(failureReason({ id: 'g', status: 'error' })).toBe('Hedra gave no reason');
  });
  it('puts every detail of an error object in one line', () => {
    const error = {
      type: 'INVALID_ARGUMENT',
      message: 'Bad input',
      reason_code: 'IMAGE_TOO_SMALL',
      param: 'start_keyframe_id',
      violations: [
        { field: 'width', message: 'at least 256 px' },
        { rule: 'aspect', limit: 2 },
      ],
      credits_needed: 0,
      credits_available: 12,
    };
    expect(failureReason({ id: 'g', status: 'error', error })).toBe(
      'INVALID_ARGUMENT: Bad input (reason IMAGE_TOO_SMALL; parameter start_keyframe_id; width: at least 256 px; rule: aspect, limit: 2; 0 credits needed; 12 available)',
    );
  });
  it('leaves out what the error object lacks', () => {
    expect(failureReason({ id: 'g', status: 'error', error: { message: 'Moderation' } })).toBe('Moderation');
    expect(failureReason({ id: 'g', status: 'error', error: { type: 'INTERNAL', credits_needed: null } })).toBe('INTERNAL');
    expect(failureReason({ id: 'g', status: 'error', error: { type: 'X', violations: [{ field: 'a', message: 5 }] } })).toBe('X (field: a, message: 5)');
    expect(failureReason({ id: 'g', status: 'error', error: { type: 'X', violations: [{ field: 3, message: 'm' }] } })).toBe('X (field: 3, message: m)');
  });
});

describe('failedItemsMessage', () => {
  it('has a line for each failed item, in order, and none for the others', () => {
    const items: ItemResult[] = [
      { generationId: G1, status: { id: G1, status: 'complete' } },
      { generationId: '', status: { id: '', status: 'error', error_message: 'prompt flagged' }, refusedAtCreation: { requestedId: G2 } },
      { generationId: G2, status: { id: G2, status: 'error', error: { type: 'INTERNAL', message: 'boom' } } },
    ];
    expect(failedItemsMessage(items)).toBe(
      `Batch item 2 (requested as generation ${G2}) was refused at creation: prompt flagged.\nGeneration ${G2} failed: INTERNAL: boom.`,
    );
  });
  it('is empty when nothing failed', () => {
    expect(failedItemsMessage([{ generationId: G1, status: { id: G1, status: 'complete' } }])).toBe('');
  });
});
