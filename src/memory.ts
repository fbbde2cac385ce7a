// Memory while streaming large files. Every chunk read from a socket or a file
// is a new buffer outside the JavaScript heap; V8 frees those only when it
// collects the small objects that hold them, which on a fast transfer happens
// after tens of megabytes of them have piled up. A young-generation collection
// every few megabytes moved keeps a 1 GiB transfer's peak memory near the
// process's resting size (see "Performance" in the README). Collecting a young
// generation of a few megabytes takes well under a millisecond.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const EVERY_BYTES = 16 * 1024 * 1024;

type Gc = (options?: { type?: 'major' | 'minor'; execution?: 'sync' }) => void;
let gc: Gc | undefined;

function collector(): Gc {
  if (!gc) {
    // The documented way to reach V8's collector from code that cannot pass --expose-gc to node.
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as Gc;
  }
  return gc;
}

/** Counts bytes moved and collects the young generation every EVERY_BYTES. */
export function transferMeter(): (bytes: number) => void {
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since >= EVERY_BYTES) {
      since = 0;
      collector()({ type: 'minor' });
    }
  };
}
