// Files named by inputs come from the repository, which a pull request can
// change: a symlink to /proc/self/environ, or `../../etc/hostname`, must not be
// read and sent. A named file is resolved to its real path, which must lie in
// the workspace, and must be a regular file.
//
// A name can be typed in one Unicode normalisation and stored in the other
// (an "é" as one code point, NFC, or as "e" and a combining accent, NFD: macOS
// tools and some editors write the second). Linux compares names byte by
// byte, so the file "is not there" under what looks like its own name: each
// part of the path is matched across normalisations when it is not found as
// written.
import { lstatSync, realpathSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, parse, relative, resolve, sep } from 'node:path';
import { InputError } from '../core/errors.js';

interface WorkspaceFile {
  /** The real path (symlinks resolved). */
  path: string;
  size: number;
  /** How messages name it: as written, with the workspace when it was relative. */
  where: string;
}

/** Where a path written in the workflow leads on disk. */
type Located =
  | { kind: 'found'; path: string }
  | { kind: 'missing' }
  /** Several entries of one folder differ from the name written only in normalisation: which one was meant cannot be told. */
  | { kind: 'ambiguous'; names: string[] };

// The look-ups below are synchronous: each is one system call on local metadata, a few microseconds, where a
// promise's round trip through the thread pool costs tens, and a manifest's plan makes thousands of them.

/** Whether anything (a file, a directory, a dangling symlink) is at the path. */
function present(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

/** The real path (symlinks resolved, as realpath(3) does), or undefined when there is none. */
function realPath(path: string): string | undefined {
  try {
    return realpathSync.native(path);
  } catch {
    return undefined;
  }
}

/**
 * The path on disk of what `named` (absolute) names: itself when something is there; else, part by part, the one
 * entry of each folder whose name is the part written up to Unicode normalisation.
 */
export async function locate(named: string): Promise<Located> {
  if (present(named)) return { kind: 'found', path: named };
  const { root } = parse(named);
  let at = root;
  for (const part of named.slice(root.length).split(sep)) {
    if (part === '') continue;
    if (present(join(at, part))) {
      at = join(at, part);
      continue;
    }
    const wanted = part.normalize('NFC');
    const names = (await readdir(at).catch(() => [] as string[])).filter((name) => name.normalize('NFC') === wanted);
    if (names.length === 0) return { kind: 'missing' };
    if (names.length > 1) return { kind: 'ambiguous', names };
    at = join(at, names[0]);
  }
  return { kind: 'found', path: at };
}

/** How messages name a path as written: with the workspace when it was relative. */
const whereWritten = (written: string, workspace: string) => (isAbsolute(written) ? `"${written}"` : `"${written}" (in ${workspace})`);

/** Whether `path`, relative to `folder`, starts in its .git (in any case: macOS and Windows runners do not tell .Git from .git). */
const startsInGit = (folder: string, path: string) => relative(folder, path).split(/[\\/]/)[0].toLowerCase() === '.git';

/**
 * Whether `path` (absolute) is in the workspace's .git folder, at any depth: as written (`.git/`, `a/../.git/x`),
 * or through a symlink in the part of it that exists (`out` → `.git`).
 */
export async function insideGitFolder(path: string, workspace: string): Promise<boolean> {
  if (startsInGit(workspace, path)) return true;
  let existing = resolve(path);
  while (!present(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const [real, root] = [realPath(existing) ?? existing, realPath(workspace) ?? workspace];
  return startsInGit(root, join(real, relative(existing, resolve(path))));
}

/**
 * The file an input names, checked. `missing` words the problem of a path with nothing there (what else the input
 * could have been, say); by default "there is no file".
 */
export async function workspaceFile(
  input: string,
  written: string,
  workspace: string,
  missing = (where: string) => `Input "${input}": there is no file ${where}.`,
): Promise<WorkspaceFile> {
  const where = whereWritten(written, workspace);
  const found = await locate(isAbsolute(written) ? written : join(workspace, written));
  if (found.kind === 'missing') throw new InputError(missing(where));
  if (found.kind === 'ambiguous') {
    throw new InputError(
      `Input "${input}": there is no file ${where} as written, and its folder has ${found.names.length} names that differ from it only in Unicode normalisation (the same letters, composed as NFC or decomposed as NFD): ${found.names.map((name) => JSON.stringify(name)).join(', ')}. Rename the files so that their names differ in letters.`,
    );
  }
  const named = found.path;
  const real = realPath(named);
  if (real === undefined) throw new InputError(`Input "${input}": there is no file ${where}.`);
  const root = realPath(workspace) ?? workspace;
  const inside = relative(root, real);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    throw new InputError(
      `Input "${input}": ${where} is outside the workspace (${workspace})${real !== named ? `: it leads to ${real}` : ''}. Files the action reads must be in the repository's checkout.`,
    );
  }
  const info = statSync(real);
  if (info.isDirectory()) throw new InputError(`Input "${input}": ${where} is a directory; give a file.`);
  if (!info.isFile()) throw new InputError(`Input "${input}": ${where} is not a regular file.`);
  return { path: real, size: info.size, where };
}
