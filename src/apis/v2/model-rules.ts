// Every input checked against what the chosen model of Hedra's v2 catalogue
// takes, before anything is paid: aspect ratio, resolution, duration, the
// prompt's length, the inputs it requires, and the media against its input
// modes (combination, counts, each local file's size and pixel size). Pure:
// the model, the parsed inputs and what was read of the local files go in;
// every problem comes out, each naming the workflow input as written, the
// model and what it allows.
import { andList, comparedSizes, seconds } from '../../core/format.js';
import { valueAt } from '../../core/json.js';
import { didYouMean } from '../../core/suggest.js';
import { type GenerationType, MEDIA_INPUTS, type MediaInput } from '../../inputs/kinds.js';
import type { Settings } from '../../inputs/settings.js';
import { durationProblems, hasBounds, slotDurationBounds } from '../../media/duration-bounds.js';
import type { LocalMedia } from '../../media/local-files.js';
import { type InputSlot, type Model, modelLabel, parseDurationOption } from './catalogue.js';
import { DEFAULT_VIDEO_MODEL_ID, type FieldPath, INPUT_FIELDS } from './fields.js';
import { listModels, modelsOfType, quote, sameId } from './model-choice.js';

const MEDIA = Object.keys(MEDIA_INPUTS) as MediaInput[];

/** Fields outside the type table that also supply a media input on video (build.ts's URL fields; audio_generation). */
const OTHER_FIELDS: Partial<Record<MediaInput, FieldPath[]>> = {
  image: [['start_keyframe_url']],
  'end-image': [['end_keyframe_url']],
  audio: [['audio_generation']],
};

/**
 * The media inputs that the `request` input supplies itself, as body fields
 * (e.g. `audio_generation` or `start_keyframe_id` on video): pass them to
 * checkAgainstModel, which then counts them as given.
 */
export function suppliedByRequest(type: GenerationType, request: Record<string, unknown> | undefined): MediaInput[] {
  if (request === undefined) return [];
  return MEDIA.filter((input) => {
    const paths = [INPUT_FIELDS[input][type], ...(type === 'video' ? (OTHER_FIELDS[input] ?? []) : [])];
    return paths.some((path) => {
      const value = path && valueAt(request, path);
      return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
    });
  });
}

/** Slot roles → the input that fills them. */
const ROLE_INPUT: Record<string, MediaInput> = {
  start_frame: 'image',
  end_frame: 'end-image',
  reference: 'reference-images',
  audio_input: 'audio',
  input_video: 'video',
};

interface Mode {
  name: string;
  /** The slots this action can fill, by input; slots of unknown roles are left out. */
  slots: { input: MediaInput; slot: InputSlot }[];
  /** text_to_video: always available for video models, never listed. */
  implicit?: boolean;
}

function modesOf(model: Model, type: GenerationType): Mode[] | undefined {
  // Null means "no declarative inputs, use requires_*"; an empty list is read the same way, not as "no media at all".
  if (!model.inputs?.length) return undefined;
  const modes: Mode[] = model.inputs.map((mode) => {
    const slots: Mode['slots'] = [];
    for (const slot of mode.slots) {
      const input = ROLE_INPUT[slot.role];
      if (!input || (slot.type !== '' && slot.type !== MEDIA_INPUTS[input].kind) || slots.some((s) => s.input === input)) continue;
      slots.push({ input, slot });
    }
    return { name: mode.mode || 'unnamed', slots };
  });
  // The spec makes text_to_video implicit for every video model; a model whose flags require an input says otherwise.
  if (type === 'video' && textToVideo(model)) modes.push({ name: 'text_to_video', slots: [], implicit: true });
  return modes;
}

const NOUNS: Record<string, [string, string]> = { image: ['image', 'images'], video: ['video', 'videos'], audio: ['audio file', 'audio files'] };

