// Local files given to media inputs, checked before any request is sent:
// each must exist inside the workspace, be of the input's kind by its name,
// not be empty and be readable. Each distinct file is planned once, with a
// token (the id it will be stored under on v2) that stands for it in the
// request until it is stored, so that the request can be built and checked
// first. Every problem of every file is reported, not just the first.

import { createHash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { basename } from 'node:path';
import { InputError } from '../core/errors.js';
import { type AssetKind, MEDIA_INPUTS, type MediaInput } from '../inputs/kinds.js';
import type { MediaRef } from '../inputs/parsers.js';
import type { InputValue, Settings } from '../inputs/settings.js';
import { workspaceFile } from '../inputs/workspace-file.js';
import { mediaDurationMs } from './durations.js';
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
  /** As the user wrote it (the first time). */
  written: string;
  /** Every way the workflow wrote this file's path (one file may be named twice, differently). */
  writtenAs: string[];
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

async function inspect(input: MediaInput, written: string, workspace: string): Promise<Omit<Upload, 'inputs' | 'writtenAs' | 'assetId'>> {
  const kind = MEDIA_INPUTS[input].kind;
  const { path, size, where } = await workspaceFile(
    input,
    written,
    workspace,
    (where) =>
      `Input "${input}" is neither a Hedra asset id (UUID) nor an existing file: there is no file ${where}. Give a path in the repository (checked out with actions/checkout).`,
  );
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

/** The local files of a request: the settings with a token in place of each file, the files, and what is wrong with them. */
export interface PlannedFiles {
  settings: Settings;
  uploads: Upload[];
  /** Every problem of every file, in the workflow's words. */
  problems: string[];
  /** The inputs with a file that cannot be used: left out of `settings`, their problems said in `problems`. */
  unusable: MediaInput[];
}

/**
 * Checks every local file the media inputs name and reserves a token (an asset
 * id) for each (one per distinct file); returns settings whose media refer to
 * those tokens, and the problems of the files that cannot be used.
 */
export async function planUploads(settings: Settings, newId: () => string): Promise<PlannedFiles> {
  const byPath = new Map<string, Upload>();
  const problems: string[] = [];
  const unusable = new Set<MediaInput>();
  const resolve = async (input: MediaInput, ref: MediaRef): Promise<MediaRef | undefined> => {
    if (ref.kind !== 'file') return ref;
    let file: Awaited<ReturnType<typeof inspect>>;
    try {
      file = await inspect(input, ref.written, settings.workspace);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems);
      unusable.add(input);
      return undefined;
    }
    let upload = byPath.get(file.path);
    if (!upload) byPath.set(file.path, (upload = { ...file, inputs: [], writtenAs: [], assetId: newId() }));
    if (!upload.inputs.includes(input)) upload.inputs.push(input);
    if (!upload.writtenAs.includes(ref.written)) upload.writtenAs.push(ref.written);
    return { kind: 'asset', id: upload.assetId };
  };
  const mapped: Settings['mapped'] = {};
  for (const [input, value] of Object.entries(settings.mapped) as [keyof Settings['mapped'], InputValue][]) {
    if (Array.isArray(value)) {
      const refs = (await Promise.all(value.map((ref) => resolve(input as MediaInput, ref)))).filter((ref) => ref !== undefined);
      if (refs.length > 0) mapped[input] = refs;
    } else if (typeof value === 'object') {
      const ref = await resolve(input as MediaInput, value);
      if (ref) mapped[input] = ref;
    } else mapped[input] = value;
  }
  return { settings: { ...settings, mapped }, uploads: [...byPath.values()], problems, unusable: [...unusable] };
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

/** A local file given to a media input, with what was read of it. */
export interface LocalMedia {
  input: MediaInput;
  /** As the user wrote it (the path). */
  written: string;
  size: number;
  /** From the image's header, when it could be read. */
  width?: number;
  height?: number;
  /** Of audio and video, from its headers (durations.ts), in milliseconds; undefined when it could not be read. */
  durationMs?: number;
}

/**
 * The local files as the model checks see them: size, for images the pixel
 * size read from the file's header (no decoding), for audio and video the
 * length read from theirs; unreadable headers leave them unknown.
 */
export async function localMedia(uploads: Upload[]): Promise<LocalMedia[]> {
  const images = uploads.some((upload) => upload.kind === 'image') ? await import('image-size/fromFile') : undefined;
  return Promise.all(
    uploads.flatMap((upload) => {
      const timed = upload.kind === 'audio' || upload.kind === 'video' ? mediaDurationMs(upload.path) : undefined;
      return upload.inputs.map(async (input) => {
        const pixels = upload.kind === 'image' ? await images?.imageSizeFromFile(upload.path).catch(() => undefined) : undefined;
        return { input, written: upload.written, size: upload.size, width: pixels?.width, height: pixels?.height, durationMs: await timed };
      });
    }),
  );
}
