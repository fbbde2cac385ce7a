// The GitHub features in-process: the run goes through runWith (as the bundle
// runs it) against the validating Hedra server on the fast clock, and a GitHub
// REST stand-in reached through GITHUB_API_URL. After every run, what reached
// the stand-in (comment bodies, release asset names) and what the run left is
// scanned for the Hedra API key and the GitHub token.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ActionRun, RunOptions } from '../e2e/run-action.ts';
import { findSecret, visibleStdout } from '../e2e/secret-scan.ts';
import { FAST } from '../helpers/fast-time.ts';
import { runInProcess } from '../helpers/run-in-process.ts';
import { COMMENT_LIMIT, type GitHubStandIn, startGitHubStandIn } from '../server/github-server.ts';
import { CHARACTER_3_DEFAULT_SLUG, type HedraServer, startHedraServer } from '../server/hedra-server.ts';
import { tempDir } from '../setup/temp.ts';

let hedra: HedraServer;
let github: GitHubStandIn;
const events = tempDir('events-'); // removed after this file's tests

beforeAll(async () => {
  hedra = await startHedraServer({ time: FAST, timings: { queued: 0, processing: 200, finalizing: 0 } });
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
  const result = await runInProcess(all, {
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
/** What reached Hedra that costs or creates something: an upload or a generation. */
const paidRequests = () => hedra.requests.filter((r) => r.method === 'POST' && (r.path === '/generations' || r.path.startsWith('/assets')));
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
  ])('refuses %j before anything is paid, with the inputs checked against the model', async (inputs, message) => {
    const result = await run({ 'release-upload': 'v1.2.0', ...inputs });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(message);
    expect(hedra.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /models']);
  });
  it('names the asset through the redaction: a secret in the file name does not reach the release', async () => {
    const result = await run({ 'release-upload': 'v1.2.0', 'output-path': `cover-${hedra.apiKey}.png` });
    expect(result.code).toBe(0);
    expect(github.releases[0].assets.map((a) => a.name)).toEqual(['cover-***.png']);
    expect(result.stdout).toContain('Attached cover-***.png on release v1.2.0.');
  });
});

describe('GitHub preconditions, checked before anything is paid at Hedra', () => {
  // With an input file, so that an upload would come before the create: neither may happen.
  const paid = { type: 'image_to_image', model: '', prompt: 'merge', image: 'a.png' };
  const files = { 'a.png': randomBytes(1000) };
  it.each([
    ['a tag with no release', { 'release-upload': 'v9.9.9' }, {}, 'push', 'Input "release-upload": there is no release with tag "v9.9.9" in acme/site.'],
    [
      'a release event whose release is gone',
      { 'release-upload': 'true' },
      { release: { id: 99, tag_name: 'v0.0.1' } },
      'release',
      'Input "release-upload": this release event\'s release (id 99) is not in acme/site any more',
    ],
    [
      'a token GitHub refuses, for release-upload',
      { 'release-upload': 'v1.2.0', 'github-token': 'ghp_revokedrevokedrevokedrevokedrevoked0' },
      {},
      'push',
      'Input "github-token": GitHub does not accept the token (HTTP 401: Bad credentials',
    ],
    [
      'a token GitHub refuses, for comment',
      { comment: 'true', 'github-token': 'ghp_revokedrevokedrevokedrevokedrevoked0' },
      pr,
      'pull_request',
      'Input "github-token": GitHub does not accept the token (HTTP 401: Bad credentials',
    ],
  ])('%s fails as an input error before any upload or create', async (_, inputs, event, eventName, message) => {
    const result = await run({ ...paid, ...inputs }, event, eventName, { files });
    expect(result.code).toBe(1);
    const error = result.stdout.split('\n').find((l) => l.startsWith('::error'));
    expect(error).toContain('title=Invalid input');
    expect(error).toContain(message);
    expect(paidRequests()).toEqual([]);
    expect(github.comments).toEqual([]);
    expect(github.releases[0].assets).toEqual([]);
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

  it('never edits a comment someone else wrote with its marker: it writes its own and says so', async () => {
    const bait = `${MARKER}\nplanted first`;
    const person = github.addComment(12, bait, { login: 'mallory', type: 'User' });
    const app = github.addComment(12, bait, { login: 'echo-bot[bot]', type: 'Bot' }, 'echo-bot');
    const first = await run({ comment: 'true' }, pr, 'pull_request');
    expect(first.code).toBe(0);
    expect(person.body).toBe(bait);
    expect(app.body).toBe(bait);
    expect(github.comments).toHaveLength(3);
    const own = github.comments[2];
    expect(own.user.login).toBe('github-actions[bot]');
    expect(own.body).toContain(first.outputs['generation-id']);
    expect(first.stdout).toContain('Wrote a comment on pull request #12.');
    expect(first.stdout).toMatch(/::warning title=Comment not taken over::.*by mallory, echo-bot\[bot\] carries this step's marker/);
    expect(github.requests.filter((r) => r.method === 'PATCH')).toEqual([]);

    // A re-run updates its own comment, still leaving the others alone.
    const second = await run({ comment: 'true' }, pr, 'pull_request');
    expect(second.code).toBe(0);
    expect(github.comments).toHaveLength(3);
    expect(own.body).toContain(second.outputs['generation-id']);
    expect([person.body, app.body]).toEqual([bait, bait]);
  });
  it("with a personal access token, takes the comment of the token's user (GET /user), not github-actions[bot]'s", async () => {
    const pat = github.addToken('user', 'octo-maintainer');
    const bots = github.addComment(12, `${MARKER}\nfrom the default token`, { login: 'github-actions[bot]', type: 'Bot' }, 'github-actions');
    const users = github.addComment(12, `${MARKER}\nfrom the maintainer's token`, { login: 'Octo-Maintainer', type: 'User' });
    const result = await run({ comment: 'true', 'github-token': pat }, pr, 'pull_request');
    expect(result.code).toBe(0);
    expect(users.body).toContain(result.outputs['generation-id']);
    expect(bots.body).toBe(`${MARKER}\nfrom the default token`);
    expect(github.requests).toContainEqual({ method: 'GET', path: '/user' });
    expect(github.comments).toHaveLength(2);
  });
  it("with a GitHub App's token, takes the comment of the app's bot (GraphQL viewer), not github-actions[bot]'s", async () => {
    const appToken = github.addToken('installation', 'hedra-previews[bot]');
    const bots = github.addComment(12, `${MARKER}\nfrom the default token`, { login: 'github-actions[bot]', type: 'Bot' }, 'github-actions');
    const apps = github.addComment(12, `${MARKER}\nfrom the app`, { login: 'hedra-previews[bot]', type: 'Bot' }, 'hedra-previews');
    const result = await run({ comment: 'true', 'github-token': appToken }, pr, 'pull_request');
    expect(result.code).toBe(0);
    expect(apps.body).toContain(result.outputs['generation-id']);
    expect(bots.body).toBe(`${MARKER}\nfrom the default token`);
    expect(github.requests).toContainEqual({ method: 'POST', path: '/graphql' });
  });

  it("shortens the request quote to fit GitHub's 65,536-character limit, keeping the results whole", async () => {
    // Character-3 takes a prompt of any length; 100,000 characters make the quoted request body longer than a comment may be.
    const prompt = `${'a fox reads the release notes aloud, '.repeat(2700)}THE END`;
    const result = await run(
      {
        type: 'video',
        model: CHARACTER_3_DEFAULT_SLUG,
        prompt: '',
        'prompt-file': 'prompt.txt',
        image: '11111111-1111-4111-8111-111111111111',
        audio: '33333333-3333-4333-8333-333333333333',
        comment: 'true',
      },
      pr,
      'pull_request',
      { files: { 'prompt.txt': prompt } },
    );
    expect(result.code).toBe(0);
    // The job summary has it all; the comment is what fits.
    expect(result.summary).toContain('THE END');
    expect(github.comments).toHaveLength(1);
    const { body } = github.comments[0];
    expect([...body].length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body.length).toBeGreaterThan(COMMENT_LIMIT - 500);
    expect(body).not.toContain('THE END');
    expect(body).toContain(prompt.slice(0, 1000));
    expect(body).toContain('Request body (shortened)');
    expect(body).toMatch(
      /The request body has [\d,]+ characters; the first [\d,]+ are quoted here to keep this comment within GitHub's limit of 65,536 characters\./,
    );
    // Everything before the quote, as in the job summary: the results table with the ids.
    const results = result.summary.slice(0, result.summary.indexOf('<details><summary>Request body</summary>'));
    expect(results).toContain(result.outputs['generation-id']);
    expect(results).toContain(result.outputs['asset-id']);
    expect(body).toContain(results);
    expect(body.trimEnd().endsWith('</details>')).toBe(true);
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
    // The URL is Hedra's text in a table cell: no autolink (its colon an entity), and no query.
    expect(body).toContain(`${hedra.origin.replace('://', '&#58;//')}/media/${job.assetId}.png?…`);
    expect(body).not.toContain('X-Amz-Signature');
    expect(body).not.toContain(hedra.apiKey);
  });
});
