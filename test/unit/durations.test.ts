import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkV3Durations, fieldDurationBounds } from '../../src/apis/v3/durations.ts';
import type { V3Model } from '../../src/apis/v3/input.ts';
import { durationProblems, MAX_GRACE_MS, MIN_SLACK_MS, slotDurationBounds, type TimedFile } from '../../src/media/duration-bounds.ts';
import { mediaDurationMs } from '../../src/media/durations.ts';
import { flac, mp3, mp3Vbr, mp4, oggOpus, wav, webm } from '../helpers/media-files.ts';
import { tempDir } from '../setup/temp.ts';

const dir = tempDir('durations-');
const file = (name: string, data: Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
};

describe('the length of a local media file, from its headers', () => {
  it.each([
    ['voice.wav', wav(12.5), 12_500],
    ['voice.mp3', mp3(12.5), 12_492], // 347 frames of 36 ms
    ['clip.mp4', mp4(12.5), 12_500], // a video track only: the length is the track's
    ['clip.mov', mp4(7.25, 'qt  '), 7250],
    ['voice.m4a', mp4(3), 3000],
    ['voice.flac', flac(12.5), 12_500],
    ['voice.ogg', oggOpus(12.5), 12_500],
    ['clip.webm', webm(12.5), 12_500],
    ['clip.mkv', webm(61, 'matroska'), 61_000],
  ])('%s', async (name, data, ms) => {
    expect(await mediaDurationMs(file(name, data))).toBe(ms);
  });

  it('scans the whole file only when its headers do not say (an MP3 of varying bitrate without a Xing header)', async () => {
    // 347 frames of 36 ms (12.492s): the first frames say nothing (the first reading gives no length); the
    // scan counts the frames after the first few, a frame or so short, well inside the grace of the bounds.
    const ms = await mediaDurationMs(file('vbr.mp3', mp3Vbr(12.5)));
    expect(ms).toBeGreaterThan(12_492 - 150);
    expect(ms).toBeLessThanOrEqual(12_492);
  });

  it('is unknown, not an error, for a file that cannot be read as media, and for a missing one', async () => {
    expect(await mediaDurationMs(file('noise.mp3', Buffer.from('not audio at all, only text'.repeat(20))))).toBeUndefined();
    expect(await mediaDurationMs(file('cut.wav', wav(1).subarray(0, 20)))).toBeUndefined();
    expect(await mediaDurationMs(join(dir, 'missing.wav'))).toBeUndefined();
  });
});

const timed = (durationMs: number | undefined, written = 'voice.wav', input = 'audio', kind = 'audio'): TimedFile => ({ input, written, kind, durationMs });

