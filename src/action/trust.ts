// Warnings about who is spending the credits. A pull_request_target run from a
// fork has the repository's secrets but acts on the fork's input: anyone who
// opens a pull request can make it generate (and bill) whatever they like.
import { readEvent } from './event.js';
import type { Env } from './toolkit.js';

/** The fork's name when this run is pull_request_target on a pull request from a fork; otherwise undefined. */
export function forkOfPullRequestTarget(eventName: string | undefined, event: unknown): string | undefined {
  if (eventName !== 'pull_request_target') return undefined;
  const pr = (event as { pull_request?: { head?: { repo?: { full_name?: string; fork?: boolean } | null }; base?: { repo?: { full_name?: string } } } })
    ?.pull_request;
  const head = pr?.head?.repo;
  if (!head) return pr ? 'a deleted fork' : undefined;
  return head.fork || head.full_name !== pr?.base?.repo?.full_name ? (head.full_name ?? 'a fork') : undefined;
}

export async function untrustedTriggerWarning(env: Env): Promise<string | undefined> {
  if (env.GITHUB_EVENT_NAME !== 'pull_request_target') return undefined;
  const fork = forkOfPullRequestTarget(env.GITHUB_EVENT_NAME, await readEvent(env));
  if (!fork) return undefined;
  return (
    `This run was triggered by pull_request_target for a pull request from ${fork}: it spends this repository's paid Hedra credits ` +
    'on input that the fork controls. Require approval (an environment with reviewers) or a label before such runs, or use dry-run for pull requests.'
  );
}
