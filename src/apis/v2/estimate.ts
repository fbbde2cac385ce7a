// What a request will cost, in credits, before it is sent: from the model's
// `pricing` in Hedra's catalogue (the spec's schema Pricing), or where that is
// absent from `price_details` (credit_cost per unit_scale of billing_unit).
// Pure: the catalogue entry and the built request body in, a figure out.
// It fails closed: a figure that is not a price (below zero, not a number, a
// multiplier of 0, a model priced at nothing at all) makes the estimate
// unknown, naming what the catalogue says, never free or negative.

import { isObject } from '../../core/json.js';
import { answered, credits, figure } from '../../core/money.js';
import type { Estimate as Priced } from '../../hedra/api.js';
import { type Model, parseDurationOption } from './catalogue.js';

export type Estimate =
  | {
      known: true;
      /** Credits for the whole request (every batch item). */
      credits: number;
      perItem: number;
      items: number;
      /** The duration is not known before the run (it follows an input's length): the figure is the least it costs. */
      lowerBound: boolean;
      /** How the figure was reached, for the log and the summary. */
      basis: string;
    }
  | { known: false; reason: string };

type Body = Record<string, unknown>;

/** The price of one item, and how it was reached. */
interface ItemPrice {
  perItem: number;
  lowerBound: boolean;
  basis: string;
}

/** The objects of the body where a setting may sit: the body itself, and the nested inputs (generated_video_inputs, audio_generation). */
function places(body: Body): Body[] {
  return [body, ...Object.values(body).filter(isObject)];
}

/** A setting of the request by its field name, wherever it sits; undefined when not set. */
function setting(body: Body, field: string): unknown {
  for (const place of places(body)) if (place[field] !== undefined && place[field] !== null) return place[field];
  return undefined;
}

/** The number of items the request makes: generation_ids' length, else batch_size, else 1. */
function itemCount(body: Body): number {
  if (Array.isArray(body.generation_ids)) return body.generation_ids.length;
  return typeof body.batch_size === 'number' && body.batch_size > 1 ? body.batch_size : 1;
}

/**
 * The output's length in seconds: the sum of the shots of multi_prompt (the
 * spec: "total duration is the sum of shot durations"), else as asked
 * (duration_ms, duration_seconds), else the model's default (its first
 * duration option); undefined when it follows an input (an audio track, a
 * video) or a shot's length cannot be read, and so cannot be known here.
 */
function seconds(model: Model, body: Body): { seconds: number; from: string } | undefined {
  const shots = setting(body, 'multi_prompt');
  if (Array.isArray(shots) && shots.length > 0) {
    const lengths = shots.map((shot) => (isObject(shot) ? figure(shot.duration_ms) : Number.NaN));
    if (!lengths.every((ms) => Number.isFinite(ms) && ms > 0)) return undefined;
    return { seconds: lengths.reduce((sum, ms) => sum + ms, 0) / 1000, from: `${shots.length} shot${shots.length === 1 ? '' : 's'} of multi_prompt` };
  }
  const ms = setting(body, 'duration_ms');
  if (typeof ms === 'number') return { seconds: ms / 1000, from: 'as asked' };
  const s = setting(body, 'duration_seconds');
  if (typeof s === 'number') return { seconds: s, from: 'as asked' };
  const first = model.durations?.map(parseDurationOption).find((d) => d !== undefined);
  if (first !== undefined) return { seconds: first / 1000, from: "the model's default" };
  return undefined;
}

/** How a setting's value is spelled as a modifier option: booleans and numbers as text ("false", "5"). */
const optionOf = (value: unknown) => (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined);

/**
 * What an unset setting means, where the spec says: `generate_audio` left unset
 * "preserves the legacy default (audio on)". (An unset resolution is the model's
 * default_resolution.)
 */
const UNSET_MEANS: Record<string, string> = { generate_audio: 'true' };

const absent = (value: unknown) => value === undefined || value === null;

/** The product of the modifiers that apply, and the ones that did; or why they cannot be read (a multiplier must be more than 0). */
function modifiers(model: Model, body: Body): { factor: number; applied: string[] } | string {
  const table = model.pricing?.modifiers;
  if (absent(table)) return { factor: 1, applied: [] };
  if (!isObject(table)) return `its pricing modifiers in Hedra's catalogue are ${answered(table)}, not a table of multipliers`;
  let factor = 1;
  const applied: string[] = [];
  for (const [dimension, options] of Object.entries(table)) {
    // The request's choice, else the model's default where the catalogue names one (resolution).
    const given = setting(body, dimension) ?? (dimension === 'resolution' ? setting(body, 'target_resolution') : undefined);
    const asked = optionOf(given) ?? (dimension === 'resolution' ? model.default_resolution : UNSET_MEANS[dimension]);
    if (asked === undefined) continue;
    if (!isObject(options)) return `its ${dimension} modifiers in Hedra's catalogue are ${answered(options)}, not a table of multipliers`;
    // Own options only: "constructor" must not find Object's.
    const raw = Object.hasOwn(options, asked) ? options[asked] : undefined;
    if (raw === undefined) continue;
    const multiplier = figure(raw);
    if (!(Number.isFinite(multiplier) && multiplier > 0))
      return `its ${dimension} ${asked} modifier in Hedra's catalogue is ×${answered(raw)}, and a multiplier must be a number more than 0`;
    if (multiplier !== 1) {
      factor *= multiplier;
      applied.push(`${dimension} ${asked} ×${multiplier}`);
    }
  }
  return { factor, applied };
}

