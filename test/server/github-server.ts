// A minimal GitHub REST stand-in, reached through GITHUB_API_URL: releases and
// their assets, and issue comments, with a token whose permissions the test sets.
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

export interface StandInComment {
  id: number;
  issue: number;
  body: string;
}

export interface GitHubStandIn {
  url: string;
  token: string;
  repository: string;
  releases: StandInRelease[];
  comments: StandInComment[];
  permissions: { contents: 'read' | 'write'; pullRequests: 'read' | 'write' };
  requests: { method: string; path: string }[];
  close(): Promise<void>;
}

export async function startGitHubStandIn(): Promise<GitHubStandIn> {
  const state: Omit<GitHubStandIn, 'url' | 'close'> = {
    token: `ghs_${createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 36)}`,
    repository: 'acme/site',
    releases: [],
    comments: [],
    permissions: { contents: 'write', pullRequests: 'write' },
    requests: [],
  };
  let nextId = 100;
  let origin = '';
  const releaseJson = (r: StandInRelease) => ({
    id: r.id,
    tag_name: r.tag_name,
    html_url: `https://github.example/${state.repository}/releases/tag/${r.tag_name}`,
    upload_url: `${origin}/repos/${state.repository}/releases/${r.id}/assets{?name,label}`,
    assets: r.assets.map((a) => ({ id: a.id, name: a.name, size: a.size, content_type: a.content_type })),
  });

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
    if (req.headers.authorization !== `token ${state.token}` && req.headers.authorization !== `Bearer ${state.token}`)
      return send(401, { message: 'Bad credentials' });
    const denied = () => send(403, { message: 'Resource not accessible by integration' });
    const base = `/repos/${state.repository}`;
    const path = url.pathname;
    let m: RegExpExecArray | null;
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
      return send(
        200,
        state.comments.filter((c) => c.issue === Number(m![1])).map((c) => ({ id: c.id, body: c.body })),
      );
    }
    if (req.method === 'POST' && (m = new RegExp(`^${base}/issues/(\\d+)/comments$`).exec(path))) {
      if (state.permissions.pullRequests !== 'write') return denied();
      const c = { id: nextId++, issue: Number(m[1]), body: JSON.parse(raw.toString()).body };
      state.comments.push(c);
      return send(201, { id: c.id, body: c.body });
    }
    if (req.method === 'PATCH' && (m = new RegExp(`^${base}/issues/comments/(\\d+)$`).exec(path))) {
      if (state.permissions.pullRequests !== 'write') return denied();
      const c = state.comments.find((x) => x.id === Number(m![1]))!;
      c.body = JSON.parse(raw.toString()).body;
      return send(200, { id: c.id, body: c.body });
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
