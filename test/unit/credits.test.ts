import { describe, expect, it } from 'vitest';
import { spendable } from '../../src/apis/v2/balance.ts';
import { type Model, readCatalogue } from '../../src/apis/v2/catalogue.ts';
import { describeEstimate, type Estimate, estimateCredits, priced } from '../../src/apis/v2/estimate.ts';
import { assetIdFor, decideReuse, type Found, inputDifference } from '../../src/apis/v2/reuse.ts';
import { canonicalJson } from '../../src/core/json.ts';
import { credits } from '../../src/core/money.ts';
import { derivedUuid, generationIdsFor, SLOTS } from '../../src/hedra/derived-ids.ts';
import { overBudget, tooLittleBalance } from '../../src/pipeline/guards.ts';

const model = (fields: Record<string, unknown>): Model => readCatalogue([{ slug: 'x/y', type: 'video', ...fields }])[0];
const known = (estimate: Estimate) => {
  if (!estimate.known) throw new Error(estimate.reason);
  return estimate;
};

describe('estimateCredits', () => {
  const perSecond = model({
    durations: ['5s', '10s'],
    default_resolution: '720p',
    pricing: { base_cost: 0, credits_per_second: 10, modifiers: { resolution: { '720p': 1.5, '1080p': 2 }, generate_audio: { false: 0.5 } } },
  });
  it('per second: the duration asked, the modifiers that apply, every batch item', () => {
    const estimate = known(
      estimateCredits(perSecond, { generated_video_inputs: { duration_ms: 10_000, resolution: '1080p', generate_audio: false }, generation_ids: ['a', 'b'] }),
    );
    expect(estimate).toMatchObject({ perItem: 100, items: 2, credits: 200, lowerBound: false });
    expect(describeEstimate(estimate)).toBe('200 credits (2 × 100: 10/s × 10s (as asked), resolution 1080p ×2, generate_audio false ×0.5)');
  });
  it("per second: the model's default duration and resolution when the request names none", () => {
    const estimate = known(estimateCredits(perSecond, { generated_video_inputs: {} }));
    expect(estimate.credits).toBe(75); // 10 × 5 × 1.5
    expect(estimate.basis).toContain("(the model's default)");
  });
  it('an unset generate_audio is priced as audio on, as the spec says it means', () => {
    const m = model({ durations: ['4s'], pricing: { base_cost: 0, credits_per_second: 10, modifiers: { generate_audio: { true: 2, false: 1 } } } });
    expect(known(estimateCredits(m, { generated_video_inputs: {} })).credits).toBe(80);
    expect(known(estimateCredits(m, { generated_video_inputs: { generate_audio: false } })).credits).toBe(40);
  });
  it('rounds up, forgiving float noise', () => {
    const m = model({ pricing: { base_cost: 0, credits_per_second: 3, modifiers: { resolution: { '720p': 1.1 } } } });
    expect(known(estimateCredits(m, { generated_video_inputs: { duration_ms: 10_000, resolution: '720p' } })).credits).toBe(33);
    expect(known(estimateCredits(m, { generated_video_inputs: { duration_ms: 10_100 } })).credits).toBe(31);
  });
  it('per second with a length that follows an input: a lower bound', () => {
    const estimate = known(estimateCredits(model({ pricing: { base_cost: 2, credits_per_second: 6 } }), { type: 'video' }));
    expect(estimate).toMatchObject({ credits: 2, lowerBound: true });
    expect(describeEstimate(estimate)).toBe("at least 2 credits (2 base, 6/s × the input's length)");
  });
  it('per generation, with a modifier on target_resolution (upscales)', () => {
    const m = model({ type: 'image_upscale', pricing: { base_cost: 4, credits_per_second: 0, modifiers: { resolution: { '4K': 3 } } } });
    expect(known(estimateCredits(m, { target_resolution: '4K' })).credits).toBe(12);
    expect(known(estimateCredits(m, { batch_size: 3 })).credits).toBe(12);
  });
  it('price_details: per character, per second and per generation, over unit_scale', () => {
    const chars = model({ type: 'text_to_speech', pricing: null, price_details: { credit_cost: 2, unit_scale: 100, billing_unit: 'character' } });
    expect(known(estimateCredits(chars, { text: 'x'.repeat(250) })).credits).toBe(5);
    expect(known(estimateCredits(chars, { text: '😀'.repeat(100) })).credits).toBe(2); // characters, not UTF-16 units
    const seconds = model({ pricing: null, durations: ['8s'], price_details: { credit_cost: 3, unit_scale: 1, billing_unit: 'Second' } });
    expect(known(estimateCredits(seconds, { text_to_sound: true, duration_seconds: 4 })).credits).toBe(12);
    expect(known(estimateCredits(seconds, {})).credits).toBe(24);
    const each = model({ pricing: null, price_details: { credit_cost: 7, unit_scale: 1, billing_unit: 'generation' } });
    expect(known(estimateCredits(each, {})).credits).toBe(7);
  });
  it('unknown: no model, no pricing at all, a billing unit the action does not know', () => {
    expect(estimateCredits(undefined, {})).toMatchObject({ known: false });
    expect(estimateCredits(model({}), {})).toEqual({ known: false, reason: 'the model x/y: the catalogue gives no pricing for it' });
    expect(estimateCredits(model({ price_details: { credit_cost: 1, unit_scale: 1, billing_unit: 'token' } }), {})).toEqual({
      known: false,
      reason: 'the model x/y: its billing unit "token" is not one the action knows',
    });
    expect(describeEstimate({ known: false, reason: 'why' })).toBe('unknown: why');
  });
});

