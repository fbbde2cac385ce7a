// Where GitHub itself is involved: attaching results to a release and
// commenting on a pull request. Both are opt-in and need a token with one
// permission each; @actions/github is loaded only when one of them is used,
// and honours GITHUB_API_URL (GitHub Enterprise Server).
//
// What can be checked at GitHub is checked before anything is created at
// Hedra (checkGitHubInputs): a refusal after the generation would come after
// it was paid for. Every string this module sends to GitHub (the comment's
// body, an asset's name) passes through the run's redaction first.
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { readEvent } from '../action/event.js';
import type { Log } from '../action/log.js';
import type { Env } from '../action/toolkit.js';
import { InputError } from '../core/errors.js';
import { isObject } from '../core/json.js';
import type { ItemResult } from '../hedra/api.js';
import type { Settings } from '../inputs/settings.js';

type Octokit = Awaited<ReturnType<typeof octokitFor>>;

async function octokitFor(token: string, env: Env) {
  const { getOctokit } = await import('@actions/github');
  return getOctokit(token, env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {});
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

const statusOf = (error: unknown) => (error as { status?: number }).status;

/** `release-upload: true` outside a release event. */
const RELEASE_EVENT_NEEDED = (eventName: string | undefined) =>
  `Input "release-upload" is true, but this run was triggered by ${eventName ? `a ${eventName} event` : 'no event'}, not a release: name the release's tag instead (release-upload: v1.2.3), or run on: release.`;

/** A 403/404 from GitHub as the permission it most likely lacks. */
function permissionError(error: unknown, what: string, permission: string): Error {
  const status = statusOf(error);
  const said = (error as Error).message;
  if (status === 403 || status === 401) {
    return new Error(
      `${what} failed: GitHub refused the token (HTTP ${status}: ${said}). The "github-token" needs ${permission}: add "permissions: ${permission}" to the job.`,
    );
  }
  return new Error(`${what} failed: ${said}`);
}

/** The login the default GITHUB_TOKEN writes as. */
export const DEFAULT_TOKEN_LOGIN = 'github-actions[bot]';

/** The part of Octokit the identity needs (a stand-in in tests). */
export interface IdentityApi {
  rest: { users: { getAuthenticated(): Promise<{ data: { login: string } }> } };
  graphql<T>(query: string): Promise<T>;
}

/**
 * Who the token writes as: the one author whose marked comment the action
 * edits. The marker alone is public (it is in every comment the action wrote),
 * so anyone could post it first; only a comment by the token's own identity is
 * taken as the action's.
 *
 * - GET /user answers for a user's token (a classic or fine-grained personal
 *   access token, an OAuth token) with that user's login.
 * - An installation token (the default GITHUB_TOKEN, or a GitHub App's token
 *   such as actions/create-github-app-token makes) has no user: GET /user
 *   answers 403 "Resource not accessible by integration", and GET /app wants
 *   the app's JWT. GraphQL's `viewer` answers for it with the app's bot login,
 *   `<app-slug>[bot]` (`github-actions[bot]` for the default token): the login
 *   the REST API shows as the author of its comments.
 * - When GraphQL cannot be asked either (a proxy, a server without it), the
 *   default token's `github-actions[bot]`. Only this repository's workflows
 *   write as it, so the worst an app token meets there is a new comment on
 *   each run; nobody else's comment is ever taken.
 *
 * Not "any Bot" nor "any comment with performed_via_github_app": every app
 * installed on the repository writes as a Bot, and one that quotes what people
 * write would carry the marker for them.
 *
 * A token GitHub does not accept (401) is an input error, named for the input.
 */
export async function tokenIdentity(octokit: IdentityApi, used: string): Promise<string> {
  const refused = (error: unknown) =>
    new InputError(
      `Input "github-token": GitHub does not accept the token (HTTP 401: ${(error as Error).message}), which "${used}" needs. Check the secret (expired or revoked?), or leave "github-token" at its default, \${{ github.token }}.`,
    );
  try {
    return (await octokit.rest.users.getAuthenticated()).data.login;
  } catch (error) {
    if (statusOf(error) === 401) throw refused(error);
    if (statusOf(error) !== 403) throw new Error(`Checking the "github-token" with GitHub (GET /user) failed: ${(error as Error).message}`);
  }
  try {
    const answer = await octokit.graphql<{ viewer?: { login?: unknown } }>('query { viewer { login } }');
    const login = answer.viewer?.login;
    if (typeof login === 'string' && login) return login;
  } catch (error) {
    if (statusOf(error) === 401) throw refused(error);
  }
  return DEFAULT_TOKEN_LOGIN;
}

/** GitHub's logins are case-insensitive. */
const sameLogin = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

interface Release {
  id: number;
  upload_url: string;
  html_url?: string;
  tag_name?: string;
}

/** The release `release-upload` names (its tag, or the release event's release); an input error when there is none. */
async function findRelease(octokit: Octokit, settings: Settings, env: Env): Promise<Release> {
  const { owner, repo } = repository(env);
  const wanted = settings.releaseUpload!;
  const releaseId = wanted === 'event' ? numberIn(await readEvent(env), 'release', 'id') : undefined;
  if (wanted === 'event' && releaseId === undefined) throw new InputError(RELEASE_EVENT_NEEDED(env.GITHUB_EVENT_NAME));
  try {
    if (releaseId !== undefined) return (await octokit.rest.repos.getRelease({ owner, repo, release_id: releaseId })).data;
    return (await octokit.rest.repos.getReleaseByTag({ owner, repo, tag: wanted })).data;
  } catch (error) {
    const status = statusOf(error);
    if (status === 404) {
      throw new InputError(
        releaseId !== undefined
          ? `Input "release-upload": this release event's release (id ${releaseId}) is not in ${owner}/${repo} any more, or the "github-token" cannot see it (it needs contents: write).`
          : `Input "release-upload": there is no release with tag "${wanted}" in ${owner}/${repo}.`,
      );
    }
    if (status === 401 || status === 403) {
      throw new InputError(
        `Input "release-upload": GitHub refused to show the release (HTTP ${status}: ${(error as Error).message}). The "github-token" needs contents: write: add "permissions: contents: write" to the job.`,
      );
    }
    throw new Error(`Finding the release for "release-upload" failed: ${(error as Error).message}`);
  }
}

/** Attaches every downloaded file to the release, replacing an asset of the same name (re-runs). */
async function uploadToRelease(octokit: Octokit, settings: Settings, items: ItemResult[], env: Env, log: Log): Promise<string> {
  const { owner, repo } = repository(env);
  const files = items.flatMap((item) => (item.file ? [item.file] : []));
  if (files.length === 0) throw new InputError('Input "release-upload" has nothing to attach: no file was downloaded (is "download" false?).');
  const release = await findRelease(octokit, settings, env);
  try {
    const existing = await octokit.paginate(octokit.rest.repos.listReleaseAssets, { owner, repo, release_id: release.id, per_page: 100 });
    for (const file of files) {
      // The name is sent to GitHub and shown on the release page: redacted like everything else that leaves the run.
      const name = log.redact(basename(file.path));
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

/** GitHub's limit on a comment's body, in characters. */
export const COMMENT_LIMIT = 65_536;

/** How the job summary quotes the request body (summary.ts): the one part of the comment that may be shortened. */
const REQUEST_QUOTE = '<details><summary>Request body</summary>';
const FENCE_OPEN = '```json\n';
const FENCE_CLOSE = '\n```\n';
const DETAILS_CLOSE = '</details>';

const count = (n: number) => n.toLocaleString('en-US');

/** `text` cut to at most `length` UTF-16 units, never between the two halves of a surrogate pair. */
function cut(text: string, length: number): string {
  const head = text.slice(0, Math.max(0, length));
  return /[\uD800-\uDBFF]$/.test(head) ? head.slice(0, -1) : head;
}

/**
 * The comment's body: the marker and the summary, within GitHub's limit.
 *
 * The limit counts characters; a string's length counts UTF-16 units, never
 * fewer, so a body that fits by length fits on GitHub. When the whole does not
 * fit, only the quote of the request body is shortened (a long `prompt-file`
 * is what makes it long): it keeps as much of its beginning as fits, and says
 * that it was shortened and where the whole is. The results (ids, statuses,
 * files, links, previews) are kept whole. Only if they alone are over the
 * limit, the quote is left out and the rest is cut at a line, saying so.
 */
export function commentBody(marker: string, summary: string, limit = COMMENT_LIMIT): string {
  const whole = `${marker}\n${summary}`;
  if (whole.length <= limit) return whole;
  const start = summary.indexOf(REQUEST_QUOTE);
  const open = start < 0 ? -1 : summary.indexOf(FENCE_OPEN, start);
  const close = open < 0 ? -1 : summary.indexOf(FENCE_CLOSE, open + FENCE_OPEN.length);
  const end = close < 0 ? -1 : summary.indexOf(DETAILS_CLOSE, close);
  const tooLong = `to keep this comment within GitHub's limit of ${count(limit)} characters`;
  if (end >= 0) {
    const json = summary.slice(open + FENCE_OPEN.length, close);
    const before = `${marker}\n${summary.slice(0, start)}`;
    const after = summary.slice(end + DETAILS_CLOSE.length);
    const quote = (shown: string) =>
      [
        '<details><summary>Request body (shortened)</summary>',
        '',
        FENCE_OPEN + shown,
        '…',
        '```',
        '',
        `The request body has ${count(json.length)} characters; the first ${count(shown.length)} are quoted here ${tooLong}. The whole body is in the job summary.`,
        '',
        DETAILS_CLOSE,
      ].join('\n');
    // The quote's own length grows with the numbers in it: measured with the longest they can be.
    const room = limit - before.length - after.length - quote('').length - count(json.length).length;
    if (room > 0) return `${before}${quote(cut(json, room))}${after}`;
    const note = `The request body (${count(json.length)} characters) is left out ${tooLong}; it is in the job summary.`;
    const without = `${before}${note}${after}`;
    if (without.length <= limit) return without;
  }
  // The results alone are over the limit: the quote (if any) goes, and the rest is cut at a line.
  const rest = `${marker}\n${start >= 0 ? summary.slice(0, start) : summary}`;
  const note = `\n\n… (shortened ${tooLong}; the whole is in the job summary)`;
  const kept = cut(rest, limit - note.length);
  const line = kept.lastIndexOf('\n');
  return `${line > marker.length ? kept.slice(0, line) : kept}${note}`;
}

async function commentOnPullRequest(octokit: Octokit, summary: string, env: Env, log: Log): Promise<void> {
  const { owner, repo } = repository(env);
  const number = numberIn(await readEvent(env), 'pull_request', 'number');
  if (!number) {
    log.warning('Input "comment" is true, but this run is not for a pull request; no comment was written.');
    return;
  }
  const marker = commentMarker(env);
  // The summary comes redacted; redacted again here, before the length is measured, so that this path stands on its own.
  const body = commentBody(marker, log.redact(summary));
  const me = await tokenIdentity(octokit, 'comment');
  try {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: number, per_page: 100 });
    const marked = comments.filter((c) => c.body?.includes(marker));
    const mine = marked.find((c) => sameLogin(c.user?.login, me));
    const foreign = [...new Set(marked.filter((c) => !sameLogin(c.user?.login, me)).map((c) => c.user?.login ?? 'an unknown author'))];
    if (foreign.length > 0) {
      log.warning(
        `A comment on pull request #${number} by ${foreign.join(', ')} carries this step's marker, but this token writes as ${me}: it was left alone${mine ? '' : ', and a new comment was written'}.`,
        'Comment not taken over',
      );
    }
    if (mine) await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
    else await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body });
    log.info(`${mine ? 'Updated the' : 'Wrote a'} comment on pull request #${number}.`);
  } catch (error) {
    throw permissionError(error, 'Commenting on the pull request', 'pull-requests: write');
  }
}

