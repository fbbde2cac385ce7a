import { describe } from 'vitest';
import { simpleRetryCases } from './matrix.ts';

describe('faults while polling the status', () => {
  simpleRetryCases('status');
});
