// What the steps of one run share (Run), and how a read the run can do
// without is made (settled).
import type { Log } from '../action/log.js';
import type { Time } from '../action/run-control.js';
import type { Env } from '../action/toolkit.js';
import { Cancelled, DeadlineReached } from '../core/errors.js';
import type { HedraApi, ReadCache, RunState } from '../hedra/api.js';
import { HttpError } from '../http/errors.js';
import type { Transport } from '../http/transport.js';
import type { InputName, Settings } from '../inputs/settings.js';

/** What every step of one run shares. */
export interface Run {
  api: HedraApi;
  log: Log;
  settings: Settings;
  state: RunState;
  env: Env;
  time: Time;
  /** When the run started, on `time`. */
  startedAt: number;
  /** Where the ids of local files (as tokens) come from. */
  newId: () => string;
  /** The HTTP transport, for downloads: made on first use. */
  transport: () => Transport;
  /** Whether there is an API key (a dry run may have none: then nothing is asked of Hedra). */
  hasKey: boolean;
  /** Problems of the inputs found while reading them, reported with the model's, in one round. */
  problems: string[];
  /** The inputs given that did not parse (a check against the model says nothing more about them). */
  unparsed: InputName[];
  /** Only check and price the request (a manifest's plan): nothing is looked up, stored or submitted. */
  priceOnly?: boolean;
  /** Reads shared with the other items of a manifest (the catalogue, estimates by shape). */
  reads: ReadCache;
}

/** A read made before paying, that the run can do without: its value, or undefined once the failure is told (a refused key and a stop pass through). */
export function settled<T>(work: Promise<T>, onFailure: (error: Error) => void): Promise<T | undefined> {
  return work.catch((error) => {
    if (error instanceof Cancelled || error instanceof DeadlineReached || (error instanceof HttpError && error.status === 401)) throw error;
    onFailure(error as Error);
    return undefined;
  });
}
