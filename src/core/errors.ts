// The kinds of failure that reach the user, named for who failed:
// - InputError: the workflow's inputs; theirs to fix. Shown without a stack, and nothing has been sent.
// - SpendingRefused: the run would cost more than it may (`max-credits`, the balance): nothing was paid.
// - UnexpectedAnswer: Hedra answered 2xx with a body that lacks what the action needs.
// - GenerationFailed: a generation exists and ended badly on Hedra's side, or was not waited for
//   to its end; the message says what exists and how to pick it up.
// - Cancelled and DeadlineReached end a run early; LocalFileError is the disk's.
// The HTTP layer adds its own two (src/http/errors.ts): an error answer, and no usable answer.
// Each is an ExplainedError: its message is the whole story, and no stack is worth showing.

/** An error whose message says everything a user needs: shown without a stack. */
export class ExplainedError extends Error {}

export class InputError extends ExplainedError {
  override name = 'InputError';
  /** Each problem on its own, so that problems found by different checks can be reported together. */
  readonly problems: string[];
  constructor(message: string, problems: string[] = [message]) {
    super(message);
    this.problems = problems;
  }

  /** Several problems as one error: the run shows all of them at once. */
  static all(problems: string[], what: string): InputError {
    const unique = [...new Set(problems)];
    return new InputError(unique.length === 1 ? unique[0] : `${what} ${unique.length} problems:\n- ${unique.join('\n- ')}`, unique);
  }
}

/** A run stopped before paying because of what it would cost: over `max-credits`, or more than the balance. */
export class SpendingRefused extends ExplainedError {
  override name = 'SpendingRefused';
}

export class UnexpectedAnswer extends ExplainedError {
  override name = 'UnexpectedAnswer';
  constructor(
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

export class GenerationFailed extends ExplainedError {
  override name = 'GenerationFailed';
}

/** The runner asked the step to stop (SIGINT, then SIGTERM). */
export class Cancelled extends ExplainedError {
  override name = 'Cancelled';
  constructor(readonly signal: string) {
    super(`Cancelled by ${signal}`);
  }
}

/** The overall deadline (input "timeout") passed. */
export class DeadlineReached extends ExplainedError {
  override name = 'DeadlineReached';
  constructor(readonly timeoutMs: number) {
    super('deadline reached');
  }
}

/** A local file could not be read or written: no retry helps, and it is not the network's fault. */
export class LocalFileError extends ExplainedError {
  override name = 'LocalFileError';
}

/** Whether the run was stopped from outside (the runner's signal) or by its own deadline: nothing more is tried then. */
export const isStop = (error: unknown) => error instanceof Cancelled || error instanceof DeadlineReached;

/** An error's message as a clause inside a sentence of ours: without its closing full stop. */
export const said = (error: unknown) => (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
