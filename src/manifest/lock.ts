// The lock file beside the manifest (media/hedra.yml → media/hedra.lock.json),
// committed with the media: per item, what its output was made from (the
// fingerprint), by which API, model and ids, and each output file's path, size
// and SHA-256. Written in a stable order (items by name, fields in one order),
// so that its diff in a pull request reads as what changed. Read as hostile:
// a pull request can edit it, so every id, digest and path is checked before
// anything uses it.
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { isUuid, isV3Id } from '../inputs/parsers.js';
import type { InputFingerprint } from './fingerprint.js';
import { ITEM_NAME, outputKey } from './manifest-file.js';

export const LOCK_VERSION = 1;

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
/** A path the lock names: relative to the workspace and inside it. */
const insidePath = z
  .string()
  .min(1)
  .max(1024)
  .refine((path) => !isAbsolute(path) && !outputKey(path).startsWith('..') && !/[\0\r\n]/.test(path), 'a path inside the workspace');
/** A generation id (v2, a UUID) or a job id (v3, job_…), as Hedra issues them. */
const workId = z.string().refine((id) => isUuid(id) || isV3Id('job', id), 'a generation or job id');

const lockedOutput = z.strictObject({ path: insidePath, bytes: z.number().int().nonnegative(), sha256: hex64 });
export type LockedOutput = z.infer<typeof lockedOutput>;

const lockedItem = z.strictObject({
  key: hex64,
  api: z.enum(['v2', 'v3']),
  model: z.string().max(256).nullable(),
  ids: z.array(workId).max(64),
  inputs: z.record(z.string(), z.unknown()),
  outputs: z.array(lockedOutput).max(64),
});
export type LockedItem = Omit<z.infer<typeof lockedItem>, 'inputs'> & { inputs: Record<string, InputFingerprint> };

const lockFile = z.strictObject({
  version: z.literal(LOCK_VERSION),
  items: z.record(z.string().regex(ITEM_NAME), lockedItem),
});

export type Lock = Map<string, LockedItem>;

/** The lock file of a manifest: beside it, named after it. */
export function lockPathFor(manifestPath: string): string {
  const name = basename(manifestPath).replace(/\.ya?ml$/i, '');
  return join(dirname(manifestPath), `${name}.lock.json`);
}

/** The lock as committed; empty when there is none yet. `shown` is how messages name it. */
export async function readLock(path: string, shown: string): Promise<Lock> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new InputError(`The lock file ${shown} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InputError(
      `The lock file ${shown} is not JSON. It is written by the action: restore it from git, or delete it to generate every item again (unchanged inputs are reused at no cost).`,
    );
  }
  const checked = lockFile.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new InputError(
      `The lock file ${shown} is not one this action wrote (${issue.path.join('.') || 'the file'}: ${issue.message}). Restore it from git, or delete it to generate every item again (unchanged inputs are reused at no cost).`,
    );
  }
  return new Map(Object.entries(checked.data.items) as [string, LockedItem][]);
}

/** The lock's text: items by name, fields in one order, two-space indents, a final newline. */
export function lockText(lock: Lock): string {
  const items: Record<string, LockedItem> = {};
  for (const name of [...lock.keys()].sort()) {
    const item = lock.get(name) as LockedItem;
    items[name] = {
      key: item.key,
      api: item.api,
      model: item.model,
      ids: item.ids,
      inputs: Object.fromEntries(
        Object.keys(item.inputs)
          .sort()
          .map((input) => [input, item.inputs[input]]),
      ),
      outputs: item.outputs.map(({ path, bytes, sha256 }) => ({ path, bytes, sha256 })),
    };
  }
  return `${JSON.stringify({ version: LOCK_VERSION, items }, null, 2)}\n`;
}

/** Writes the lock whole or not at all: a temporary file beside it, renamed into place. */
export async function writeLock(path: string, text: string): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}
