// The one module that talks HTTP to the API: it joins the base URL and the
// path, adds the key header, applies timeouts, and turns non-2xx answers into
// ApiErrors. Nothing else builds URLs or headers.
import { Agent, request, type Dispatcher } from 'undici';
import { apiError } from './api-errors.js';
import { ApiError } from '../errors.js';
import { log } from '../log.js';

export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  userAgent: string;
}

const TIMEOUTS = { connect: 30_000, headers: 60_000, body: 60_000 };

export class Transport {
  private readonly dispatcher: Dispatcher;

  constructor(private readonly options: TransportOptions) {
    this.dispatcher = new Agent({
      connect: { timeout: TIMEOUTS.connect },
      headersTimeout: TIMEOUTS.headers,
      bodyTimeout: TIMEOUTS.body,
    });
  }

  /** Sends a JSON request and returns the parsed JSON answer; non-2xx answers throw ApiError. */
  async json(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const operation = `${method} ${path}`;
    log.debug(`→ ${operation}`);
    const response = await this.send(operation, () => request(`${this.options.baseUrl}${path}`, {
      method,
      dispatcher: this.dispatcher,
      headers: {
        'x-api-key': this.options.apiKey,
        'user-agent': this.options.userAgent,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }));
    const text = await this.send(operation, () => response.body.text());
    log.debug(`← ${operation}: HTTP ${response.statusCode}, ${text.length} bytes`);
    if (response.statusCode < 200 || response.statusCode >= 300) throw apiError(response.statusCode, text, operation);
    try {
      return JSON.parse(text);
    } catch {
      throw new ApiError(`Hedra answered ${operation} with a body that is not JSON (HTTP ${response.statusCode}).`, response.statusCode, text);
    }
  }

  /** Network failures (no HTTP answer) as ApiErrors without a status, naming the call and the host. */
  private async send<T>(operation: string, attempt: () => Promise<T>): Promise<T> {
    try {
      return await attempt();
    } catch (error) {
      const code = (error as { code?: string }).code;
      const reason = (error as Error).message + (code && !(error as Error).message.includes(code) ? ` (${code})` : '');
      throw new ApiError(`No answer from Hedra to ${operation} at ${new URL(this.options.baseUrl).host}: ${reason}.`, undefined, undefined);
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}
