// The v2 fault matrix through the committed bundle: a sample of what only a
// run of dist/index.js shows, on the wall clock. The matrix itself (every
// fault at every stage, and the create call's cases) runs in-process in
// test/in-process/faults/; here, one fault recovered from and one failure, for
// the process around them: the exit code index.ts sets, the annotation the
// runner reads, and nothing on stderr (no stack trace).
import { describe, expect, it } from 'vitest';
import { countByStage, expectRecovered, FAULTS, fullRun, useServer } from '../../in-process/faults/matrix.ts';

describe('the fault matrix through the bundle', () => {
  const ctx = useServer({ bundle: true });

  it('create: reset after it was handled (answer lost): the generation is adopted, exit code 0', async () => {
    ctx.fault('create', FAULTS['reset after it was handled (answer lost)']);
    const result = await fullRun(ctx);
    expectRecovered(ctx.server, result);
    expect(result.stderr).toBe('');
    expect(ctx.server.requests.filter((r) => r.method === 'POST' && r.path === '/generations')).toHaveLength(1);
    expect(result.stdout).toContain('exists (the answer to the create request was lost); using it');
    const counts = countByStage(ctx.server);
    expect([counts['asset-create'], counts.upload, counts.download]).toEqual([1, 1, 1]);
  });

  it('a refused status poll: exit code 1, an annotation naming the generation and how to resume', async () => {
    ctx.fault('status', { kind: 'status', status: 403, body: { detail: 'Forbidden' } });
    const result = await fullRun(ctx);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    const [id] = ctx.server.jobs.keys();
    expect(result.outputs['generation-id']).toBe(id);
    const errors = result.stdout.split('\n').filter((l) => l.startsWith('::error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`run this action with generation-id: ${id}`);
    expect(ctx.server.jobs.size).toBe(1);
  });
});
