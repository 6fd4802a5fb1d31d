import { defineConfig } from 'vitest/config';

/**
 * Four projects: `unit` (pure code, no emulator), `integration` (the real SDK over HTTP against
 * one emulator per run, started by the global setup), `browser` (the console in Chromium against
 * `npm start`) and `infra` (CDK synthesis + cdk-nag).
 * Test files run in parallel worker processes; integration files isolate themselves by stage
 * name, so they never share tables or buckets.
 */
export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          globalSetup: ['test/support/document-readers-setup.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/emulator-setup.ts'],
          // What the local runtime gives the functions, set before a test file imports shared/
          // (its logger, metrics and tracer read these once, when first imported).
          env: {
            POWERTOOLS_LOG_LEVEL: 'WARN',
            POWERTOOLS_METRICS_DISABLED: 'true',
            POWERTOOLS_TRACE_ENABLED: 'false',
          },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Real Chromium against a real `npm start`; one file at a time (each runs a browser and a
        // runtime, and the machine has two cores).
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/support/browser-setup.ts', 'test/support/emulator-setup.ts'],
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 90_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
