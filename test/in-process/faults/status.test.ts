// The fault matrix while polling the status: each fault once, in-process through runWith against the
// validating test server, the run and the server on the fast clock (matrix.ts).
import { describe } from 'vitest';
import { simpleRetryCases } from './matrix.ts';

describe('faults while polling the status', () => {
  simpleRetryCases('status');
});
