// Downloads a result from its presigned URL into place: streamed to a
// temporary file beside the target, hashed on the way, checked against
// Content-Length, then renamed. A failure leaves nothing at the output path.
//
// The action asks for the file unencoded (Accept-Encoding: identity), and
// the transport hands over the body as sent. A CDN may encode it anyway
// (Content-Encoding: gzip, br, deflate, zstd): then the bytes are counted
// twice, as received (what Content-Length counts) and as decoded (what is
// written and hashed). Media is compressed already, so decoding it gains a
// few percent at most; a body that inflates more than MAX_INFLATION times
// the bytes received so far is a compression bomb, stopped before it fills
// the disk. An unencoded body is never written past its Content-Length.

import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { Log } from '../action/log.js';
import { LocalFileError, UnexpectedAnswer } from '../core/errors.js';
import { NetworkError } from '../http/errors.js';
import { withRetries } from '../http/retry.js';
import { describeCall, type Transport } from '../http/transport.js';
import { extensionFor, isKnownExtension } from './media-types.js';

export interface Downloaded {
  path: string;
  bytes: number;
  sha256: string;
  contentType?: string;
}

/**
 * Whether `output-path` names a directory (results are named `<asset-id>.<ext>`
 * in it) or a file: a directory when it exists as one, ends with a slash, or
 * has no extension.
 */
export async function outputIsDirectory(outputPath: string): Promise<boolean> {
  if (/[\\/]$/.test(outputPath)) return true;
  const info = await stat(outputPath).catch(() => undefined);
  if (info) return info.isDirectory();
  return extname(outputPath) === '';
}

/** Where item `index` of `count` goes. A file path gets `-2`, `-3`, … before its extension for later batch items. */
export function targetPath(outputPath: string, isDirectory: boolean, item: { index: number; count: number; name: string; extension: string }): string {
  if (isDirectory) {
    // join() normalises `..`. (Not path.resolve: the bundler rewrites its calls as asset references.)
    const target = join(outputPath, `${item.name}.${item.extension}`);
    // Defence in depth: the name is a validated id and the extension one of the media table's.
    if (dirname(target) !== join(outputPath, '.')) throw new LocalFileError(`Refusing to write ${target}: it is not inside ${outputPath}.`);
    return target;
  }
  if (item.count === 1 || item.index === 0) return outputPath;
  const ext = extname(outputPath);
  return `${outputPath.slice(0, outputPath.length - ext.length)}-${item.index + 1}${ext}`;
}

/** The extension of the file a URL names (presigned URLs usually keep the object's name), when it is one of the media table's. */
function urlExtension(url: string): string | undefined {
  const extension = /\.([a-z0-9]{2,5})$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
  return extension !== undefined && isKnownExtension(extension) ? extension : undefined;
}

interface DownloadContext {
  transport: Transport;
  log: Log;
  clock: () => number;
}

/**
 * Downloads `url` to the path `place` chooses once the content type is known.
 * Each attempt (retried by the policy) starts over in a fresh temporary file;
 * only a complete, length-checked body is renamed into place.
 */
export async function download(ctx: DownloadContext, url: string, place: (extension: string) => string): Promise<Downloaded> {
  return withRetries(describeCall('GET', { url }), () => attempt(ctx.transport, url, place), {
    control: ctx.transport.control,
    clock: ctx.clock,
    info: ctx.log.info,
  });
}

/** How many results download at once. */
const DOWNLOAD_CONCURRENCY = 3;

/** A result to download: its presigned URL, and the name it is saved under in a directory (an asset id). */
export interface ResultFile {
  url: string;
  name: string;
}

export interface DownloadQueue {
  /** Starts downloading item `index`'s file, at most DOWNLOAD_CONCURRENCY at a time; `done` hears of it once it is in place. */
  add(index: number, file: ResultFile, done: (downloaded: Downloaded) => void): void;
  /** Waits for every download; rejects with the first failure once all have ended. */
  settle(): Promise<void>;
}

/**
 * Downloads results as they complete, into `outputPath` (named by their place
 * among `count` items), a few at a time, setting each item's `file`.
 */
