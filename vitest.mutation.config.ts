import { defineConfig } from 'vitest/config';

/**
 * The unit tests that exercise shared/domain, for mutation testing (`npm run test:mutation`,
 * stryker.config.mjs) only; `npm test` keeps using vitest.config.ts. Pure and fast files only:
 * no global setup (report-docx needs python-docx and LibreOffice), no emulator, no browser.
 * archive-verify.test.ts is kept for its verifier cases; its three `rectify verify` cases start
 * the CLI in a child process, which runs the unmutated code and so only costs time.
 *
 * `isolate: false`: Stryker switches mutants on at run time (static mutants are ignored, see
 * stryker.config.mjs), so the files need not reload the domain modules for each file; this halves
 * the time of a run and changes no mutant's result (checked on access, chain-links and progress).
 */
export default defineConfig({
  test: {
    name: 'domain-mutation',
    isolate: false,
    include: [
      'test/unit/domain/**/*.test.ts',
      'test/unit/plan/**/*.test.ts',
      'test/unit/events/from-chain.test.ts',
      'test/unit/archive-entry-names.test.ts',
      'test/unit/archive-verify.test.ts',
      'test/unit/claims.test.ts',
      'test/unit/publisher.test.ts',
      'test/unit/report-build.test.ts',
      'test/unit/summary-reports.test.ts',
      'test/unit/text-safety.test.ts',
      'test/unit/web-chain.test.ts',
    ],
  },
});
