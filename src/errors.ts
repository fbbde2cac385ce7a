// The kinds of failure that reach the user, named for who failed:
// - InputError: the workflow's inputs; theirs to fix. Shown without a stack, and nothing has been sent.
// - HedraError: Hedra answered a request with an error status. It says the request was refused.
// - NetworkError: no usable answer (no connection, a timeout, a cut-short or garbled body): the
//   outcome of the request is unknown.
// - UnexpectedAnswer: Hedra answered 2xx with a body that lacks what the action needs.
// - GenerationFailed: a generation exists and ended badly on Hedra's side, or was not waited for
//   to its end; the message says what exists and how to pick it up.
// - Cancelled and DeadlineReached end a run early; LocalFileError is the disk's.

export class InputError extends Error {
  override name = 'InputError';
  /** Each problem on its own, so that problems found by different checks can be reported together. */
  readonly problems: string[];
  constructor(message: string, problems: string[] = [message]) {
    super(message);
    this.problems = problems;
  }

  /** Several problems as one error: the run shows all of them at once. */
  static all(problems: string[], what: string): InputError {
    return new InputError(problems.length === 1 ? problems[0] : `${what} ${problems.length} problems:\n- ${problems.join('\n- ')}`, problems);
  }
}

/** A run stopped before paying because of what it would cost: over `max-credits`, or more than the balance. */
export class SpendingRefused extends Error {
  override name = 'SpendingRefused';
}

export class HedraError extends Error {
  override name = 'HedraError';
  /**
   * Whether Hedra said another attempt can succeed (v3's `error.retryable`),
   * when it said so with an actual boolean; undefined otherwise (v2 answers,
   * a gateway's error page): then the status decides (see http/retry.ts).
   */
  readonly retryable?: boolean;
  constructor(
    message: string,
    readonly status: number,
    /** The answer's body, parsed as JSON when it is JSON. */
    readonly body: unknown,
    /** The Retry-After header of the answer, if any. */
    readonly retryAfter?: string,
    /** The X-RateLimit-Reset header of the answer, if any. */
    readonly rateLimitReset?: string,
    options: HedraErrorOptions = {},
  ) {
    super(message);
    if (options.retryable !== undefined) this.retryable = options.retryable;
  }
}

/** What a HedraError may carry beyond its status and headers. */
export interface HedraErrorOptions {
  retryable?: boolean;
}

export class NetworkError extends Error {
  override name = 'NetworkError';
  constructor(
    message: string,
    /** The socket's or TLS layer's error code, when there is one (ECONNRESET, ETIMEDOUT, ...). */
    readonly code?: string,
  ) {
    super(message);
  }
}

export class UnexpectedAnswer extends Error {
  override name = 'UnexpectedAnswer';
  constructor(
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

export class GenerationFailed extends Error {
  override name = 'GenerationFailed';
}

/** The runner asked the step to stop (SIGINT, then SIGTERM). */
export class Cancelled extends Error {
  override name = 'Cancelled';
  constructor(readonly signal: string) {
    super(`Cancelled by ${signal}`);
  }
}

/** The overall deadline (input "timeout") passed. */
export class DeadlineReached extends Error {
  override name = 'DeadlineReached';
  constructor(readonly timeoutMs: number) {
    super('deadline reached');
  }
}

/** A local file could not be read or written: no retry helps, and it is not the network's fault. */
export class LocalFileError extends Error {
  override name = 'LocalFileError';
}

/** Errors whose message is the whole story: no stack is worth showing for them. */
export function isExpected(error: unknown): boolean {
  return [InputError, SpendingRefused, HedraError, NetworkError, UnexpectedAnswer, GenerationFailed, Cancelled, DeadlineReached, LocalFileError].some(
    (kind) => error instanceof kind,
  );
}

/** An error's message as a clause inside a sentence of ours: without its closing full stop. */
export const said = (error: unknown) => (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');

/** A read made before paying: its value, or undefined once the failure is reported (a refused key and a stop pass through). */
export function settled<T>(work: Promise<T>, onFailure: (error: Error) => void): Promise<T | undefined> {
  return work.catch((error) => {
    if (error instanceof Cancelled || error instanceof DeadlineReached || (error instanceof HedraError && error.status === 401)) throw error;
    onFailure(error as Error);
    return undefined;
  });
}
