// Where GitHub itself is involved: attaching results to a release and
// commenting on a pull request. Both are opt-in and need a token with one
// permission each; @actions/github is loaded only when one of them is used,
// and honours GITHUB_API_URL (GitHub Enterprise Server).
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { readEvent } from '../action/event.js';
import type { Log } from '../action/log.js';
import type { Env } from '../action/toolkit.js';
import { InputError } from '../errors.js';
import type { ItemResult } from '../hedra/download.js';
import type { Settings } from '../inputs/read-inputs.js';
import { isObject } from '../json.js';

type Octokit = Awaited<ReturnType<typeof octokitFor>>;

async function octokitFor(token: string) {
  const { getOctokit } = await import('@actions/github');
  return getOctokit(token);
}

function repository(env: Env): { owner: string; repo: string } {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo) throw new InputError('GITHUB_REPOSITORY is not set: release-upload and comment work only in a workflow run.');
  return { owner, repo };
}

/** A numeric field of an object in the event payload (`release.id`, `pull_request.number`). */
function numberIn(payload: Record<string, unknown>, object: string, field: string): number | undefined {
  const value = payload[object];
  const n = isObject(value) ? value[field] : undefined;
  return typeof n === 'number' ? n : undefined;
}

/** `release-upload: true` outside a release event. */
const RELEASE_EVENT_NEEDED = (eventName: string | undefined) =>
  `Input "release-upload" is true, but this run was triggered by ${eventName ? `a ${eventName} event` : 'no event'}, not a release: name the release's tag instead (release-upload: v1.2.3), or run on: release.`;

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
async function uploadToRelease(octokit: Octokit, settings: Settings, items: ItemResult[], env: Env, log: Log): Promise<string> {
  const { owner, repo } = repository(env);
  const files = items.flatMap((item) => (item.file ? [item.file] : []));
  if (files.length === 0) throw new InputError('Input "release-upload" has nothing to attach: no file was downloaded (is "download" false?).');
  let release: { id: number; upload_url: string; html_url?: string; tag_name?: string };
  const wanted = settings.releaseUpload!;
  try {
    if (wanted === 'event') {
      const releaseId = numberIn(await readEvent(env), 'release', 'id');
      if (releaseId === undefined) throw new InputError(RELEASE_EVENT_NEEDED(env.GITHUB_EVENT_NAME));
      release = (await octokit.rest.repos.getRelease({ owner, repo, release_id: releaseId })).data;
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
function commentMarker(env: Env): string {
  return `<!-- hedra-generate-action:${env.GITHUB_WORKFLOW ?? ''}:${env.GITHUB_JOB ?? ''}:${env.GITHUB_ACTION ?? ''} -->`;
}

async function commentOnPullRequest(octokit: Octokit, summary: string, env: Env, log: Log): Promise<void> {
  const { owner, repo } = repository(env);
  const number = numberIn(await readEvent(env), 'pull_request', 'number');
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

/** What the GitHub inputs need from the inputs and the run's context, checked before any request. */
export async function checkGitHubInputs(settings: Settings, env: Env): Promise<void> {
  const used = [settings.releaseUpload && 'release-upload', settings.comment && 'comment'].filter(Boolean);
  if (used.length === 0) return;
  if (!settings.githubToken) {
    throw new InputError(`Input "${used[0]}" needs "github-token" (its default, \${{ github.token }}, works when the job grants the permission).`);
  }
  if (settings.releaseUpload && (!settings.wait || !settings.download)) {
    throw new InputError('Input "release-upload" attaches the downloaded files: it needs "wait" and "download" to be true.');
  }
  repository(env);
  if (settings.releaseUpload === 'event' && numberIn(await readEvent(env), 'release', 'id') === undefined) {
    throw new InputError(RELEASE_EVENT_NEEDED(env.GITHUB_EVENT_NAME));
  }
}

/**
 * Runs the GitHub features the inputs ask for, after the results are in.
 * `summary` is the job summary as written, already redacted: the comment reuses it.
 */
export async function publish(settings: Settings, items: ItemResult[], summary: string, env: Env, log: Log): Promise<void> {
  if (!settings.githubToken || (!settings.releaseUpload && !settings.comment)) return;
  const octokit = await octokitFor(settings.githubToken);
  if (settings.releaseUpload) await log.group('Attaching to the release', () => uploadToRelease(octokit, settings, items, env, log));
  if (settings.comment) await commentOnPullRequest(octokit, summary, env, log);
}
