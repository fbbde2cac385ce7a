// The messages of a body the schema refuses (src/request/validate.ts): each
// kind of problem in the user's terms, and who is to fix it (an input, a
// field of the request input, or a field to add to it).
import { describe, expect, it } from 'vitest';
import { buildError } from '../helpers/build.ts';

const VOICE = 'fedcba98-7654-4321-8fed-cba987654321';

describe('what a field must be', () => {
  it.each([
    [{ type: 'text_to_speech', text: 't', 'voice-id': VOICE, request: 'speed: fast' }, 'Input "request": field speed must be a number.'],
    [{ request: 'generated_video_inputs: 3' }, 'Input "request": field generated_video_inputs must be a mapping.'],
    [{ type: 'image', prompt: 'p', request: 'reference_image_ids: x' }, 'Input "request": field reference_image_ids must be a list.'],
    [{ prompt: 'p', request: 'generated_video_inputs: {resolution: 5}' }, 'Input "request": field generated_video_inputs.resolution must be a string.'],
    [{ prompt: 'p', request: 'generated_video_inputs: {seed: 1.5}' }, 'Input "request": field generated_video_inputs.seed must be a whole number.'],
    [
      { prompt: 'p', request: 'generated_video_inputs: {bounding_box_target: x}' },
      'Input "request": field generated_video_inputs.bounding_box_target must be a list.',
    ],
  ])('%j', async (inputs, message) => {
    expect(await buildError(inputs)).toBe(message);
  });
});

describe('sizes', () => {
  it('an empty text is "must not be empty"', async () => {
    expect(await buildError({ type: 'text_to_sound', request: 'text: ""' })).toBe('Input "request": field text must not be empty.');
  });
  it('lists count items', async () => {
    expect(await buildError({ prompt: 'p', request: 'generated_video_inputs: {bounding_box_target: [0.5]}' })).toBe(
      'Input "request": field generated_video_inputs.bounding_box_target must have at least 2 items.',
    );
    expect(await buildError({ prompt: 'p', request: 'generated_video_inputs: {bounding_box_target: [0.5, 0.5, 0.5]}' })).toBe(
      'Input "request": field generated_video_inputs.bounding_box_target must have at most 2 items.',
    );
  });
  it('numbers have inclusive bounds', async () => {
    expect(await buildError({ type: 'text_to_sound', text: 't', request: 'prompt_influence: -0.5' })).toBe(
      'Input "request": field prompt_influence must be at least 0.',
    );
  });
});

describe('formats', () => {
  it('a URL field must be an absolute URL', async () => {
    expect(await buildError({ prompt: 'p', request: 'start_keyframe_url: not a url' })).toBe(
      'Input "request": field start_keyframe_url must be an absolute URL.',
    );
  });
  it('an id field must be a UUID, with an example', async () => {
    expect(await buildError({ prompt: 'p', request: 'video_id: v1' })).toBe(
      'Input "request": field video_id must be a UUID (such as 3fa85f64-5717-4562-b3fc-2c963f66afa6).',
    );
  });
});

describe('unions', () => {
  it('say what each accepted form wants of the value itself', async () => {
    expect(await buildError({ prompt: 'p', request: 'audio_id: 5' })).toBe('Input "request": field audio_id must be a string, or must be a list.');
    expect(await buildError({ prompt: 'p', request: 'audio_id: {a: 1}' })).toBe('Input "request": field audio_id must be a string, or must be a list.');
  });
});

describe('missing fields', () => {
  it('inside the request input: which field to add there', async () => {
    expect(await buildError({ prompt: 'p', request: 'generated_video_inputs: {multi_prompt: [{prompt: a}]}' })).toBe(
      'Field generated_video_inputs.multi_prompt[0].duration_ms is required for type video: set it in input "request".',
    );
  });
  it('that an input sets: which input', async () => {
    expect(await buildError({ type: 'video_to_video', prompt: 'p' })).toBe('Input "video" is required for type video_to_video.');
    expect(await buildError({ request: 'generated_video_inputs: {seed: 1}' })).toBe('Input "prompt" is required for type video.');
  });
});

describe('unknown fields', () => {
  it('are named with where they are, without a suggestion when nothing is close', async () => {
    expect(await buildError({ prompt: 'p', request: 'generated_video_inputs: {multi_prompt: [{prompt: a, duration_ms: 4000, x: 1}]}' })).toBe(
      'Input "request": unknown field "x" in generated_video_inputs.multi_prompt[0] for type video.',
    );
  });
  it('at the top level, with the field meant', async () => {
    expect(await buildError({ type: 'image', prompt: 'p', request: 'sed: 3' })).toBe(
      'Input "request": unknown field "sed" for type image. Did you mean "seed"?',
    );
  });
  it('each get a line of their own', async () => {
    expect(await buildError({ type: 'image', prompt: 'p', request: 'sed: 3\ncolour: red' })).toBe(
      'The image request has 2 problems:\n- Input "request": unknown field "sed" for type image. Did you mean "seed"?\n- Input "request": unknown field "colour" for type image.',
    );
  });
});

describe('fields written in the wrong place', () => {
  it('a field of generated_video_inputs at the top of a video request: where it goes, and the input that sets it', async () => {
    expect(await buildError({ prompt: 'p', request: '{seed: 1}' })).toBe(
      'Input "request": unknown field "seed" for type video. On type video it belongs inside generated_video_inputs (generated_video_inputs.seed): set input "seed" instead, or move it there in "request".',
    );
    expect(await buildError({ prompt: 'p', request: 'aspect_ratio: "16:9"' })).toContain('set input "aspect-ratio" instead');
  });
  it('an input is named only when it sets that very field', async () => {
    expect(await buildError({ request: 'text_prompt: a lighthouse' })).toContain(
      '(generated_video_inputs.text_prompt): set input "prompt" instead, or move it there in "request".',
    );
    expect(await buildError({ prompt: 'p', request: 'negative_prompt: blur' })).toBe(
      'Input "request": unknown field "negative_prompt" for type video. On type video it belongs inside generated_video_inputs (generated_video_inputs.negative_prompt): move it there in "request".',
    );
  });
  it('a top-level field written inside generated_video_inputs goes back up', async () => {
    expect(await buildError({ prompt: 'p', request: 'generated_video_inputs: {batch_size: 2}' })).toBe(
      'Input "request": unknown field "batch_size" in generated_video_inputs for type video. On type video it belongs at the top level of the request (batch_size): set input "batch-size" instead, or move it there in "request".',
    );
  });
  it('a field only a list item has is shown with the list', async () => {
    expect(await buildError({ prompt: 'p', request: 'generated_video_inputs: {prompt: x}' })).toBe(
      'Input "request": unknown field "prompt" in generated_video_inputs for type video. On type video it belongs inside generated_video_inputs.multi_prompt[] (generated_video_inputs.multi_prompt[].prompt): move it there in "request".',
    );
  });
  it('a field the type has nowhere keeps the did-you-mean', async () => {
    expect(await buildError({ type: 'image', prompt: 'p', request: 'generated_video_inputs: {seed: 1}' })).toBe(
      'Input "request": unknown field "generated_video_inputs" for type image.',
    );
    expect(await buildError({ prompt: 'p', request: 'generated_video_inputs: {sed: 1}' })).toBe(
      'Input "request": unknown field "sed" in generated_video_inputs for type video. Did you mean "seed"?',
    );
  });
});