function files(n: number, kind: string): string {
  const [one, many] = NOUNS[kind] ?? ['file', 'files'];
  return `${n} ${n === 1 ? one : many}`;
}

function describeMode(mode: Mode): string {
  if (mode.implicit) return `${mode.name}: a prompt alone`;
  if (mode.slots.length === 0) return `${mode.name}: no media`;
  const slots = mode.slots.map(({ input, slot }) => {
    const notes = [slot.required ? 'required' : 'optional'];
    const max = slot.max_count;
    if (max !== undefined && max > 1) notes.push(slot.min_count === max ? `exactly ${max}` : `${slot.min_count ?? 1} to ${max}`);
    else if (max === undefined && (slot.min_count ?? 1) > 1) notes.push(`at least ${slot.min_count}`);
    return `"${input}" (${notes.join(', ')})`;
  });
  return `${mode.name}: ${slots.join(', ')}`;
}

/** width/height of "16:9" (the form Hedra's aspect ratios take); undefined for anything else. */
function ratioOf(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(text);
  const ratio = match ? Number(match[1]) / Number(match[2]) : Number.NaN;
  return Number.isFinite(ratio) && ratio > 0 ? ratio : undefined;
}

const REQUIREMENTS = [
  { flag: 'requires_start_frame', input: 'image', what: 'a start frame' },
  { flag: 'requires_end_frame', input: 'end-image', what: 'an end frame' },
  { flag: 'requires_audio_input', input: 'audio', what: 'a soundtrack' },
  { flag: 'requires_input_video', input: 'video', what: 'a source video' },
] as const satisfies readonly { flag: keyof Model; input: MediaInput; what: string }[];

/** A video model that works from a prompt alone: it requires no input of any kind. */
function textToVideo(model: Model): boolean {
  return model.type === 'video' && !REQUIREMENTS.some(({ flag }) => model[flag] === true) && model.requires_character_orientation !== true;
}

/**
 * Every problem of the inputs against the model, in one list (empty when the
 * model takes them): aspect-ratio, resolution, duration, the prompt's length,
 * the inputs the model requires, and the media against its input modes
 * (combination, counts, each local file's size and pixel size).
 *
 * `mapped` is the parsed inputs (media as files, asset ids or URLs: all count
 * as given); `media` the local files among them with what was read of them;
 * `supplied` the media inputs that the `request` input supplies as body
 * fields (suppliedByRequest), which count as given but whose counts are
 * unknown. `catalogue`, when passed, lets a prompt-only video suggest
 * text-to-video models.
 */
