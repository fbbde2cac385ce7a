// What a request will cost, in credits, before it is sent: from the model's
// `pricing` in Hedra's catalogue (the spec's schema Pricing), or where that is
// absent from `price_details` (credit_cost per unit_scale of billing_unit).
// Pure: the catalogue entry and the built request body in, a figure out.

import { isObject } from '../../core/json.js';
import { credits } from '../../core/money.js';
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
 * The output's length in seconds: as asked (duration_ms, duration_seconds),
 * else the model's default (its first duration option); undefined when it
 * follows an input (an audio track, a video) and cannot be known here.
 */
function seconds(model: Model, body: Body): { seconds: number; from: string } | undefined {
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

/** The product of the modifiers that apply, and the ones that did. */
function modifiers(model: Model, body: Body): { factor: number; applied: string[] } {
  let factor = 1;
  const applied: string[] = [];
  for (const [dimension, options] of Object.entries(model.pricing?.modifiers ?? {})) {
    // The request's choice, else the model's default where the catalogue names one (resolution).
    const given = setting(body, dimension) ?? (dimension === 'resolution' ? setting(body, 'target_resolution') : undefined);
    const asked = optionOf(given) ?? (dimension === 'resolution' ? model.default_resolution : UNSET_MEANS[dimension]);
    const multiplier = asked === undefined ? undefined : options[asked];
    if (multiplier !== undefined && multiplier !== 1) {
      factor *= multiplier;
      applied.push(`${dimension} ${asked} ×${multiplier}`);
    }
  }
  return { factor, applied };
}

/** `ceil`, forgiving the float noise of products such as 6 × 1.1. */
const ceil = (value: number) => Math.max(0, Math.ceil(value - 1e-9));

/** The price of one item under `pricing`. */
function fromPricing(model: Model, body: Body): ItemPrice {
  const pricing = model.pricing!;
  const perSecond = pricing.credits_per_second ?? 0;
  const base = pricing.base_cost ?? 0;
  const length = perSecond > 0 ? seconds(model, body) : undefined;
  const { factor, applied } = modifiers(model, body);
  const perItem = ceil((base + perSecond * (length?.seconds ?? 0)) * factor);
  const parts = [
    ...(base > 0 ? [`${base} base`] : []),
    ...(perSecond > 0 ? [length ? `${perSecond}/s × ${length.seconds}s (${length.from})` : `${perSecond}/s × the input's length`] : []),
    ...applied,
  ];
  return { perItem, lowerBound: perSecond > 0 && length === undefined, basis: parts.join(', ') || 'free' };
}

/** The price of one item under `price_details`: credit_cost per unit_scale units. */
function fromPriceDetails(model: Model, body: Body): ItemPrice | string {
  const { credit_cost: cost, unit_scale: scale = 1, billing_unit: unit } = model.price_details ?? {};
  if (cost === undefined || !(scale > 0) || !unit) return 'the catalogue gives no pricing for it';
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
    model.pricing && (model.pricing.base_cost !== undefined || model.pricing.credits_per_second !== undefined)
      ? fromPricing(model, body)
      : fromPriceDetails(model, body);
  if (typeof perItem === 'string') return { known: false, reason: `the model ${model.slug ?? model.id}: ${perItem}` };
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
