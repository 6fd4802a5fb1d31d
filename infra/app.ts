/**
 * The CDK app. Environment-agnostic: `npx cdk synth` works offline with no AWS account;
 * `npx cdk deploy -c stage=prod` deploys with the caller's credentials.
 *
 * Context (cdk.json, or `-c key=value`): `stage` (default `dev`; only `dev` is disposable),
 * `evidenceLockMode` (GOVERNANCE | COMPLIANCE), `evidenceLockDays` and `scheduleTimezone`.
 */
import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { EvidenceLockMode } from './constructs/evidence-bucket.ts';
import { buckets, SCHEDULE_TIMEZONE } from './resources.ts';
import { RectifyStack } from './stack.ts';

/** Stage names end up in the stack name, so keep them short and DNS-like. */
const STAGE_NAME = /^[a-z][a-z0-9-]{0,19}$/;
const LOCK_MODES: readonly EvidenceLockMode[] = ['GOVERNANCE', 'COMPLIANCE'];

export function buildApp(app = new App()): { app: App; stack: RectifyStack } {
  const stage = String(app.node.tryGetContext('stage') ?? 'dev');
  if (!STAGE_NAME.test(stage)) {
    throw new Error(`context stage must match ${STAGE_NAME}, not ${JSON.stringify(stage)}`);
  }
  const lockMode = String(
    app.node.tryGetContext('evidenceLockMode') ?? buckets.evidence.defaultRetention.mode,
  ) as EvidenceLockMode;
  if (!LOCK_MODES.includes(lockMode)) {
    throw new Error(`context evidenceLockMode must be one of ${LOCK_MODES.join(', ')}, not ${lockMode}`);
  }
  // `-c evidenceLockDays=30` arrives as a string.
  const lockDays = Number(
    app.node.tryGetContext('evidenceLockDays') ?? buckets.evidence.defaultRetention.days,
  );
  if (!Number.isInteger(lockDays) || lockDays < 1) {
    throw new Error(`context evidenceLockDays must be a positive whole number of days, not ${lockDays}`);
  }

  const scheduleTimezone = String(app.node.tryGetContext('scheduleTimezone') ?? SCHEDULE_TIMEZONE);
  if (!Intl.supportedValuesOf('timeZone').includes(scheduleTimezone) && scheduleTimezone !== 'UTC') {
    throw new Error(`context scheduleTimezone must be an IANA time zone, not ${scheduleTimezone}`);
  }

  const stack = new RectifyStack(app, `Rectify-${stage}`, {
    stage,
    scheduleTimezone,
    evidenceLockMode: lockMode,
    evidenceLockDays: lockDays,
    description: `Rectify (${stage}): rectification tracking for inspection and audit findings`,
  });
  // A validation plugin, not an Aspect: cdk-nag 3 fails `synth` on any unacknowledged error.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

/**
 * The context of cdk.json (defaults and feature flags). The CLI hands it to the app; tests and
 * benches that build the app in-process pass it themselves, so they synthesise what the CLI does.
 */
export function projectContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

if (import.meta.main) {
  buildApp().app.synth();
}
