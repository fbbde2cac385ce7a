// What each item of a manifest needs, from its fingerprint, its lock entry and
// the files on disk: nothing (unchanged), to be made (new, or an input
// changed), or its output put back (missing, changed by hand, or moved to a
// new output-path: the generation exists, so it is downloaded again at no
// cost). And the matrix of the items that need work, as GitHub's
// strategy.matrix takes it. Pure but for checkOutputs, which reads the disk.
import { lstat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { workspaceFile } from '../inputs/workspace-file.js';
import { fileSha256 } from '../media/local-files.js';
import { changedInputs, type Fingerprint } from './fingerprint.js';
import type { LockedItem, LockedOutput } from './lock.js';
import { outputKey } from './manifest-file.js';

/** What was found of one locked output on disk. */
export interface OutputCheck {
  path: string;
  found: 'same' | 'missing' | 'modified';
}

export type ItemState =
  | { kind: 'unchanged' }
  | { kind: 'new' }
  /** Inputs whose fingerprint differs from the lock's (`base-url` when only the API's address did). */
  | { kind: 'changed'; inputs: string[] }
  | { kind: 'output missing'; paths: string[] }
  | { kind: 'output modified'; paths: string[] }
  /** `output-path` names another place than the lock's outputs. */
  | { kind: 'moved'; to: string };

/** GitHub runs at most 256 jobs of one matrix. */
export const MATRIX_LIMIT = 256;

/** Each locked output as found on disk: missing, or with other content (a hand edit); the path must stay in the workspace. */
export async function checkOutputs(workspace: string, outputs: LockedOutput[]): Promise<OutputCheck[]> {
  return Promise.all(
    outputs.map(async (output): Promise<OutputCheck> => {
      const there = await lstat(join(workspace, output.path)).catch(() => undefined);
      if (!there) return { path: output.path, found: 'missing' };
      try {
        const file = await workspaceFile('output-path', output.path, workspace);
        if (file.size !== output.bytes) return { path: output.path, found: 'modified' };
        return { path: output.path, found: (await fileSha256(file.path)) === output.sha256 ? 'same' : 'modified' };
      } catch {
        // A directory, a link out of the workspace: not the file the lock names.
        return { path: output.path, found: 'modified' };
      }
    }),
  );
}

/** Whether the locked outputs are where `output-path` now says (a file: the first is it; a folder: all are in it). */
function inPlace(outputPath: string, outputs: LockedOutput[]): boolean {
  const place = outputKey(outputPath);
  const isFile = extname(place) !== '' && !/[\\/]$/.test(outputPath);
  if (outputs.length === 0) return true;
  return isFile ? outputKey(outputs[0].path) === place : outputs.every((output) => outputKey(output.path).startsWith(`${place}/`));
}

/** What the item needs. */
export function itemState(now: Fingerprint, outputPath: string, locked: LockedItem | undefined, found: OutputCheck[]): ItemState {
  if (!locked) return { kind: 'new' };
  if (locked.key !== now.key) {
    const inputs = changedInputs(locked.inputs, now.inputs);
    return { kind: 'changed', inputs: inputs.length > 0 ? inputs : ['base-url'] };
  }
  if (!inPlace(outputPath, locked.outputs)) return { kind: 'moved', to: outputPath };
  const missing = found.filter((output) => output.found === 'missing').map((output) => output.path);
  if (missing.length > 0) return { kind: 'output missing', paths: missing };
  const modified = found.filter((output) => output.found === 'modified').map((output) => output.path);
  if (modified.length > 0) return { kind: 'output modified', paths: modified };
  return { kind: 'unchanged' };
}

export const needsWork = (state: ItemState) => state.kind !== 'unchanged';
/** Whether the item's generation must be paid for (an input changed, or it is new); else it exists and is downloaded again. */
export const needsGeneration = (state: ItemState) => state.kind === 'new' || state.kind === 'changed';

/** The state in a few words, for the log and the summary. */
export function describeState(state: ItemState): string {
  switch (state.kind) {
    case 'changed':
      return `changed: ${state.inputs.join(', ')}`;
    case 'output missing':
    case 'output modified':
      return `${state.kind}: ${state.paths.join(', ')}`;
    case 'moved':
      return `output-path changed: ${state.to}`;
    default:
      return state.kind;
  }
}

/**
 * strategy.matrix for the items that need work: one entry per item, or, over GitHub's limit of 256 jobs, 256 entries
 * each naming several items (comma-separated, in the manifest's order), which the `item` input takes as they are.
 */
export function matrixFor(names: string[], limit = MATRIX_LIMIT): { include: { item: string }[] } {
  if (names.length <= limit) return { include: names.map((item) => ({ item })) };
  const per = Math.ceil(names.length / limit);
  const include: { item: string }[] = [];
  for (let start = 0; start < names.length; start += per) include.push({ item: names.slice(start, start + per).join(',') });
  return { include };
}
