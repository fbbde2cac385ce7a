import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { insideGitFolder, locate, workspaceFile } from '../../src/inputs/workspace-file.ts';
import { outputIsDirectory, targetPath } from '../../src/media/download.ts';
import { planUploads } from '../../src/media/local-files.ts';
import { extensionFor, fileType } from '../../src/media/media-types.ts';
import { envFrom, ID } from '../helpers/build.ts';
import { readInputsFrom } from '../helpers/toolkit.ts';
import { tempDir } from '../setup/temp.ts';

describe('media types', () => {
  it('knows files by extension, case-insensitively', () => {
    expect(fileType('a/b/Clip.MOV')).toEqual({ kind: 'video', contentType: 'video/quicktime' });
    expect(fileType('voice.mp3')).toEqual({ kind: 'audio', contentType: 'audio/mpeg' });
    expect(fileType('README')).toBeUndefined();
    expect(fileType('archive.tar.gz')).toBeUndefined();
  });
  it('names downloads by content type', () => {
    expect(extensionFor('video/mp4; codecs="avc1"')).toBe('mp4');
    expect(extensionFor('image/jpeg')).toBe('jpg');
    expect(extensionFor('audio/mpeg')).toBe('mp3');
    expect(extensionFor('audio/x-wav')).toBe('wav');
    expect(extensionFor('application/octet-stream')).toBeUndefined();
    expect(extensionFor(undefined)).toBeUndefined();
  });
});

describe('output paths', () => {
  const dir = tempDir('hedra-out-');
  it('tells a directory from a file', async () => {
    expect(await outputIsDirectory(dir)).toBe(true);
    expect(await outputIsDirectory(join(dir, 'new/'))).toBe(true);
    expect(await outputIsDirectory(join(dir, 'new-dir'))).toBe(true);
    expect(await outputIsDirectory(join(dir, 'video.mp4'))).toBe(false);
  });
  it('names files in a directory by asset id, and numbers batch items of a file path', () => {
    const item = { index: 0, count: 1, name: 'a1', extension: 'mp4' };
    expect(targetPath('/out', true, item)).toBe('/out/a1.mp4');
    expect(targetPath('/out/v.mp4', false, item)).toBe('/out/v.mp4');
    expect(targetPath('/out/v.mp4', false, { ...item, count: 3, index: 0 })).toBe('/out/v.mp4');
    expect(targetPath('/out/v.mp4', false, { ...item, count: 3, index: 2 })).toBe('/out/v-3.mp4');
  });
});

describe('targetPath confinement', () => {
  it('refuses a name that would leave the output directory', () => {
    expect(() => targetPath('/out', true, { index: 0, count: 1, name: '../../home/user/.npmrc', extension: 'mp4' })).toThrow(/not inside \/out/);
    expect(targetPath('/out', true, { index: 0, count: 1, name: '0f9c0e5e-8f5b-4c8e-9f0a-1b2c3d4e5f60', extension: 'mp4' })).toBe(
      '/out/0f9c0e5e-8f5b-4c8e-9f0a-1b2c3d4e5f60.mp4',
    );
    expect(targetPath('/out/renders/', true, { index: 0, count: 1, name: 'a1', extension: 'png' })).toBe('/out/renders/a1.png');
  });
});

describe('planUploads', () => {
  const ws = tempDir('hedra-ws-');
  mkdirSync(join(ws, 'm'));
  writeFileSync(join(ws, 'm/a.png'), 'png');
  writeFileSync(join(ws, 'm/v.mp4'), 'mp4');
  const plan = async (inputs: Record<string, string>) => {
    let n = 100;
    return planUploads(await readInputsFrom({ ...envFrom(inputs), GITHUB_WORKSPACE: ws }), () => ID(++n));
  };

  it('reserves one asset id per distinct file and points the inputs at it', async () => {
    const { settings, uploads } = await plan({ image: 'm/a.png', 'end-image': join(ws, 'm/a.png'), video: 'm/v.mp4' });
    expect(uploads.map((u) => [u.inputs, u.name, u.kind, u.contentType, u.size, u.assetId])).toEqual([
      [['image', 'end-image'], 'a.png', 'image', 'image/png', 3, ID(101)],
      [['video'], 'v.mp4', 'video', 'video/mp4', 3, ID(102)],
    ]);
    expect(settings.mapped).toMatchObject({
      image: { kind: 'asset', id: ID(101) },
      'end-image': { kind: 'asset', id: ID(101) },
      video: { kind: 'asset', id: ID(102) },
    });
  });
  it('leaves asset ids and URLs alone', async () => {
    const { settings, uploads } = await plan({ image: 'https://x.test/a.png', audio: ID(7) });
    expect(uploads).toEqual([]);
    expect(settings.mapped.audio).toEqual({ kind: 'asset', id: ID(7) });
  });
});

