// `prompt-file`: a long prompt kept in the repository instead of in YAML. It
// fills `prompt` for the types that take one, else `text` (speech and sound),
// and is read before any request, like every other local file.
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { InputError } from '../errors.js';
import { INPUT_FIELDS } from '../request/types.js';
import type { Settings } from './read-inputs.js';

const MAX_BYTES = 256 * 1024;

/** Settings with the file's text in `prompt` or `text`; unchanged when `prompt-file` is not set. */
export async function withPromptFile(settings: Settings): Promise<Settings> {
  const written = settings.promptFile;
  if (written === undefined) return settings;
  const target = INPUT_FIELDS.prompt[settings.type] ? 'prompt' : INPUT_FIELDS.text[settings.type] ? 'text' : undefined;
  if (!target) throw new InputError(`Input "prompt-file" is not used by type ${settings.type}, which takes neither a prompt nor a text.`);
  if (settings.mapped[target] !== undefined) {
    throw new InputError(`Inputs "prompt-file" and "${target}" both give the ${target} for type ${settings.type}; use one.`);
  }
  const path = isAbsolute(written) ? written : join(settings.workspace, written);
  const where = isAbsolute(written) ? `"${written}"` : `"${written}" (in ${settings.workspace})`;
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new InputError(`Input "prompt-file": there is no file ${where}.`);
  if (!info.isFile()) throw new InputError(`Input "prompt-file": ${where} is not a regular file.`);
  if (info.size > MAX_BYTES) throw new InputError(`Input "prompt-file": ${where} is ${info.size} bytes; a prompt file may have at most ${MAX_BYTES}.`);
  const text = (await readFile(path, 'utf8')).trim();
  if (text === '') throw new InputError(`Input "prompt-file": ${where} is empty.`);
  return { ...settings, mapped: { ...settings.mapped, [target]: text } };
}
