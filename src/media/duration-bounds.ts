// Local audio and video files against the lengths a model takes (the least and the most per file, the
// most of all its files together), on both APIs: v3's media fields carry min_duration_ms/max_duration_ms/
// max_total_duration_ms, v2's catalogue slots the same. Pure: the bounds and the lengths read of the files
// (durations.ts) go in, every problem in the workflow's words comes out. Why the maximum has a grace and
// what an unknown length does: docs/decisions/durations.md.
import { seconds } from '../core/format.js';

/** A model's bounds on the length of the files of one field or slot, in milliseconds; each may be absent. */
export interface DurationBounds {
  minMs?: number;
  maxMs?: number;
  /** Of all the field's files together. */
  maxTotalMs?: number;
}

/** A local file given to a media input, with its length when it could be read. */
export interface TimedFile {
  /** The workflow input, as written in YAML: `audio`. */
  input: string;
  /** The path as written. */
  written: string;
  /** audio or video: the noun of the messages. */
  kind: string;
  /** undefined: the length could not be read. */
  durationMs: number | undefined;
}

/**
 * How much longer than a maximum a file may measure and still pass. Hedra grants "DURATION_MAX_TOLERANCE_MS"
 * over every maximum (its v2 spec; the figure is undocumented), and its reader (ffprobe, the decoded audio)
 * may measure a file a frame or two apart from this one: refusing a file Hedra would take would leave the
 * user no way through, while one Hedra refuses after all is refused for free. The minimum is exact at Hedra.
 */
export const MAX_GRACE_MS = 500;

/** How far below a minimum a file may measure (readers differ by a frame or so) and still pass. */
export const MIN_SLACK_MS = 50;

/** Whether any bound applies: the files of a field without any need not be read. */
export function hasBounds(bounds: DurationBounds): boolean {
  return bounds.minMs !== undefined || bounds.maxMs !== undefined || bounds.maxTotalMs !== undefined;
}

/** A bound as read from Hedra: a positive finite number of milliseconds, else none. */
export function boundMs(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * Every problem of the files of one field or slot against its bounds: each file too short or too long,
 * and all of them together too long. `model` names the model as the messages show it. Files whose length
 * is unknown pass (and are left out of the total).
 */
export function durationProblems(files: readonly TimedFile[], bounds: DurationBounds, model: string): string[] {
  const problems: string[] = [];
  const { minMs, maxMs, maxTotalMs } = bounds;
  for (const file of files) {
    const ms = file.durationMs;
    if (ms === undefined) continue;
    const is = `Input "${file.input}": "${file.written}" is ${seconds(ms)} long`;
    if (maxMs !== undefined && ms > maxMs + MAX_GRACE_MS) problems.push(`${is}; model ${model} takes ${file.kind} of at most ${seconds(maxMs)}.`);
    if (minMs !== undefined && ms < minMs - MIN_SLACK_MS) problems.push(`${is}; model ${model} takes ${file.kind} of at least ${seconds(minMs)}.`);
  }
  const known = files.filter((file) => file.durationMs !== undefined);
  if (maxTotalMs !== undefined && known.length > 1) {
    const total = known.reduce((sum, file) => sum + (file.durationMs as number), 0);
    if (total > maxTotalMs + MAX_GRACE_MS) {
      const kind = known[0].kind;
      problems.push(
        `Input "${known[0].input}": its ${known.length} files are ${seconds(total)} long together; model ${model} takes at most ${seconds(maxTotalMs)} of ${kind} in all.`,
      );
    }
  }
  return problems;
}

/** A v2 catalogue slot's bounds (min_duration_ms, max_duration_ms, max_total_duration_ms). */
export function slotDurationBounds(slot: { min_duration_ms?: unknown; max_duration_ms?: unknown; max_total_duration_ms?: unknown }): DurationBounds {
  return { minMs: boundMs(slot.min_duration_ms), maxMs: boundMs(slot.max_duration_ms), maxTotalMs: boundMs(slot.max_total_duration_ms) };
}

/** The files whose length could not be read, for a note: Hedra checks them when they are stored. */
export function unmeasured(files: readonly TimedFile[]): string[] {
  return [...new Set(files.filter((file) => file.durationMs === undefined).map((file) => file.written))];
}
