// Hedra's model catalogue (GET /models), read leniently: the checks made
// against a model (request/model-rules.ts) need only a few of its fields, and
// a catalogue that grows a field, sends a number as a string or garbles one
// entry must not stop a run. A field that cannot be read counts as absent,
// which the checks take as "no constraint": Hedra still enforces its own.
// No HTTP here: the client fetches the answer and hands it to readCatalogue.
import { z } from 'zod';
import { UnexpectedAnswer } from '../../core/errors.js';

/** A number, or a string that is one ("10", " 2.5 "): catalogues serialised by hand send both. */
const num = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(/^[-+]?(?:\d+(?:\.\d+)?|\.\d+)$/)
    .transform(Number),
]);

/** A boolean, or its spelling as a string (Python's True/False included). */
const bool = z.union([
  z.boolean(),
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['true', 'false']))
    .transform((v) => v === 'true'),
]);

/** A string; a number is taken as its decimal spelling (a duration of 5 is the option "5"). */
const text = z.union([z.string(), z.number().transform(String)]);

/** Absent, null or unreadable: all undefined, which the checks read as "no constraint". */
const optional = <T extends z.ZodType>(schema: T) =>
  schema
    .nullish()
    .transform((v): z.output<T> | undefined => v ?? undefined)
    .catch(undefined);

/** An identifier: trimmed, and an empty one is none. */
const identifier = optional(text).transform((v) => v?.trim() || undefined);

/**
 * A slot's count: absent or null is the spec's default (1); a value that cannot
 * be read is `unreadable` (min_count: 1, which constrains nothing once the
 * input is given; max_count: no bound).
 */
const count = (unreadable: number | undefined) =>
  z
    .union([num, z.null(), z.undefined()])
    .transform((v): number | undefined => v ?? 1)
    .catch(unreadable);

const inputSlot = z.looseObject({
  /** 'image', 'video' or 'audio' (lower-cased). */
  type: text.transform((v) => v.trim().toLowerCase()).catch(''),
  /** 'start_frame', 'end_frame', 'reference', 'audio_input', 'input_video', ... (lower-cased); unknown roles are ignored. */
  role: text.transform((v) => v.trim().toLowerCase()).catch(''),
  required: optional(bool).transform((v) => v ?? false),
  min_count: count(1),
  max_count: count(undefined),
  max_file_size_bytes: optional(num),
  min_dimension_px: optional(num),
  max_dimension_px: optional(num),
  min_duration_ms: optional(num),
  max_duration_ms: optional(num),
  max_total_duration_ms: optional(num),
});
export type InputSlot = z.infer<typeof inputSlot>;

const inputMode = z.looseObject({
  mode: text.catch(''),
  slots: z.array(inputSlot),
});
export type InputMode = z.infer<typeof inputMode>;

// The price's figures are kept as Hedra sent them: the estimate judges them (estimate.ts), and one that
// cannot be read must make the price unknown, not be taken as absent (a lower price, or none).
const pricing = z.looseObject({
  base_cost: z.unknown().optional(),
  credits_per_second: z.unknown().optional(),
  modifiers: z.unknown().optional(),
});
export type Pricing = z.infer<typeof pricing>;

const priceDetails = z.looseObject({
  credit_cost: optional(num),
  unit_scale: optional(num),
  billing_unit: optional(z.string()),
});

const aiModel = z.looseObject({
  /** Stable across environments: what the action sends (model_slug). */
  slug: identifier,
  /** Environment-specific UUID, or null for a code-backed model; being removed in favour of slug. */
  id: identifier,
  name: optional(text),
  description: optional(z.string()),
  /** The generation type the model serves (lower-cased). */
  type: text.transform((v) => v.trim().toLowerCase()),
  aspect_ratios: optional(z.array(text)),
  /** [min, max] of width/height: when set, any ratio inside is accepted, and aspect_ratios are presets. */
  aspect_ratio_range: optional(z.tuple([num, num])),
  resolutions: optional(z.array(text)),
  default_resolution: optional(text),
  custom_resolution: optional(bool),
  /** Undocumented format: parse each with parseDurationOption. */
  durations: optional(z.array(z.union([z.string(), z.number()]))),
  max_duration_ms: optional(num),
  min_prompt_length: optional(num),
  max_prompt_length: optional(num),
  requires_start_frame: optional(bool),
  requires_end_frame: optional(bool),
  requires_audio_input: optional(bool),
  requires_input_video: optional(bool),
  requires_character_orientation: optional(bool),
  /** Modes of slots; null means "use the requires_* flags". text_to_video is implicit for video models. */
  inputs: optional(z.array(inputMode)),
  eta_ms: optional(num),
  tags: optional(z.array(z.string())),
  premium: optional(bool),
  display_order: optional(num),
  pricing: optional(pricing),
  price_details: optional(priceDetails),
});

/** One entry of GET /models, as read: every field the checks use, and whatever else Hedra sent. */
export type Model = z.infer<typeof aiModel>;

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/**
 * The models of a GET /models answer. Entries that lack what the checks need
 * (a slug or an id, and a type) are dropped: a catalogue with one odd entry
 * still serves the others.
 */
export function readCatalogue(answer: unknown): Model[] {
  if (!Array.isArray(answer)) {
    throw new UnexpectedAnswer(`Hedra's answer to GET /models is not a list of models (got ${describeValue(answer)}).`, answer);
  }
  const models: Model[] = [];
  for (const entry of answer) {
    const read = aiModel.safeParse(entry);
    if (read.success && (read.data.slug || read.data.id) && read.data.type) models.push(read.data);
  }
  return models;
}

/** How a model is named to the user: its slug, else its name, else its id. */
export function modelLabel(model: Model): string {
  return model.slug ?? model.name ?? model.id ?? '';
}

const UNIT_MS: Record<string, number> = {
  '': 1000, // a bare number: see parseDurationOption
  ms: 1,
  msec: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
};

/** A bare number at least this large is milliseconds: no model makes clips of 1000 seconds or more. */
const BARE_MILLISECONDS_FROM = 1000;

/**
 * One entry of a model's `durations`, in milliseconds; undefined when it is no
 * duration. The format is undocumented, so every plausible spelling is read:
 * "5", "5s", "5.5s", "5000ms", "10 s", "1m", 5. A bare number is SECONDS,
 * unlike the action's `duration` input: Hedra's app offers model durations in
 * seconds ("5s", "10s"), and the catalogue gives milliseconds only in fields
 * that say so (`max_duration_ms`). The one exception is a bare number of 1000
 * or more ("5000"), which can only be milliseconds written in the unit of
 * those fields: no generation lasts 1000 seconds.
 */
export function parseDurationOption(option: string | number): number | undefined {
  let ms: number | undefined;
  const bare = (value: number) => (value >= BARE_MILLISECONDS_FROM ? value : value * 1000);
  if (typeof option === 'number') ms = bare(option);
  else {
    const match = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$/i.exec(option.trim());
    const unit = match ? UNIT_MS[match[2].toLowerCase()] : undefined;
    if (match && unit !== undefined) ms = match[2] === '' ? bare(Number(match[1])) : Number(match[1]) * unit;
  }
  return ms !== undefined && Number.isFinite(ms) && ms > 0 ? Math.round(ms) : undefined;
}