/**
 * Why a rate of the catalogue is not a price, or undefined: a finite number of credits, 0 or more. A model
 * priced at 0 in all (base and per second, or credit_cost) is not taken as free: such a catalogue entry is
 * more likely unfilled than a gift, and a budget guard that took it at its word would pay whatever Hedra charges.
 */
function notARate(name: string, raw: unknown, value: number): string | undefined {
  return Number.isFinite(value) && value >= 0
    ? undefined
    : `its ${name} in Hedra's catalogue is ${answered(raw)}, not a price (a finite number of credits, 0 or more)`;
}

/** `ceil`, forgiving the float noise of products such as 6 × 1.1. */
const ceil = (value: number) => Math.max(0, Math.ceil(value - 1e-9));

/** The price of one item under `pricing`, or why the catalogue's figures are not a price. */
function fromPricing(model: Model, body: Body): ItemPrice | string {
  const pricing = model.pricing!;
  const perSecond = absent(pricing.credits_per_second) ? 0 : figure(pricing.credits_per_second);
  const base = absent(pricing.base_cost) ? 0 : figure(pricing.base_cost);
  const wrong = notARate('credits_per_second', pricing.credits_per_second, perSecond) ?? notARate('base_cost', pricing.base_cost, base);
  if (wrong) return wrong;
  if (base === 0 && perSecond === 0) return "Hedra's catalogue prices it at 0 base_cost and 0 credits_per_second, which the action does not take as free";
  const length = perSecond > 0 ? seconds(model, body) : undefined;
  const modified = modifiers(model, body);
  if (typeof modified === 'string') return modified;
  const { factor, applied } = modified;
  const perItem = ceil((base + perSecond * (length?.seconds ?? 0)) * factor);
  const parts = [
    ...(base > 0 ? [`${base} base`] : []),
    ...(perSecond > 0 ? [length ? `${perSecond}/s × ${length.seconds}s (${length.from})` : `${perSecond}/s × the input's length`] : []),
    ...applied,
  ];
  return { perItem, lowerBound: perSecond > 0 && length === undefined, basis: parts.join(', ') };
}

/** The price of one item under `price_details`: credit_cost per unit_scale units. */
function fromPriceDetails(model: Model, body: Body): ItemPrice | string {
  const { credit_cost: cost, unit_scale: scale = 1, billing_unit: unit } = model.price_details ?? {};
  if (cost === undefined || !(scale > 0) || !unit) return 'the catalogue gives no pricing for it';
  const wrong = notARate('credit_cost', cost, cost);
  if (wrong) return wrong;
  if (cost === 0) return "its credit_cost in Hedra's catalogue is 0, which the action does not take as free";
  /** "6 per generation", "1 per 100 characters": the price as the catalogue gives it. */
  const rate = (one: string, many: string) => `${cost} per ${scale === 1 ? one : `${scale} ${many}`}`;
  switch (unit.toLowerCase()) {
    case 'generation':
      return { perItem: ceil(cost / scale), lowerBound: false, basis: rate('generation', 'generations') };
    case 'character': {
      const text = setting(body, 'text') ?? setting(body, 'text_prompt') ?? setting(body, 'prompt');
      const characters = typeof text === 'string' ? [...text].length : 0;
      return { perItem: ceil((characters / scale) * cost), lowerBound: false, basis: `${rate('character', 'characters')} × ${characters} characters` };
    }
    case 'second': {
      const length = seconds(model, body);
      return {
        perItem: ceil(((length?.seconds ?? 0) / scale) * cost),
        lowerBound: length === undefined,
        basis: `${rate('second', 'seconds')} × ${length ? `${length.seconds}s (${length.from})` : "the input's length"}`,
      };
    }
    default:
      return `its billing unit "${unit}" is not one the action knows`;
  }
}

/** The estimate for `body` under `model`; `model` undefined when the catalogue could not be read or does not list it. */
export function estimateCredits(model: Model | undefined, body: Body): Estimate {
  if (!model) return { known: false, reason: "Hedra's model catalogue could not be read, or does not list the model" };
  const perItem =
    model.pricing && (!absent(model.pricing.base_cost) || !absent(model.pricing.credits_per_second)) ? fromPricing(model, body) : fromPriceDetails(model, body);
  if (typeof perItem === 'string') return { known: false, reason: `the model ${model.slug ?? model.id}: ${perItem}` };
  if (!Number.isFinite(perItem.perItem))
    return { known: false, reason: `the model ${model.slug ?? model.id}: its price in Hedra's catalogue is too large to be one` };
  const items = itemCount(body);
  return { ...perItem, known: true, items, credits: perItem.perItem * items };
}

/** The estimate as one phrase: "84 credits (2 × 42: 14/s × 3s (as asked))". */
export function describeEstimate(estimate: Estimate): string {
  if (!estimate.known) return `unknown: ${estimate.reason}`;
  const items = estimate.items > 1 ? `${estimate.items} × ${estimate.perItem}: ` : '';
  const least = estimate.lowerBound ? 'at least ' : '';
  return `${least}${estimate.credits} credit${estimate.credits === 1 ? '' : 's'} (${items}${estimate.basis})`;
}

/** The estimate as the pipeline weighs it: in credits, with how it was reached. */
export function priced(estimate: Estimate): Priced {
  if (!estimate.known) return estimate;
  const { items, lowerBound } = estimate;
  return { known: true, total: credits(estimate.credits), each: credits(estimate.perItem), items, lowerBound, text: describeEstimate(estimate) };
}
