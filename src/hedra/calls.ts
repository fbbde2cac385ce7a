// How both API clients make a call: through the transport, retried by the one
// policy (src/http/retry.ts), its "retrying in …" lines in the log. A call
// goes through here only when repeating it is safe: a read, a create under an
// id reserved before the first attempt, a v3 submit under its idempotency key.
import type { Log } from '../action/log.js';
import { type RetryOptions, withRetries } from '../http/retry.js';
import type { Transport } from '../http/transport.js';

export class Calls {
  constructor(
    readonly transport: Transport,
    private readonly log: Pick<Log, 'info'>,
    private readonly clock: () => number,
  ) {}

  /** `attempt` until it succeeds or the policy gives up; `extra` narrows the policy for this call. */
  retrying<T>(operation: string, attempt: () => Promise<T>, extra: Partial<RetryOptions<T>> = {}): Promise<T> {
    return withRetries(operation, attempt, { control: this.transport.control, clock: this.clock, info: this.log.info, ...extra });
  }

  /** A JSON call, retried. */
  json(method: 'GET' | 'POST', path: string, body?: unknown, extra: Partial<RetryOptions<unknown>> = {}): Promise<unknown> {
    return this.retrying(`${method} ${path}`, () => this.transport.requestJson(method, path, body), extra);
  }
}
