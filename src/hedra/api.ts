// The contract between the run (src/pipeline/) and each of Hedra's APIs
// (src/apis/v2/, src/apis/v3/): what an adapter must do for the one pipeline
// to check, price, store, submit, follow and report a request, and the types
// the two sides and the reports share. The pipeline decides the order, the
// guards and everything the user reads about it; an adapter speaks its API.
import type { Log } from '../action/log.js';
import type { Money, Unit } from '../core/money.js';
import type { RateLimitPolicy } from '../http/budget.js';
import type { DescribeError } from '../http/errors.js';
import type { Transport } from '../http/transport.js';
import type { Api, Settings } from '../inputs/settings.js';
import type { Downloaded } from '../media/download.js';
import type { PlannedFiles, Upload } from '../media/local-files.js';

/** An item's error as Hedra gives it (v3's envelope is read into the same shape). */
export interface ItemError {
  type?: string | null;
  message?: string | null;
  reason_code?: string | null;
  param?: string | null;
  credits_needed?: number | null;
  credits_available?: number | null;
  /** `field: message` pairs, in the rejecting side's vocabulary. */
  violations?: Record<string, unknown>[];
}

/**
 * One item's status in the words every report uses (v2's: queued, processing, finalizing, complete, error,
 * or a status Hedra adds later), with its result once complete. It is also the `result` output, as is.
 */
export interface ItemStatus {
  id: string;
  type?: string | null;
  status: string;
  progress?: number | null;
  asset_id?: string | null;
  url?: string | null;
  /** The presigned URL the file is fetched from (no key goes with it). */
  download_url?: string | null;
  streaming_url?: string | null;
  /** The voice the item made, when its output is a voice rather than a file (a v3 voice clone). */
  voice_id?: string | null;
  error?: ItemError | null;
  error_message?: string | null;
}

/** The statuses an item ends in. */
export const FINAL_STATUSES = ['complete', 'error'];

/** One item (a v2 generation, a v3 job) as the run ends it; `file` once downloaded. */
export interface ItemResult {
  /** Empty for an item Hedra refused at creation. */
  generationId: string;
  status: ItemStatus;
  file?: Downloaded;
  /** Set when Hedra refused this item at creation: the id the action had requested for it. */
  refusedAtCreation?: { requestedId: string };
}

/** Where the run is and what exists on Hedra's side so far, for failure messages: nothing may be lost. */
export interface RunState {
  phase: 'reading inputs' | 'checking the request with Hedra' | 'uploading' | 'creating the generation' | 'waiting' | 'downloading' | 'reporting';
  /** Ids sent in a submit whose answer has not arrived. */
  attempted?: string[];
  /** Ids Hedra confirmed. */
  created?: string[];
  /** A submit's outcome was unknown: a later refusal does not prove nothing was created. */
  outcomeUnknown?: boolean;
  /**
   * Set while a submit whose work has no id yet may have reached Hedra (v3: the job id comes with the answer):
   * what may exist and how to find it or pick it up, in the adapter's words, for whatever ends the run.
   */
  mayExist?: string;
}

/** What a request will cost, before it is paid. */
export type Estimate =
  | {
      known: true;
      total: Money;
      /** One item's price, and how many items. */
      each: Money;
      items: number;
      /** The figure is the least it costs (its length follows an input): a budget cannot rely on it. */
      lowerBound: boolean;
      /** How the figure was reached, for the log and the summary: "84 credits (2 × 42: 14/s × 3s (as asked))". */
      text: string;
    }
  | {
      known: false;
      reason: string;
      /** Hedra prices the request only once its files are stored: ask again after storing them. */
      afterStoring?: boolean;
      /** Hedra prices the model only once it has measured the inputs (v3: an estimate with no cost): no figure can come before paying. */
      unpriceable?: boolean;
    };

/** What the account can spend, for the balance guard. */
export interface Balance {
  /** What is short when it is too little: "Hedra credits", "money in the Hedra API wallet". */
  what: string;
  available: Money;
  /** Which pool `available` is, when it is not the account's own figure, e.g. "the largest workspace pool". */
  where?: string;
  /** Where and how to add funds, one sentence. */
  topUp: string;
  /**
   * The account may be topped up when a request is submitted (v3's wallets with automatic top-up): a
   * balance below the estimate is then no proof of a refusal, and is warned about, not refused.
   */
  mayTopUpAtSubmit?: boolean;
}

/** Work an earlier run made from the same inputs, found before paying: used instead of paying again. */
export interface Earlier {
  /** `reuse`: complete, downloaded as this run's result; `wait`: still running (another run started it). */
  action: 'reuse' | 'wait';
  ids: string[];
  createdAt?: string;
}

/** What a submit made, item by item in the order asked. */
export interface Submission {
  /** One per item; an empty string for an item Hedra refused at creation. */
  ids: string[];
  /** The output's asset id per item, where the answer gave one already (else ''). */
  assetIds: string[];
  /** Items Hedra refused at creation: their place, the id requested for them, and Hedra's reason. */
  refused: { index: number; requestedId: string; reason: string }[];
  /** Items another run paid for (Hedra answered with its work): they cost this run nothing. */
  paidElsewhere: Set<string>;
  /** Hedra's estimate of the time to completion, in seconds, if it gave one. */
  etaSec?: number;
  /** Set when every item is another run's work: this run reused it (or waits for it) at no cost. */
  reused?: { waited: boolean };
  /** The request as finally sent, when it changed while submitting (files stored again): for the `request` output. */
  request?: unknown;
}

