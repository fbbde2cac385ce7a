// Runs the committed dist/index.js as the runner does: a child process whose
// environment carries INPUT_<NAME> for every input (action.yml's defaults
// applied, then the step's `with:`), and the runner's file commands.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { tempDir } from '../setup/temp.ts';
import { findSecret, visibleStdout } from './secret-scan.ts';

export const ROOT = new URL('../../', import.meta.url).pathname;
/**
 * The bundle under test. HEDRA_TEST_BUNDLE points at another build, e.g. the
 * previous commit's (`git archive HEAD dist | tar -x -C /tmp/old`), to show
 * that a new test fails without the change it covers.
 */
export const BUNDLE = process.env.HEDRA_TEST_BUNDLE ?? join(ROOT, 'dist/index.js');

export const actionYml = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
  branding: { icon: string; color: string };
};

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  dirs: { temp: string; workspace: string };
  /** Wall time of the child process, in milliseconds. */
  elapsedMs: number;
}

/** The runner's GITHUB_OUTPUT format: `name<<DELIM\nvalue\nDELIM` (and plain `name=value`). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1);
      outputs[heredoc[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=');
      outputs[lines[i].slice(0, at)] = lines[i].slice(at + 1);
    }
  }
  return outputs;
}

/** The running action as a test may touch it: a child process, or its in-process stand-in (run-in-process.ts). */
export interface RunningAction {
  kill(signal: NodeJS.Signals): boolean;
  on(event: 'exit', listener: () => void): unknown;
}

export interface RunOptions {
  /** Extra environment (HEDRA_API_KEY, RUNNER_DEBUG, ...). */
  env?: Record<string, string>;
  /** Files to create in GITHUB_WORKSPACE first, by relative path. */
  files?: Record<string, Buffer | string>;
  /** Symbolic links to create in GITHUB_WORKSPACE, by relative path → target (what a repository can hold). */
  symlinks?: Record<string, string>;
  timeoutMs?: number;
  /** Called with the running child, e.g. to send it a signal at the right moment. */
  control?: (run: RunningAction, dirs: { temp: string; workspace: string }) => void;
  /**
   * Keep action.yml's `reuse: true` when the inputs do not set `reuse`. Off by
   * default here: most tests run the same inputs against one server many times
   * and are about something else, so each of their runs creates anew (`reuse:
   * false`); test/e2e/credits.e2e.test.ts runs the default.
   */
  reuseDefault?: boolean;
  /**
   * GITHUB_WORKSPACE of this run: an existing directory that several runs share, as the steps of one job share the
   * checkout (test/e2e/manifest.e2e.test.ts). By default each run has a fresh one of its own.
   */
  workspace?: string;
}

/** A run's directories and environment, made as the runner makes them: before the action starts. */
export interface PreparedRun {
  base: string;
  dirs: { temp: string; workspace: string };
  env: Record<string, string>;
}

/**
 * The directory of one run (HOME, RUNNER_TEMP, the workspace and the file commands) and its environment: every
 * input of action.yml with its default, then the step's `with:`, then `options.env`. In a test, call it from the
 * test itself: the directory is removed when the test has finished. Outside Vitest (npm run demo) it is left for the
 * user to look at.
 */
export function prepareRun(inputs: Record<string, string>, options: RunOptions = {}): PreparedRun {
  const base = process.env.VITEST ? tempDir('hedra-e2e-') : mkdtempSync(join(tmpdir(), 'hedra-e2e-'));
  const temp = join(base, 'runner-temp');
  const workspace = options.workspace ?? join(base, 'workspace');
  for (const dir of [temp, workspace]) mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(workspace, name)), { recursive: true });
    writeFileSync(join(workspace, name), content);
  }
  for (const [name, target] of Object.entries(options.symlinks ?? {})) {
    mkdirSync(dirname(join(workspace, name)), { recursive: true });
    symlinkSync(target, join(workspace, name));
  }
  const files = { GITHUB_OUTPUT: 'output', GITHUB_STEP_SUMMARY: 'summary', GITHUB_STATE: 'state', GITHUB_ENV: 'env', GITHUB_PATH: 'path' };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: base,
    // The test run's own temporary directory (test/setup/tmpdir.ts), so that anything the action left there would fail the run.
    TMPDIR: tmpdir(),
    // Debug logging on in every run: the sentinel check below must hold for debug output too.
    RUNNER_DEBUG: '1',
    RUNNER_TEMP: temp,
    GITHUB_WORKSPACE: workspace,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
  };
  for (const [name, file] of Object.entries(files)) {
    env[name] = join(base, file);
    writeFileSync(env[name], '');
  }
  for (const [name, spec] of Object.entries(actionYml.inputs)) env[inputEnv(name)] = spec.default ?? '';
  if (!options.reuseDefault) env[inputEnv('reuse')] = 'false';
  for (const [name, value] of Object.entries(inputs)) env[inputEnv(name)] = value;
  Object.assign(env, options.env);
  return { base, dirs: { temp, workspace }, env };
}

/**
 * What the run left (its outputs and summary files), with what it printed; then the sentinel check of every run:
 * the key given must not show up anywhere, in any encoding.
 */
export function finishRun(run: PreparedRun, ended: { code: number | null; stdout: string; stderr: string; elapsedMs: number }): ActionRun {
  const { env, base } = run;
  const result = {
    ...ended,
    outputs: parseOutputFile(readFileSync(env.GITHUB_OUTPUT, 'utf8')),
    summary: existsSync(env.GITHUB_STEP_SUMMARY) ? readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8') : '',
    dirs: run.dirs,
  };
  // A shared workspace lies outside the run's own directory: it is scanned too.
  const dirs = run.dirs.workspace.startsWith(`${base}/`) ? [base] : [base, run.dirs.workspace];
  // One key per line when a manifest uses both APIs: each is a secret on its own.
  for (const key of (env[inputEnv('api-key')] || env.HEDRA_API_KEY || '').split('\n').map((line) => line.trim())) {
    // The whole key, and a v3 key's secret half (`<key_id>:<secret>`), which is a secret on its own.
    const secret = key.includes(':') ? key.slice(key.indexOf(':') + 1) : '';
    for (const part of [key, secret]) {
      if (!part || part.length < 16) continue;
      const leaks = findSecret(part, { stdout: visibleStdout(ended.stdout), stderr: ended.stderr }, dirs);
      if (leaks.length > 0) throw new Error(`the API key${part === key ? '' : "'s secret half"} leaked:\n${leaks.join('\n')}`);
    }
  }
  return result;
}

/** Runs the bundle once, as a child process of its own, in a directory of its own (see prepareRun). */
export async function runAction(inputs: Record<string, string>, options: RunOptions = {}): Promise<ActionRun> {
  const run = prepareRun(inputs, options);
  const started = Date.now();
  const child = spawn(process.execPath, [BUNDLE], { cwd: run.dirs.workspace, env: run.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  options.control?.(child, run.dirs);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return finishRun(run, { code, stdout, stderr, elapsedMs: Date.now() - started });
}

export const inputEnv = (name: string) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
