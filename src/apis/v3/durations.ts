// Local audio and video files against the lengths a v3 model's media field takes: its Hedra keywords
// min_duration_ms and max_duration_ms (per file) and max_total_duration_ms (of a list, together), on
// the field or on its items. Only the files of a field with bounds are read (media/durations.ts); the
// comparison is media/duration-bounds.ts's, shared with v2.
import { isObject } from '../../core/json.js';
import { boundMs, type DurationBounds, durationProblems, hasBounds, type TimedFile, unmeasured } from '../../media/duration-bounds.js';
import { mediaDurationMs } from '../../media/durations.js';
import type { V3Model } from './input.js';
import type { V3LocalFile } from './schema.js';
import { fieldSchema, mediaTypeAt } from './schema-words.js';

/** A field's bounds: each keyword on the field itself, else on its items (a list of media). */
export function fieldDurationBounds(model: V3Model, field: string | number | undefined): DurationBounds {
  const schema = fieldSchema(model, field);
  const items = isObject(schema?.items) ? schema.items : undefined;
  const bound = (keyword: string) => boundMs(schema?.[keyword]) ?? boundMs(items?.[keyword]);
  return { minMs: bound('min_duration_ms'), maxMs: bound('max_duration_ms'), maxTotalMs: bound('max_total_duration_ms') };
}

/** What the duration check says: the problems, and the files whose length could not be read (Hedra checks them). */
export interface DurationCheck {
  problems: string[];
  unmeasured: string[];
}

/**
 * The local audio and video files against their fields' bounds. `pathOf` gives where a file is on
 * disk (by the path as written); each file is read once, however many fields it is given to.
 */
export async function checkV3Durations(model: V3Model, files: readonly V3LocalFile[], pathOf: (written: string) => string | undefined): Promise<DurationCheck> {
  const lengths = new Map<string, Promise<number | undefined>>();
  const lengthOf = (written: string) => {
    const path = pathOf(written);
    if (path === undefined) return Promise.resolve(undefined);
    if (!lengths.has(path)) lengths.set(path, mediaDurationMs(path));
    return lengths.get(path) as Promise<number | undefined>;
  };
  const byField = new Map<string, V3LocalFile[]>();
  for (const file of files) {
    const field = String(file.path[0]);
    // A file of another kind than its field takes is refused as such (schema.ts): its length says nothing more.
    const fits = (mediaTypeAt(model, file.path) ?? file.kind) === file.kind;
    if ((file.kind === 'audio' || file.kind === 'video') && fits) byField.set(field, [...(byField.get(field) ?? []), file]);
  }
  const check: DurationCheck = { problems: [], unmeasured: [] };
  for (const [field, fieldFiles] of byField) {
    const bounds = fieldDurationBounds(model, field);
    if (!hasBounds(bounds)) continue;
    const timed: TimedFile[] = await Promise.all(
      fieldFiles.map(async (file) => ({ input: file.input, written: file.written, kind: file.kind, durationMs: await lengthOf(file.written) })),
    );
    check.problems.push(...durationProblems(timed, bounds, model.id));
    check.unmeasured.push(...unmeasured(timed));
  }
  return check;
}