/** What the pipeline reads of an adapter's plan of a request; each adapter keeps more of its own. */
export interface Plan {
  /** What is made (v2's type, v3's model modality), for the summary's heading; undefined when unknown. */
  type?: string;
  /** The model, as the summary names it. */
  model?: string;
  /** How many items the request makes. */
  count: number;
  /** The local files the request uses, to store before submitting. */
  uploads: Upload[];
  /** The request as it may be shown (the `request` output, the summary): no secret, no signed URL. */
  request: unknown;
  /** Input name → asset id of every media input given as an asset or stored as one (output input-asset-ids). */
  inputAssetIds: Record<string, string | string[]>;
}

/** What a dry run says it would do, and the request it would send (undefined when it could not be built). */
export interface DryRunReport {
  lines: string[];
  request?: unknown;
}

/** How the pipeline hears of each item as it is followed. */
export interface FollowHandlers {
  /** An item ended (complete or failed), with what it cost when the answer said so. */
  onFinal(id: string, status: ItemStatus, cost?: Money): void;
}

/** Waiting ran out of time: what was last seen of each item. */
export class WaitTimeout extends Error {
  override name = 'WaitTimeout';
  /** `unread`: items that had ended, but whose result was not readable yet (v3's result lags its status). */
  constructor(
    readonly last: Map<string, ItemStatus | undefined>,
    readonly unread: ReadonlySet<string> = new Set(),
  ) {
    super('deadline reached');
  }
}

/** The request as the pipeline asks an adapter to prepare it. */
export interface PrepareRequest {
  settings: Settings;
  /** The local files, checked, each with the token that stands for it in `settings`. */
  files: PlannedFiles;
  /**
   * Problems found before (the inputs that did not parse, the files): the pipeline reports them with the adapter's,
   * in one round. With any, the adapter makes only the reads that check the request (no reuse look-up).
   */
  problems: string[];
}

/** One of Hedra's APIs, as the pipeline drives it. */
export interface HedraApi<P extends Plan = Plan> {
  readonly name: Api;
  /** The unit of its prices and balances: credits on v2, US dollars on v3. */
  readonly unit: Unit;
  /** What an item is called in messages: a generation (v2), a job (v3). */
  readonly noun: 'generation' | 'job';
  /** Which input a prompt file fills for these settings (undefined: the request takes no text). */
  promptInput(settings: Settings): 'prompt' | 'text' | undefined;
  /**
   * Checks the request against everything Hedra says of the model before anything is paid, and builds it.
   * Throws one InputError with every problem (the request's `problems` among them) when there is any.
   */
  prepare(request: PrepareRequest): Promise<P>;
  /** Work an earlier run made from the same inputs (with `reuse`), when Hedra can be asked before submitting. */
  earlier(plan: P): Promise<Earlier | undefined>;
  /** What the request will cost; `afterStoring` when it can be priced only once its files are stored. */
  estimate(plan: P): Promise<Estimate>;
  /** What the account can spend, when Hedra says (a free read: its failure is logged, not thrown). */
  balance(): Promise<Balance | undefined>;
  /** What a dry run would do with the plan. */
  dryRun(plan: P, earlier: Earlier | undefined): DryRunReport;
  /** Stores the plan's local files with Hedra (free); the plan then names them as Hedra does. */
  store(plan: P): Promise<P>;
  /** Submits the request, exactly once whatever the network does, recording in `state` what may exist. */
  submit(plan: P, state: RunState): Promise<Submission>;
  /** Of these ids (`generation-id`), the ones Hedra does not know for this key. */
  unknownIds(ids: string[]): Promise<string[]>;
  /** Follows the items until each has ended; throws WaitTimeout at the deadline. */
  follow(ids: string[], handlers: FollowHandlers, etaSec?: number): Promise<void>;
  /** What these items cost (`known` holds what following them told), once ended; undefined when it cannot be read. */
  charged(ids: string[], known: Map<string, Money>): Promise<Map<string, Money> | undefined>;
}

/** What an adapter is made with: the run's log, settings and key, its transport (made on first use), clock and ids. */
export interface AdapterContext {
  log: Log;
  settings: Settings;
  /** Undefined in a dry run without a key: then nothing is asked of Hedra. */
  apiKey?: string;
  transport: () => Transport;
  clock: () => number;
  /** Where the ids the action reserves come from (random unless derived from the content). */
  newId: () => string;
  /** Reads that answer the same for every item of a manifest (the catalogue, a model): made once across them. */
  reads?: ReadCache;
}

/** Makes `read` once per `key` across the runs that share the cache, and hands every caller its answer. */
export type ReadCache = <T>(key: string, read: () => Promise<T>) => Promise<T>;

/** A cache that keeps nothing: each read is made (a single step). */
export const uncached: ReadCache = (_key, read) => read();

/** An API as main.ts plugs it in: how its key travels, how its error answers are worded, and the adapter itself. */
export interface Adapter {
  keyScheme: 'x-api-key' | 'authorization-key';
  /** Headers sent with every request to the API besides the key (v3's X-Hedra-Spec-Version). */
  headers?: Readonly<Record<string, string>>;
  describeError: DescribeError;
  /** The documented rate limit per key, which every request of the run keeps to (http/budget.ts); none where unpublished. */
  rateLimit?: RateLimitPolicy;
  make(ctx: AdapterContext): HedraApi;
}