describe('the guards', () => {
  const estimate = (amount: number, lowerBound = false) => priced({ known: true, credits: amount, perItem: amount, items: 1, lowerBound, basis: 'b' });
  it('max-credits: at or under passes, over refuses, unknown and lower bounds refuse (fail closed)', () => {
    expect(overBudget(estimate(100), credits(100))).toBeUndefined();
    expect(overBudget(estimate(101), credits(100))).toContain('is over "max-credits" (100 credits)');
    expect(overBudget({ known: false, reason: 'no catalogue' }, credits(100))).toContain('cannot be estimated (no catalogue)');
    expect(overBudget(estimate(5, true), credits(100))).toContain('only known to be at least 5 credits');
  });
  it('max-credits on v3 names its unit: US dollars', () => {
    const usd = { known: true as const, total: { amount: 0.25, unit: 'USD' }, each: { amount: 0.25, unit: 'USD' }, items: 1, lowerBound: false, text: '$0.25' };
    expect(overBudget(usd, { amount: 0.2, unit: 'USD' })).toContain('is over "max-credits" ($0.20 (US dollars on v3, the API wallet\'s unit))');
  });
  it('the balance: the largest of remaining and any pool; refuses only when the estimate is over it', () => {
    const balance = spendable({
      remaining: 10,
      pools: [
        { workspace: 'w1', available: 40 },
        { workspace: 'w2', available: 25 },
      ],
    });
    expect(balance.available).toEqual(credits(40));
    expect(tooLittleBalance(estimate(40), balance)).toBeUndefined();
    expect(tooLittleBalance(estimate(41), balance)).toBe(
      'Not enough Hedra credits: this run needs 41 credits (b) and 40 credits (the largest workspace pool) can be spent. Nothing was paid. Add credits to the account, or ask for less. To download work already paid for, pick it up with input "generation-id" (no guard applies).',
    );
    expect(tooLittleBalance(estimate(11), spendable({ remaining: 10, pools: [] }))).toContain('and 10 credits can be spent. Nothing');
    expect(tooLittleBalance({ known: false, reason: 'r' }, spendable({ remaining: 0, pools: [] }))).toBeUndefined();
  });
});

describe('derived ids', () => {
  it('canonical JSON sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[2,{"y":2,"z":1}]},"b":1}');
  });
  it('a UUID (version-4 layout) per key and label: stable, and different under another key or label', () => {
    const id = derivedUuid('key-1', 'label');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(derivedUuid('key-1', 'label')).toBe(id);
    expect(derivedUuid('key-2', 'label')).not.toBe(id);
    expect(derivedUuid('key-1', 'label2')).not.toBe(id);
  });
  it('one id per batch item and slot; asset ids by file content and kind', () => {
    const slot0 = generationIdsFor('k', 'content', 0, 3);
    expect(new Set([...slot0, ...generationIdsFor('k', 'content', 1, 3)]).size).toBe(6);
    expect(assetIdFor('k', 'https://a', 'image', 'abc')).toBe(assetIdFor('k', 'https://a', 'image', 'abc'));
    expect(assetIdFor('k', 'https://a', 'image', 'abc')).not.toBe(assetIdFor('k', 'https://a', 'audio', 'abc'));
  });
});

