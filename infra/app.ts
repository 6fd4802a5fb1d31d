/**
 * The CDK app. Environment-agnostic: `npx cdk synth` works offline with no AWS account;
 * `npx cdk deploy -c stage=prod` deploys with the caller's credentials.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RectifyStack } from './stack.ts';

export function buildApp(app = new App()): { app: App; stack: RectifyStack } {
  const stage = String(app.node.tryGetContext('stage') ?? 'dev');
  const lockMode = String(app.node.tryGetContext('evidenceLockMode') ?? 'GOVERNANCE');
  if (lockMode !== 'GOVERNANCE' && lockMode !== 'COMPLIANCE') {
    throw new Error(`context evidenceLockMode must be GOVERNANCE or COMPLIANCE, not ${lockMode}`);
  }
  const stack = new RectifyStack(app, `Rectify-${stage}`, {
    stage,
    evidenceLockMode: lockMode,
    evidenceLockDays: Number(app.node.tryGetContext('evidenceLockDays') ?? 365),
    description: `Rectify (${stage}): rectification tracking for inspection and audit findings`,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

if (import.meta.main) {
  buildApp().app.synth();
}
