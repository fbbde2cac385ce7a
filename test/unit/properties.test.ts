// Property-based: whatever a workflow passes, the action either builds a
// request the real API's schema accepts, or stops with a user error that
// names an input it was given. It never crashes.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildRequest } from '../../src/apis/v2/build.ts';
import { InputError } from '../../src/core/errors.ts';
import { GENERATION_TYPES } from '../../src/inputs/kinds.ts';
import { INPUT_NAMES } from '../../src/inputs/settings.ts';
import { planUploads } from '../../src/media/local-files.ts';
import { envFrom, ID } from '../helpers/build.ts';
import { readInputsFrom } from '../helpers/toolkit.ts';
import { schemaRef, validate } from '../server/spec.ts';
import { tempDir } from '../setup/temp.ts';

const workspace = tempDir('hedra-prop-');

/** Inputs → body, as the action does it before sending anything. */
async function prepare(inputs: Record<string, string>, extraEnv: Record<string, string> = {}) {
  let n = 0;
  const parsed = await readInputsFrom({ ...envFrom(inputs), ...extraEnv, GITHUB_WORKSPACE: workspace });
  const { settings } = await planUploads(parsed, () => ID(++n));
  return buildRequest(settings, () => ID(++n)).body;
}

/** Either a spec-valid body, or an InputError naming one of `named`; anything else fails the property. */
async function holds(inputs: Record<string, string>, named: string[], extraEnv?: Record<string, string>): Promise<boolean> {
  try {
    const body = await prepare(inputs, extraEnv);
    const problems = validate(schemaRef('/generations', 'post', 'request', body)!, body);
    if (problems) throw new Error(`built a body the API would reject: ${JSON.stringify(problems)} ${JSON.stringify(body)}`);
    return true;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    if (!named.some((name) => error.message.includes(`"${name}"`))) throw new Error(`error names none of ${named.join(', ')}: ${error.message}`);
    return true;
  }
}

const VALID_BASE: Record<string, Record<string, string>> = {
  video: { prompt: 'p' },
  image: { prompt: 'p' },
  image_to_image: { prompt: 'p' },
  text_to_speech: { text: 't', 'voice-id': ID(900) },
  text_to_sound: { text: 't' },
  image_upscale: { image: ID(901) },
  video_upscale: { video: ID(902) },
  audio_isolation: { audio: ID(903) },
  speech_to_speech: { audio: ID(903), 'voice-id': ID(900) },
  voice_clone: { audio: ID(903), name: 'n' },
  video_to_video: { video: ID(902), prompt: 'p' },
  motion_control: { video: ID(902), image: ID(901), prompt: 'p' },
};

// Values that reach the interesting branches more often than random text alone.
const value = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-1',
    '9',
    '1.5',
    '5s',
    '1.5m',
    '10ms',
    '31s',
    'true',
    'False',
    'yes',
    'https://x.test/a.png',
    'http://x',
    'a.png',
    'x.mp3',
    '../etc/passwd',
    '{',
    '[]',
    'null',
    '{"seed": 1}',
    'a: [1',
    ID(1),
    ID(1).toUpperCase(),
  ),
  fc.integer().map(String),
  fc.double().map(String),
  fc.json(),
);
const fields = INPUT_NAMES.filter((name) => name !== 'api-key');

describe('any single input value', () => {
  it.each(fields)('%s: parses into a valid request or names the input', async (input) => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...GENERATION_TYPES), value, async (type, raw) => {
        const inputs = { type, ...VALID_BASE[type], [input]: raw };
        // A value may also make the type's own inputs unusable (a prompt set twice, a type changed): those names count too.
        // An empty type is action.yml's default, video on v2: then video's inputs may be named.
        const emptyType = input === 'type' && typeof raw === 'string' && raw.trim() === '';
        return holds(inputs, [input, ...Object.keys(VALID_BASE[type]), 'type', ...(emptyType ? ['prompt', ...Object.keys(VALID_BASE.video)] : [])]);
      }),
      { numRuns: 150 },
    );
  });
});

describe('any request mapping', () => {
  it('merges into a valid request or names the request input', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...GENERATION_TYPES), fc.object({ maxDepth: 3 }), async (type, extra) => {
        return holds({ type, ...VALID_BASE[type], request: JSON.stringify(extra) }, ['request', ...Object.keys(VALID_BASE[type])]);
      }),
      { numRuns: 400 },
    );
  });
});

describe('any combination of inputs', () => {
  it('never crashes, and its errors name an input it was given', async () => {
    const entry = fc.tuple(fc.constantFrom(...fields), value);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...GENERATION_TYPES), fc.array(entry, { maxLength: 6 }), async (type, entries) => {
        const inputs: Record<string, string> = { type, ...Object.fromEntries(entries) };
        // A required input that is absent is named too: that is the input to add.
        return holds(inputs, [...Object.keys(inputs), 'prompt', 'text', 'voice-id', 'image', 'video', 'audio', 'name']);
      }),
      { numRuns: 500 },
    );
  });
  it('names an undeclared input, whatever it is called', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[a-z][a-z0-9_-]{0,20}$/).filter((n) => !(INPUT_NAMES as string[]).includes(n)),
        async (name) => {
          const error = await prepare({ prompt: 'p' }, { [`INPUT_${name.toUpperCase()}`]: 'x' }).catch((e) => e);
          expect(error).toBeInstanceOf(InputError);
          expect(error.message).toContain(`Unexpected input "${name}"`);
        },
      ),
      { numRuns: 100 },
    );
  });
});
