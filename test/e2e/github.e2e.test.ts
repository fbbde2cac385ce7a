// The GitHub features through the bundle, against a GitHub REST stand-in
// reached through GITHUB_API_URL.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GitHubStandIn, startGitHubStandIn } from '../server/github-server.ts';
import { type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { tempDir } from '../setup/temp.ts';
import { runAction } from './run-action.ts';

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
  github.releases.splice(0, github.releases.length, { id: 7, tag_name: 'v1.2.0', assets: [] });
  github.comments.length = 0;
  github.requests.length = 0;
});

function eventFile(payload: unknown): string {
  const path = join(events, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(payload));
  return path;
}

const run = (inputs: Record<string, string>, event: unknown = {}, eventName = 'push') =>
  runAction(
    {
      'api-key': hedra.apiKey,
      'base-url': hedra.baseUrl,
      'github-token': github.token,
      type: 'image',
      model: 'google/nano-banana',
      prompt: 'a release cover',
      ...inputs,
    },
    {
      env: {
        GITHUB_API_URL: github.url,
        GITHUB_REPOSITORY: github.repository,
        GITHUB_EVENT_NAME: eventName,
        GITHUB_EVENT_PATH: eventFile(event),
        GITHUB_WORKFLOW: 'media',
        GITHUB_JOB: 'cover',
        GITHUB_ACTION: 'hedra',
      },
    },
  );

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

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
  it('uses the release of a release event with "true"', async () => {
    const result = await run({ 'release-upload': 'true' }, { release: { id: 7, tag_name: 'v1.2.0' } }, 'release');
    expect(result.code).toBe(0);
    expect(github.releases[0].assets.map((a) => a.name)).toEqual([`${result.outputs['asset-id']}.png`]);
  });
  it('says which permission the token lacks', async () => {
    github.permissions.contents = 'read';
    const result = await run({ 'release-upload': 'v1.2.0' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('The "github-token" needs contents: write: add "permissions: contents: write" to the job.');
    expect(result.stdout).toContain(`generation-id: ${result.outputs['generation-id']}`);
  });
  it.each([
    [{ 'github-token': '' }, 'Input "release-upload" needs "github-token"'],
    [{ download: 'false' }, 'Input "release-upload" attaches the downloaded files: it needs "wait" and "download" to be true.'],
  ])('refuses %j before any request', async (inputs, message) => {
    hedra.requests.length = 0;
    const result = await run({ 'release-upload': 'v1.2.0', ...inputs });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(message);
    expect(hedra.requests).toHaveLength(0);
  });
  it('names a tag with no release', async () => {
    const result = await run({ 'release-upload': 'v9.9.9' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Input "release-upload": there is no release with tag "v9.9.9" in acme/site.');
  });
});

describe('comment', () => {
  const pr = { pull_request: { number: 12, head: { repo: { full_name: 'acme/site', fork: false } }, base: { repo: { full_name: 'acme/site' } } } };
  it('posts the results on the pull request, then updates the same comment', async () => {
    const first = await run({ comment: 'true' }, pr, 'pull_request');
    expect(first.code).toBe(0);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0].issue).toBe(12);
    expect(github.comments[0].body).toContain('<!-- hedra-generate-action:media:cover:hedra -->');
    expect(github.comments[0].body).toContain(first.outputs['generation-id']);
    expect(github.comments[0].body).toContain('<img src=');

    const second = await run({ comment: 'true' }, pr, 'pull_request');
    expect(second.code).toBe(0);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0].body).toContain(second.outputs['generation-id']);
    expect(second.stdout).toContain('Updated the comment on pull request #12.');
  });
  it('says which permission the token lacks', async () => {
    github.permissions.pullRequests = 'read';
    const result = await run({ comment: 'true' }, pr, 'pull_request');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('needs pull-requests: write');
  });
  it('warns instead of commenting outside a pull request', async () => {
    const result = await run({ comment: 'true' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('::warning::Input "comment" is true, but this run is not for a pull request');
    expect(github.requests).toHaveLength(0);
  });
});
