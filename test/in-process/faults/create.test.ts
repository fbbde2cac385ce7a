// The billed call. Its ids are chosen before the first attempt; after an
// attempt whose outcome is unknown the action asks whether the generation
// exists (GET /generations?ids=<id>, the documented list filter: an empty list
// means no), adopts it if so, and otherwise posts again with the same id.
// In-process through runWith against the validating test server, the run and
// the server on the fast clock (matrix.ts).
import { describe, expect, it } from 'vitest';
import { countByStage, expectNoPartialFiles, expectRecovered, FAULTS, fullRun, useServer } from './matrix.ts';

const ctx = useServer();
const posts = () => ctx.server.requests.filter((r) => r.method === 'POST' && r.path === '/generations');
/**
 * "Does it exist?" checks: list requests before the first status read, each for the one generation
 * id of the run and answered. (The list read after the end asks what the generation cost.)
 */
const existenceChecks = () => {
  const firstStatus = ctx.server.requests.findIndex((r) => r.path.endsWith('/status'));
  const checks = ctx.server.requests.slice(0, firstStatus).filter((r) => r.method === 'GET' && r.path === '/generations');
  const ids = new Set(posts().flatMap((p) => (p.body ? [(p.body as { generation_id: string }).generation_id] : [])));
  for (const check of checks) {
    expect(ids.has(new URLSearchParams(check.query).get('ids') ?? '')).toBe(true);
    expect(check.status).toBe(200);
  }
  return checks;
};
/** The status endpoint is only polled once the generation is known to exist: never asked about an unknown id. */
function expectNoStatusBeforeCreated() {
  const firstStatus = ctx.server.requests.findIndex((r) => r.path.endsWith('/status'));
  const lastPost = ctx.server.requests.lastIndexOf(posts().at(-1)!);
  expect(firstStatus).toBeGreaterThan(lastPost);
  expect(ctx.server.requests.filter((r) => r.path.endsWith('/status') && r.status !== 200)).toEqual([]);
}

describe('faults while creating the generation', () => {
  // [fault, POSTs made, "does it exist?" checks (an empty list before a second POST; the generation itself when adopted), adopted]
  const cases: [string, number, number, boolean][] = [
    ['429 with Retry-After', 2, 0, false], // a clear "not now": no check needed
    ['500', 2, 1, false],
    ['502', 2, 1, false],
    ['503', 2, 1, false],
    ['504', 2, 1, false],
    ['reset before the request is read', 2, 1, false],
    ['reset after it was handled (answer lost)', 1, 1, true],
    ['hang', 1, 1, true],
    ['truncated body', 1, 1, true],
    ['malformed JSON', 1, 1, true],
  ];
  it.each(cases)('create: %s', async (name, postCount, checks, adopted) => {
    ctx.fault('create', FAULTS[name]);
    const result = await fullRun(ctx);
    expectRecovered(ctx.server, result);
    expect(posts()).toHaveLength(postCount);
    // Always the same id (a reset before the request is read leaves no body to look at).
    expect(new Set(posts().flatMap((p) => (p.body ? [(p.body as { generation_id: string }).generation_id] : []))).size).toBe(1);
    expect(existenceChecks()).toHaveLength(checks);
    // Each check comes right after the attempt it is about.
    for (const check of existenceChecks()) expect(posts()).toContain(ctx.server.requests[ctx.server.requests.indexOf(check) - 1]);
    expectNoStatusBeforeCreated();
    expect(result.stdout.includes('exists (the answer to the create request was lost); using it')).toBe(adopted);
    const counts = countByStage(ctx.server);
    expect([counts['asset-create'], counts.upload, counts.download]).toEqual([1, 1, 1]);
  });

  it('create: a duplicate-id answer means adopt', async () => {
    // The first answer is lost and the list does not show the job yet: the action posts again and is told it exists.
    ctx.fault('create', FAULTS['reset after it was handled (answer lost)']);
    ctx.server.inject({ method: 'GET', path: '/generations', status: 200, body: { page_info: { limit: 100, offset: 0 }, data: [] } });
    const result = await fullRun(ctx);
    expectRecovered(ctx.server, result);
    expect(posts().map((p) => p.status)).toEqual([0, 409]);
    expect(existenceChecks()).toHaveLength(1);
    expectNoStatusBeforeCreated();
    expect(result.stdout).toContain('exists (Hedra already had it); using it rather than creating another.');
  });

  it('create: a Retry-After past the deadline fails at once, creating nothing', async () => {
    // An hour, past the run's deadline (20 minutes on the fast clock); waiting it out would take 72 s of real time.
    ctx.fault('create', { kind: 'status', status: 429, retryAfter: '3600', body: { detail: 'Rate limit exceeded' } });
    const result = await fullRun(ctx);
    expect(result.code).toBe(1);
    expect(result.elapsedMs).toBeLessThan(5000);
    expect(result.stdout).toContain(
      'Hedra answered HTTP 429 to POST /generations: Rate limit exceeded (asked to retry after 3600s, which is past the deadline set by input "timeout").',
    );
    expect(posts()).toHaveLength(1);
    expect(ctx.server.jobs.size).toBe(0);
    expectNoPartialFiles(result);
  });

  it('create: a Retry-After given as an HTTP date is honoured', async () => {
    // A minute ahead on the run's clock, dated as the answer is made: the fast clock multiplies the real time the
    // run takes to get there, and a date set before the run would be in the past by then.
    ctx.fault('create', {
      kind: 'status',
      status: 503,
      get retryAfter() {
        return new Date(ctx.time.now() + 60_000).toUTCString();
      },
    });
    const result = await fullRun(ctx);
    expectRecovered(ctx.server, result);
    const [first, second] = posts();
    expect(ctx.server.requests.indexOf(second) - ctx.server.requests.indexOf(first)).toBe(2); // one existence check between
    expect(existenceChecks()).toEqual([ctx.server.requests[ctx.server.requests.indexOf(first) + 1]]);
    // An HTTP date has whole seconds and the clock moves on while the answer travels (real milliseconds, 50 times
    // over): somewhere up to 60 s, and far more than any backoff of its own (under 1 s for a first retry).
    expect(result.stdout).toMatch(/POST \/generations: HTTP 503; generation \S+ does not exist, so posting again with the same id in ([3-5]\d|60)\.\ds/);
  });

  it('create: an outage that outlasts the retries fails clearly, with no job', async () => {
    ctx.fault('create', { kind: 'status', status: 503, body: { detail: 'Service Unavailable' } }, 20);
    const result = await fullRun(ctx);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /Hedra answered HTTP 503 to POST \/generations: Service Unavailable \((gave up after 6 attempts|the deadline set by input "timeout" leaves no time to retry)\)/,
    );
    expect(ctx.server.jobs.size).toBe(0);
    expect(posts().length).toBeGreaterThanOrEqual(2);
    expectNoPartialFiles(result);
  });

  it('create: a refusal (4xx) is not retried', async () => {
    ctx.fault('create', { kind: 'status', status: 403, body: { detail: 'Not allowed' } });
    const result = await fullRun(ctx);
    expect(result.code).toBe(1);
    expect(posts()).toHaveLength(1);
    expect(existenceChecks()).toHaveLength(0);
    expect(result.stdout).toContain('Hedra refused the API key (HTTP 403, POST /generations): Not allowed.');
  });
});

