// Who the token writes as (src/report/github.ts tokenIdentity): the one
// author whose marked comment the action takes as its own.
import { describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { DEFAULT_TOKEN_LOGIN, type IdentityApi, tokenIdentity } from '../../src/report/github.ts';

const httpError = (status: number, message: string) => Object.assign(new Error(message), { status });

function api(user: () => Promise<string>, viewer: () => Promise<unknown>) {
  const graphql = vi.fn(async () => ({ viewer: { login: await viewer() } }));
  const getAuthenticated = vi.fn(async () => ({ data: { login: await user() } }));
  return { api: { rest: { users: { getAuthenticated } }, graphql } as unknown as IdentityApi, graphql, getAuthenticated };
}
const forbidden = async (): Promise<string> => {
  throw httpError(403, 'Resource not accessible by integration');
};

describe('tokenIdentity', () => {
  it("is a user's token's login, from GET /user, without asking GraphQL", async () => {
    const { api: octokit, graphql } = api(
      async () => 'octo-maintainer',
      async () => 'unused',
    );
    expect(await tokenIdentity(octokit, 'comment')).toBe('octo-maintainer');
    expect(graphql).not.toHaveBeenCalled();
  });

  it("is an installation token's bot login, from GraphQL's viewer, when GET /user answers 403", async () => {
    const { api: octokit, graphql } = api(forbidden, async () => 'hedra-previews[bot]');
    expect(await tokenIdentity(octokit, 'comment')).toBe('hedra-previews[bot]');
    expect(graphql).toHaveBeenCalledWith('query { viewer { login } }');
  });

  it.each([
    ['fails', async () => Promise.reject(httpError(404, 'Not Found'))],
    ['answers with no login', async () => ''],
    ['answers with something else', async () => 42],
  ])("is the default token's login when GraphQL %s", async (_, viewer) => {
    const { api: octokit } = api(forbidden, viewer);
    expect(await tokenIdentity(octokit, 'comment')).toBe(DEFAULT_TOKEN_LOGIN);
    expect(DEFAULT_TOKEN_LOGIN).toBe('github-actions[bot]');
  });

  it.each([
    ['GET /user', () => Promise.reject(httpError(401, 'Bad credentials')), async () => 'x'],
    ['GraphQL', forbidden, () => Promise.reject(httpError(401, 'Bad credentials'))],
  ])('is an input error naming "github-token" and the input that needs it when %s answers 401', async (_, user, viewer) => {
    const { api: octokit } = api(user, viewer);
    const error = await tokenIdentity(octokit, 'release-upload').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(
      'Input "github-token": GitHub does not accept the token (HTTP 401: Bad credentials), which "release-upload" needs. Check the secret (expired or revoked?), or leave "github-token" at its default, ${{ github.token }}.',
    );
  });

  it('fails (not as an input error) when GET /user fails otherwise', async () => {
    const { api: octokit, graphql } = api(
      () => Promise.reject(httpError(502, 'Bad Gateway')),
      async () => 'x',
    );
    const error = await tokenIdentity(octokit, 'comment').catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(InputError);
    expect((error as Error).message).toBe('Checking the "github-token" with GitHub (GET /user) failed: Bad Gateway');
    expect(graphql).not.toHaveBeenCalled();
  });
});
