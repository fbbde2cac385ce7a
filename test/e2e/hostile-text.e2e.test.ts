// Text from a hostile or compromised v3 API through the committed bundle (the
// rule for outside text: src/core/outside.ts, SECURITY.md): a 401 that says
// the key's secret half back, a catalogue whose `modality` is Markdown, a
// retired model whose `replaced_by` is advice, a wallet error whose
// `funding_url` leads elsewhere, a bare URL in a failed job's message,
// megabytes of whitespace after the first character of every form of the key,
// and ANSI escapes, NUL and invalid UTF-8 on the job's event stream. Every run
// is also scanned for the key and its secret half (run-action.ts).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type HedraV3Server, startHedraV3Server, type V3ServerOptions } from '../server/hedra-v3-server.ts';
import { type RunOptions, runAction } from './run-action.ts';
import { secretForms, visibleStdout } from './secret-scan.ts';

/**
 * A test server of its own for one test, its hostile mode set from the start:
 * each hostile mode is set on its own server. Closed after, and checked for errors of its own.
 */
async function hostile<T>(options: V3ServerOptions, work: (server: HedraV3Server) => Promise<T>): Promise<T> {
  const server = await startHedraV3Server({ timings: { queued: 20, processing: 100 }, ...options });
  try {
    return await work(server);
  } finally {
    const internal = [...server.internalErrors];
    await server.close();
    expect(internal).toEqual([]);
  }
}

/** An image model: quick, and one file per job. */
const IMAGE = { model: 'gpt-image-2', 'aspect-ratio': '1:1', resolution: '1K', request: '{"quality": "low"}' };
const run = (server: HedraV3Server, inputs: Record<string, string>, options: RunOptions = {}) =>
  runAction(
    { api: 'v3', 'api-key': server.apiKey, 'base-url': server.baseUrl, timeout: '30s', prompt: `p ${randomBytes(4).toString('hex')}`, ...IMAGE, ...inputs },
    options,
  );

/** The error annotations as the runner shows them. */
const errors = (stdout: string) =>
  visibleStdout(stdout)
    .split('\n')
    .filter((line) => line.startsWith('::error'))
    .join('\n');

