// Streaming a large file allocates a chunk per read. Left to grow, the young
// generation's semispaces reach 16 MiB each and add some 30 MiB to the peak
// memory of a 1 GiB transfer, for no gain in speed (see "Performance" in the
// README). Imported first by index.ts, so it applies before anything else runs.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');
