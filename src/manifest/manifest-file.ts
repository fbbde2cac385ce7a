// The manifest: a YAML file in the repository that names many generations,
// each with the action's own inputs under their own names, plus `defaults`
// applied to every item. It is read as hostile (a pull request can change it):
// its size, its aliases and its nesting are capped, every key is checked, and
// every problem of every item is reported at once, named by item and input as
// written (`items.intro.aspect-ratio`). Each item's values then become the
// inputs of one step, checked as a single step's are (run-items.ts).
import { readFile } from 'node:fs/promises';
import { isAbsolute, normalize, relative } from 'node:path';
import { InputError } from '../core/errors.js';
import { isObject } from '../core/json.js';
import { didYouMean } from '../core/suggest.js';
import { MAPPED_INPUTS } from '../inputs/kinds.js';
import { type Api, INPUT_NAMES, type InputName } from '../inputs/settings.js';

/** The inputs an item may set: what makes the generation and where it goes. The rest belong to the step. */
export const ITEM_INPUTS = ['api', 'type', 'model', ...MAPPED_INPUTS, 'prompt-file', 'request', 'output-path'] as const satisfies readonly InputName[];
export type ItemInput = (typeof ITEM_INPUTS)[number];

/** An item as the step runs it: its inputs as text, as the runner would pass them. */
export interface ManifestItem {
  name: string;
  inputs: Partial<Record<ItemInput, string>>;
}

/** The API an item is for (its `api`, else v2, as a single step). */
export const itemApi = (item: ManifestItem): Api => (item.inputs.api === 'v3' ? 'v3' : 'v2');

/** The most a manifest file may hold: far more than 1,000 items need. */
export const MANIFEST_MAX_BYTES = 8 * 1024 * 1024;

/** An item's name: it names matrix jobs, lock entries and provenance files, so it is plain. */
export const ITEM_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const ITEM_NAME_RULE = 'letters, digits, ".", "_" or "-", starting with a letter or digit, at most 64 characters';

/** `{item}` in an input's text is the item's name (output-path: media/{item}.mp4). */
const ITEM_PLACEHOLDER = /\{item\}/g;

/** A YAML value as the text of an input: lists one entry per line, `request` as JSON. */
function inputText(input: ItemInput, value: unknown): string | { problem: string } {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (input === 'request' && isObject(value)) return JSON.stringify(value);
  // `request` is one JSON value: a list of its lines would be no request at all.
  if (input !== 'request' && Array.isArray(value) && value.every((entry) => typeof entry === 'string' || typeof entry === 'number')) return value.join('\n');
  return { problem: `must be ${input === 'request' ? 'a mapping of request fields' : 'a text, a number, or a list of texts'}, got ${kindOf(value)}.` };
}

/** What a YAML value is, as a message says it. */
function kindOf(value: unknown): string {
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return value.some((entry) => isObject(entry) || Array.isArray(entry)) ? 'a list of mappings or lists' : 'a list';
  return isObject(value) ? 'a mapping' : `a ${typeof value}`;
}

/** Why a key of an item (or of `defaults`) is not an item input. */
function unknownKey(key: string): string {
  if ((INPUT_NAMES as readonly string[]).includes(key)) {
    const secret = key === 'api-key' || key === 'github-token';
    return secret
      ? 'is a secret: it never goes in the repository. Pass it to the step (api-key: ${{ secrets.HEDRA_API_KEY }}).'
      : `is set on the step (with: ${key}: …), not per item: it applies to every item the step runs.`;
  }
  return `is no input an item takes.${didYouMean(key, ITEM_INPUTS)}`;
}

/** The inputs of one mapping (an item or `defaults`), with a problem per key that cannot be used. */
function readInputs(where: string, mapping: Record<string, unknown>, problems: string[]): Partial<Record<ItemInput, string>> {
  const inputs: Partial<Record<ItemInput, string>> = {};
  for (const [key, value] of Object.entries(mapping)) {
    if (!(ITEM_INPUTS as readonly string[]).includes(key)) {
      problems.push(`${where}.${key}: "${key}" ${unknownKey(key)}`);
      continue;
    }
    const text = inputText(key as ItemInput, value);
    if (typeof text === 'string') inputs[key as ItemInput] = text;
    else problems.push(`${where}.${key}: ${text.problem}`);
  }
  return inputs;
}

