// A hostile or compromised Hedra echoes the key back, in the forms a server
// could plausibly use (every byte %xx-encoded, HTTP Basic base64, base64 at
// any alignment, JSON escapes, split over lines), through the committed
// bundle: smoke runs of the secret scan over what the process printed and left
// (one form in a failed generation's message, every form at once in an error
// answer), and a request input nested 50,000 deep, refused without a stack
// overflow on the process's own stack. Every test of this file, these
// included, runs in-process in test/in-process/hostile-secrets.test.ts, with
// the keys no HTTP header can carry. (Every run is also scanned for the key:
// run-action.ts.)
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { type ActionRun, runAction } from './run-action.ts';
import { findSecret, visibleStdout } from './secret-scan.ts';

const MODEL = 'kling/kling-2.5-turbo';
let server: HedraServer;
beforeAll(async () => {
  // 46 characters (one past a multiple of three): base64 of `key:` differs from base64 of the key before its last group.
  server = await startHedraServer({ apiKey: `hk_live_${randomUUID()}_q`, timings: { queued: 0, processing: 100, finalizing: 0 } });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.behaviour.errorFor = undefined;
  server.clearFaults();
});

const run = (inputs: Record<string, string> = {}, env: Record<string, string> = {}) =>
  runAction({ 'api-key': server.apiKey, 'base-url': server.baseUrl, model: MODEL, prompt: 'p', ...inputs }, { env });

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
  it.each(['split by a line break'])("in a failed generation's error message, as %s, is in no log line, annotation, output, summary or file", async (form) => {
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

describe('a request input nested 50,000 deep', () => {
  const N = 50_000;
  it.each([['YAML block', `generated_video_inputs:\n  ${'- '.repeat(N)}x`]])(
    '(%s) is an input error naming "request", before anything is paid, without a stack overflow',
    async (_, request) => {
      const result = await run({ request });
      expect(result.code).toBe(1);
      expect(errorLines(result)).toEqual([
        '::error title=Invalid input::Input "request" nests deeper than 64 levels: a request body needs only a few (such as generated_video_inputs: {duration_ms: 5000}).',
      ]);
      expect(result.stdout).not.toContain('call stack');
      expect(result.stdout).not.toMatch(/^\s+at /m);
      expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /models']);
    },
  );
});