export async function downloadQueue(ctx: DownloadContext, outputPath: string, count: number): Promise<DownloadQueue> {
  const isDirectory = await outputIsDirectory(outputPath);
  const running: Promise<void>[] = [];
  const waiting: (() => void)[] = [];
  let active = 0;
  const slot = async () => {
    if (active >= DOWNLOAD_CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
  };
  const release = () => {
    active--;
    waiting.shift()?.();
  };
  return {
    add(index, { url, name }, done) {
      const task = (async () => {
        await slot();
        try {
          const file = await download(ctx, url, (extension) => targetPath(outputPath, isDirectory, { index, count, name, extension }));
          done(file);
          ctx.log.info(`Downloaded ${file.path} (${file.bytes} bytes, sha256 ${file.sha256}).`);
        } finally {
          release();
        }
      })();
      // Kept, and reported by settle(): a failure must not go unhandled while other items are still awaited.
      task.catch(() => undefined);
      running.push(task);
    },
    async settle() {
      const results = await Promise.allSettled(running);
      const failed = results.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

/** How many times the bytes received an encoded download may inflate to: no media comes near it. */
export const MAX_INFLATION = 20;
/** Decoded bytes up to this are not held to MAX_INFLATION: a small file may compress well, and a MiB fills no disk. */
const INFLATION_FLOOR = 1024 * 1024;

/** A decoder for a Content-Encoding; undefined for none; an error for one the action cannot decode. */
function decoderFor(encoding: string, name: string): Transform | undefined {
  switch (encoding) {
    case '':
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    case 'zstd':
      return zlib.createZstdDecompress();
    default:
      throw new UnexpectedAnswer(
        `The download of ${name} came encoded as "${encoding}", which the action cannot decode (it asked for no encoding).`,
        undefined,
      );
  }
}

async function attempt(transport: Transport, url: string, place: (extension: string) => string): Promise<Downloaded> {
  const { response, watchdog } = await transport.openDownload(url);
  const contentType = response.headers.get('content-type') ?? undefined;
  const path = place(extensionFor(contentType) ?? urlExtension(url) ?? 'bin');
  const name = basename(path);
  const temp = join(dirname(path), `.${name}.${randomBytes(6).toString('hex')}.part`);
  const hash = createHash('sha256');
  // Content-Length counts the bytes as sent, encoded or not: `received` counts those, `bytes` what is written.
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  const encoding = (response.headers.get('content-encoding') ?? '').trim().toLowerCase();
  let received = 0;
  let bytes = 0;
  const wire = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      watchdog.touch();
      received += chunk.length;
      if (received > declared) done(new NetworkError(`The download of ${name} went on past the ${declared} bytes its Content-Length declared.`));
      else done(null, chunk);
    },
  });
  try {
    const decoder = decoderFor(encoding, name);
    const decoded = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        if (decoder && bytes > Math.max(INFLATION_FLOOR, MAX_INFLATION * received)) {
          done(
            new UnexpectedAnswer(
              `The download of ${name} (Content-Encoding: ${encoding}) inflated to over ${bytes} bytes from ${received} received, more than ${MAX_INFLATION} times: no media does that (a compression bomb). It was stopped, and nothing was kept.`,
              undefined,
            ),
          );
          return;
        }
        hash.update(chunk);
        done(null, chunk);
      },
    });
    await mkdir(dirname(path), { recursive: true });
    // Errors of the connection are worth another attempt (mapped by the transport); errors of the disk are not.
    await transport.mapNetworkErrors(describeCall('GET', { url }), { url: response.url }, () =>
      pipeline(response.body, wire, decoder ?? new PassThrough(), decoded, createWriteStream(temp, { flags: 'wx' }), {
        signal: transport.control.signal,
      }).catch((error) => {
        if ((error as { syscall?: string }).syscall) throw new LocalFileError(`Writing ${path} failed: ${(error as Error).message}.`);
        throw error;
      }),
    );
    if (Number.isFinite(declared) && received !== declared) {
      throw new NetworkError(`The download of ${name} ended after ${received} of ${declared} bytes.`);
    }
    await rename(temp, path);
  } catch (error) {
    response.body.destroy();
    await unlink(temp).catch(() => undefined);
    throw error;
  } finally {
    watchdog.stop();
  }
  return { path, bytes, sha256: hash.digest('hex'), contentType };
}
