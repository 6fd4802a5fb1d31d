/**
 * The CDK app. Environment-agnostic: `npx cdk synth` works offline with no AWS account;
 * `npx cdk deploy -c stage=prod` deploys with the caller's credentials.
 *
 * Context (cdk.json, or `-c key=value`): `stage` (default `dev`; only `dev` is disposable),
 * `evidenceLockMode` (GOVERNANCE in dev by default; COMPLIANCE, and only COMPLIANCE, in every
 * other stage), `evidenceLockDays`, `breakGlassRoleArn` (the one role that may change evidence
 * locks; unset: nobody may) and `scheduleTimezone`.
 */
import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buckets, SCHEDULE_TIMEZONE } from '#catalog/resources.ts';
import type { EvidenceLockMode } from './constructs/evidence-bucket.ts';
import { RectifyStack } from './stack.ts';

/** Stage names end up in the stack name, so keep them short and DNS-like. */
const STAGE_NAME = /^[a-z][a-z0-9-]{0,19}$/;
const LOCK_MODES: readonly EvidenceLockMode[] = ['GOVERNANCE', 'COMPLIANCE'];
/** An IAM role ARN in any partition; a role path may sit between `role/` and the name. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export function buildApp(app = new App()): { app: App; stack: RectifyStack } {
  const stage = String(app.node.tryGetContext('stage') ?? 'dev');
  if (!STAGE_NAME.test(stage)) {
    throw new Error(`context stage must match ${STAGE_NAME}, not ${JSON.stringify(stage)}`);
  }
  // GOVERNANCE can be lifted by whoever holds s3:BypassGovernanceRetention; only a disposable
  // dev stack may have evidence that can be erased early.
  const lockMode = String(
    app.node.tryGetContext('evidenceLockMode') ??
      (stage === 'dev' ? buckets.evidence.defaultRetention.mode : 'COMPLIANCE'),
  ) as EvidenceLockMode;
  if (!LOCK_MODES.includes(lockMode)) {
    throw new Error(`context evidenceLockMode must be one of ${LOCK_MODES.join(', ')}, not ${lockMode}`);
  }
  if (stage !== 'dev' && lockMode !== 'COMPLIANCE') {
    throw new Error(`context evidenceLockMode must be COMPLIANCE outside the dev stage, not ${lockMode}`);
  }
  const breakGlass = app.node.tryGetContext('breakGlassRoleArn');
  const breakGlassRoleArn = breakGlass === undefined || breakGlass === '' ? undefined : String(breakGlass);
  if (breakGlassRoleArn !== undefined && !ROLE_ARN.test(breakGlassRoleArn)) {
    throw new Error(`context breakGlassRoleArn must be an IAM role ARN, not ${breakGlassRoleArn}`);
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
    ...(breakGlassRoleArn ? { breakGlassRoleArn } : {}),
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
