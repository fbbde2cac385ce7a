// Files named by inputs come from the repository, which a pull request can
// change: a symlink to /proc/self/environ, or `../../etc/hostname`, must not be
// read and sent. A named file is resolved to its real path, which must lie in
// the workspace, and must be a regular file.
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { InputError } from '../core/errors.js';

interface WorkspaceFile {
  /** The real path (symlinks resolved). */
  path: string;
  size: number;
  /** How messages name it: as written, with the workspace when it was relative. */
  where: string;
}

export async function workspaceFile(input: string, written: string, workspace: string): Promise<WorkspaceFile> {
  const named = isAbsolute(written) ? written : join(workspace, written);
  const where = isAbsolute(written) ? `"${written}"` : `"${written}" (in ${workspace})`;
  const real = await realpath(named).catch(() => undefined);
  if (real === undefined) throw new InputError(`Input "${input}": there is no file ${where}.`);
  const root = await realpath(workspace).catch(() => workspace);
  const inside = relative(root, real);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    throw new InputError(
      `Input "${input}": ${where} is outside the workspace (${workspace})${real !== named ? `: it leads to ${real}` : ''}. Files the action reads must be in the repository's checkout.`,
    );
  }
  const info = await stat(real);
  if (info.isDirectory()) throw new InputError(`Input "${input}": ${where} is a directory; give a file.`);
  if (!info.isFile()) throw new InputError(`Input "${input}": ${where} is not a regular file.`);
  return { path: real, size: info.size, where };
}