describe('lengths against a model bounds', () => {
  it('refuses a file over the maximum, naming the input, the file, its length and the bound in seconds', () => {
    expect(durationProblems([timed(12_500)], { maxMs: 10_000 }, 'kling-ai-avatar-v2')).toEqual([
      'Input "audio": "voice.wav" is 12.5s long; model kling-ai-avatar-v2 takes audio of at most 10s.',
    ]);
  });

  it('refuses a file under the minimum', () => {
    expect(durationProblems([timed(300, 'clip.mp4', 'video', 'video')], { minMs: 2000 }, 'veo-31')).toEqual([
      'Input "video": "clip.mp4" is 0.3s long; model veo-31 takes video of at least 2s.',
    ]);
  });

  it('grants the maximum a grace (Hedra does, and readers differ by a frame), and the minimum a slack of a frame', () => {
    expect(durationProblems([timed(10_000 + MAX_GRACE_MS)], { maxMs: 10_000 }, 'm')).toEqual([]);
    expect(durationProblems([timed(10_001 + MAX_GRACE_MS)], { maxMs: 10_000 }, 'm')).toHaveLength(1);
    expect(durationProblems([timed(2000 - MIN_SLACK_MS)], { minMs: 2000 }, 'm')).toEqual([]);
    expect(durationProblems([timed(1999 - MIN_SLACK_MS)], { minMs: 2000 }, 'm')).toHaveLength(1);
  });

  it('lets a file of unknown length pass (Hedra measures it when stored) and leaves it out of the total', () => {
    expect(durationProblems([timed(undefined), timed(9000, 'b.wav')], { minMs: 1000, maxMs: 10_000, maxTotalMs: 10_000 }, 'm')).toEqual([]);
  });

  it('refuses files that are too long together, and says each file too long too', () => {
    const files = [timed(9000, 'a.wav'), timed(8000, 'b.wav'), timed(16_000, 'c.wav')];
    expect(durationProblems(files, { maxMs: 15_000, maxTotalMs: 15_000 }, 'seedance-20')).toEqual([
      'Input "audio": "c.wav" is 16s long; model seedance-20 takes audio of at most 15s.',
      'Input "audio": its 3 files are 33s long together; model seedance-20 takes at most 15s of audio in all.',
    ]);
  });

  it('reads the bounds of a v3 field, on it or on its items, and of a v2 slot; anything but a positive number is none', () => {
    const model: V3Model = {
      id: 'm',
      modality: 'video',
      inputSchema: {
        properties: {
          audio: { media_type: 'audio', min_duration_ms: 500, max_duration_ms: 600_000 },
          audios: { type: 'array', items: { max_duration_ms: 15_000 }, max_total_duration_ms: 30_000 },
          source_video: { media_type: 'video', max_duration_ms: 'ten seconds', min_duration_ms: -1 },
        },
      },
    };
    expect(fieldDurationBounds(model, 'audio')).toEqual({ minMs: 500, maxMs: 600_000, maxTotalMs: undefined });
    expect(fieldDurationBounds(model, 'audios')).toEqual({ minMs: undefined, maxMs: 15_000, maxTotalMs: 30_000 });
    expect(fieldDurationBounds(model, 'source_video')).toEqual({ minMs: undefined, maxMs: undefined, maxTotalMs: undefined });
    expect(slotDurationBounds({ max_duration_ms: 60_000, min_duration_ms: null })).toEqual({ minMs: undefined, maxMs: 60_000, maxTotalMs: undefined });
  });
});

describe('v3: the local files against their fields', () => {
  const model: V3Model = {
    id: 'seedance-20',
    modality: 'video',
    inputSchema: {
      properties: {
        audios: { type: 'array', media_type: 'audio', max_duration_ms: 15_000, max_total_duration_ms: 15_000 },
        source_video: { media_type: 'video', min_duration_ms: 3000 },
        start_image: { media_type: 'image' },
      },
    },
  };
  const paths = {
    'a.wav': file('a.wav', wav(9)),
    'b.mp3': file('b.mp3', mp3(9)),
    'odd.mp3': file('odd.mp3', Buffer.from('ID3')),
    'v.mp4': file('v.mp4', mp4(1)),
  };
  const pathOf = (written: string) => paths[written as keyof typeof paths];

  it('checks each field with bounds, lists together, and names the files whose length is unknown', async () => {
    const check = await checkV3Durations(
      model,
      [
        { input: 'audio', written: 'a.wav', kind: 'audio', bytes: 1, path: ['audios', 0] },
        { input: 'audio', written: 'b.mp3', kind: 'audio', bytes: 1, path: ['audios', 1] },
        { input: 'audio', written: 'odd.mp3', kind: 'audio', bytes: 1, path: ['audios', 2] },
        { input: 'video', written: 'v.mp4', kind: 'video', bytes: 1, path: ['source_video'] },
      ],
      pathOf,
    );
    expect(check.problems).toEqual([
      'Input "audio": its 2 files are 18s long together; model seedance-20 takes at most 15s of audio in all.',
      'Input "video": "v.mp4" is 1s long; model seedance-20 takes video of at least 3s.',
    ]);
    expect(check.unmeasured).toEqual(['odd.mp3']);
  });

  it('leaves alone a file of another kind than its field takes (refused as such elsewhere), and fields without bounds', async () => {
    const check = await checkV3Durations(
      model,
      [
        { input: 'video', written: 'short.wav', kind: 'audio', bytes: 1, path: ['source_video'] },
        { input: 'image', written: 'v.mp4', kind: 'video', bytes: 1, path: ['start_image'] },
      ],
      pathOf,
    );
    expect(check).toEqual({ problems: [], unmeasured: [] });
  });
});