export function checkAgainstModel(
  model: Model,
  type: GenerationType,
  mapped: Settings['mapped'],
  media: readonly LocalMedia[],
  options: { supplied?: readonly MediaInput[]; catalogue?: readonly Model[] } = {},
): string[] {
  const { supplied = [], catalogue = [] } = options;
  const name = quote(modelLabel(model));
  const problems: string[] = [];

  // Values from lists: aspect-ratio, resolution.
  const aspect = mapped['aspect-ratio'];
  if (typeof aspect === 'string') {
    const presets = model.aspect_ratios ?? [];
    const range = model.aspect_ratio_range;
    const ratio = ratioOf(aspect);
    if (range && range[0] <= range[1]) {
      const inside = ratio !== undefined && ratio >= range[0] - 1e-9 && ratio <= range[1] + 1e-9;
      if (!inside && !presets.includes(aspect)) {
        const examples = presets.length > 0 ? ` (such as ${presets.join(', ')})` : '';
        problems.push(
          `Input "aspect-ratio": model ${name} does not take "${aspect}"; it takes any width:height between ${Number(range[0].toFixed(3))} and ${Number(range[1].toFixed(3))}${examples}.`,
        );
      }
    } else if (presets.length > 0 && !presets.includes(aspect)) {
      problems.push(`Input "aspect-ratio": model ${name} does not take "${aspect}"; it takes ${presets.join(', ')}.${didYouMean(aspect, presets)}`);
    }
  }
  const resolution = mapped.resolution;
  const resolutions = model.resolutions ?? [];
  if (typeof resolution === 'string' && resolutions.length > 0 && model.custom_resolution !== true && !resolutions.includes(resolution)) {
    problems.push(`Input "resolution": model ${name} does not take "${resolution}"; it takes ${resolutions.join(', ')}.${didYouMean(resolution, resolutions)}`);
  }

  // Duration: one of `durations`, and at most max_duration_ms.
  const duration = mapped.duration;
  if (typeof duration === 'number') {
    const allowed = [...new Set((model.durations ?? []).map(parseDurationOption).filter((ms) => ms !== undefined))].sort((a, b) => a - b);
    const listed = allowed.length === 0 || allowed.some((ms) => Math.abs(ms - duration) < 0.5);
    if (!listed) problems.push(`Input "duration": model ${name} does not take ${seconds(duration)}; it takes ${allowed.map(seconds).join(', ')}.`);
    else if (model.max_duration_ms !== undefined && duration > model.max_duration_ms) {
      problems.push(`Input "duration": model ${name} takes at most ${seconds(model.max_duration_ms)}; got ${seconds(duration)}.`);
    }
  }

  // The prompt's length (the text, for types that take a text instead: speech, sound), in characters (code points).
  const promptInput = INPUT_FIELDS.prompt[type] ? 'prompt' : INPUT_FIELDS.text[type] ? 'text' : undefined;
  if (promptInput) {
    const prompt = mapped[promptInput];
    const length = typeof prompt === 'string' ? [...prompt].length : 0;
    const { min_prompt_length: min, max_prompt_length: max } = model;
    if (min !== undefined && min > 0 && prompt === undefined) {
      problems.push(`Input "${promptInput}" is not set, but model ${name} needs one of at least ${min} characters.`);
    } else if (min !== undefined && length < min) {
      problems.push(`Input "${promptInput}": model ${name} needs at least ${min} characters; it has ${length}.`);
    } else if (max !== undefined && length > max) {
      problems.push(`Input "${promptInput}": model ${name} takes at most ${max} characters; it has ${length}.`);
    }
  }

  // What is given of each media input, and how many (undefined: given through `request`, count unknown).
  const counts = new Map<MediaInput, number | undefined>();
  for (const input of MEDIA) {
    const value = mapped[input];
    const n = Math.max(value === undefined ? 0 : Array.isArray(value) ? value.length : 1, media.filter((m) => m.input === input).length);
    if (n > 0) counts.set(input, n);
    else if (supplied.includes(input)) counts.set(input, undefined);
  }
  const givenMedia = MEDIA.filter((input) => counts.has(input) && !supplied.includes(input));
  const speech = type === 'video' && mapped.text !== undefined && mapped['voice-id'] !== undefined;
  const present = new Set<MediaInput>(counts.keys());
  if (speech) present.add('audio');

  // The inputs the model requires.
  const missing = REQUIREMENTS.filter(({ flag, input }) => model[flag] === true && !present.has(input));
  if (missing.length > 0) {
    const parts = missing.map(({ input, what }) =>
      input === 'audio' && type === 'video' ? `${what} (input "audio", or "text" with "voice-id" for Hedra to speak)` : `${what} (input "${input}")`,
    );
    const isDefault = type === 'video' && sameId(model.id, DEFAULT_VIDEO_MODEL_ID);
    const who = isDefault ? `${name} (${model.name ?? 'Character-3'}, used when input "model" is not set)` : name;
    let message = `Model ${who} needs ${andList(parts)}, which ${missing.length === 1 ? 'is' : 'are'} not given.`;
    if (type === 'video' && present.size === 0 && mapped.text === undefined && mapped['voice-id'] === undefined) {
      const alternatives = modelsOfType(catalogue, 'video').filter((m) => m !== model && textToVideo(m));
      message += ' To make a video from a prompt alone, set input "model" to a text-to-video model';
      message += alternatives.length > 0 ? `: ${listModels(alternatives)}.` : ' (GET /models lists them).';
    }
    problems.push(message);
    for (const { input } of missing) present.add(input); // said once: the modes below take them as given
  }

  // The media against the model's input modes.
  const modes = modesOf(model, type);
  if (modes) {
    const fitting = modes.filter(
      (mode) =>
        givenMedia.every((input) => mode.slots.some((s) => s.input === input)) && mode.slots.every(({ input, slot }) => !slot.required || present.has(input)),
    );
    if (fitting.length === 0) {
      const given = givenMedia.length > 0 ? andList(givenMedia.map(quote)) : 'none';
      problems.push(`The media inputs given (${given}) fit none of the input modes of model ${name}; it takes ${modes.map(describeMode).join('; or ')}.`);
    } else {
      const perMode = fitting.map((mode) => mode.slots.flatMap(({ input, slot }) => slotProblems(name, input, slot, counts.get(input), media)));
      problems.push(...perMode.reduce((best, next) => (next.length < best.length ? next : best)));
    }
  }
  return problems;
}

