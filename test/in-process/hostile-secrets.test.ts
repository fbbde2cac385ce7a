// A hostile or compromised Hedra echoes the key back, in the forms a server
// could plausibly use (every byte %xx-encoded, HTTP Basic base64, base64 at
// any alignment, JSON escapes, split over lines); and keys and requests that
// could never be sent are refused as inputs, before anything is. In-process:
// the run goes through runWith (as the bundle runs it) against the validating
// Hedra server, both on the fast clock. (Every run is also scanned for the
// key: run-action.ts's finishRun.)
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ActionRun } from '../e2e/run-action.ts';
import { findSecret, visibleStdout } from '../e2e/secret-scan.ts';
import { FAST } from '../helpers/fast-time.ts';
import { runInProcess } from '../helpers/run-in-process.ts';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';

const MODEL = 'kling/kling-2.5-turbo';
let server: HedraServer;
beforeAll(async () => {
  // 46 characters (one past a multiple of three): base64 of `key:` differs from base64 of the key before its last group.
  server = await startHedraServer({ time: FAST, apiKey: `hk_live_${randomUUID()}_q`, timings: { queued: 0, processing: 100, finalizing: 0 } });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.behaviour.errorFor = undefined;
  server.clearFaults();
});

const run = (inputs: Record<string, string> = {}, env: Record<string, string> = {}) =>
  runInProcess({ 'api-key': server.apiKey, 'base-url': server.baseUrl, model: MODEL, prompt: 'p', ...inputs }, { env });

const percent = (text: string, upper: boolean) =>
  [...Buffer.from(text)].map((b) => `%${b.toString(16).padStart(2, '0')}`[upper ? 'toUpperCase' : 'toLowerCase']()).join('');
const base64 = (text: string) => Buffer.from(text).toString('base64');

