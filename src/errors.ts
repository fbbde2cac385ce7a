// Two kinds of failure reach the user. An InputError is theirs to fix in the
// workflow: it is shown as a plain message (no stack) and nothing has been sent.
// An ApiError is Hedra's answer to a request we made.

export class InputError extends Error {
  override name = 'InputError';
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly body: unknown,
  ) {
    super(message);
  }
}

/**
 * The outcome of a generation that exists: it failed on Hedra's side, or the
 * deadline passed. Its message already says what exists and how to resume.
 */
export class OutcomeError extends ApiError {
  override name = 'OutcomeError';
  constructor(message: string) {
    super(message, undefined, undefined);
  }
}