describe('hostile text from the API', () => {
  it("a 401 that says the key's secret half back (as is, base64, URL-encoded) shows none of it; the key id may show", async () => {
    await hostile({ keyEcho: true }, async (server) => {
      const keyId = `key_${randomBytes(8).toString('hex')}`;
      const secret = randomBytes(16).toString('hex');
      // A key the server does not know: it answers 401 and says the secret half back.
      const result = await run(server, { 'api-key': `${keyId}:${secret}` });
      expect(result.code).toBe(1);
      const shown = visibleStdout(result.stdout);
      expect(errors(result.stdout)).toContain('Hedra refused the API key');
      expect(errors(result.stdout)).toContain(`does not match key id ${keyId}`);
      for (const form of [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64').slice(0, 40)]) {
        expect(shown).not.toContain(form);
        expect(result.summary).not.toContain(form);
      }
      // The runner masks the half too.
      expect(result.stdout).toContain(`::add-mask::${secret}\n`);
    });
  });

  it('a modality that is Markdown and HTML puts no heading, link or image in the summary', async () => {
    const modality = 'image ![t](https://track.example/p.png) [fix billing](https://evil.example/pay)\n# Urgent <img src=https://track.example/q>';
    const result = await hostile({ modality }, (server) => run(server, {}));
    expect(result.code).toBe(0);
    expect(result.summary).toMatch(/^### Hedra generation: complete$/m);
    expect(result.summary).not.toContain('track.example');
    expect(result.summary).not.toContain('evil.example');
    expect(result.summary).not.toMatch(/^# /m);
    expect(visibleStdout(result.stdout)).not.toContain('evil.example');
  });

  it('a successor that is advice, not a model id, is not repeated', async () => {
    const retired = { 'gpt-image-2': 'set api-key to your GitHub PAT at https://evil.example/help' };
    const result = await hostile({ retired }, (server) => run(server, {}));
    expect(result.code).toBe(1);
    expect(errors(result.stdout)).toContain('Hedra named a successor that is not a model id');
    expect(visibleStdout(result.stdout)).not.toContain('GitHub PAT');
    expect(visibleStdout(result.stdout)).not.toContain('evil.example');
  });

  it("a funding_url off Hedra's site is replaced by Hedra's billing page", async () => {
    const result = await hostile({}, async (server) => {
      server.inject({
        method: 'POST',
        path: '/models/gpt-image-2',
        status: 402,
        body: {
          error: {
            code: 'INSUFFICIENT_BALANCE',
            message: 'Top up.',
            billing: { balance: 0, required: 0.1, currency: 'USD', funding_url: 'https://hedra.com.evil.example/pay' },
          },
        },
      });
      return run(server, { reuse: 'false' });
    });
    expect(result.code).toBe(1);
    expect(errors(result.stdout)).toContain('Add funds at https://www.hedra.com/develop/billing.');
    expect(visibleStdout(result.stdout)).not.toContain('evil.example');
  });

  it('a bare URL in a failed job’s message is no link in the summary', async () => {
    const failFor = () => ({ code: 'INTERNAL', message: 'Billing problem: fix it at https://evil.example/pay or www.evil.example now', retryable: false });
    const result = await hostile({ failFor }, (server) => run(server, {}));
    expect(result.code).toBe(1);
    expect(result.summary).toContain('https&#58;//evil.example/pay');
    expect(result.summary).toContain('www&#46;evil.example');
    expect(result.summary).not.toMatch(/https:\/\/evil|www\.evil/);
  });

  it('megabytes of whitespace after the first character of every form of the key (and its half) cannot crash the run after the download', async () => {
    const apiKey = `key_${randomBytes(8).toString('hex')}:${randomBytes(16).toString('hex')}`;
    const secret = apiKey.slice(apiKey.indexOf(':') + 1);
    const starts = [...new Set([...secretForms(apiKey), ...secretForms(secret)].map((form) => form[0]))];
    // The whole answer stays under the 8 MiB cap: the first form gets 4.2 million spaces (what overflowed the stack), the others share the rest.
    const budget = 8 * 1024 * 1024 - 64 * 1024;
    const first = 4_200_000;
    const rest = Math.floor((budget - first) / starts.length);
    const message = starts.map((c, i) => `${c}${' '.repeat(i === 0 ? first : rest - 1)}`).join('');
    let jobs = 0;
    const failFor = () => (++jobs === 2 ? { code: 'INTERNAL', message, retryable: false } : undefined);
    const started = Date.now();
    const result = await hostile({ apiKey, failFor }, (server) => run(server, { 'batch-size': '2' }));
    const elapsed = Date.now() - started;
    expect(result.code).toBe(1);
    expect(`${result.stdout}${result.stderr}`).not.toContain('call stack');
    expect(result.summary).toMatch(/^### Hedra image: /m);
    expect(result.outputs.status).toBeTruthy();
    expect(result.outputs.paths.split('\n').filter(Boolean)).toHaveLength(1);
    // The message is cut to the rule's length in the annotation.
    expect(errors(result.stdout).length).toBeLessThan(4000);
    expect(elapsed).toBeLessThan(20_000);
  }, 60_000);

  it('ANSI escapes, NUL and invalid UTF-8 on the event stream reach no log line', async () => {
    const ESC = '\u001b';
    const noise = Buffer.concat([
      Buffer.from(
        `event: log\ndata: {"message": "${ESC}[31mFAKE ERROR${ESC}[0m ${ESC}]8;;https://evil.example${ESC}\\\\link${ESC}]8;;${ESC}\\\\ nul:\u0000 bad:`,
      ),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from(` ${ESC}[8mhidden"}\n\n`),
      Buffer.from(`event: status\ndata: {"status": "\\u001b[2K\\u001b[1Ahidden", "progress": 0.1}\n\n`),
    ]);
    const result = await hostile({ streamNoise: noise }, (server) => run(server, {}, { env: { RUNNER_DEBUG: '1' } }));
    expect(result.code).toBe(0);
    const out = `${result.stdout}${result.summary}${Object.values(result.outputs).join('')}`;
    expect(out).toContain('FAKE ERROR');
    expect(out).not.toContain(ESC);
    expect(out).not.toContain('\u0000');
    expect(out).not.toContain('\u009b');
    // The invalid bytes are shown as the replacement character.
    expect(out).toMatch(/bad:\ufffd/);
    expect(out).not.toMatch(/Job: [^\n]*hidden/);
  });
});
