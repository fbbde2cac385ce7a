// What the HTTP layer reports when a request fails, in two kinds:
// - HttpError: the server answered with an error status. Whoever speaks the
//   API (an adapter in src/apis/) words the message; the layer keeps the
//   status, the body and what the answer said about trying again.
// - NetworkError: no usable answer (no connection, a timeout, a cut-short or
//   garbled body): the outcome of the request is unknown.
import { ExplainedError } from '../core/errors.js';

export class HttpError extends ExplainedError {
  override name = 'HttpError';
  /**
   * Whether the server said another attempt can succeed (v3's `error.retryable`), when it said so with an actual
   * boolean; undefined otherwise (a v2 answer, a gateway's error page): then the status decides (see retry.ts).
   */
  readonly retryable?: boolean;
  constructor(
    message: string,
    readonly status: number,
    /** The answer's body, parsed as JSON when it is JSON. */
    readonly body: unknown,
    /** The Retry-After header of the answer (or what the body said in its place), if any. */
    readonly retryAfter?: string,
    /** The X-RateLimit-Reset header of the answer, if any. */
    readonly rateLimitReset?: string,
    options: { retryable?: boolean } = {},
  ) {
    super(message);
    if (options.retryable !== undefined) this.retryable = options.retryable;
  }
}

export class NetworkError extends ExplainedError {
  override name = 'NetworkError';
  constructor(
    message: string,
    /** The socket's or TLS layer's error code, when there is one (ECONNRESET, ETIMEDOUT, ...). */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** An error answer as the transport received it, for whoever speaks the API to word. */
export interface ErrorAnswer {
  status: number;
  /** The body's text (cut short past what any message needs). */
  text: string;
  /** The call, e.g. "POST /generations" (a presigned URL without its query). */
  operation: string;
  retryAfter?: string;
  rateLimitReset?: string;
}

/** How an API words its error answers: the transport calls it for every non-2xx answer. */
export type DescribeError = (answer: ErrorAnswer) => HttpError;

/** The wording when no API says otherwise: the status and whatever the server said. */
export const describePlainly: DescribeError = (answer) => {
  const said = answer.text.trim().slice(0, 500);
  return new HttpError(
    `${answer.operation} was answered with HTTP ${answer.status}${said ? `: ${said}` : ''}.`,
    answer.status,
    answer.text,
    answer.retryAfter,
    answer.rateLimitReset,
  );
};
