// The fault matrix while downloading: each fault once, in-process through runWith against the
// validating test server, the run and the server on the fast clock (matrix.ts).
import { describe } from 'vitest';
import { simpleRetryCases } from './matrix.ts';

// A broken download starts over in a fresh temporary file; only a complete one is renamed into place.
describe('faults while downloading', () => {
  simpleRetryCases('download', ['malformed JSON']); // the action reads no JSON from this answer
});
