// npx node scripts/test-durations.ts: writes test/setup/file-durations.json from Vitest's record of the
// last run (node_modules/.vite/vitest/*/results.json), so that a clean clone orders its test files
// longest first as a second run would (test/setup/slow-first.ts). Run it after `npm test` on the
// 2-core machine when files were added or got much slower or faster.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const cache = join(ROOT, 'node_modules/.vite/vitest');
const record = readdirSync(cache)
  .map((entry) => join(cache, entry, 'results.json'))
  .find((path) => existsSync(path));
if (!record) throw new Error(`No record of a run in ${cache}: run npm test first.`);
const results = JSON.parse(readFileSync(record, 'utf8')) as { projects: Record<string, { files: Record<string, { duration?: number }> }> };
const durations: Record<string, number> = {};
for (const project of Object.values(results.projects)) {
  for (const [file, result] of Object.entries(project.files)) durations[file] = Math.round(result.duration ?? 0);
}
const sorted = Object.fromEntries(Object.entries(durations).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(join(ROOT, 'test/setup/file-durations.json'), `${JSON.stringify(sorted, null, 2)}\n`);
console.log(`test/setup/file-durations.json: ${Object.keys(sorted).length} files`);
