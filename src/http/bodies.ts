// Bodies as the transport reads and sends them: read in chunks that feed the
// stall watchdog, never past a limit (an answer larger than any the API gives
// is refused; an error's body is cut short), and files sent in 1 MiB chunks.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { UnexpectedAnswer } from '../core/errors.js';
import type { Watchdog } from './watchdog.js';

export const CHUNK = 1024 * 1024;
const MiB = 1024 * 1024;
/** The most of a JSON answer that is read: the model catalogue, the largest, is well under a megabyte. */
export const JSON_LIMIT = 8 * MiB;
/** The most of an error answer that is read: enough for any message. */
export const ERROR_LIMIT = 64 * 1024;

/**
 * The body of an answer as text, the watchdog fed as it arrives, read up to
 * `limit` bytes: past it, `over` says what to do (an error body is cut short;
 * a JSON answer that large is no answer the API gives: `what` names it then).
 */
export async function readText(
  { response, watchdog }: { response: Response; watchdog: Watchdog },
  limit: number,
  over: 'cut' | 'refuse',
  what = '',
): Promise<string> {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  try {
    for await (const chunk of response.body ?? []) {
      watchdog.touch();
      bytes += chunk.length;
      if (bytes > limit) {
        await response.body?.cancel().catch(() => undefined);
        if (over === 'refuse') {
          throw new UnexpectedAnswer(`${what} is over ${limit / MiB} MiB, more than any answer of the API; it was not read further.`, undefined);
        }
        chunks.push(chunk.subarray(0, chunk.length - (bytes - limit)));
        break;
      }
      chunks.push(chunk);
    }
  } finally {
    watchdog.stop();
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Up to `limit` bytes of a body, as text; the rest is not read. */
export async function readCut(body: Readable, limit: number, watchdog: Watchdog): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of body) {
      watchdog.touch();
      chunks.push(chunk as Buffer);
      bytes += (chunk as Buffer).length;
      if (bytes >= limit) break;
    }
  } finally {
    body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

/** A file as chunks that keep the watchdog fed while the server takes them (fetch takes async iterables as bodies). */
export async function* fileChunks(path: string, watchdog: Watchdog, head: Buffer, tail: Buffer): AsyncGenerator<Buffer> {
  yield head;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
    watchdog.touch();
    yield chunk as Buffer;
  }
  yield tail;
}
