// A v3 request, prepared before anything is paid: the model's input schema
// read (GET /models/{model}), the workflow's inputs mapped onto it with each
// local file as a placeholder URL, and the result checked with a real
// JSON-schema validator, with each file against its field. Once the files are
// stored, the same mapping is made again with their handles.
import { InputError } from '../../core/errors.js';
import { type Plan, type PrepareRequest, type ReadCache, uncached } from '../../hedra/api.js';
import type { Settings } from '../../inputs/settings.js';
import { inputAssetIds, type Upload } from '../../media/local-files.js';
import type { FileHandle, HedraV3Client, V3ModelDetail } from './client.js';
import { checkV3Durations } from './durations.js';
import { mapV3Input, type V3InputPlan, type V3Inputs, type V3MediaSlot } from './input.js';
import { shownInput } from './results.js';
import { checkV3Input } from './schema.js';

/** A v3 request, ready to price, store and submit. */
export interface V3Plan extends Plan {
  settings: Settings;
  inputs: V3Inputs;
  /** The model, its modality and input schema; undefined when there was no key to ask for it (a dry run). */
  detail?: V3ModelDetail;
  /** Each local file by the path as written in the workflow. */
  byWritten: Map<string, Upload>;
  /** The handles of the stored files, once stored. */
  handles?: Map<Upload, FileHandle>;
  /** The model's input as it will be sent (local files as placeholders until stored). */
  input: Record<string, unknown>;
  /** Where public URLs given to media inputs go, for Hedra to fetch: a refusal there says to pass the file instead. */
  urls: V3MediaSlot[];
}

/** How a local file is named in the request before it is stored: a valid URL that says what will go there. */
const pendingUrl = (written: string) => `https://pending-upload.invalid/${encodeURIComponent(written)}`;

/** How many jobs: `batch-size` (every v3 model makes one output per job). */
export const jobCount = (settings: Settings) => (typeof settings.mapped['batch-size'] === 'number' ? settings.mapped['batch-size'] : 1);

/** The model's input with the stored files' handles in place of their paths. */
export function withHandles(plan: V3Plan, handles: Map<Upload, FileHandle>): V3InputPlan {
  return mapV3Input(plan.inputs, plan.detail as V3ModelDetail, (written) => {
    const upload = plan.byWritten.get(written);
    const handle = upload && handles.get(upload);
    if (!handle) throw new Error(`no stored file for ${written}`);
    return handle.url;
  });
}

/**
 * Every check v3 allows before paying; without a key (a dry run), only the inputs were read. `note` is told
 * what could not be checked here (a file whose length cannot be read).
 */
export async function prepareV3(
  client: HedraV3Client | undefined,
  request: PrepareRequest,
  note: (text: string) => void = () => {},
  reads: ReadCache = uncached,
): Promise<V3Plan> {
  const { settings } = request;
  const model = settings.model as string;
  const inputs: V3Inputs = { model, type: settings.typeGiven ? settings.type : undefined, mapped: settings.mapped, request: settings.request };
  const byWritten = new Map(request.files.uploads.flatMap((upload) => upload.writtenAs.map((written) => [written, upload] as const)));
  const base = { settings, inputs, byWritten, count: jobCount(settings), inputAssetIds: inputAssetIds(settings) };
  // v3 stores files by handle, not under an asset id: the summary shows none.
  for (const upload of request.files.uploads) upload.assetId = '';
  if (!client) {
    // The model's schema is Hedra's to give (GET /models/{model} needs a key): only the inputs were read.
    return { ...base, type: inputs.type, model, uploads: request.files.uploads, request: undefined, input: {}, urls: [] };
  }
  const detail = await reads(`v3 ${settings.baseUrl} GET /models/${model}`, () => client.model(model));
  // Checked with files as placeholders; the same mapping is made again with their handles once stored.
  const checked = mapV3Input(inputs, detail, pendingUrl);
  const localChecks = checked.media.flatMap((slot) => {
    const upload = slot.kind === 'file' ? byWritten.get(slot.written) : undefined;
    return upload ? [{ input: slot.input, written: slot.written, kind: upload.kind, bytes: upload.size, path: slot.path }] : [];
  });
  // The local audio and video against the lengths their fields take, before anything is stored.
  const durations = await checkV3Durations(detail, localChecks, (written) => byWritten.get(written)?.path);
  for (const written of durations.unmeasured)
    note(`The length of ${written} cannot be read here; Hedra checks it against model ${detail.id}'s bounds when it is stored.`);
  // All at once: the mapping leaves out what it reported, so the schema check does not say it again.
  const problems = [...checked.problems, ...(await checkV3Input(checked.input, detail, localChecks)), ...durations.problems];
  if (problems.length > 0) throw InputError.all(problems, `The request for model ${detail.id} has`);
  const uploads = request.files.uploads.filter((upload) => checked.media.some((slot) => slot.kind === 'file' && byWritten.get(slot.written) === upload));
  return {
    ...base,
    type: detail.modality,
    model: detail.name ? `${detail.id} (${detail.name})` : detail.id,
    uploads,
    request: shownInput(checked.input),
    detail,
    input: checked.input,
    urls: checked.media.filter((slot) => slot.kind === 'url'),
  };
}
