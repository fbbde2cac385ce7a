// Users run the committed dist/, not src/: it must be what src/ builds to.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './e2e/run-action.ts';
import { tempDir } from './setup/temp.ts';

it('dist/ is what the sources bundle to', { timeout: 120_000 }, () => {
  const out = tempDir('hedra-dist-'); // removed when the test has finished
  execFileSync(process.execPath, [join(ROOT, 'scripts/bundle.ts'), out], { cwd: ROOT, stdio: 'pipe' });
  const committed = readdirSync(join(ROOT, 'dist')).sort();
  expect(readdirSync(out).sort()).toEqual(committed);
  for (const file of committed) {
    expect(readFileSync(join(out, file), 'utf8') === readFileSync(join(ROOT, 'dist', file), 'utf8'), `dist/${file} is stale: run npm run bundle`).toBe(true);
  }
});

// One undici in the bundle (docs/decisions/one-undici.md): the action's own and the one the toolkit's HTTP client
// brings must resolve to the same package, or each copy costs the bundle about a megabyte. Every copy of undici
// defines its base error class under this symbol once, in lib/core/errors.js.
it('dist/ holds one undici', () => {
  const marker = "Symbol.for('undici.error.UND_ERR')";
  const copies = readdirSync(join(ROOT, 'dist'))
    .filter((file) => file.endsWith('.js'))
    .flatMap((file) =>
      readFileSync(join(ROOT, 'dist', file), 'utf8')
        .split(marker)
        .slice(1)
        .map(() => file),
    );
  expect(copies.length, `undici in ${copies.join(', ')}: align undici with @actions/http-client's (npm ls undici)`).toBe(1);
});

// The notices of what the bundle redistributes (scripts/bundle.ts): the packages of index.js itself too, which
// ncc's own licence file leaves out.
it("dist/licenses.txt carries the licence of every package in the bundle, index.js's own included", () => {
  const licenses = readFileSync(join(ROOT, 'dist/licenses.txt'), 'utf8');
  const listed = [...licenses.matchAll(/^(@?[a-z0-9][\w.-]*(?:\/[\w.-]+)?) \d+\.\d+\.\d+\n/gm)].map((m) => m[1]);
  for (const name of ['@actions/core', 'undici', 'zod', 'ajv', 'yaml', 'eventsource-parser', 'image-size', '@actions/github']) {
    expect(listed).toContain(name);
  }
  expect(licenses).not.toContain('ships no licence file');
});
