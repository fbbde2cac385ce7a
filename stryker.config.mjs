// Mutation testing of the pure modules against the fast in-process unit tests
// (vitest.stryker.config.ts): `npm run mutate`, not part of `npm test`. It fails
// below 85 % of mutants killed. The score table is printed; the full report goes
// to reports/mutation/mutation.json (gitignored, as are Stryker's sandboxes in
// .stryker-tmp/). A run takes about 15 minutes on two cores.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts' },
  coverageAnalysis: 'perTest',
  concurrency: 2,
  mutate: [
    'src/request/*.ts',
    'src/inputs/parsers.ts',
    'src/inputs/suggest.ts',
    'src/inputs/request-input.ts',
    'src/inputs/read-inputs.ts',
    'src/hedra/poll-schedule.ts',
    'src/hedra/wait.ts',
    'src/hedra/media-types.ts',
    'src/http/retry.ts',
    'src/http/answer-errors.ts',
    'src/http/url.ts',
    'src/report/outputs.ts',
    'src/report/summary.ts',
    'src/report/failures.ts',
    'src/report/format.ts',
    'src/action/log.ts',
    'src/action/trust.ts',
    'src/json.ts',
    'src/hedra/catalogue.ts',
    'src/credits/*.ts',
  ],
  // The sandbox needs neither the bundle nor earlier reports.
  ignorePatterns: ['dist', 'reports', 'coverage'],
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, reportScoreTable: true, reportMutants: true },
  thresholds: { high: 90, low: 85, break: 85 },
};