/** The output path as the lock and the checks compare it: relative to the workspace, normalised, with `/`. */
export function outputKey(outputPath: string): string {
  return normalize(outputPath).replace(/\\/g, '/').replace(/\/+$/, '');
}

/**
 * Parses and checks a manifest's text. `file` is how messages name it. Throws one InputError with every problem;
 * each names the item and input as written.
 */
export async function parseManifest(text: string, file: string): Promise<ManifestItem[]> {
  const { parse } = await import('yaml');
  let document: unknown;
  try {
    document = parse(text, { maxAliasCount: 100, uniqueKeys: true, prettyErrors: true });
  } catch (error) {
    throw new InputError(`The manifest ${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!isObject(document))
    throw new InputError(
      `The manifest ${file} must be a mapping with "items" (and optionally "defaults"), got ${document === null ? 'an empty file' : 'something else'}.`,
    );
  const problems: string[] = [];
  for (const key of Object.keys(document)) {
    if (!['version', 'defaults', 'items'].includes(key))
      problems.push(`${key}: the manifest has "version", "defaults" and "items" only.${didYouMean(key, ['defaults', 'items'])}`);
  }
  if (document.version !== undefined && document.version !== 1)
    problems.push(`version: this action reads manifest version 1, got ${JSON.stringify(document.version)}.`);
  const defaultsValue = document.defaults ?? {};
  if (!isObject(defaultsValue)) problems.push('defaults: must be a mapping of inputs.');
  const defaults = isObject(defaultsValue) ? readInputs('defaults', defaultsValue, problems) : {};
  const itemsValue = document.items;
  if (!isObject(itemsValue) || Object.keys(itemsValue).length === 0) {
    problems.push('items: must be a mapping of named items, each a mapping of inputs (items: { intro: { prompt: … } }).');
    throw InputError.all(problems, `The manifest ${file} has`);
  }
  const items: ManifestItem[] = [];
  const outputs = new Map<string, string>();
  for (const [name, value] of Object.entries(itemsValue)) {
    const where = `items.${name}`;
    if (!ITEM_NAME.test(name)) problems.push(`${where}: an item's name is ${ITEM_NAME_RULE}.`);
    if (!isObject(value)) {
      problems.push(`${where}: must be a mapping of inputs (prompt: …, output-path: …).`);
      continue;
    }
    const inputs: Partial<Record<ItemInput, string>> = { ...defaults, ...readInputs(where, value, problems) };
    for (const input of Object.keys(inputs) as ItemInput[]) inputs[input] = inputs[input]?.replace(ITEM_PLACEHOLDER, name);
    const output = inputs['output-path'];
    if (!output) {
      problems.push(
        `${where}.output-path: every item needs one (a file such as media/${name}.mp4, or a folder), so that its output has a place in the repository; "defaults" can give it for all (output-path: media/{item}.mp4).`,
      );
    } else if (isAbsolute(output) || outputKey(output).startsWith('..') || outputKey(output) === '.') {
      problems.push(`${where}.output-path: "${output}" must be a path inside the workspace, relative to it (such as media/${name}.mp4).`);
    } else {
      const other = outputs.get(outputKey(output));
      if (other) problems.push(`${where}.output-path: "${output}" is also items.${other}'s: each item needs a place of its own.`);
      outputs.set(outputKey(output), name);
    }
    items.push({ name, inputs });
  }
  if (problems.length > 0) throw InputError.all(problems, `The manifest ${file} has`);
  return items;
}

/** Reads the manifest file (at most MANIFEST_MAX_BYTES) and parses it. */
export async function readManifest(path: string, file: string): Promise<ManifestItem[]> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new InputError(
      error.code === 'ENOENT' ? `Input "manifest": there is no file ${file}.` : `Input "manifest": ${file} cannot be read (${error.code ?? error.message}).`,
    );
  });
  if (Buffer.byteLength(text) > MANIFEST_MAX_BYTES) throw new InputError(`Input "manifest": ${file} is over ${MANIFEST_MAX_BYTES / 1024 / 1024} MiB.`);
  return parseManifest(text, file);
}

/** Where a path inside the workspace is, as the lock and messages write it. */
export function workspaceRelative(workspace: string, path: string): string {
  return relative(workspace, path).replace(/\\/g, '/');
}