/** The problems of what is given to one slot: the count, and each local file's size and pixel size. */
function slotProblems(name: string, input: MediaInput, slot: InputSlot, count: number | undefined, media: readonly LocalMedia[]): string[] {
  const problems: string[] = [];
  const kind = slot.type || MEDIA_INPUTS[input].kind;
  if (count !== undefined) {
    const min = slot.min_count ?? 1;
    const max = slot.max_count;
    if (count < min) problems.push(`Input "${input}": model ${name} needs at least ${files(min, kind)}; got ${count}.`);
    if (max !== undefined && count > max) problems.push(`Input "${input}": model ${name} takes at most ${files(max, kind)}; got ${count}.`);
  }
  for (const file of media.filter((m) => m.input === input)) {
    const maxSize = slot.max_file_size_bytes;
    if (maxSize !== undefined && file.size > maxSize) {
      const [size, limit] = comparedSizes(file.size, maxSize);
      problems.push(`Input "${input}": "${file.written}" is ${size}; model ${name} takes files of at most ${limit}.`);
    }
    const { min_dimension_px: minPx, max_dimension_px: maxPx } = slot;
    const sides = [file.width, file.height].filter((px) => px !== undefined);
    const small = minPx !== undefined && sides.some((px) => px < minPx);
    const large = maxPx !== undefined && sides.some((px) => px > maxPx);
    if (small || large) {
      const bound =
        minPx !== undefined && maxPx !== undefined ? `between ${minPx} and ${maxPx} px` : minPx !== undefined ? `at least ${minPx} px` : `at most ${maxPx} px`;
      const measured = file.width !== undefined && file.height !== undefined ? `${file.width}×${file.height} px` : `${sides[0]} px on one side`;
      problems.push(`Input "${input}": "${file.written}" is ${measured}; model ${name} takes images ${bound} on each side.`);
    }
  }
  if (kind === 'audio' || kind === 'video') {
    const timed = media.filter((m) => m.input === input).map((m) => ({ input, written: m.written, kind, durationMs: m.durationMs }));
    problems.push(...durationProblems(timed, slotDurationBounds(slot), name));
  }
  return problems;
}

/** The audio and video files whose length could not be read, when the model bounds the length of any slot's files. */
export function unmeasuredMedia(model: Model, media: readonly LocalMedia[]): string[] {
  const bounded = (model.inputs ?? []).some((mode) => mode.slots.some((slot) => hasBounds(slotDurationBounds(slot))));
  const timed = media.filter((m) => m.durationMs === undefined && MEDIA_INPUTS[m.input].kind !== 'image');
  return bounded ? [...new Set(timed.map((m) => m.written))] : [];
}
