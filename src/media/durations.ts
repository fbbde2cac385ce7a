// How long a local audio or video file plays, read from its headers with music-metadata (MP3, WAV,
// M4A/MP4/MOV, Ogg, FLAC, WebM/Matroska, AAC, …): the file is read through a file tokenizer, a few
// headers and never the whole file into memory. Only a file whose headers do not say (an MP3 of varying
// bitrate without a Xing header, raw AAC) is scanned to its end, frame by frame, still streamed. A file
// whose length cannot be told is `undefined`, never an error: Hedra measures it itself when it is stored,
// and refuses it there for free (docs/decisions/durations.md). The comparison with a model's bounds is
// duration-bounds.ts's, apart from this I/O.

type Metadata = Awaited<ReturnType<typeof import('music-metadata').parseFile>>;

/** The reader, loaded on first use: runs without audio or video never load it (ncc makes it a chunk of its own). */
let reader: Promise<typeof import('music-metadata')> | undefined;

/** The longest of what the file says: the container's duration, or its longest track's (a video-only MP4 has only the latter). */
function longestSeconds(metadata: Metadata): number | undefined {
  const seconds = [metadata.format.duration, ...metadata.format.trackInfo.map((track) => track.duration)].filter(
    (s): s is number => typeof s === 'number' && Number.isFinite(s) && s > 0,
  );
  return seconds.length === 0 ? undefined : Math.max(...seconds);
}

/**
 * The length of the media file at `path`, in milliseconds; undefined when it cannot be told (an unknown
 * or damaged format, a stream with no length). Headers first; the whole file only when they do not say.
 */
export async function mediaDurationMs(path: string): Promise<number | undefined> {
  reader ??= import('music-metadata');
  const { parseFile } = await reader;
  const read = async (scan: boolean) => {
    try {
      return longestSeconds(await parseFile(path, { duration: scan, skipCovers: true }));
    } catch {
      return undefined; // an unreadable file is one whose length is unknown: Hedra says what is wrong with it
    }
  };
  const seconds = (await read(false)) ?? (await read(true));
  return seconds === undefined ? undefined : Math.round(seconds * 1000);
}
