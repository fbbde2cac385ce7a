// A v2 request, prepared before anything is paid: the model catalogue read,
// every input checked against the chosen model's rules and the body against
// the API schema (all problems together), and, with `reuse`, the ids derived
// from the content so that an earlier run's work can be looked up. The free
// reads (the catalogue, the reuse look-up, which files Hedra already has) go
// out together, while the local files are hashed.
import { InputError, said } from '../../core/errors.js';
import { canonicalJson } from '../../core/json.js';
import { type AdapterContext, type Plan, type PrepareRequest, uncached } from '../../hedra/api.js';
import { generationIdsFor, SLOTS, sha256 } from '../../hedra/derived-ids.js';
import type { MediaInput } from '../../inputs/kinds.js';
import type { Settings } from '../../inputs/settings.js';
import { fileSha256, inputAssetIds, localMedia, type Upload, withAssetIds } from '../../media/local-files.js';
import { settled } from '../../pipeline/context.js';
import { buildRequest, itemsRequested, modelIdWarning, modelOf } from './build.js';
import { type Model, modelLabel } from './catalogue.js';
import type { HedraClient, ListedGeneration } from './client.js';
import { chooseModel, modelFields, problemsWithoutCatalogue } from './model-choice.js';
import { checkAgainstModel, suppliedByRequest, unmeasuredMedia } from './model-rules.js';
import { assetIdFor } from './reuse.js';

/** A v2 request, ready to price, store and create. */
export interface V2Plan extends Plan {
  settings: Settings;
  body: Record<string, unknown>;
  /** The ids the generations are created under, one per item. */
  generationIds: string[];
  /** The model from the catalogue, when it could be read and lists it: what prices the request. */
  chosen?: Model;
  /** With `reuse`: the derived ids of every slot, and what Hedra has under them (asked while checking). */
  slots?: string[][];
  lookup?: Promise<ListedGeneration[]>;
  /** With `reuse`, the API key: the ids derived from it identify this request's work. */
  derive?: string;
}

/** Every check and the build, with the catalogue's problems and the body's reported together. */
export async function prepareV2(ctx: AdapterContext, client: HedraClient | undefined, request: PrepareRequest): Promise<V2Plan> {
  const { log } = ctx;
  let { settings, uploads } = request.files;
  // With reuse, ids come from the content and the key (reuse.ts); without it (or a key), they stay random.
  const derive = settings.reuse && ctx.apiKey ? ctx.apiKey : undefined;
  // Earlier work is looked up only for a request that can be sent: with problems, only the catalogue is read.
  const lookUp = derive !== undefined && client !== undefined && request.problems.length === 0;
  // The reads that need no hashing start now, so that hashing the files overlaps them.
  const catalogueRead = client
    ? settled(
        (ctx.reads ?? uncached)(`v2 ${ctx.settings.baseUrl} GET /models`, () => client.models()),
        (error) =>
          log.warning(`Could not read Hedra's model catalogue (${said(error)}); the request is checked against the API schema only.`, 'Model checks skipped'),
      )
    : undefined;
  // Keep a rejection (a refused key) from going unhandled while the files are hashed.
  catalogueRead?.catch(() => undefined);
  if (derive) ({ settings, uploads } = await contentAssetIds(derive, settings, uploads));
  const slots = derive ? reuseSlots(derive, settings) : undefined;
  const lookup = slots && lookUp ? client.list(slots.flat()) : undefined;
  // Only saves uploads: when it cannot be asked, the files are uploaded (to the same derived ids).
  const assetsLookup = lookUp
    ? settled(uploadsPresent(client, uploads), (error) => log.info(`Could not ask Hedra which files it already has (${said(error)}); uploading them.`))
    : undefined;
  lookup?.catch(() => undefined);
  assetsLookup?.catch(() => undefined);
  // Awaited in this order, so that a refused key is reported for the catalogue.
  const catalogue = await catalogueRead;
  const present = await assetsLookup;
  if (!ctx.apiKey) log.info("No API key: the checks against Hedra's model catalogue were skipped (only the request schema was checked).");
  for (const upload of uploads) upload.present = present?.has(upload.assetId.toLowerCase());

  const model = await checkModel(settings, uploads, catalogue, request.files.unusable, (text) => log.info(text));
  const { body, generationIds } = buildReporting(model.problems, () => buildRequest(settings, ctx.newId, model.fields), settings.type);
  const warning = modelIdWarning(settings.model, body);
  if (warning) log.warning(warning, 'Deprecated by the API');
  return {
    type: settings.type,
    model: model.label ?? modelOf(body),
    count: generationIds.length,
    uploads,
    request: body,
    inputAssetIds: inputAssetIds(settings),
    settings,
    body,
    generationIds,
    chosen: model.chosen,
    slots,
    lookup,
    derive,
  };
}

