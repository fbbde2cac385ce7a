// The sentinel check: after every run of the bundle, the key must not appear
// anywhere the run could leave it (stdout, stderr, outputs, summary, state,
// env and path files, and every file under RUNNER_TEMP and the workspace), in
// any form a log or a file could carry it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Base64 (and base64url) of the key at each of the three byte alignments, without the groups it shares with its neighbours. */
function base64Cores(key: Buffer): string[] {
  const out: string[] = [];
  for (const offset of [0, 1, 2]) {
    const padded = Buffer.concat([Buffer.alloc(offset, 0x20), key, Buffer.alloc(3, 0x20)]);
    for (const encoding of ['base64', 'base64url'] as const) {
      const text = padded.toString(encoding);
      out.push(text.slice(4, text.length - 8));
    }
  }
  return out;
}

export function secretForms(key: string): string[] {
  const bytes = Buffer.from(key, 'utf8');
  return [
    ...new Set([
      key,
      encodeURIComponent(key),
      bytes.toString('hex'),
      bytes.toString('hex').toUpperCase(),
      JSON.stringify(key).slice(1, -1),
      [...key].reverse().join(''),
      ...base64Cores(bytes),
    ]),
  ].filter((form) => form.length >= 8);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Where the key was found, as "place: form" lines; empty when nowhere. */
export function findSecret(key: string, places: Record<string, string>, dirs: string[]): string[] {
  const forms = secretForms(key);
  const all: Record<string, string> = { ...places };
  for (const dir of dirs) for (const file of filesUnder(dir)) all[file] = readFileSync(file).toString('latin1');
  const found: string[] = [];
  for (const [place, text] of Object.entries(all)) {
    for (const form of forms) if (text.includes(form)) found.push(`${place}: ${form}`);
  }
  return found;
}

/** stdout as the runner shows it: ::add-mask:: commands are consumed by the runner, never displayed. */
export function visibleStdout(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}
