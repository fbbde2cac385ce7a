// The fault matrix while creating the asset: each fault once, in-process through runWith against the
// validating test server, the run and the server on the fast clock (matrix.ts).
import { describe } from 'vitest';
import { simpleRetryCases } from './matrix.ts';

// Asset creation is repeated under the same reserved id; when the first attempt had worked, "already exists" means adopt it.
describe('faults while creating the asset', () => {
  simpleRetryCases('asset-create');
});
