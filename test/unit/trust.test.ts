// The warning for pull_request_target runs from forks (src/action/trust.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forkOfPullRequestTarget, untrustedTriggerWarning } from '../../src/action/trust.ts';
import { tempDir } from '../setup/temp.ts';

const PRT = 'pull_request_target';
const pr = (head: unknown, base = 'me/repo') => ({ pull_request: { head: { repo: head }, base: { repo: { full_name: base } } } });

describe('forkOfPullRequestTarget', () => {
  it('is nothing for other events', () => {
    expect(forkOfPullRequestTarget('pull_request', pr({ full_name: 'them/repo', fork: true }))).toBeUndefined();
    expect(forkOfPullRequestTarget(undefined, pr({ full_name: 'them/repo', fork: true }))).toBeUndefined();
  });
  it('names the fork', () => {
    expect(forkOfPullRequestTarget(PRT, pr({ full_name: 'them/repo', fork: true }))).toBe('them/repo');
    expect(forkOfPullRequestTarget(PRT, pr({ full_name: 'them/repo', fork: false }))).toBe('them/repo');
    expect(forkOfPullRequestTarget(PRT, pr({ fork: true }))).toBe('a fork');
  });
  it('takes a head repository marked as a fork as one, even under the same name', () => {
    expect(forkOfPullRequestTarget(PRT, pr({ full_name: 'me/repo', fork: true }))).toBe('me/repo');
  });
  it('is nothing for a pull request within the repository', () => {
    expect(forkOfPullRequestTarget(PRT, pr({ full_name: 'me/repo', fork: false }))).toBeUndefined();
    expect(forkOfPullRequestTarget(PRT, pr({ full_name: 'me/repo' }))).toBeUndefined();
  });
  it('calls a head repository that is gone a deleted fork', () => {
    expect(forkOfPullRequestTarget(PRT, pr(null))).toBe('a deleted fork');
    expect(forkOfPullRequestTarget(PRT, { pull_request: {} })).toBe('a deleted fork');
  });
  it('names a head repository when the event lacks the base', () => {
    expect(forkOfPullRequestTarget(PRT, { pull_request: { head: { repo: { full_name: 'them/repo', fork: false } } } })).toBe('them/repo');
    expect(forkOfPullRequestTarget(PRT, { pull_request: { head: { repo: { full_name: 'them/repo', fork: false } }, base: {} } })).toBe('them/repo');
  });
  it('is nothing without a pull request in the event', () => {
    expect(forkOfPullRequestTarget(PRT, {})).toBeUndefined();
    expect(forkOfPullRequestTarget(PRT, undefined)).toBeUndefined();
  });
});

describe('untrustedTriggerWarning', () => {
  const dir = tempDir('hedra-event-');
  const eventFile = (name: string, payload: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(payload));
    return path;
  };
  const fromFork = eventFile('fork.json', pr({ full_name: 'them/repo', fork: true }));
  const fromRepo = eventFile('same.json', pr({ full_name: 'me/repo', fork: false }));

  it('warns that a fork spends the credits', async () => {
    expect(await untrustedTriggerWarning({ GITHUB_EVENT_NAME: PRT, GITHUB_EVENT_PATH: fromFork })).toBe(
      "This run was triggered by pull_request_target for a pull request from them/repo: it spends this repository's paid Hedra credits on input that the fork controls. Require approval (an environment with reviewers) or a label before such runs, or use dry-run for pull requests.",
    );
  });
  it('says nothing for a pull request within the repository, another event, or no event', async () => {
    expect(await untrustedTriggerWarning({ GITHUB_EVENT_NAME: PRT, GITHUB_EVENT_PATH: fromRepo })).toBeUndefined();
    expect(await untrustedTriggerWarning({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: fromFork })).toBeUndefined();
    expect(await untrustedTriggerWarning({ GITHUB_EVENT_NAME: PRT })).toBeUndefined();
    expect(await untrustedTriggerWarning({})).toBeUndefined();
  });
});