/**
 * The uploads under asset ids derived from their content (the same file, the
 * same asset, run after run), the request's references renamed to match; files
 * with the same content become one upload.
 */
async function contentAssetIds(apiKey: string, settings: Settings, planned: Upload[]): Promise<{ settings: Settings; uploads: Upload[] }> {
  const renamed = new Map<string, string>();
  const byId = new Map<string, Upload>();
  for (const upload of planned) {
    const derived = assetIdFor(apiKey, settings.baseUrl, upload.kind, await fileSha256(upload.path));
    renamed.set(upload.assetId, derived);
    const same = byId.get(derived);
    if (same) same.inputs.push(...upload.inputs.filter((input) => !same.inputs.includes(input)));
    else byId.set(derived, { ...upload, assetId: derived });
  }
  return { settings: withAssetIds(settings, renamed), uploads: [...byId.values()] };
}

/** The derived generation ids of every slot for these inputs: what the lookup asks Hedra about. */
function reuseSlots(apiKey: string, settings: Settings): string[][] {
  // What makes the generation: the API, the type, the model as given and every input (files as their
  // content-derived asset ids). The model as given, not as resolved, so the key is known before the
  // catalogue is read; a different resolution shows in the comparison of the request before reuse.
  const key = sha256(
    canonicalJson({
      v: 1,
      baseUrl: settings.baseUrl,
      type: settings.type,
      model: settings.model ?? null,
      inputs: settings.mapped,
      request: settings.request ?? null,
    }),
  );
  const count = itemsRequested(settings);
  return Array.from({ length: SLOTS }, (_, slot) => generationIdsFor(apiKey, key, slot, count));
}

/** Which planned uploads Hedra already has with their files (GET /assets, one request per kind). */
async function uploadsPresent(client: HedraClient, uploads: Upload[]): Promise<Set<string>> {
  const kinds = [...new Set(uploads.map((u) => u.kind))];
  const found = await Promise.all(
    kinds.map((kind) =>
      client.assetsWithMedia(
        kind,
        uploads.filter((u) => u.kind === kind).map((u) => u.assetId),
      ),
    ),
  );
  return new Set(found.flatMap((set) => [...set]));
}

/**
 * Every check Hedra's model catalogue allows, before anything is uploaded or
 * created: the model named (or the type's default) and each input against
 * its rules. Without the catalogue, the schema checks alone stand.
 */
async function checkModel(
  settings: Settings,
  uploads: Upload[],
  catalogue: Model[] | undefined,
  unusable: MediaInput[],
  note: (text: string) => void,
): Promise<{ fields: Record<string, string>; label?: string; problems: string[]; chosen?: Model }> {
  const choice = catalogue ? chooseModel(catalogue, settings.type, settings.model) : { problems: problemsWithoutCatalogue(settings.type, settings.model) };
  const problems = [...choice.problems];
  if (catalogue && choice.model) {
    // A file that cannot be used was still given: its problem is said already, and the model takes it as given.
    const options = { supplied: [...suppliedByRequest(settings.type, settings.request), ...unusable], catalogue };
    const media = await localMedia(uploads);
    problems.push(...checkAgainstModel(choice.model, settings.type, settings.mapped, media, options));
    for (const written of unmeasuredMedia(choice.model, media)) {
      note(`The length of ${written} cannot be read here; Hedra checks it against the model's bounds when it is uploaded.`);
    }
  }
  const label = choice.model && (choice.model.name ? `${modelLabel(choice.model)} (${choice.model.name})` : modelLabel(choice.model));
  return { fields: modelFields(choice.model, settings.type, settings.model), label, problems, chosen: choice.model };
}

/** Builds the request; the model's problems and the request's own are reported together. */
function buildReporting<T>(modelProblems: string[], build: () => T, type: string): T {
  let built: T;
  try {
    built = build();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw InputError.all([...modelProblems, ...error.problems], `The ${type} request has`);
  }
  if (modelProblems.length > 0) throw InputError.all(modelProblems, `The ${type} request has`);
  return built;
}
