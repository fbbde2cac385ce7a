// What the items of one manifest step share, and how one item's run is asked
// for: main.ts runs each item as a single step (runStep), with a toolkit and an
// environment of the item's own (item-toolkit.ts) and these shared parts.
import type { Time } from '../action/run-control.js';
import type { Env, Toolkit } from '../action/toolkit.js';
import type { ReadCache } from '../hedra/api.js';
import { type RateLimitPolicy, RequestBudget } from '../http/budget.js';

export interface SharedAcrossItems {
  /**
   * The request budget of one API key (`key`: the API and its address; one key per API): every item on it waits in
   * the same one, so that items run in parallel keep to Hedra's limit together.
   */
  budget(key: string, policy: RateLimitPolicy | undefined): RequestBudget;
  /** Reads that answer the same for every item: made once. */
  reads: ReadCache;
  /** When the step started: `timeout` is the whole step's, so every item's deadline is counted from here. */
  startedAt: number;
}

/** How one item's run ended: its exit code, and the error that failed it. */
export interface StepResult {
  code: number;
  error?: unknown;
}

/** Runs one item as a single step, with its own toolkit and environment. */
export type RunItem = (toolkit: Toolkit, env: Env, shared: SharedAcrossItems, priceOnly: boolean) => Promise<StepResult>;

/** The shared parts for one step: budgets on the step's clock, stopped by the step's cancel. */
export function sharedAcrossItems(time: Time, cancel: AbortSignal, debug: (message: string) => void): SharedAcrossItems {
  const budgets = new Map<string, RequestBudget>();
  const answers = new Map<string, Promise<unknown>>();
  return {
    budget(key, policy) {
      let budget = budgets.get(key);
      if (!budget) {
        budget = new RequestBudget({ policy, clock: time.now, sleep: (ms) => time.sleep(ms, cancel), debug });
        budgets.set(key, budget);
      }
      return budget;
    },
    reads: <T>(key: string, read: () => Promise<T>) => {
      let answer = answers.get(key);
      if (!answer) {
        answer = read();
        answers.set(key, answer);
        answer.catch(() => undefined);
      }
      return answer as Promise<T>;
    },
    startedAt: time.now(),
  };
}
