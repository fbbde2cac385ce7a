import { describe } from 'vitest';
import { simpleRetryCases } from './matrix.ts';

// Uploads are repeated with the file reopened; the server keeps the bytes of the complete attempt.
describe('faults while uploading', () => {
  simpleRetryCases('upload', ['malformed JSON']); // the action reads no JSON from this answer
});
