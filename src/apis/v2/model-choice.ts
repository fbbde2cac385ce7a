// Which model input `model` names in Hedra's v2 catalogue (a slug, a UUID or
// a name; the type's default when it is not set), and what the request body
// sends for it. Pure: the catalogue and the inputs go in; the model and every
// problem, in the workflow's words, come out.
import { closest } from '../../core/suggest.js';
import { type GenerationType, isGenerationType } from '../../inputs/kinds.js';
import { isUuid } from '../../inputs/parsers.js';
import { type Model, modelLabel } from './catalogue.js';
import { DEFAULT_VIDEO_MODEL_ID, MODEL_ID_FIELD, typesUsing } from './fields.js';

/** How many models a message lists before "and N more". */
const LISTED = 8;

export const quote = (s: string) => `"${s}"`;

export const sameId = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

const fold = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * The catalogue types whose models serve a generation type: its own, and for
 * image_to_image and motion_control also the family they belong to (an image
 * model that edits images, a video model that follows motion), which a
 * catalogue may list them under. Ask GET /models for these types at least.
 */
export function modelTypesFor(type: GenerationType): string[] {
  const family: Partial<Record<GenerationType, string>> = { image_to_image: 'image', motion_control: 'video' };
  return family[type] ? [type, family[type]] : [type];
}

const serves = (model: Model, type: string) => (isGenerationType(type) ? modelTypesFor(type) : [type]).includes(model.type);

/** The models of a type, in Hedra's display order (then the catalogue's). */
export function modelsOfType(catalogue: readonly Model[], type: string): Model[] {
  const rank = (m: Model) => m.display_order ?? Number.POSITIVE_INFINITY;
  return catalogue.filter((m) => serves(m, type)).sort((a, b) => rank(a) - rank(b));
}

/** "a, b, c" (at most LISTED, then "and N more"). */
export function listModels(models: readonly Model[]): string {
  const names = models.slice(0, LISTED).map(modelLabel).join(', ');
  return models.length > LISTED ? `${names} and ${models.length - LISTED} more` : names;
}

function modelsFor(catalogue: readonly Model[], type: string): string {
  const models = modelsOfType(catalogue, type);
  return models.length === 0 ? `Hedra's catalogue lists no models for type ${type}` : `Models for ${type}: ${listModels(models)}`;
}

/** Models that `given` names, best first: by slug or id, then by name. */
function lookUp(catalogue: readonly Model[], given: string): Model[] {
  const wanted = fold(given);
  const bySlugOrId = catalogue.filter((m) => (m.slug !== undefined && fold(m.slug) === wanted) || (isUuid(given) && sameId(m.id, given)));
  const byName = catalogue.filter((m) => m.name !== undefined && fold(m.name) === wanted && !bySlugOrId.includes(m));
  return [...bySlugOrId, ...byName];
}

/** The model a misspelling most likely meant, by slug, by the slug's last part or by name. */
function suggestion(models: readonly Model[], given: string): string {
  const byCandidate = new Map<string, Model>();
  for (const m of models) {
    for (const candidate of [m.slug, m.slug?.split('/').pop(), m.name]) {
      if (candidate && !byCandidate.has(candidate)) byCandidate.set(candidate, m);
    }
  }
  const match = closest(given, byCandidate.keys());
  return match === undefined ? '' : ` Did you mean ${quote(modelLabel(byCandidate.get(match)!))}?`;
}

interface ModelChoice {
  /** The model the run uses, when the catalogue has it. */
  model?: Model;
  /** Why the input "model" cannot be used; empty when it can. */
  problems: string[];
}

/**
 * The model that input "model" names (a slug, a model UUID in any case, or a
 * model's name in any case), or the type's default when it is not set: for
 * video Character-3 (when the catalogue lists it; else no model and no
 * problem, and the caller sends its id), for image a problem (Hedra requires
 * a model), for the other types no model.
 */
export function chooseModel(catalogue: readonly Model[], type: GenerationType, given: string | undefined): ModelChoice {
  const wanted = given?.trim() ?? '';
  if (wanted === '') {
    if (type === 'video') return { model: catalogue.find((m) => sameId(m.id, DEFAULT_VIDEO_MODEL_ID)), problems: [] };
    if (type === 'image')
      return { problems: [`Input "model" is required for type image: Hedra needs a model to make an image. ${modelsFor(catalogue, 'image')}.`] };
    return { problems: [] };
  }
  if (MODEL_ID_FIELD[type] === undefined) {
    return {
      problems: [`Input "model" is not used by type ${type}; it is used by ${typesUsing('model').join(', ')}. Remove it, or choose one of those types.`],
    };
  }
  const found = lookUp(catalogue, wanted);
  const ofType = found.filter((m) => serves(m, type));
  if (ofType.length > 0) {
    const named = ofType.filter((m) => m.name !== undefined && fold(m.name) === fold(wanted));
    if (ofType.length > 1 && named.length === ofType.length) {
      return {
        problems: [`Input "model": "${wanted}" is the name of several models for type ${type}: ${listModels(ofType)}. Give the slug of the one you mean.`],
      };
    }
    return { model: ofType[0], problems: [] };
  }
  if (found.length > 0) {
    const other = found[0];
    const which = other.slug !== undefined && fold(other.slug) !== fold(wanted) ? `"${wanted}" (${other.slug})` : `"${wanted}"`;
    const settable = isGenerationType(other.type);
    const choices = modelsOfType(catalogue, type);
    const rest =
      choices.length > 0
        ? `${settable ? `set type: ${other.type}, or choose` : 'choose'} one of: ${listModels(choices)}.`
        : `${settable ? `set type: ${other.type}; ` : ''}Hedra's catalogue lists no models for type ${type}.`;
    return { problems: [`Input "model": ${which} is a model for type ${other.type}, not ${type}; ${rest}`] };
  }
  return {
    problems: [`Input "model": no model "${wanted}" for type ${type}.${suggestion(modelsOfType(catalogue, type), wanted)} ${modelsFor(catalogue, type)}.`],
  };
}

/** What can be said of input "model" when Hedra's catalogue could not be read: image needs one. */
export function problemsWithoutCatalogue(type: GenerationType, given: string | undefined): string[] {
  if (type !== 'image' || (given?.trim() ?? '') !== '') return [];
  return ['Input "model" is required for type image: Hedra needs a model to make an image (its catalogue, GET /models, lists them).'];
}

/**
 * The model fields of the request body. A model from the catalogue goes by
 * its slug (model_slug) when it has one, else by its id in the type's id
 * field (ai_model_id, or model_id for text_to_speech). Without a catalogue
 * (`model` undefined), `given` is sent as written: a UUID (lower-cased) to the
 * id field, anything else as model_slug; nothing given for video sends
 * Character-3's id. Types with no model field (voice_clone) get none: the
 * caller reports a given model for them (chooseModel, or build's "not used").
 */
export function modelFields(model: Model | undefined, type: GenerationType, given: string | undefined): Record<string, string> {
  const idField = MODEL_ID_FIELD[type];
  if (idField === undefined) return {};
  if (model?.slug) return { model_slug: model.slug };
  if (model?.id) return { [idField]: model.id };
  const wanted = given?.trim() ?? '';
  if (wanted !== '') return isUuid(wanted) ? { [idField]: wanted.toLowerCase() } : { model_slug: wanted };
  if (type === 'video') return { [idField]: DEFAULT_VIDEO_MODEL_ID };
  return {};
}
