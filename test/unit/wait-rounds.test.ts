// The waiter (src/hedra/wait.ts) round by round, against scripted answers and a
// simulated clock: what it logs, what it warns about, whom it asks and how,
// how long it sleeps, and how it ends.

import { describe, expect, it } from 'vitest';
import type { GenerationStatus } from '../../src/apis/v2/client.ts';
import { DeadlineReached } from '../../src/core/errors.ts';
import { WaitTimeout } from '../../src/hedra/api.ts';
import { type WaitOptions, waitForGenerations } from '../../src/hedra/poll.ts';

/** A status answer without its id (the script adds the id asked for). */
type Answer = { status: string; progress?: number | null };
const q: Answer = { status: 'queued', progress: 0 };
const p = (progress: number | null): Answer => ({ status: 'processing', progress });
const done: Answer = { status: 'complete', progress: 1 };

/**
 * Jobs that answer from a script, one answer per status request (the last one
 * repeats); the clock moves only when the waiter sleeps.
 */
function scripted(scripts: Record<string, Answer[]>, start = 0) {
  let now = start;
  const asked: string[] = [];
  const sleeps: number[] = [];
  const info: string[] = [];
  const warnings: string[] = [];
  const answer = (id: string): GenerationStatus => {
    asked.push(id);
    const script = scripts[id];
    return { id, ...(script.length > 1 ? script.shift()! : script[0]) };
  };
  const options: WaitOptions = {
    deadline: start + 3_600_000,
    startedAt: start,
    clock: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    log: { info: (m) => void info.push(m), warning: (m) => void warnings.push(m) },
  };
  return { status: async (id: string) => answer(id), answer, asked, sleeps, info, warnings, options, clock: () => now };
}

describe('what it logs', () => {
  it('each status change and each 10 % step of progress, once', async () => {
    const job = scripted({ g: [q, q, p(0.05), p(0.08), p(0.12), p(0.19), p(0.5), { status: 'finalizing', progress: 1 }, done] });
    await waitForGenerations(job.status, ['g'], job.options);
    expect(job.info).toEqual([
      'Generation: queued',
      'Generation: processing 5%',
      'Generation: processing 12%',
      'Generation: processing 50%',
      'Generation: finalizing',
      'Generation: complete',
    ]);
  });
  it('processing without a progress figure', async () => {
    const job = scripted({ g: [p(null), p(null), done] });
    await waitForGenerations(job.status, ['g'], job.options);
    expect(job.info).toEqual(['Generation: processing', 'Generation: complete']);
  });
  it('the id of each item of a batch', async () => {
    const job = scripted({ a: [p(0.5), done], b: [q, { status: 'error', progress: 0 }] });
    await waitForGenerations(job.status, ['a', 'b'], job.options);
    expect(job.info).toEqual(['Generation a: processing 50%', 'Generation b: queued', 'Generation a: complete', 'Generation b: error']);
  });
  it('no warning for the statuses it knows', async () => {
    const job = scripted({ g: [q, p(0.5), { status: 'finalizing', progress: 1 }, done] });
    await waitForGenerations(job.status, ['g'], job.options);
    expect(job.warnings).toEqual([]);
  });
  it('one warning per status it does not know, however often it is seen', async () => {
    const job = scripted({ a: [{ status: 'paused' }, { status: 'paused' }, { status: 'held' }, done], b: [{ status: 'paused' }, done] });
    await waitForGenerations(job.status, ['a', 'b'], job.options);
    expect(job.warnings).toEqual([
      'Hedra reported a status this action does not know ("paused"); waiting on as if it were still running.',
      'Hedra reported a status this action does not know ("held"); waiting on as if it were still running.',
    ]);
  });
});

