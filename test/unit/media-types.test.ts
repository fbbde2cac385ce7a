// File extensions and content types (src/hedra/media-types.ts), both ways.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planUploads } from '../../src/media/local-files.ts';
import { extensionFor, extensionsOf, fileType, isKnownExtension } from '../../src/media/media-types.ts';
import { envFrom, ID } from '../helpers/build.ts';
import { readInputsFrom } from '../helpers/toolkit.ts';
import { tempDir } from '../setup/temp.ts';

const KNOWN: [string, string, string][] = [
  ['png', 'image', 'image/png'],
  ['jpg', 'image', 'image/jpeg'],
  ['jpeg', 'image', 'image/jpeg'],
  ['webp', 'image', 'image/webp'],
  ['gif', 'image', 'image/gif'],
  ['mp3', 'audio', 'audio/mpeg'],
  ['wav', 'audio', 'audio/wav'],
  ['m4a', 'audio', 'audio/mp4'],
  ['aac', 'audio', 'audio/aac'],
  ['ogg', 'audio', 'audio/ogg'],
  ['flac', 'audio', 'audio/flac'],
  ['mp4', 'video', 'video/mp4'],
  ['mov', 'video', 'video/quicktime'],
  ['webm', 'video', 'video/webm'],
  ['mkv', 'video', 'video/x-matroska'],
  ['m4v', 'video', 'video/x-m4v'],
];

describe('fileType', () => {
  it.each(KNOWN)('knows .%s as %s (%s)', (ext, kind, contentType) => {
    expect(fileType(`media/clip.${ext}`)).toEqual({ kind, contentType });
    expect(fileType(`MEDIA/CLIP.${ext.toUpperCase()}`)).toEqual({ kind, contentType });
  });
  it.each(['README', 'notes.txt', 'archive.tar.gz', 'clip.', 'dir.png/clip', 'dir.png\\clip', '.png/x', ''])('does not know %j', (name) => {
    expect(fileType(name)).toBeUndefined();
  });
  it('goes by the last extension only', () => {
    expect(fileType('clip.mp4.png')).toEqual({ kind: 'image', contentType: 'image/png' });
    expect(fileType('.png')).toEqual({ kind: 'image', contentType: 'image/png' });
  });
});

describe('extensionsOf', () => {
  it('lists the extensions of each kind, in the table order', () => {
    expect(extensionsOf('image')).toEqual(['png', 'jpg', 'jpeg', 'webp', 'gif']);
    expect(extensionsOf('audio')).toEqual(['mp3', 'wav', 'm4a', 'aac', 'ogg', 'flac']);
    expect(extensionsOf('video')).toEqual(['mp4', 'mov', 'webm', 'mkv', 'm4v']);
  });
});

describe('extensionFor', () => {
  it.each([
    ['image/jpeg', 'jpg'],
    ['audio/mpeg', 'mp3'],
    ['audio/x-wav', 'wav'],
    ['audio/wave', 'wav'],
    ['audio/wav', 'wav'],
    ['audio/mp4', 'm4a'],
    ['video/quicktime', 'mov'],
    ['video/x-matroska', 'mkv'],
    ['video/mp4', 'mp4'],
    ['image/png', 'png'],
    ['image/webp', 'webp'],
    ['audio/flac', 'flac'],
    ['video/x-m4v', 'm4v'],
  ])('names %s files .%s', (contentType, ext) => {
    expect(extensionFor(contentType)).toBe(ext);
  });
  it('ignores parameters, case and spaces around the type', () => {
    expect(extensionFor('Video/MP4 ; codecs="avc1"')).toBe('mp4');
    expect(extensionFor(' IMAGE/JPEG')).toBe('jpg');
  });
  it.each([undefined, '', ';', 'application/octet-stream', 'text/html; charset=utf-8'])('has none for %j', (contentType) => {
    expect(extensionFor(contentType)).toBeUndefined();
  });
});

describe('a file of the wrong kind', () => {
  const ws = tempDir('hedra-kinds-');
  mkdirSync(join(ws, 'm'));
  writeFileSync(join(ws, 'm/voice.mp3'), 'mp3');
  writeFileSync(join(ws, 'm/still.png'), 'png');
  const plan = async (inputs: Record<string, string>) => {
    let n = 0;
    return planUploads(await readInputsFrom({ ...envFrom(inputs), GITHUB_WORKSPACE: ws }), () => ID(++n));
  };
  const refusal = (inputs: Record<string, string>) => plan(inputs).then((planned) => planned.problems.join('\n') || 'accepted');
  it('is refused for reference-images, with the image extensions', async () => {
    expect(await refusal({ type: 'image', 'reference-images': 'm/still.png\nm/voice.mp3' })).toBe(
      `Input "reference-images" takes image files (.png, .jpg, .jpeg, .webp, .gif); "m/voice.mp3" (in ${ws}) is not one by its extension.`,
    );
  });
  it('is refused for audio and video, with their extensions', async () => {
    expect(await refusal({ audio: 'm/still.png' })).toMatch(/^Input "audio" takes audio files \(\.mp3, \.wav, \.m4a, \.aac, \.ogg, \.flac\); "m\/still.png"/);
    expect(await refusal({ video: 'm/voice.mp3' })).toMatch(/^Input "video" takes video files \(\.mp4, \.mov, \.webm, \.mkv, \.m4v\);/);
  });
  it('of the right kind is planned with its content type', async () => {
    const { uploads } = await plan({ type: 'image', 'reference-images': 'm/still.png', audio: 'm/voice.mp3' });
    expect(uploads.map((u) => [u.inputs, u.kind, u.contentType])).toEqual([
      [['audio'], 'audio', 'audio/mpeg'],
      [['reference-images'], 'image', 'image/png'],
    ]);
  });
});

describe('isKnownExtension', () => {
  it('knows the media table, in any case, and nothing else', () => {
    expect(['mp4', 'PNG', 'wav', 'm4v'].every(isKnownExtension)).toBe(true);
    expect(['npmrc', 'json', 'sh', '', 'mp4/'].some(isKnownExtension)).toBe(false);
  });
});
