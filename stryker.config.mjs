/**
 * Mutation testing of the domain core (shared/domain) with the unit tests alone:
 * `npm run test:mutation` (not part of `npm test`). The tests it runs are listed in
 * vitest.mutation.config.ts. Prints the score per file and writes test-results/mutation/index.html.
 *
 * `tsconfigFile` names a file that does not exist, on purpose: the project's typescript is 7 (the
 * native port), whose JS API Stryker's tsconfig step cannot call. So that step is skipped, and no
 * typescript checker runs (`checkers` stays empty): a mutant that does not type-check still runs,
 * and Node's type stripping does not care.
 *
 * While iterating on one file: `npx stryker run --mutate shared/domain/x.ts --incremental` (the
 * incremental diff may miss a change to a test table's data outside a test's body: run without it
 * to be sure). `--concurrency 2` when the machine is idle.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: ['shared/domain/**/*.ts'],
  coverageAnalysis: 'perTest',
  // Static mutants (code run only while a module loads: constant tables, schemas) each need every
  // related test file reloaded; with them a run took ~10 hours on two shared cores, without them
  // under an hour. They are reported as Ignored and left out of the score. A mutant also covered
  // inside a test still runs, with only the tests that cover it.
  ignoreStatic: true,
  tsconfigFile: 'stryker-no-tsconfig.json',
  checkers: [],
  concurrency: 1,
  reporters: ['clear-text', 'html', 'json', 'progress'],
  clearTextReporter: { allowColor: false, reportMutants: false, reportTests: false, reportScoreTable: true },
  htmlReporter: { fileName: 'test-results/mutation/index.html' },
  jsonReporter: { fileName: 'test-results/mutation/mutation.json' },
  incrementalFile: 'test-results/mutation/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  // Large folders no test reads; Stryker copies the rest of the project into its sandbox.
  ignorePatterns: ['/cdk.out', '/test-results', '/docs', '/.rectify', '/coverage', '/bench'],
  thresholds: { high: 90, low: 80, break: null },
};
