// A minimal GitHub REST stand-in, reached through GITHUB_API_URL: releases and
// their assets, issue comments with their authors, who a token is (GET /user
// and GraphQL's viewer), with permissions the test sets.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInAsset {
  id: number;
  name: string;
  size: number;
  sha256: string;
  content_type: string;
}

export interface StandInRelease {
  id: number;
  tag_name: string;
  assets: StandInAsset[];
}

/** A comment's author as the REST API shows it. */
export interface StandInUser {
  login: string;
  type: 'User' | 'Bot';
}

export interface StandInComment {
  id: number;
  issue: number;
  body: string;
  user: StandInUser;
  /** Set on a comment an app wrote, as GitHub does. */
  performed_via_github_app?: { slug: string } | null;
}

/**
 * What a token is. An installation token (the default GITHUB_TOKEN, a GitHub
 * App's token) has no user: GET /user answers 403, GraphQL's viewer answers
 * with the app's bot login. A user's token (a PAT) is that user.
 */
export interface StandInToken {
  kind: 'installation' | 'user';
  login: string;
}

/** GitHub's limit on an issue comment's body, in characters. */
export const COMMENT_LIMIT = 65_536;

export interface GitHubStandIn {
  url: string;
  /** The default token: the installation token GitHub Actions gives a job, writing as github-actions[bot]. */
  token: string;
  /** Every token the stand-in accepts (the default one included). */
  tokens: Map<string, StandInToken>;
  repository: string;
  releases: StandInRelease[];
  comments: StandInComment[];
  permissions: { contents: 'read' | 'write'; pullRequests: 'read' | 'write' };
  /** false: POST /graphql answers 404, as a proxy or a server without GraphQL could. */
  graphql: boolean;
  requests: { method: string; path: string }[];
  /** A new token of that kind writing as `login`; returns the token. */
  addToken(kind: StandInToken['kind'], login: string): string;
  /** A comment written by someone else (not through the API the action uses). */
  addComment(issue: number, body: string, user: StandInUser, app?: string): StandInComment;
  close(): Promise<void>;
}

const newToken = (prefix: string) => `${prefix}_${createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 36)}`;

