// Everything the run says goes through the log (src/action/log.ts): secrets in
// every encoding and URL queries are redacted on the way out.
import { describe, expect, it } from 'vitest';
import { createLog, encodings } from '../../src/action/log.ts';
import type { Toolkit } from '../../src/action/toolkit.ts';
import { recordingToolkit } from '../helpers/toolkit.ts';

/** A toolkit that keeps every call with its arguments as given. */
function callsToolkit() {
  const calls: unknown[][] = [];
  const summary = {
    addRaw: (...args: unknown[]) => {
      calls.push(['summary.addRaw', ...args]);
      return summary;
    },
    write: async () => {
      calls.push(['summary.write']);
      return summary;
    },
  };
  const record =
    (name: string) =>
    (...args: unknown[]) =>
      void calls.push([name, ...args]);
  const toolkit = {
    getInput: () => '',
    setOutput: record('setOutput'),
    setSecret: record('setSecret'),
    info: record('info'),
    debug: record('debug'),
    warning: record('warning'),
    error: record('error'),
    startGroup: record('startGroup'),
    endGroup: record('endGroup'),
    summary,
  } as unknown as Toolkit;
  return { toolkit, calls };
}

describe('encodings', () => {
  it('are the value as is, URL-, base64- (padded, unpadded, URL-safe), hex- (both cases) and JSON-encoded', () => {
    expect(encodings('k?>"')).toEqual(['k?>"', 'k%3F%3E%22', 'az8+Ig==', 'az8+Ig', 'az8-Ig', '6b3f3e22', '6B3F3E22', 'k?>\\"']);
  });
});

describe('addSecret', () => {
  it('registers each distinct form of at least four characters with the runner', () => {
    const { toolkit, calls } = callsToolkit();
    createLog(toolkit, {}).addSecret('abc');
    expect(calls).toEqual([
      ['setSecret', 'YWJj'],
      ['setSecret', '616263'],
    ]);
  });
  it('replaces every registered form, the longest first', () => {
    const log = createLog(recordingToolkit(), {});
    log.addSecret('abcd');
    log.addSecret('abcdefgh');
    expect(log.redact('abcdefgh abcd YWJjZA abc')).toBe('*** *** *** abc');
  });
});

describe('what goes out', () => {
  it('is redacted, on every channel', () => {
    const { toolkit, calls } = callsToolkit();
    const log = createLog(toolkit, {});
    log.addSecret('s3cr3t-key');
    calls.length = 0;
    log.info('info s3cr3t-key');
    log.debug('debug https://x.test/a?sig=1');
    log.warning('warning s3cr3t-key');
    log.warning('titled', 'Title s3cr3t-key');
    log.fail('failed s3cr3t-key', 'Failure');
    log.fail('failed without a title');
    expect(calls).toEqual([
      ['info', 'info ***'],
      ['debug', 'debug https://x.test/a?…'],
      ['warning', 'warning ***', {}],
      ['warning', 'titled', { title: 'Title s3cr3t-key' }],
      ['error', 'failed ***', { title: 'Failure' }],
      ['error', 'failed without a title', {}],
    ]);
  });
  it('fails the step from the first failure on', () => {
    const log = createLog(recordingToolkit(), {});
    expect(log.failed()).toBe(false);
    log.warning('only a warning');
    expect(log.failed()).toBe(false);
    log.fail('now');
    expect(log.failed()).toBe(true);
  });
});

describe('group', () => {
  it('opens a redacted group around the work and returns its result', async () => {
    const { toolkit, calls } = callsToolkit();
    const log = createLog(toolkit, {});
    log.addSecret('s3cr3t-key');
    calls.length = 0;
    expect(await log.group('Uploading s3cr3t-key', async () => 42)).toBe(42);
    expect(calls).toEqual([['startGroup', 'Uploading ***'], ['endGroup']]);
  });
  it('closes the group when the work fails', async () => {
    const { toolkit, calls } = callsToolkit();
    const failure = new Error('boom');
    await expect(
      createLog(toolkit, {}).group('Work', async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(calls).toEqual([['startGroup', 'Work'], ['endGroup']]);
  });
});

describe('summary', () => {
  it('writes the redacted Markdown to the job summary on a runner', async () => {
    const { toolkit, calls } = callsToolkit();
    const log = createLog(toolkit, { GITHUB_STEP_SUMMARY: '/rt/summary.md' });
    log.addSecret('s3cr3t-key');
    calls.length = 0;
    expect(await log.summary('key s3cr3t-key at https://x.test/a.mp4?sig=1')).toBe('key *** at https://x.test/a.mp4?…');
    expect(calls).toEqual([['summary.addRaw', 'key *** at https://x.test/a.mp4?…', true], ['summary.write']]);
  });
  it('writes nothing outside a runner, and still returns what it would have written', async () => {
    const { toolkit, calls } = callsToolkit();
    expect(await createLog(toolkit, {}).summary('text')).toBe('text');
    expect(calls).toEqual([]);
  });
});