describe('the deadline during a create that is never answered', () => {
  it('names the generation that may exist, and sets it as the generation-id output', async () => {
    // Handled (the generation made), never answered. On the fast clock (not the matrix's clock for a hang), so that the
    // deadline (a minute: 1.2 s real) comes before the stall watchdog (a tenth of it, 6 s, which counts real time).
    ctx.server.fault('create', { kind: 'hang' });
    const result = await fullRun(ctx, { timeout: '1m' });
    expect(
      result.code,
      result.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::debug'))
        .join('\n'),
    ).toBe(1);
    const [id] = ctx.server.jobs.keys();
    expect(result.stdout).toContain('Gave up after 1m 00s (input "timeout") while creating the generation.');
    expect(result.stdout).toContain(
      `The generation may exist on Hedra's side under id ${id}; check before running again (generation-id: ${id} picks it up if it does).`,
    );
    expect(result.outputs['generation-id']).toBe(id);
    expect(JSON.parse(result.outputs['generation-ids'])).toEqual([id]);
  });
});

describe('failures after the generation exists name it and how to resume', () => {
  it('a refused status poll', async () => {
    ctx.fault('status', { kind: 'status', status: 403, body: { detail: 'Forbidden' } });
    const result = await fullRun(ctx);
    expect(result.code).toBe(1);
    const [id] = ctx.server.jobs.keys();
    expect(result.outputs['generation-id']).toBe(id);
    expect(result.stdout).toContain(`Generation ${id} exists on Hedra's side; to pick it up without paying again, run this action with generation-id: ${id}`);
    expect(ctx.server.jobs.size).toBe(1);
  });
  it('a download that keeps failing', async () => {
    ctx.fault('download', { kind: 'status', status: 500 }, 20);
    const result = await fullRun(ctx);
    expect(result.code).toBe(1);
    const [id] = ctx.server.jobs.keys();
    expect(result.stdout).toContain(`run this action with generation-id: ${id}`);
    expectNoPartialFiles(result);
  });
});
