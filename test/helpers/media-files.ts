// Small real media files of a chosen length, made in the test rather than committed: each is what a
// media tool writes (headers, frames or pages of silence), enough for a metadata reader to tell its
// length from it, and tiny (a few bytes a second) so that a file of minutes costs nothing to write.

import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** A RIFF/WAVE file of 8-bit mono PCM silence at `rate` samples a second (the lowest rate keeps long files small). */
export function wav(seconds: number, rate = 1000): Buffer {
  const data = Math.round(seconds * rate);
  const b = Buffer.alloc(44 + data, 0x80);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + data, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16); // fmt chunk size
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate, 28); // bytes a second
  b.writeUInt16LE(1, 32); // block align
  b.writeUInt16LE(8, 34); // bits a sample
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(data, 40);
  return b;
}

/**
 * An MPEG-2 Layer III stream at a constant 8 kb/s, 16 kHz, mono, with no Xing header: each frame is
 * 576 samples (36 ms) in 36 bytes (1000 bytes a second), a header and silence, so its length is read
 * from the bitrate and size. `unique`: the frames' data is random instead (no reader decodes it), so that
 * two files of the same length differ, as tests of content-derived ids need.
 */
export function mp3(seconds: number, unique = false): Buffer {
  const frames = Math.round((seconds * 16000) / 576);
  const body = unique ? randomBytes(36 * frames) : Buffer.alloc(36 * frames, 0);
  // 0xFFF3: sync, MPEG-2, layer III, no CRC; 0x18: 8 kb/s (index 1), 16 kHz (index 2), no padding; 0xC4: mono.
  for (let at = 0; at < body.length; at += 36) body.set([0xff, 0xf3, 0x18, 0xc4], at);
  return body;
}

/**
 * The same of varying bitrate (frames of 8 and 16 kb/s in turn) and no Xing header: nothing in its first
 * frames says its length, which only a scan of every frame tells.
 */
export function mp3Vbr(seconds: number): Buffer {
  const frames = Math.round((seconds * 16000) / 576);
  const low = Buffer.alloc(36, 0);
  low.set([0xff, 0xf3, 0x18, 0xc4]);
  const high = Buffer.alloc(72, 0);
  high.set([0xff, 0xf3, 0x28, 0xc4]); // 16 kb/s (index 2): 72 bytes for the same 36 ms
  return Buffer.concat(Array.from({ length: frames }, (_, i) => (i % 2 ? high : low)));
}

/** The box of an ISO base media file: size, type, content. */
function box(type: string, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'ascii');
  return Buffer.concat([head, body]);
}

function u32(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  for (const [i, v] of values.entries()) b.writeUInt32BE(v, 4 * i);
  return b;
}

/** A media header box (mdhd), version 0: times, timescale, duration, language (und), quality. */
function mdhd(timescale: number, duration: number): Buffer {
  return box('mdhd', u32(0, 0, 0, timescale, duration), Buffer.from([0x55, 0xc4, 0, 0]));
}

function trak(id: number, handler: 'vide' | 'soun', timescale: number, duration: number): Buffer {
  const tkhd = box('tkhd', u32(0x00000003, 0, 0, id, 0, duration), Buffer.alloc(60));
  const hdlr = box('hdlr', u32(0, 0), Buffer.from(handler, 'ascii'), Buffer.alloc(12), Buffer.from('\0'));
  const stsd = box('stsd', u32(0, 0));
  const stbl = box('stbl', stsd, box('stts', u32(0, 0)), box('stsz', u32(0, 0, 0)), box('stsc', u32(0, 0)), box('stco', u32(0, 0)));
  return box('trak', tkhd, box('mdia', mdhd(timescale, duration), hdlr, box('minf', stbl)));
}

/**
 * An MP4 (or QuickTime, with `brand: 'qt  '`) file whose movie holds one video track of the length
 * given, and no samples: the length is in its headers (mvhd, mdhd), as in every MP4 a camera writes.
 */
export function mp4(seconds: number, brand = 'isom'): Buffer {
  const timescale = 1000;
  const duration = Math.round(seconds * timescale);
  const ftyp = box('ftyp', Buffer.from(brand, 'ascii'), u32(0x200), Buffer.from(`${brand}mp41`, 'ascii'));
  const mvhd = box('mvhd', u32(0, 0, 0, timescale, duration, 0x00010000), Buffer.from([1, 0]), Buffer.alloc(10), Buffer.alloc(36), Buffer.alloc(24), u32(2));
  return Buffer.concat([ftyp, box('moov', mvhd, trak(1, 'vide', timescale, duration))]);
}

