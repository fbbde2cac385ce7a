// A request that makes no progress is given up: no answer, and no bytes
// moving either way, for `ms`. Every chunk sent or received feeds it.
import { NetworkError } from './errors.js';

export class Watchdog {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout;

  constructor(private readonly ms: number) {
    this.timer = this.arm();
  }

  /** Aborts with a NetworkError (ETIMEDOUT) when the watchdog fires. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  private arm(): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.controller.abort(new NetworkError(`no progress for ${Math.round(this.ms / 1000)}s`, 'ETIMEDOUT'));
    }, this.ms);
    timer.unref();
    return timer;
  }

  /** Progress: start the quiet period again. */
  touch(): void {
    clearTimeout(this.timer);
    this.timer = this.arm();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  /** Gives the request up now (its caller is done with it): a read of its body still waiting ends. */
  abandon(): void {
    clearTimeout(this.timer);
    this.controller.abort(new NetworkError('given up by the caller', 'EABANDONED'));
  }
}
