// @github/local-action runs src/main.ts's run() with its own stand-in for
// @actions/core: because every output and the summary go through the toolkit,
// it sees them (the way `npm run local-action` is meant to be used).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { tempDir } from '../setup/temp.ts';
import { ROOT } from './run-action.ts';

it('shows the outputs and writes the summary under @github/local-action', { timeout: 60_000 }, () => {
  const dir = tempDir('hedra-local-');
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, '');
  const example = readFileSync(join(ROOT, '.env.example'), 'utf8')
    // No key: the dry run then reads no model catalogue, so nothing leaves this machine.
    .replace(/^INPUT_API-KEY=.*$/m, 'INPUT_API-KEY=')
    .replace(/^GITHUB_OUTPUT=.*$/m, `GITHUB_OUTPUT=${join(dir, 'output')}`)
    .replace(/^GITHUB_STEP_SUMMARY=.*$/m, `GITHUB_STEP_SUMMARY=${summary}`)
    .replace(/^RUNNER_TEMP=.*$/m, `RUNNER_TEMP=${dir}`);
  writeFileSync(join(dir, '.env'), example);
  const stdout = execFileSync(join(ROOT, 'node_modules/.bin/local-action'), ['run', ROOT, 'src/main.ts', join(dir, '.env')], {
    cwd: ROOT,
    encoding: 'utf8',
    // local-action starts tsx through `npm exec`, whose update check would ask the registry from this fresh HOME.
    env: { PATH: process.env.PATH ?? '', HOME: dir, TMPDIR: dir, npm_config_update_notifier: 'false' },
  });
  const outputs = stdout.slice(stdout.indexOf('Action Outputs'));
  expect(outputs).toMatch(
    /'request'\s+│ '\{"type":"image","text_prompt":"A lighthouse at dawn, watercolour","model_slug":"google\/nano-banana","generation_id":"[0-9a-f-]{36}"\}'/,
  );
  expect(readFileSync(summary, 'utf8')).toContain('### Hedra image: dry run');
});
