// Mutation testing of the pure modules against the fast in-process unit tests
// (vitest.stryker.config.ts): `npm run mutate`, not part of `npm test`. It fails
// below 90 % of mutants killed. The score table is printed; the full report goes
// to reports/mutation/mutation.json (gitignored, as are Stryker's sandboxes in
// .stryker-tmp/). A run takes about 45 minutes on two cores.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts' },
  coverageAnalysis: 'perTest',
  concurrency: 2,
  mutate: [
    'src/apis/v2/{fields,build,validate,schemas,model-choice,model-rules,estimate,reuse,balance,created,errors,catalogue}.ts',
    'src/inputs/{parsers,request-input,read,api-key}.ts',
    'src/core/{suggest,format,json,money,outside,urls}.ts',
    'src/hedra/{poll-schedule,poll,derived-ids,answers}.ts',
    'src/media/media-types.ts',
    'src/http/{retry,url,answers}.ts',
    'src/report/{outputs,summary,failures}.ts',
    'src/action/{log,trust}.ts',
    'src/pipeline/guards.ts',
  ],
  // The sandbox needs neither the bundle nor earlier reports.
  ignorePatterns: ['dist', 'reports', 'coverage'],
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, reportScoreTable: true, reportMutants: true },
  thresholds: { high: 95, low: 90, break: 90 },
};