/**
 * What the GitHub inputs need, checked before anything is uploaded or created
 * at Hedra: first what the inputs and the event say, then, at GitHub, that the
 * token is accepted (its identity, which the comment needs) and that the
 * release exists. Whether the token may write is known only when it writes.
 */
export async function checkGitHubInputs(settings: Settings, env: Env): Promise<void> {
  const used = [settings.releaseUpload && 'release-upload', settings.comment && 'comment'].filter((x): x is string => Boolean(x));
  if (used.length === 0) return;
  if (!settings.githubToken) {
    throw new InputError(`Input "${used[0]}" needs "github-token" (its default, \${{ github.token }}, works when the job grants the permission).`);
  }
  if (settings.releaseUpload && (!settings.wait || !settings.download)) {
    throw new InputError('Input "release-upload" attaches the downloaded files: it needs "wait" and "download" to be true.');
  }
  repository(env);
  const event = await readEvent(env);
  if (settings.releaseUpload === 'event' && numberIn(event, 'release', 'id') === undefined) {
    throw new InputError(RELEASE_EVENT_NEEDED(env.GITHUB_EVENT_NAME));
  }
  // Outside a pull request the comment is skipped with a warning when the results are in: nothing to ask GitHub for it.
  const commenting = settings.comment && numberIn(event, 'pull_request', 'number') !== undefined;
  if (!settings.releaseUpload && !commenting) return;
  const octokit = await octokitFor(settings.githubToken, env);
  await tokenIdentity(octokit, commenting ? 'comment' : 'release-upload');
  if (settings.releaseUpload) await findRelease(octokit, settings, env);
}

/**
 * Runs the GitHub features the inputs ask for, after the results are in.
 * `summary` is the job summary as written, already redacted: the comment reuses it.
 */
export async function publish(settings: Settings, items: ItemResult[], summary: string, env: Env, log: Log): Promise<void> {
  if (!settings.githubToken || (!settings.releaseUpload && !settings.comment)) return;
  const octokit = await octokitFor(settings.githubToken, env);
  if (settings.releaseUpload) await log.group('Attaching to the release', () => uploadToRelease(octokit, settings, items, env, log));
  if (settings.comment) await commentOnPullRequest(octokit, summary, env, log);
}