/** The key as a server could echo it. */
function echoes(key: string): Record<string, string> {
  return {
    '%xx of every byte, upper case': percent(key, true),
    '%xx of every byte, lower case': percent(key, false),
    'base64 of key: (HTTP Basic)': `Basic ${base64(`${key}:`)}`,
    'base64 of :key (HTTP Basic)': `Basic ${base64(`:${key}`)}`,
    'base64 of user:key (HTTP Basic)': `Basic ${base64(`user:${key}`)}`,
    'base64 at byte offset 1, in a longer text': base64(`{"k": "${key}"}`),
    'base64url at byte offset 2, in a longer text': Buffer.from(`ab${key}cd`).toString('base64url'),
    'JSON \\u escapes': [...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
    'split by a line break': `${key.slice(0, 17)}\n${key.slice(17)}`,
    'split by \\r\\n and indentation': `${key.slice(0, 9)}\r\n    ${key.slice(9, 30)}\r\n    ${key.slice(30)}`,
    'split by spaces and tabs': `${key.slice(0, 4)} ${key.slice(4, 25)}\t${key.slice(25)}`,
    'hex, spaced as in a hex dump': Buffer.from(key).toString('hex').replace(/(..)/g, '$1 '),
  };
}
const FORMS = Object.keys(echoes(''));

/** Every place the run leaves text, as the runner shows it: none may hold the key in any form, nor the echo as sent. */
function expectNoKey(result: ActionRun, echoed: string[]): void {
  const places = {
    stdout: visibleStdout(result.stdout),
    stderr: result.stderr,
    summary: result.summary,
    outputs: Object.values(result.outputs).join('\n'),
  };
  expect(findSecret(server.apiKey, places, [result.dirs.temp, result.dirs.workspace])).toEqual([]);
  for (const text of Object.values(places)) for (const echo of echoed) expect(text).not.toContain(echo);
}

/** The error annotations, each as the runner shows it (its escapes undone). */
const errorLines = (result: ActionRun) =>
  result.stdout
    .split('\n')
    .filter((line) => line.startsWith('::error'))
    .map(visibleStdout);

describe('a key that Hedra echoes back', () => {
  it.each(FORMS)("in a failed generation's error message, as %s, is in no log line, annotation, output, summary or file", async (form) => {
    const echoed = echoes(server.apiKey)[form];
    server.behaviour.errorFor = () => ({ type: 'INVALID_ARGUMENT', message: `Rejected credentials ${echoed} for this workspace` });
    const result = await run();
    expect(result.code).toBe(1);
    // The message did reach the annotation, the outputs and the summary: with the key replaced.
    expect(errorLines(result).join('\n')).toMatch(/Rejected credentials (Basic )?\S{0,12}\*\*\*\S{0,8}\s*for this workspace/);
    expect(result.outputs.result).toContain('Rejected credentials');
    expect(result.summary).toContain('Rejected credentials');
    expectNoKey(result, [echoed]);
  });

  it('in an error answer to the create request, every form at once, is in no annotation or log line', async () => {
    const all = Object.values(echoes(server.apiKey));
    // One detail line per form: each line of Hedra's text is capped (core/outside.ts), and every form must be in one.
    const detail = all.map((echo) => ({ loc: ['body', 'prompt'], msg: `Bad key: ${echo}`, type: 'value_error' }));
    server.inject({ method: 'POST', path: '/generations', status: 422, body: { detail } });
    const result = await run();
    expect(result.code).toBe(1);
    const error = errorLines(result).join('\n');
    expect(error).toContain('Bad key: ');
    expect(error.match(/\*\*\*/g)?.length).toBeGreaterThanOrEqual(all.length);
    expectNoKey(result, all);
  });
});

describe('an API key no HTTP header can carry', () => {
  const noRequest = (result: ActionRun) => {
    expect(result.code).toBe(1);
    expect(server.requests).toEqual([]);
    expect(result.stdout).not.toContain('may exist');
    expect(result.stdout).not.toMatch(/^\s+at /m);
    expect(errorLines(result)).toHaveLength(1);
  };
  it.each([
    ['a line break inside', (key: string) => `${key.slice(0, 20)}\n${key.slice(20)}`, 'a line break'],
    ['a \\r\\n inside', (key: string) => `${key.slice(0, 20)}\r\n${key.slice(20)}`, 'a line break'],
    ['a control character inside', (key: string) => `${key.slice(0, 20)}\u0007${key.slice(20)}`, 'a control character (U+0007)'],
    ['a typographic quote inside (not Latin-1)', (key: string) => `\u2019${key}`, 'a character outside Latin-1 (U+2019)'],
  ])('(input api-key with %s) is an input error, before any request, without echoing the key', async (_, broken, what) => {
    const result = await run({ 'api-key': broken(server.apiKey), timeout: '15s' });
    noRequest(result);
    expect(errorLines(result)[0]).toBe(
      `::error title=Invalid input::Input "api-key" contains ${what}, which an HTTP header cannot carry: most likely a copy-paste error. Store the key again as the secret's whole value, on one line.`,
    );
    expect(visibleStdout(result.stdout)).not.toContain(server.apiKey.slice(20));
  });
  it('(HEDRA_API_KEY with a line break inside) names the environment variable', async () => {
    const key = `${server.apiKey.slice(0, 12)}\n${server.apiKey.slice(12)}`;
    const result = await run({ 'api-key': '', timeout: '15s' }, { HEDRA_API_KEY: key });
    noRequest(result);
    expect(errorLines(result)[0]).toContain('::error title=Invalid input::The HEDRA_API_KEY environment variable contains a line break, which an HTTP header');
  });
});

describe('a request input nested 50,000 deep', () => {
  const N = 50_000;
  it.each([
    ['JSON', `{"generated_video_inputs": ${'['.repeat(N)}${']'.repeat(N)}}`],
    ['YAML flow', `generated_video_inputs: ${'['.repeat(N)}${']'.repeat(N)}`],
    ['YAML block', `generated_video_inputs:\n  ${'- '.repeat(N)}x`],
  ])('(%s) is an input error naming "request", before anything is paid, without a stack overflow', async (_, request) => {
    const result = await run({ request });
    expect(result.code).toBe(1);
    expect(errorLines(result)).toEqual([
      '::error title=Invalid input::Input "request" nests deeper than 64 levels: a request body needs only a few (such as generated_video_inputs: {duration_ms: 5000}).',
    ]);
    expect(result.stdout).not.toContain('call stack');
    expect(result.stdout).not.toMatch(/^\s+at /m);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /models']);
  });
});
