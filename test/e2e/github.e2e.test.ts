// The GitHub features through the bundle, against a GitHub REST stand-in
// reached through GITHUB_API_URL: smoke runs of what only the bundle shows
// (@actions/github and Octokit loaded from its chunks, the process's exit code
// and what it printed), one per feature: a release upload, a comment, and a
// comment that Hedra tries to leak the key into. After every run, what reached
// the stand-in (comment bodies, release asset names) and what the run left is
// scanned for the Hedra API key and the GitHub token. Every test of this file,
// these included, runs in-process in test/in-process/github.test.ts.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GitHubStandIn, startGitHubStandIn } from '../server/github-server.ts';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { tempDir } from '../setup/temp.ts';
import { type ActionRun, type RunOptions, runAction } from './run-action.ts';
import { findSecret, visibleStdout } from './secret-scan.ts';

let hedra: HedraServer;
let github: GitHubStandIn;
const events = tempDir('events-'); // removed after this file's tests

beforeAll(async () => {
  hedra = await startHedraServer({ timings: { queued: 0, processing: 200, finalizing: 0 } });
  github = await startGitHubStandIn();
});
afterAll(async () => {
  await github.close();
  await hedra.close();
});
beforeEach(() => {
  github.permissions = { contents: 'write', pullRequests: 'write' };
  github.graphql = true;
  github.releases.splice(0, github.releases.length, { id: 7, tag_name: 'v1.2.0', assets: [] });
  github.comments.length = 0;
  github.requests.length = 0;
  hedra.requests.length = 0;
});

function eventFile(payload: unknown): string {
  const path = join(events, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(payload));
  return path;
}

/**
 * Where a secret must never be after a run: what reached GitHub (every comment's body, every release asset's name) and
 * what the run left (stdout as shown, stderr, the outputs, the summary, the runner's temporary directory and the
 * workspace). Looked for: the Hedra API key, the token the run was given and every token the stand-in knows.
 */
function scanForSecrets(result: ActionRun, inputs: Record<string, string>): void {
  const places: Record<string, string> = {
    stdout: visibleStdout(result.stdout),
    stderr: result.stderr,
    outputs: JSON.stringify(result.outputs),
    summary: result.summary,
  };
  for (const c of github.comments) places[`comment ${c.id} on #${c.issue}`] = c.body;
  for (const r of github.releases) for (const a of r.assets) places[`asset name on release ${r.tag_name}`] = a.name;
  const secrets = new Map([[hedra.apiKey, 'the Hedra API key']]);
  for (const token of [...github.tokens.keys(), inputs['github-token'] ?? '']) if (token) secrets.set(token, 'a GitHub token');
  for (const [secret, what] of secrets) {
    const found = findSecret(secret, places, [result.dirs.temp, result.dirs.workspace]);
    if (found.length > 0) throw new Error(`${what} leaked:\n${found.join('\n')}`);
  }
}

const run = async (inputs: Record<string, string>, event: unknown = {}, eventName = 'push', options: RunOptions = {}) => {
  const all = {
    'api-key': hedra.apiKey,
    'base-url': hedra.baseUrl,
    'github-token': github.token,
    type: 'image',
    model: 'google/nano-banana',
    prompt: 'a release cover',
    ...inputs,
  };
  const result = await runAction(all, {
    ...options,
    env: {
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: github.repository,
      GITHUB_EVENT_NAME: eventName,
      GITHUB_EVENT_PATH: eventFile(event),
      GITHUB_WORKFLOW: 'media',
      GITHUB_JOB: 'cover',
      GITHUB_ACTION: 'hedra',
      ...options.env,
    },
  });
  scanForSecrets(result, all);
  return result;
};

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const MARKER = '<!-- hedra-generate-action:media:cover:hedra -->';
const pr = { pull_request: { number: 12, head: { repo: { full_name: 'acme/site', fork: false } }, base: { repo: { full_name: 'acme/site' } } } };

describe('release-upload', () => {
  it('attaches the file to the release named by its tag, and a re-run replaces it', async () => {
    const first = await run({ 'release-upload': 'v1.2.0', 'output-path': 'cover.png' });
    expect(first.code).toBe(0);
    expect(github.releases[0].assets).toEqual([expect.objectContaining({ name: 'cover.png', sha256: sha(first.outputs.path), content_type: 'image/png' })]);
    expect(first.stdout).toContain('Attached cover.png on release v1.2.0.');

    const second = await run({ 'release-upload': 'v1.2.0', 'output-path': 'cover.png' });
    expect(second.code).toBe(0);
    expect(github.releases[0].assets).toHaveLength(1);
    expect(github.releases[0].assets[0].sha256).toBe(sha(second.outputs.path));
    expect(second.stdout).toContain('Replaced cover.png on release v1.2.0.');
  });
});

describe('comment', () => {
  it('posts the results on the pull request, then updates the same comment', async () => {
    const first = await run({ comment: 'true' }, pr, 'pull_request');
    expect(first.code).toBe(0);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0].issue).toBe(12);
    expect(github.comments[0].user).toEqual({ login: 'github-actions[bot]', type: 'Bot' });
    expect(github.comments[0].body).toContain(MARKER);
    expect(github.comments[0].body).toContain(first.outputs['generation-id']);
    expect(github.comments[0].body).toContain('<img src=');

    const second = await run({ comment: 'true' }, pr, 'pull_request');
    expect(second.code).toBe(0);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0].body).toContain(second.outputs['generation-id']);
    expect(second.stdout).toContain('Updated the comment on pull request #12.');
  });
  it("keeps Hedra's echoed key and presigned signatures out of the comment", async () => {
    const first = await run({ wait: 'false' });
    expect(first.code).toBe(0);
    const id = first.outputs['generation-id'];
    const job = hedra.jobs.get(id)!;
    const signed = `${hedra.origin}/media/${job.assetId}.png?X-Amz-Signature=0123456789abcdef&X-Amz-Credential=AKIDEXAMPLE`;
    hedra.inject({
      method: 'GET',
      path: new RegExp(`/generations/${id}/status$`),
      status: 200,
      body: {
        id,
        asset_id: job.assetId,
        type: 'image',
        status: 'error',
        progress: 1,
        created_at: new Date().toISOString(),
        error: { type: 'INVALID_ARGUMENT', message: `key ${hedra.apiKey} (${Buffer.from(hedra.apiKey).toString('base64')}) was refused, see ${signed}` },
      },
    });
    const result = await run({ 'generation-id': id, prompt: '', model: '', comment: 'true' }, pr, 'pull_request');
    expect(result.code).toBe(1);
    expect(github.comments).toHaveLength(1);
    const { body } = github.comments[0];
    expect(body).toContain('key *** (***) was refused');
    // The table cell shows the URL with its query cut and its link broken (no autolink to an outside host).
    expect(body).toContain(`${hedra.origin.replace('://', '&#58;//')}/media/${job.assetId}.png?…`);
    expect(body).not.toContain('X-Amz-Signature');
    expect(body).not.toContain(hedra.apiKey);
  });
});
