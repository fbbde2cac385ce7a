// Where GitHub itself is involved: attaching results to a release and
// commenting on a pull request. Both are opt-in and need a token with one
// permission each; @actions/github is loaded only when one of them is used,
// and honours GITHUB_API_URL (GitHub Enterprise Server).
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { InputError } from './errors.js';
import type { Settings } from './inputs.js';
import { log } from './log.js';
import type { ItemResult } from './outputs.js';

type Octokit = Awaited<ReturnType<typeof octokitFor>>;

async function octokitFor(token: string) {
  const { getOctokit } = await import('@actions/github');
  return getOctokit(token);
}

function repository(env: Record<string, string | undefined>): { owner: string; repo: string } {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo) throw new InputError('GITHUB_REPOSITORY is not set: release-upload and comment work only in a workflow run.');
  return { owner, repo };
}

async function event(env: Record<string, string | undefined>): Promise<Record<string, any>> {
  if (!env.GITHUB_EVENT_PATH) return {};
  try {
    return JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8'));
  } catch {
    return {};
  }
}

/** A 403/404 from GitHub as the permission it most likely lacks. */
function permissionError(error: unknown, what: string, permission: string): Error {
  const status = (error as { status?: number }).status;
  const said = (error as Error).message;
  if (status === 403 || status === 401) {
    return new Error(
      `${what} failed: GitHub refused the token (HTTP ${status}: ${said}). The "github-token" needs ${permission}: add "permissions: ${permission}" to the job.`,
    );
  }
  return new Error(`${what} failed: ${said}`);
}

/** Attaches every downloaded file to the release, replacing an asset of the same name (re-runs). */
async function uploadToRelease(octokit: Octokit, settings: Settings, items: ItemResult[], env: Record<string, string | undefined>): Promise<string> {
  const { owner, repo } = repository(env);
  const files = items.flatMap((item) => (item.file ? [item.file] : []));
  if (files.length === 0) throw new InputError('Input "release-upload" has nothing to attach: no file was downloaded (is "download" false?).');
  let release: { id: number; upload_url: string; html_url?: string; tag_name?: string };
  const wanted = settings.releaseUpload!;
  try {
    if (wanted === 'event') {
      const payload = await event(env);
      if (!payload.release?.id) {
        throw new InputError(
          'Input "release-upload" is true, but this run was not triggered by a release event: name the release\'s tag instead (release-upload: v1.2.3).',
        );
      }
      release = (await octokit.rest.repos.getRelease({ owner, repo, release_id: payload.release.id })).data;
    } else {
      release = (await octokit.rest.repos.getReleaseByTag({ owner, repo, tag: wanted })).data;
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    if ((error as { status?: number }).status === 404)
      throw new InputError(`Input "release-upload": there is no release with tag "${wanted}" in ${owner}/${repo}.`);
    throw permissionError(error, 'Finding the release', 'contents: write');
  }
  try {
    const existing = await octokit.paginate(octokit.rest.repos.listReleaseAssets, { owner, repo, release_id: release.id, per_page: 100 });
    for (const file of files) {
      const name = basename(file.path);
      const old = existing.find((asset) => asset.name === name);
      if (old) await octokit.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: old.id });
      await octokit.request({
        method: 'POST',
        url: release.upload_url,
        name,
        // Streamed from disk: a video need not fit in memory twice.
        data: Readable.toWeb(createReadStream(file.path)),
        request: { duplex: 'half' },
        headers: { 'content-type': file.contentType ?? 'application/octet-stream', 'content-length': file.bytes },
      });
      log.info(`${old ? 'Replaced' : 'Attached'} ${name} on release ${release.tag_name ?? release.id}.`);
    }
  } catch (error) {
    throw permissionError(error, 'Attaching to the release', 'contents: write');
  }
  return release.html_url ?? '';
}

/** The comment's hidden marker: one comment per workflow step, found again on re-runs. */
export function commentMarker(env: Record<string, string | undefined>): string {
  return `<!-- hedra-generate-action:${env.GITHUB_WORKFLOW ?? ''}:${env.GITHUB_JOB ?? ''}:${env.GITHUB_ACTION ?? ''} -->`;
}

async function commentOnPullRequest(octokit: Octokit, summary: string, env: Record<string, string | undefined>): Promise<void> {
  const { owner, repo } = repository(env);
  const payload = await event(env);
  const number = payload.pull_request?.number;
  if (!number) {
    log.warning('Input "comment" is true, but this run is not for a pull request; no comment was written.');
    return;
  }
  const marker = commentMarker(env);
  const body = `${marker}\n${summary}`;
  try {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: number, per_page: 100 });
    const mine = comments.find((c) => c.body?.includes(marker));
    if (mine) await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
    else await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body });
    log.info(`${mine ? 'Updated the' : 'Wrote a'} comment on pull request #${number}.`);
  } catch (error) {
    throw permissionError(error, 'Commenting on the pull request', 'pull-requests: write');
  }
}

/** What the GitHub inputs need, checked before any request. */
export function checkGitHubInputs(settings: Settings): void {
  const used = [settings.releaseUpload && 'release-upload', settings.comment && 'comment'].filter(Boolean);
  if (used.length === 0) return;
  if (!settings.githubToken) {
    throw new InputError(`Input "${used[0]}" needs "github-token" (its default, \${{ github.token }}, works when the job grants the permission).`);
  }
  if (settings.releaseUpload && (!settings.wait || !settings.download)) {
    throw new InputError('Input "release-upload" attaches the downloaded files: it needs "wait" and "download" to be true.');
  }
}

/** Runs the GitHub features the inputs ask for, after the results are in. */
export async function publish(settings: Settings, items: ItemResult[], summary: string, env: Record<string, string | undefined>): Promise<void> {
  if (!settings.githubToken || (!settings.releaseUpload && !settings.comment)) return;
  const octokit = await octokitFor(settings.githubToken);
  if (settings.releaseUpload) await log.group('Attaching to the release', () => uploadToRelease(octokit, settings, items, env));
  if (settings.comment) await commentOnPullRequest(octokit, summary, env);
}