describe('names in the other Unicode normalisation', () => {
  const ws = tempDir('hedra-nfc-');
  const NFC = (text: string) => text.normalize('NFC');
  const NFD = (text: string) => text.normalize('NFD');
  mkdirSync(join(ws, NFC('vidéos')));
  writeFileSync(join(ws, NFC('vidéos'), NFD('été.png')), 'png');
  writeFileSync(join(ws, NFC('café.txt')), 'a prompt');
  // Two files whose names are the same letters, one composed and one decomposed: which one was meant cannot be told.
  writeFileSync(join(ws, NFC('crème brûlée.txt')), 'composed');
  writeFileSync(join(ws, NFD('crème brûlée.txt')), 'decomposed');

  it('finds a file typed in NFD when its name is stored in NFC, and the other way round, folder by folder', async () => {
    expect(await locate(join(ws, NFD('café.txt')))).toEqual({ kind: 'found', path: join(ws, NFC('café.txt')) });
    expect(await locate(join(ws, NFD('vidéos'), NFC('été.png')))).toEqual({ kind: 'found', path: join(ws, NFC('vidéos'), NFD('été.png')) });
    expect(await locate(join(ws, 'nothing.txt'))).toEqual({ kind: 'missing' });
    expect(await locate(join(ws, NFD('vidéos'), 'nothing.png'))).toEqual({ kind: 'missing' });
  });
  it('takes the name as written when it is there', async () => {
    expect(await locate(join(ws, NFD('crème brûlée.txt')))).toEqual({ kind: 'found', path: join(ws, NFD('crème brûlée.txt')) });
  });
  it('reads the file found, within the workspace rules', async () => {
    const file = await workspaceFile('prompt-file', NFD('café.txt'), ws);
    expect(file).toMatchObject({ size: 8, where: `"${NFD('café.txt')}" (in ${ws})` });
    expect(file.path.endsWith(NFC('café.txt'))).toBe(true);
  });
  it('says so when several names differ from the one written only in normalisation', async () => {
    // Composed "crème", decomposed "brûlée": neither file's name as written.
    const mixed = `${NFC('crème')} ${NFD('brûlée')}.txt`;
    const refused = await workspaceFile('prompt-file', mixed, ws).catch((error: Error) => error);
    expect((refused as Error).name).toBe('InputError');
    expect((refused as Error).message).toContain(`Input "prompt-file": there is no file "${mixed}" (in ${ws}) as written, and its folder has 2 names`);
    expect((refused as Error).message).toContain('differ from it only in Unicode normalisation');
  });
});

describe('output paths in the .git folder', () => {
  const ws = tempDir('hedra-git-');
  mkdirSync(join(ws, '.git/hooks'), { recursive: true });
  mkdirSync(join(ws, 'sub'));
  symlinkSync('.git', join(ws, 'out'));

  it.each(['.git', '.git/', '.git/hooks/x.mp4', '.git/new/deeper/', 'sub/../.git/objects', '.GIT/x', 'out/', 'out/videos/new'])(
    '%s is inside it',
    async (written) => {
      expect(await insideGitFolder(join(ws, written), ws)).toBe(true);
    },
  );
  it.each(['.github/out', '.gitout/', 'sub/.git/', 'generated', '', '../elsewhere'])('%s is not', async (written) => {
    expect(await insideGitFolder(join(ws, written), ws)).toBe(false);
  });
});