/** A FLAC file: its marker and a STREAMINFO block that says how many samples at what rate (no frames). */
export function flac(seconds: number, rate = 8000): Buffer {
  const samples = Math.round(seconds * rate);
  const info = Buffer.alloc(34, 0);
  info.writeUInt16BE(4096, 0); // min block size
  info.writeUInt16BE(4096, 2); // max block size
  // sample rate (20 bits), channels - 1 (3 bits), bits per sample - 1 (5 bits), total samples (36 bits)
  const bits = (BigInt(rate) << 44n) | (0n << 41n) | (15n << 36n) | BigInt(samples);
  info.writeBigUInt64BE(bits, 10);
  const header = Buffer.from([0x80, 0, 0, 34]); // last metadata block, STREAMINFO, length 34
  return Buffer.concat([Buffer.from('fLaC', 'ascii'), header, info]);
}

/** An EBML element: id (its bytes as written), size as an 8-byte vint, content. */
function ebml(id: number[], ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const size = Buffer.alloc(8);
  size.writeBigUInt64BE(BigInt(body.length) | (1n << 56n));
  return Buffer.concat([Buffer.from(id), size, body]);
}

/** A WebM file (Matroska): the EBML header and a segment whose Info says its duration (milliseconds at the default scale). */
export function webm(seconds: number, docType = 'webm'): Buffer {
  const duration = Buffer.alloc(8);
  duration.writeDoubleBE(seconds * 1000);
  const scale = Buffer.alloc(4);
  scale.writeUInt32BE(1_000_000);
  const header = ebml(
    [0x1a, 0x45, 0xdf, 0xa3],
    ebml([0x42, 0x82], Buffer.from(docType, 'ascii')),
    ebml([0x42, 0x87], Buffer.from([4])),
    ebml([0x42, 0x85], Buffer.from([2])),
  );
  const info = ebml([0x15, 0x49, 0xa9, 0x66], ebml([0x2a, 0xd7, 0xb1], scale), ebml([0x44, 0x89], duration));
  return Buffer.concat([header, ebml([0x18, 0x53, 0x80, 0x67], info)]);
}

/** One Ogg page: its header (CRC left at zero: readers of metadata do not check it), the segment table, the packet. */
function oggPage(flags: number, granule: bigint, sequence: number, packet: Buffer): Buffer {
  const lacing: number[] = [];
  for (let left = packet.length; ; left -= 255) {
    lacing.push(Math.min(left, 255));
    if (left < 255) break;
  }
  const header = Buffer.alloc(27);
  header.write('OggS', 0, 'ascii');
  header.writeUInt8(flags, 5);
  header.writeBigInt64LE(granule, 6);
  header.writeUInt32LE(0x4845_4452, 14); // stream serial
  header.writeUInt32LE(sequence, 18);
  header.writeUInt8(lacing.length, 26);
  return Buffer.concat([header, Buffer.from(lacing), packet]);
}

/** An Ogg Opus file: its identification and comment headers, then one page whose granule position ends at the length given. */
export function oggOpus(seconds: number): Buffer {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'ascii');
  head.writeUInt8(1, 8); // version
  head.writeUInt8(1, 9); // channels
  head.writeUInt16LE(0, 10); // pre-skip
  head.writeUInt32LE(48000, 12);
  const vendor = Buffer.from('test', 'ascii');
  const tags = Buffer.concat([Buffer.from('OpusTags', 'ascii'), u32le(vendor.length), vendor, u32le(0)]);
  const last = BigInt(Math.round(seconds * 48000));
  // One 20 ms frame of silence (TOC byte 0xF8: CELT fullband 20 ms, one frame, then nothing).
  return Buffer.concat([oggPage(0x02, 0n, 0, head), oggPage(0, 0n, 1, tags), oggPage(0x04, last, 2, Buffer.from([0xf8, 0xff, 0xfe]))]);
}

function u32le(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value);
  return b;
}

/**
 * A PNG that is a real one as far as its header goes (signature, IHDR of `width`×`height` 8-bit RGB, IEND), padded
 * to `size` bytes: what the image checks read. `unique`: random padding, so that every file made differs.
 */
export function png(width: number, height: number, size = 0, unique = false): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const file = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', header), chunk('IEND', Buffer.alloc(0))]);
  if (size <= file.length) return file;
  return Buffer.concat([file, unique ? randomBytes(size - file.length) : Buffer.alloc(size - file.length)]);
}
