// The manifest as a step finds it: the step's context, the items read and
// checked as a file, each with its fingerprint and what it needs against the
// lock and the files on disk. Nothing here sends a request.
import type { Log } from '../action/log.js';
import type { Time } from '../action/run-control.js';
import type { Env, Toolkit } from '../action/toolkit.js';
import { InputError } from '../core/errors.js';
import { pool } from '../core/lazy.js';
import { didYouMean } from '../core/suggest.js';
import type { ManifestStep } from '../inputs/manifest-step.js';
import { unknownInputs } from '../inputs/read.js';
import { workspaceFile } from '../inputs/workspace-file.js';
import { type Digests, type Fingerprint, fingerprint } from './fingerprint.js';
import { type Lock, lockPathFor, readLock } from './lock.js';
import { type ManifestItem, readManifest, workspaceRelative } from './manifest-file.js';
import { checkOutputs, type ItemState, itemState } from './plan.js';
import type { RunItem } from './shared.js';

export interface ManifestContext {
  log: Log;
  toolkit: Toolkit;
  step: ManifestStep;
  env: Env;
  /** Where relative paths are resolved when GITHUB_WORKSPACE is not set. */
  cwd: string;
  time: Time;
  cancel: AbortSignal;
  runItem: RunItem;
}

/** The manifest as this step found it: its items, each with its fingerprint and what it needs, and the lock. */
export interface Loaded {
  items: ManifestItem[];
  fingerprints: Map<string, Fingerprint>;
  states: Map<string, ItemState>;
  lock: Lock;
  /** The lock file: absolute, and as messages name it (relative to the workspace). */
  lockPath: string;
  lockShown: string;
  manifestShown: string;
  workspace: string;
}

/** How many files are hashed at once while the manifest is compared with the lock. */
const HASHING = 8;

export async function load(ctx: ManifestContext): Promise<Loaded> {
  const workspace = ctx.env.GITHUB_WORKSPACE || ctx.cwd;
  const unknown = unknownInputs(ctx.env);
  if (unknown.length > 0) throw InputError.all(unknown, 'The inputs have');
  const file = await workspaceFile('manifest', ctx.step.written, workspace);
  const manifestShown = workspaceRelative(workspace, file.path);
  const items = await readManifest(file.path, manifestShown);
  const named = ctx.step.items ?? [];
  const names = items.map((item) => item.name);
  const missing = named.filter((name) => !names.includes(name));
  if (missing.length > 0) {
    throw InputError.all(
      missing.map((name) => `Input "item": ${manifestShown} has no item "${name}".${didYouMean(name, names)}`),
      'The inputs have',
    );
  }
  const lockPath = lockPathFor(file.path);
  const lockShown = workspaceRelative(workspace, lockPath);
  const lock = await readLock(lockPath, lockShown);
  const fingerprints = new Map<string, Fingerprint>();
  const states = new Map<string, ItemState>();
  const digests: Digests = new Map();
  await pool(items, HASHING, async (item) => {
    const print = await fingerprint(item, ctx.step.baseUrls, workspace, digests);
    const locked = lock.get(item.name);
    const found = locked && locked.key === print.key ? await checkOutputs(workspace, locked.outputs) : [];
    fingerprints.set(item.name, print);
    states.set(item.name, itemState(print, item.inputs['output-path'] ?? '', locked, found));
  });
  return { items, fingerprints, states, lock, lockPath, lockShown, manifestShown, workspace };
}