export async function startGitHubStandIn(): Promise<GitHubStandIn> {
  const token = newToken('ghs');
  let nextId = 100;
  const state: Omit<GitHubStandIn, 'url' | 'close'> = {
    token,
    tokens: new Map([[token, { kind: 'installation', login: 'github-actions[bot]' }]]),
    repository: 'acme/site',
    releases: [],
    comments: [],
    permissions: { contents: 'write', pullRequests: 'write' },
    graphql: true,
    requests: [],
    addToken(kind, login) {
      const value = newToken(kind === 'user' ? 'ghp' : 'ghs');
      state.tokens.set(value, { kind, login });
      return value;
    },
    addComment(issue, body, user, app) {
      const comment = { id: nextId++, issue, body, user, performed_via_github_app: app ? { slug: app } : null };
      state.comments.push(comment);
      return comment;
    },
  };
  let origin = '';
  const releaseJson = (r: StandInRelease) => ({
    id: r.id,
    tag_name: r.tag_name,
    html_url: `https://github.example/${state.repository}/releases/tag/${r.tag_name}`,
    upload_url: `${origin}/repos/${state.repository}/releases/${r.id}/assets{?name,label}`,
    assets: r.assets.map((a) => ({ id: a.id, name: a.name, size: a.size, content_type: a.content_type })),
  });
  const commentJson = (c: StandInComment) => ({ id: c.id, body: c.body, user: c.user, performed_via_github_app: c.performed_via_github_app ?? null });
  /** GitHub counts a body's characters, not its bytes or UTF-16 units. */
  const tooLong = (body: string) =>
    [...body].length > COMMENT_LIMIT
      ? {
          message: 'Validation Failed',
          errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: `body is too long (maximum is ${COMMENT_LIMIT} characters)` }],
        }
      : undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    state.requests.push({ method: req.method ?? '', path: url.pathname });
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const [, given] = /^(?:token|Bearer) (.+)$/.exec(req.headers.authorization ?? '') ?? [];
    const who = given === undefined ? undefined : state.tokens.get(given);
    if (!who) return send(401, { message: 'Bad credentials' });
    const author: StandInUser = { login: who.login, type: who.kind === 'installation' ? 'Bot' : 'User' };
    const denied = () => send(403, { message: 'Resource not accessible by integration' });
    const base = `/repos/${state.repository}`;
    const path = url.pathname;
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && path === '/user') {
      return who.kind === 'installation' ? denied() : send(200, { login: who.login, type: 'User', id: 1 });
    }
    if (req.method === 'POST' && path === '/graphql') {
      if (!state.graphql) return send(404, { message: 'Not Found' });
      const { query } = JSON.parse(raw.toString()) as { query: string };
      if (!/\bviewer\s*\{\s*login\s*\}/.test(query)) return send(200, { errors: [{ message: 'this stand-in knows only { viewer { login } }' }] });
      return send(200, { data: { viewer: { login: who.login } } });
    }
    if (req.method === 'GET' && (m = new RegExp(`^${base}/releases/tags/(.+)$`).exec(path))) {
      const r = state.releases.find((x) => x.tag_name === decodeURIComponent(m![1]));
      return r ? send(200, releaseJson(r)) : send(404, { message: 'Not Found' });
    }
    if (req.method === 'GET' && (m = new RegExp(`^${base}/releases/(\\d+)$`).exec(path))) {
      const r = state.releases.find((x) => x.id === Number(m![1]));
      return r ? send(200, releaseJson(r)) : send(404, { message: 'Not Found' });
    }
    if (req.method === 'GET' && (m = new RegExp(`^${base}/releases/(\\d+)/assets$`).exec(path))) {
      return send(200, releaseJson(state.releases.find((x) => x.id === Number(m![1]))!).assets);
    }
    if (req.method === 'DELETE' && (m = new RegExp(`^${base}/releases/assets/(\\d+)$`).exec(path))) {
      if (state.permissions.contents !== 'write') return denied();
      for (const r of state.releases) r.assets = r.assets.filter((a) => a.id !== Number(m![1]));
      return send(204);
    }
    if (req.method === 'POST' && (m = new RegExp(`^${base}/releases/(\\d+)/assets$`).exec(path))) {
      if (state.permissions.contents !== 'write') return denied();
      const r = state.releases.find((x) => x.id === Number(m![1]))!;
      const name = url.searchParams.get('name') ?? '';
      if (r.assets.some((a) => a.name === name)) return send(422, { message: 'Validation Failed', errors: [{ code: 'already_exists' }] });
      const asset = {
        id: nextId++,
        name,
        size: raw.length,
        sha256: createHash('sha256').update(raw).digest('hex'),
        content_type: String(req.headers['content-type']),
      };
      r.assets.push(asset);
      return send(201, { id: asset.id, name, size: asset.size });
    }
    if (req.method === 'GET' && (m = new RegExp(`^${base}/issues/(\\d+)/comments$`).exec(path))) {
      return send(200, state.comments.filter((c) => c.issue === Number(m![1])).map(commentJson));
    }
    if (req.method === 'POST' && (m = new RegExp(`^${base}/issues/(\\d+)/comments$`).exec(path))) {
      if (state.permissions.pullRequests !== 'write') return denied();
      const { body } = JSON.parse(raw.toString()) as { body: string };
      const invalid = tooLong(body);
      if (invalid) return send(422, invalid);
      const c = state.addComment(Number(m[1]), body, author, who.kind === 'installation' ? who.login.replace(/\[bot\]$/, '') : undefined);
      return send(201, commentJson(c));
    }
    if (req.method === 'PATCH' && (m = new RegExp(`^${base}/issues/comments/(\\d+)$`).exec(path))) {
      // As on GitHub, a token that may write to pull requests may edit anyone's comment: whose it is, is the caller's to check.
      if (state.permissions.pullRequests !== 'write') return denied();
      const c = state.comments.find((x) => x.id === Number(m![1]));
      if (!c) return send(404, { message: 'Not Found' });
      const { body } = JSON.parse(raw.toString()) as { body: string };
      const invalid = tooLong(body);
      if (invalid) return send(422, invalid);
      c.body = body;
      return send(200, commentJson(c));
    }
    return send(404, { message: 'Not Found' });
  };
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, {
    url: origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