describe('whom it asks', () => {
  it('stops asking about a generation once it is final', async () => {
    const job = scripted({ a: [done], b: [q, q, done] });
    const finals = await waitForGenerations(job.status, ['a', 'b'], job.options);
    expect(job.asked).toEqual(['a', 'b', 'b', 'b']);
    expect(finals.map((f) => [f.id, f.status])).toEqual([
      ['a', 'complete'],
      ['b', 'complete'],
    ]);
  });
  it('answers with the ids it asked for', async () => {
    const status = async (): Promise<GenerationStatus> => ({ id: 'other', status: 'complete' });
    const job = scripted({});
    const finals = await waitForGenerations(status, ['g1', 'g2'], job.options);
    expect(finals.map((f) => f.id)).toEqual(['g1', 'g2']);
  });
  it('asks with one list request for several pending generations, and by status for the last one', async () => {
    const job = scripted({ a: [q, done], b: [q, q, done] });
    const lists: string[][] = [];
    const list = async (ids: string[]) => {
      lists.push(ids);
      return ids.map(job.answer);
    };
    await waitForGenerations(job.status, ['a', 'b'], { ...job.options, list });
    expect(lists).toEqual([
      ['a', 'b'],
      ['a', 'b'],
    ]);
    // The list answered a, b twice; then only b was left, asked for by status.
    expect(job.asked).toEqual(['a', 'b', 'a', 'b', 'b']);
  });
  it('uses only the answers to ids it asked for, and asks again for one the list left out', async () => {
    const job = scripted({ a: [done], b: [done] });
    let round = 0;
    const list = async (): Promise<GenerationStatus[]> =>
      ++round === 1
        ? [
            { id: 'a', status: 'complete' },
            { id: 'stranger', status: 'complete' },
          ]
        : [{ id: 'b', status: 'complete' }];
    const finals = await waitForGenerations(job.status, ['a', 'b'], { ...job.options, list });
    expect(finals.map((f) => f.id)).toEqual(['a', 'b']);
    // b was missing from the list's first answer; alone, it was then asked for by status.
    expect(job.asked).toEqual(['b']);
    expect(job.info).toEqual(['Generation a: complete', 'Generation b: complete']);
  });
  it('tells of each generation once, as soon as it is final', async () => {
    const job = scripted({ a: [q, done], b: [q, q, { status: 'error' }] });
    const finals: [string, string][] = [];
    await waitForGenerations(job.status, ['a', 'b'], { ...job.options, onFinal: (id, s) => finals.push([id, s.status]) });
    expect(finals).toEqual([
      ['a', 'complete'],
      ['b', 'error'],
    ]);
  });
});

describe('how long it sleeps', () => {
  it('by the progress it saw', async () => {
    const start = 1_780_000_000_000;
    // Queued at the start; 50 % after 10 s: done at 20 s, so it sleeps half the 10 s left.
    const job = scripted({ g: [q, p(0.5), done] }, start);
    const sleeps: number[] = [];
    let now = start;
    await waitForGenerations(job.status, ['g'], {
      ...job.options,
      clock: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += sleeps.length === 1 ? 10_000 : ms;
      },
    });
    expect(sleeps).toEqual([2000, 5000]);
  });
  it('for the generation that needs asking soonest', async () => {
    const start = 1_780_000_000_000;
    // Seen first a minute after the start: a at 90 % (done in about 6.7 s), b at 10 % (done in 9 minutes).
    const job = scripted({ a: [p(0.9), done], b: [p(0.1), done] }, start + 60_000);
    await waitForGenerations(job.status, ['a', 'b'], { ...job.options, startedAt: start });
    expect(job.sleeps[0]).toBeCloseTo(10_000 / 3, 2);
  });
  it('no further than the deadline', async () => {
    const job = scripted({ g: [q] });
    const error = await waitForGenerations(job.status, ['g'], { ...job.options, deadline: 2500 }).catch((e) => e);
    expect(job.sleeps).toEqual([2000, 500]);
    expect(error).toBeInstanceOf(WaitTimeout);
  });
});

describe('how it ends', () => {
  it('at the deadline, with the last status of each (none for one never answered)', async () => {
    const job = scripted({ a: [p(0.4)], b: [q] });
    const list = async () => [{ id: 'a', ...p(0.4) }];
    const error = await waitForGenerations(job.status, ['a', 'b'], { ...job.options, deadline: 10_000, list }).catch((e) => e);
    expect(error).toBeInstanceOf(WaitTimeout);
    expect(error.name).toBe('WaitTimeout');
    expect(error.message).toBe('deadline reached');
    expect([...(error as WaitTimeout).last.entries()]).toEqual([
      ['a', { id: 'a', status: 'processing', progress: 0.4 }],
      ['b', undefined],
    ]);
  });
  it('when the run reaches its deadline during a sleep: the same timeout, with what was seen', async () => {
    const job = scripted({ g: [p(0.3)] });
    const error = await waitForGenerations(job.status, ['g'], {
      ...job.options,
      sleep: async () => {
        throw new DeadlineReached(60_000);
      },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(WaitTimeout);
    expect((error as WaitTimeout).last.get('g')).toEqual({ id: 'g', status: 'processing', progress: 0.3 });
  });
  it('when the run reaches its deadline during the first request: a timeout with nothing seen', async () => {
    const status = async (): Promise<GenerationStatus> => {
      throw new DeadlineReached(60_000);
    };
    const error = await waitForGenerations(status, ['g'], scripted({}).options).catch((e) => e);
    expect(error).toBeInstanceOf(WaitTimeout);
    expect([...(error as WaitTimeout).last.entries()]).toEqual([['g', undefined]]);
  });
  it('passes any other failure on as it is', async () => {
    const failure = new Error('connection reset');
    const status = async (): Promise<GenerationStatus> => {
      throw failure;
    };
    await expect(waitForGenerations(status, ['g'], scripted({}).options)).rejects.toBe(failure);
  });
});
