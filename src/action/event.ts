// The payload of the event that triggered the workflow (GITHUB_EVENT_PATH):
// read in one place, for the trust warning, the release and the pull request.
import { readFile } from 'node:fs/promises';
import { isObject, type JsonObject } from '../core/json.js';
import type { Env } from './toolkit.js';

/** The payload, or an empty object outside a workflow run or when the file cannot be read as JSON. */
export async function readEvent(env: Env): Promise<JsonObject> {
  if (!env.GITHUB_EVENT_PATH) return {};
  try {
    const payload: unknown = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8'));
    return isObject(payload) ? payload : {};
  } catch {
    return {};
  }
}
