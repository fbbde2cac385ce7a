// The kinds of failure that reach the user. An InputError is theirs to fix in
// the workflow: it is shown as a plain message (no stack) and nothing has been
// sent. An ApiError is Hedra's answer to a request we made; a NetworkError is
// the lack of a usable one. Cancelled and DeadlineReached end a run early.

export class InputError extends Error {
  override name = 'InputError';
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    /** The HTTP status, when the server answered. */
    readonly status: number | undefined,
    readonly body: unknown,
    /** The Retry-After header of the answer, if any. */
    readonly retryAfter?: string,
  ) {
    super(message);
  }
}

/** No usable answer: the connection failed, timed out, was cut short, or the body was garbled. */
export class NetworkError extends ApiError {
  override name = 'NetworkError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message, undefined, undefined);
  }
}

/**
 * The outcome of a generation that exists: it failed on Hedra's side, or the
 * deadline passed while waiting. Its message already says what exists and how
 * to resume.
 */
export class OutcomeError extends ApiError {
  override name = 'OutcomeError';
  constructor(message: string) {
    super(message, undefined, undefined);
  }
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
