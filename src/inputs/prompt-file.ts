// `prompt-file`: a long prompt kept in the repository instead of in YAML. It
// fills the input the API says (on v2 `prompt` for the types that take one,
// else `text`, for speech and sound), and is read before any request, like
// every other local file.
import { open } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import type { Settings } from './settings.js';
import { workspaceFile } from './workspace-file.js';

const MAX_BYTES = 256 * 1024;

/**
 * Settings with the file's text in `target` (`prompt` or `text`: undefined when the request takes neither);
 * unchanged when `prompt-file` is not set.
 */
export async function withPromptFile(settings: Settings, target: 'prompt' | 'text' | undefined): Promise<Settings> {
  const written = settings.promptFile;
  if (written === undefined) return settings;
  if (!target) throw new InputError(`Input "prompt-file" is not used by type ${settings.type}, which takes neither a prompt nor a text.`);
  if (settings.mapped[target] !== undefined) {
    throw new InputError(`Inputs "prompt-file" and "${target}" both give the ${target} for type ${settings.type}; use one.`);
  }
  const { path, where } = await workspaceFile('prompt-file', written, settings.workspace);
  // The bytes actually read are capped, whatever the file claims to be.
  const handle = await open(path, 'r');
  let bytes: Buffer;
  try {
    const buffer = Buffer.alloc(MAX_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    bytes = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (bytes.length > MAX_BYTES) throw new InputError(`Input "prompt-file": ${where} is over ${MAX_BYTES} bytes; a prompt file may have at most ${MAX_BYTES}.`);
  const text = bytes.toString('utf8').trim();
  if (text === '') throw new InputError(`Input "prompt-file": ${where} is empty.`);
  return { ...settings, mapped: { ...settings.mapped, [target]: text } };
}
