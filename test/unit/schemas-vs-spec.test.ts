// The zod schemas are hand-written from the spec; this keeps them from drifting:
// same field names and same required fields, for every variant and nested object.

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { REQUEST_SCHEMAS } from '../../src/apis/v2/schemas.ts';
import { GENERATION_TYPES } from '../../src/inputs/kinds.ts';
import { SPEC_PATH, spec } from '../server/spec.ts';

const schemas = spec.components.schemas;
const mapping: Record<string, string> = spec.paths['/generations'].post.requestBody.content['application/json'].schema.discriminator.mapping;

function zodFields(schema: z.core.$ZodType): { fields: string[]; required: string[] } {
  const shape = (schema._zod.def as any).shape as Record<string, z.core.$ZodType>;
  return {
    fields: Object.keys(shape).sort(),
    required: Object.keys(shape)
      .filter((k) => !['optional', 'nullable'].includes(shape[k]._zod.def.type) && shape[k]._zod.optin !== 'optional')
      .sort(),
  };
}

function specFields(name: string) {
  const s = schemas[name];
  return { fields: Object.keys(s.properties).sort(), required: [...(s.required ?? [])].sort() };
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let node = schema;
  while (['optional', 'nullable', 'array'].includes(node._zod.def.type)) node = (node._zod.def as any).innerType ?? (node._zod.def as any).element;
  return node;
}

describe('zod schemas follow openapi-v2.json', () => {
  it('cover exactly the types of the discriminator', () => {
    expect([...GENERATION_TYPES].sort()).toEqual(Object.keys(mapping).sort());
  });
  it.each(GENERATION_TYPES)('%s has the same fields and required fields', (type) => {
    const specName = mapping[type].split('/').pop()!;
    const ours = zodFields(REQUEST_SCHEMAS[type]);
    const theirs = specFields(specName);
    expect(ours.fields).toEqual(theirs.fields);
    // `type` has a default in the spec; we always send it, so zod requires it.
    expect(ours.required.filter((f) => f !== 'type')).toEqual(theirs.required);
  });
  it('nested objects match too', () => {
    const video = (REQUEST_SCHEMAS.video._zod.def as any).shape;
    expect(zodFields(video.generated_video_inputs)).toEqual(specFields('GeneratedVideoInputs'));
    expect(zodFields(unwrap((unwrap(video.generated_video_inputs) as any)._zod.def.shape.multi_prompt))).toEqual(specFields('VideoShot'));
    expect(zodFields(unwrap((REQUEST_SCHEMAS.video_to_video._zod.def as any).shape.elements))).toEqual(specFields('KlingEditElement'));
    const speech = zodFields(unwrap(video.audio_generation));
    expect(speech.fields).toEqual(specFields('GenerateTextToSpeechRequest').fields);
  });
  it('language enum is the spec enum', () => {
    const ours = (unwrap((REQUEST_SCHEMAS.text_to_speech._zod.def as any).shape.language)._zod.def as any).entries;
    expect(Object.keys(ours)).toEqual(schemas.SupportedLanguage.enum);
  });
});

describe('the spec copy in test/fixtures', () => {
  const shared = new URL('../../../shared/hedra-api/openapi-v2.json', import.meta.url);
  it.runIf(existsSync(shared))('is identical to ../shared/hedra-api/openapi-v2.json', () => {
    expect(readFileSync(SPEC_PATH, 'utf8')).toBe(readFileSync(shared, 'utf8'));
  });
});

describe('the v3 spec copy in test/fixtures', () => {
  const shared = new URL('../../../shared/hedra-api/openapi-v3.json', import.meta.url);
  it.runIf(existsSync(shared))('is identical to ../shared/hedra-api/openapi-v3.json', () => {
    expect(readFileSync(new URL('../fixtures/openapi-v3.json', import.meta.url), 'utf8')).toBe(readFileSync(shared, 'utf8'));
  });
});
