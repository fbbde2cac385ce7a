// npm run typecheck: the sources on their own (tsconfig.json, where an unused local is an error) and
// the tests with everything they import (test/tsconfig.json). Each compiler keeps one core busy for
// most of its run, so the two run at once: on two cores that halves the wait `npm test` begins with.
// Each one's output is printed whole once it has finished, so that the diagnostics do not interleave.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const PROJECTS = ['tsconfig.json', 'test/tsconfig.json'];

function check(project: string): Promise<{ project: string; code: number; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [TSC, '-p', project, '--noEmit', '--pretty', String(Boolean(process.stdout.isTTY))], { cwd: ROOT });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.on('error', (error) => done({ project, code: 1, output: `${error.message}\n` }));
    child.on('close', (code) => done({ project, code: code ?? 1, output }));
  });
}

const results = await Promise.all(PROJECTS.map(check));
for (const { project, code, output } of results) {
  if (output) process.stdout.write(output);
  if (code !== 0) console.error(`tsc -p ${project}: failed (exit code ${code})`);
}
process.exitCode = results.some(({ code }) => code !== 0) ? 1 : 0;
