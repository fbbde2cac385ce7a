// The API key: from `api-key`, else the HEDRA_API_KEY environment variable;
// and what can be said of it before anything is sent, without ever saying the
// key: a character no HTTP header can carry, or the shape of the other API's keys.
import type { Env, Toolkit } from '../action/toolkit.js';
import { read } from './raw.js';
import type { Api } from './settings.js';

/** What a run that needs the key says when there is none. */
export const MISSING_KEY =
  'No Hedra API key: set input "api-key" (api-key: ${{ secrets.HEDRA_API_KEY }}) or the HEDRA_API_KEY environment variable. ' +
  'If the secret exists, note that workflows triggered from forks and by Dependabot are not given repository secrets.';

/** The key from `api-key`, else from the HEDRA_API_KEY environment variable. */
export function readApiKey(toolkit: Toolkit, env: Env): string | undefined {
  return read(toolkit, env, 'api-key') || env.HEDRA_API_KEY?.trim() || undefined;
}

/** What an HTTP header value cannot carry (undici's and Node's rule): anything but a tab, visible ASCII, a space and bytes 0x80–0xFF. */
const NOT_IN_A_HEADER = /[^\t\x20-\x7e\x80-\xff]/u;

/**
 * The key's problem, if it cannot be sent at all: a character no HTTP header can carry (most often a line
 * break pasted with it) would fail every request before it leaves, which would look like the network's
 * fault. Says what kind of character, never the key nor where in it.
 */
export function apiKeyProblems(toolkit: Toolkit, env: Env): string[] {
  const bad = NOT_IN_A_HEADER.exec(readApiKey(toolkit, env) ?? '')?.[0];
  if (bad === undefined) return [];
  const code = bad.codePointAt(0) ?? 0;
  const unicode = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const what = bad === '\n' || bad === '\r' ? 'a line break' : code < 0x80 ? `a control character (${unicode})` : `a character outside Latin-1 (${unicode})`;
  const source = read(toolkit, env, 'api-key') ? 'Input "api-key"' : 'The HEDRA_API_KEY environment variable';
  return [
    `${source} contains ${what}, which an HTTP header cannot carry: most likely a copy-paste error. Store the key again as the secret's whole value, on one line.`,
  ];
}

/**
 * The parts of the key that are secret on their own, to be masked and redacted each: the whole key, and for a
 * v3 key (`<key_id>:<secret>`) its secret half, which a server can echo alone ("secret … does not match key
 * id"). The key id before the colon is not a secret (it names the key, as a user name does, and Hedra shows it
 * in its dashboard) and is not masked: masking it would hide it everywhere it is harmlessly said.
 */
export function secretParts(key: string): string[] {
  const colon = key.indexOf(':');
  const secret = colon > 0 ? key.slice(colon + 1) : '';
  return secret ? [key, secret] : [key];
}

/** A v3 credential: `<key_id>:<secret>` (v3 sends it as `Authorization: Key <key_id>:<secret>`). */
const V3_KEY = /^[^:\s]+:[^\s]+$/;

/**
 * The key's problem when its shape is another API's: a v3 key is `<key_id>:<secret>`, a v2 key one opaque
 * string without a colon. Sending a key to the wrong API would only come back as "invalid key"; this says
 * which API the key looks like, never the key.
 */
export function apiKeyShapeProblems(key: string | undefined, api: Api, source: string): string[] {
  if (!key) return [];
  if (/^(key|bearer)\s/i.test(key)) {
    return [`${source} starts with "${key.split(/\s/)[0]}": store the key alone as the secret's value; the action adds the Authorization scheme.`];
  }
  const looksV3 = V3_KEY.test(key);
  if (api === 'v2' && looksV3) {
    return [`${source} looks like a v3 key (<key_id>:<secret>), but input "api" is v2. Set "api: v3" (and a v3 model), or use a v2 key.`];
  }
  if (api === 'v3' && !looksV3) {
    return [
      `${source} does not look like a v3 key: v3 keys are "<key_id>:<secret>" (from https://www.hedra.com/develop/api-keys); this one looks like a v2 key. Use a v3 key, or set "api: v2".`,
    ];
  }
  return [];
}
