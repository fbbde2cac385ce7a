// Local files given to media inputs: checked before any request is sent, then
// uploaded as Hedra assets (a few at a time) under asset ids the action
// reserves up front, so the request can be built and validated first.
import { createHash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { access, lstat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative } from 'node:path';
import type { Log } from '../action/log.js';
import { InputError } from '../errors.js';
import type { MediaRef } from '../inputs/parsers.js';
import type { InputValue, Settings } from '../inputs/read-inputs.js';
import { workspaceFile } from '../inputs/workspace-file.js';
import { formatBytes } from '../report/format.js';
import type { LocalMedia } from '../request/model-rules.js';
import { type AssetKind, MEDIA_INPUTS, type MediaInput } from '../request/types.js';
import type { HedraClient } from './client.js';
import { extensionsOf, fileType } from './media-types.js';

/** The SHA-256 of a file, streamed. */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface Upload {
  /** The inputs that named this file (one file may serve several). */
  inputs: MediaInput[];
  /** As the user wrote it. */
  written: string;
  path: string;
  name: string;
  size: number;
  kind: AssetKind;
  contentType: string;
  /** Reserved before upload; replaced by Hedra's if it answers with another. */
  assetId: string;
  /**
   * Whether Hedra already has this asset with its file, as the lookup of content-derived ids found
   * (true: not uploaded again); undefined when not asked (random ids) or the lookup failed.
   */
  present?: boolean;
}

/** Whether anything (a file, a directory, a dangling symlink) is at the path. */
const exists = (path: string) =>
  lstat(path).then(
    () => true,
    () => false,
  );

async function inspect(input: MediaInput, written: string, workspace: string): Promise<Omit<Upload, 'inputs' | 'assetId'>> {
  const kind = MEDIA_INPUTS[input].kind;
  if (!(await exists(isAbsolute(written) ? written : join(workspace, written)))) {
    throw new InputError(
      `Input "${input}" is neither a Hedra asset id (UUID) nor an existing file: there is no file ${isAbsolute(written) ? `"${written}"` : `"${written}" (in ${workspace})`}. Give a path in the repository (checked out with actions/checkout).`,
    );
  }
  const { path, size, where } = await workspaceFile(input, written, workspace);
  const type = fileType(written);
  if (type?.kind !== kind) {
    throw new InputError(
      `Input "${input}" takes ${kind} files (${extensionsOf(kind)
        .map((e) => `.${e}`)
        .join(', ')}); ${where} is not one by its extension.`,
    );
  }
  if (size === 0) throw new InputError(`Input "${input}": ${where} is empty.`);
  await access(path, constants.R_OK).catch(() => {
    throw new InputError(`Input "${input}": ${where} cannot be read (permissions).`);
  });
  return { written, path, name: basename(written), size, kind, contentType: type.contentType };
}

/**
 * Checks every local file the media inputs name and reserves an asset id for
 * each (one per distinct file); returns settings whose media refer to those ids.
 */
export async function planUploads(settings: Settings, newId: () => string): Promise<{ settings: Settings; uploads: Upload[] }> {
  const byPath = new Map<string, Upload>();
  const resolve = async (input: MediaInput, ref: MediaRef): Promise<MediaRef> => {
    if (ref.kind !== 'file') return ref;
    const file = await inspect(input, ref.written, settings.workspace);
    let upload = byPath.get(file.path);
    if (!upload) byPath.set(file.path, (upload = { ...file, inputs: [], assetId: newId() }));
    if (!upload.inputs.includes(input)) upload.inputs.push(input);
    return { kind: 'asset', id: upload.assetId };
  };
  const mapped: Settings['mapped'] = {};
  for (const [input, value] of Object.entries(settings.mapped) as [keyof Settings['mapped'], InputValue][]) {
    if (Array.isArray(value)) mapped[input] = await Promise.all(value.map((ref) => resolve(input as MediaInput, ref)));
    else if (typeof value === 'object') mapped[input] = await resolve(input as MediaInput, value);
    else mapped[input] = value;
  }
  return { settings: { ...settings, mapped }, uploads: [...byPath.values()] };
}

/** Runs `work` on every item, at most `limit` at a time; rejects with the first failure. */
export async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const UPLOAD_CONCURRENCY = 3;

/**
 * Creates and fills an asset for every planned upload. Returns reserved id →
 * Hedra's id for any that differ (the request is then rewritten with them).
 */
export async function uploadAll(client: HedraClient, uploads: Upload[], workspace: string, log: Log, clock: () => number): Promise<Map<string, string>> {
  const renamed = new Map<string, string>();
  await pool(uploads, UPLOAD_CONCURRENCY, async (upload) => {
    if (upload.present) {
      log.info(`${upload.name} (${upload.inputs.join(', ')}) is already on Hedra as asset ${upload.assetId}: not uploaded again.`);
      return;
    }
    const started = clock();
    const asset = await client.createAsset(upload.name, upload.kind, upload.assetId);
    // A content-derived id the lookup did not find, yet it exists: another run with the same file made it
    // meanwhile, and its file may be there already, then not sent again. (With a random id, "exists" means
    // an earlier attempt of this run made the asset, which has no file yet.)
    if (
      asset.existed &&
      upload.present === false &&
      (await client.assetsWithMedia(upload.kind, [asset.id]).catch(() => new Set<string>())).has(asset.id.toLowerCase())
    ) {
      log.info(`${upload.name} (${upload.inputs.join(', ')}) is already on Hedra as asset ${asset.id}: not uploaded again.`);
      return;
    }
    await client.uploadAsset(asset.id, upload);
    if (asset.id !== upload.assetId) renamed.set(upload.assetId, asset.id);
    upload.assetId = asset.id;
    const shown = relative(workspace, upload.path).startsWith('..') ? upload.path : relative(workspace, upload.path);
    log.info(
      `Uploaded ${shown} (${formatBytes(upload.size)}, ${upload.inputs.join(', ')}) as asset ${asset.id} in ${((clock() - started) / 1000).toFixed(1)}s.`,
    );
  });
  return renamed;
}

/** Input name → asset id (a list for reference-images) of every media input given as an asset or uploaded. */
export function inputAssetIds(settings: Settings): Record<string, string | string[]> {
  const ids: Record<string, string | string[]> = {};
  for (const [input, value] of Object.entries(settings.mapped)) {
    if (Array.isArray(value)) ids[input] = value.flatMap((ref) => (ref.kind === 'asset' ? [ref.id] : []));
    else if (typeof value === 'object' && value.kind === 'asset') ids[input] = value.id;
  }
  return ids;
}

/** Swaps reserved asset ids for the ones Hedra answered with, should they differ. */
export function withAssetIds<T>(value: T, renamed: Map<string, string>): T {
  let json = JSON.stringify(value);
  for (const [reserved, actual] of renamed) json = json.split(reserved).join(actual);
  return JSON.parse(json) as T;
}

/**
 * The local files as the model checks see them: size, and for images the
 * pixel size read from the file's header (no decoding); unreadable headers
 * leave it unknown.
 */
export async function localMedia(uploads: Upload[]): Promise<LocalMedia[]> {
  const images = uploads.some((upload) => upload.kind === 'image') ? await import('image-size/fromFile') : undefined;
  return Promise.all(
    uploads.flatMap((upload) =>
      upload.inputs.map(async (input) => {
        const pixels = upload.kind === 'image' ? await images?.imageSizeFromFile(upload.path).catch(() => undefined) : undefined;
        return { input, written: upload.written, size: upload.size, width: pixels?.width, height: pixels?.height };
      }),
    ),
  );
}
