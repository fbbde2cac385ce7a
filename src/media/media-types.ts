// File extensions and content types, both ways: which files each kind of
// asset accepts and how they are labelled on upload, and what extension a
// downloaded result gets from its content type.
import type { AssetKind } from '../inputs/kinds.js';

const BY_EXTENSION: Record<string, { kind: AssetKind; contentType: string }> = {
  png: { kind: 'image', contentType: 'image/png' },
  jpg: { kind: 'image', contentType: 'image/jpeg' },
  jpeg: { kind: 'image', contentType: 'image/jpeg' },
  webp: { kind: 'image', contentType: 'image/webp' },
  gif: { kind: 'image', contentType: 'image/gif' },
  mp3: { kind: 'audio', contentType: 'audio/mpeg' },
  wav: { kind: 'audio', contentType: 'audio/wav' },
  m4a: { kind: 'audio', contentType: 'audio/mp4' },
  aac: { kind: 'audio', contentType: 'audio/aac' },
  ogg: { kind: 'audio', contentType: 'audio/ogg' },
  flac: { kind: 'audio', contentType: 'audio/flac' },
  mp4: { kind: 'video', contentType: 'video/mp4' },
  mov: { kind: 'video', contentType: 'video/quicktime' },
  webm: { kind: 'video', contentType: 'video/webm' },
  mkv: { kind: 'video', contentType: 'video/x-matroska' },
  m4v: { kind: 'video', contentType: 'video/x-m4v' },
};

export function extensionsOf(kind: AssetKind): string[] {
  return Object.keys(BY_EXTENSION).filter((ext) => BY_EXTENSION[ext].kind === kind);
}

/** The file's kind and content type by its extension, or undefined for an extension we do not know. */
export function fileType(fileName: string): { kind: AssetKind; contentType: string } | undefined {
  const ext = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return ext === undefined ? undefined : BY_EXTENSION[ext];
}

/** Content types that name a known extension other than the one the table above labels it with. */
const EXTENSION_OF: Record<string, string> = {
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
};

/** An extension for a downloaded file from its Content-Type (`video/mp4; codecs=…` → mp4); undefined when unknown. */
export function extensionFor(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0].trim().toLowerCase();
  if (!type) return undefined;
  if (EXTENSION_OF[type]) return EXTENSION_OF[type];
  const known = Object.entries(BY_EXTENSION).find(([, t]) => t.contentType === type);
  return known?.[0];
}

/** Whether an extension (without the dot, any case) is one of the media table's. */
export function isKnownExtension(extension: string): boolean {
  return Object.hasOwn(BY_EXTENSION, extension.toLowerCase());
}
