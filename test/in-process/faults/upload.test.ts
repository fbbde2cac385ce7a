// The fault matrix while uploading: each fault once, in-process through runWith against the
// validating test server, the run and the server on the fast clock (matrix.ts).
import { describe } from 'vitest';
import { simpleRetryCases } from './matrix.ts';

// Uploads are repeated with the file reopened; the server keeps the bytes of the complete attempt.
describe('faults while uploading', () => {
  simpleRetryCases('upload', ['malformed JSON']); // the action reads no JSON from this answer
});
