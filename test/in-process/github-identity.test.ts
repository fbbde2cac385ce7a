// tokenIdentity with the real Octokit against the GitHub stand-in: the error
// shapes it relies on (a status on REST and GraphQL refusals) are Octokit's.
import { getOctokit } from '@actions/github';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import { tokenIdentity } from '../../src/report/github.ts';
import { type GitHubStandIn, startGitHubStandIn } from '../server/github-server.ts';

let github: GitHubStandIn;
beforeAll(async () => {
  github = await startGitHubStandIn();
});
afterAll(() => github.close());
beforeEach(() => {
  github.graphql = true;
  github.requests.length = 0;
});
const octokit = (token: string) => getOctokit(token, { baseUrl: github.url });

describe('tokenIdentity against the stand-in', () => {
  it('the default token: 403 on GET /user, then github-actions[bot] from GraphQL', async () => {
    expect(await tokenIdentity(octokit(github.token), 'comment')).toBe('github-actions[bot]');
    expect(github.requests).toEqual([
      { method: 'GET', path: '/user' },
      { method: 'POST', path: '/graphql' },
    ]);
  });
  it("an app's token: its bot login from GraphQL", async () => {
    expect(await tokenIdentity(octokit(github.addToken('installation', 'hedra-previews[bot]')), 'comment')).toBe('hedra-previews[bot]');
  });
  it("a personal access token: the user's login from GET /user alone", async () => {
    expect(await tokenIdentity(octokit(github.addToken('user', 'octo-maintainer')), 'comment')).toBe('octo-maintainer');
    expect(github.requests).toEqual([{ method: 'GET', path: '/user' }]);
  });
  it("an app's token without GraphQL: the default token's login", async () => {
    github.graphql = false;
    expect(await tokenIdentity(octokit(github.addToken('installation', 'hedra-previews[bot]')), 'comment')).toBe('github-actions[bot]');
  });
  it('a token GitHub does not know: an input error', async () => {
    await expect(tokenIdentity(octokit('ghp_unknownunknownunknownunknownunknown00'), 'comment')).rejects.toThrow(InputError);
  });
});