describe('inputDifference', () => {
  const sent = { type: 'video', generation_id: 'mine', generated_video_inputs: { text_prompt: 'p', duration_ms: 5000 } };
  it('ignores the ids and the fields Hedra added', () => {
    expect(
      inputDifference({ type: 'video', generation_id: 'other', extra: 1, generated_video_inputs: { text_prompt: 'p', duration_ms: 5000, seed: 3 } }, sent),
    ).toBeUndefined();
  });
  it('ignores the fields naming input assets: the content key covers them, and Hedra may store a file under an id of its own', () => {
    const withMedia = { ...sent, start_keyframe_id: 'derived', reference_image_ids: ['derived'], audio_id: 'derived' };
    expect(inputDifference({ ...sent, start_keyframe_id: 'hedras', reference_image_ids: ['hedras'], audio_id: 'x' }, withMedia)).toBeUndefined();
    expect(inputDifference({ ...sent, generation_id: 'x', start_keyframe_id: 'y' }, { ...withMedia, voice_id: 'v' })).toBe('voice_id');
  });
  it('names the first field that differs, by its path', () => {
    expect(inputDifference({ type: 'video', generated_video_inputs: { text_prompt: 'q', duration_ms: 5000 } }, sent)).toBe(
      'generated_video_inputs.text_prompt',
    );
    expect(inputDifference({ type: 'video' }, sent)).toBe('generated_video_inputs');
    expect(inputDifference({ type: 'video', generated_video_inputs: { text_prompt: 'p' } }, sent)).toBe('generated_video_inputs.duration_ms');
  });
});

describe('decideReuse', () => {
  const slots = Array.from({ length: SLOTS }, (_, s) => [`s${s}a`, `s${s}b`]);
  const body = { type: 'image', text_prompt: 'p' };
  const found = (entries: [string, string, Record<string, unknown>?][]) =>
    new Map<string, Found>(entries.map(([id, status, input]) => [id, { id, status, input: input ?? body, created_at: '2026-11-01T00:00:00Z' }]));
  it('nothing yet: create in the first slot', () => {
    expect(decideReuse(slots, new Map(), body)).toEqual({ action: 'create', ids: ['s0a', 's0b'], notes: [] });
  });
  it('all complete and the same request: reuse', () => {
    expect(
      decideReuse(
        slots,
        found([
          ['s0a', 'complete'],
          ['s0b', 'complete'],
        ]),
        body,
      ),
    ).toMatchObject({ action: 'reuse', ids: ['s0a', 's0b'], createdAt: '2026-11-01T00:00:00Z' });
  });
  it('still running: wait', () => {
    expect(
      decideReuse(
        slots,
        found([
          ['s0a', 'complete'],
          ['s0b', 'processing'],
        ]),
        body,
      ),
    ).toMatchObject({ action: 'wait', ids: ['s0a', 's0b'] });
  });
  it('failed, partial or different: the next slot, saying why', () => {
    const decision = decideReuse(
      slots,
      found([
        ['s0a', 'complete'],
        ['s0b', 'error'],
        ['s1a', 'complete'],
        ['s2a', 'complete', { type: 'image', text_prompt: 'other' }],
        ['s2b', 'complete', { type: 'image', text_prompt: 'other' }],
      ]),
      body,
    );
    expect(decision).toMatchObject({ action: 'create', ids: ['s3a', 's3b'] });
    expect(decision.notes).toEqual([
      'Generation s0a, s0b, from the same inputs, failed, so a new one is made.',
      'Generation s1a, s1b exists only in part (an item was refused at creation), so it is not reused.',
      'Generation s2a, s2b was made from a different request (text_prompt differs), so it is not reused.',
    ]);
  });
  it('a status the action does not know (one that may never end) is not waited for: the next slot', () => {
    const decision = decideReuse(
      slots,
      found([
        ['s0a', 'cancelled'],
        ['s0b', 'complete'],
      ]),
      body,
    );
    expect(decision).toMatchObject({ action: 'create', ids: ['s1a', 's1b'] });
    expect(decision.notes).toEqual(['Generation s0a, s0b, from the same inputs, is "cancelled", so a new one is made.']);
    expect(
      decideReuse(
        slots,
        found([
          ['s0a', 'queued'],
          ['s0b', 'finalizing'],
        ]),
        body,
      ).action,
    ).toBe('wait');
  });
  it('every slot taken: fresh ids', () => {
    const all = found(slots.flat().map((id) => [id, 'error'] as [string, string]));
    const decision = decideReuse(slots, all, body);
    expect(decision.action).toBe('fresh');
    expect(decision.notes.at(-1)).toContain('gets fresh ids');
  });
  it('a found generation without its input is taken on the derived id', () => {
    const noInput = new Map<string, Found>([
      ['s0a', { id: 's0a', status: 'complete' }],
      ['s0b', { id: 's0b', status: 'complete' }],
    ]);
    expect(decideReuse(slots, noInput, body).action).toBe('reuse');
  });
});
