// How the benchmark times a command and reports its figures: what every
// scenario of bench/run.ts shares.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Measured {
  ms: number;
  /** Peak resident memory in KiB, from /usr/bin/time -v (when available). */
  rssKiB?: number;
  code: number | null;
  /** User and system CPU time in ms, from /usr/bin/time -v (when available): on a loaded machine, closer to an idle one's wall time. */
  cpuMs?: number;
  /** The command's standard output, when asked for (to say why a run failed). */
  stdout?: string;
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/**
 * Runs a command, timing it from spawn to exit; with `rss`, under /usr/bin/time -v for its peak memory and CPU time; with
 * `stdout`, keeping what it printed (otherwise ignored, as the runner's log is no part of the time).
 */
export function measure(command: string, args: string[], env: Record<string, string>, options: { rss?: boolean; stdout?: boolean } = {}): Promise<Measured> {
  const [cmd, argv] = options.rss && TIME ? [TIME, ['-v', command, ...args]] : [command, args];
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, argv, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', options.stdout ? 'pipe' : 'ignore', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout?.on('data', (d) => (stdout += d));
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const peak = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
      const system = /System time \(seconds\): ([\d.]+)/.exec(stderr);
      const cpuMs = user && system ? (Number(user[1]) + Number(system[1])) * 1000 : undefined;
      resolve({ ms, rssKiB: peak ? Number(peak[1]) : undefined, cpuMs, code, ...(options.stdout ? { stdout } : {}) });
    });
  });
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const spread = (xs: number[]) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
/** Times as a table cell: the median and the range. */
export const timed = (ms: number[]) => `${median(ms).toFixed(1)} ms (${spread(ms)})`;
/** Two sides' times as a ratio of medians. */
export const ratio = (ms: number[], against: number[]) => `${(median(ms) / median(against)).toFixed(2)}× time`;
