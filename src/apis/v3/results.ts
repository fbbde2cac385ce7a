// What a v3 job ended with, in the shape every report uses: its one output
// (the presigned URL to download), or why there is none; and the input as it
// may be shown, without the signatures of stored files' handles.
import { withoutQuery } from '../../core/urls.js';
import type { ItemStatus } from '../../hedra/api.js';
import { type HedraV3Client, isVoiceId, type V3Output, type V3Result, type V3Status } from './client.js';

/**
 * The input as it may be shown (the `request` output, the summary, the manifest): a stored file's handle
 * without its query, whose signature lets anyone read the file for an hour.
 */
export function shownInput(input: Record<string, unknown>): { input: Record<string, unknown> } {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (typeof value !== 'object' || value === null) return value;
    const object = value as Record<string, unknown>;
    if (object.source === 'url' && typeof object.url === 'string') return { ...object, url: withoutQuery(object.url) };
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, strip(v)]));
  };
  return { input: strip(input) as Record<string, unknown> };
}

/** An item whose job may still end well, but this run could not see it: how to pick it up. */
export function lost(job: string, why: string): ItemStatus {
  return {
    id: job,
    status: 'error',
    error_message: `${why}; it may still complete on Hedra's side: to pick it up without paying again, run this action with generation-id: ${job}`,
  };
}

/** How long to wait before reading a lagging result again: a second apart at first, then backing off to 5 s. */
export const resultRetryDelay = (attempt: number) => (attempt < 6 ? 1000 : Math.min(5000, 1000 * (attempt - 4)));

/**
 * The job's result once it has ended. Hedra's stream is fed apart from the result's store, so a result
 * read right as the stream says "completed" may lag, by seconds or more: it is read again until it shows the
 * job ended, within the step's `timeout` (`sleep` rejects at the deadline, and the caller reports the job
 * as ended but not readable yet, with how to pick it up).
 */
export async function finalResult(client: HedraV3Client, job: string, sleep: (ms: number) => Promise<void>): Promise<V3Result> {
  for (let attempt = 1; ; attempt++) {
    const result = await client.result(job);
    const ended = result.status === 'FAILED' || (result.status === 'COMPLETED' && ((result.outputs?.length ?? 0) > 0 || isVoiceId(result.voice_id)));
    if (ended) return result;
    await sleep(resultRetryDelay(attempt));
  }
}

/** How long Hedra keeps a v3 job's media. */
export const RETENTION = '48 hours';

/**
 * The voice a job made, when its output is a voice rather than a file (a voice clone). Undocumented in
 * form: the output's `voice_id`, its `asset_id` or `id` when that is a `voice_…`, or the result's `voice_id`.
 */
export function voiceOf(output: V3Output | undefined, result: V3Result): string | undefined {
  return [output?.voice_id, output?.asset_id, output?.id, result.voice_id].find(isVoiceId);
}

/** A finished job as the shared downloads and reporting see a generation: its one output, or why there is none. */
export function itemStatus(job: string, status: V3Status, result: V3Result, modality: string | undefined): ItemStatus {
  const type = modality ?? undefined;
  if (status.status === 'FAILED' || result.status === 'FAILED') {
    const error = result.error;
    if (!error) return { id: job, type, status: 'error', error_message: 'Hedra gave no reason' };
    return {
      id: job,
      type,
      status: 'error',
      error: {
        type: error.code ?? undefined,
        message: error.message ?? undefined,
        param: error.param ?? undefined,
        violations: (error.details ?? []).map((d) => ({ field: d.field, message: d.message })),
      },
    };
  }
  const output = result.outputs?.[0];
  const voice = voiceOf(output, result);
  // A voice is what the job made, not a file that expires: nothing to download.
  if (voice !== undefined && output?.status !== 'FAILED') return { id: job, type, status: 'complete', voice_id: voice };
  if (!output) return { id: job, type, status: 'error', error_message: 'the job completed without an output' };
  if (output.status === 'EXPIRED' || (!output.url && !output.asset_id)) {
    return {
      id: job,
      type,
      status: 'error',
      error_message: `its output has expired: Hedra keeps v3 results for ${RETENTION}, so it can no longer be downloaded. Run again to make a new one (with "reuse: false", or a different seed)`,
    };
  }
  if (output.status === 'FAILED') {
    return { id: job, type, status: 'error', error: { type: output.error?.code ?? undefined, message: output.error?.message ?? 'the output failed' } };
  }
  // v3 has only the presigned URL (v2's `url` is a plain one): it goes to `download-url`, and `url` stays empty.
  return { id: job, type, status: 'complete', asset_id: output.asset_id ?? undefined, download_url: output.url };
}
