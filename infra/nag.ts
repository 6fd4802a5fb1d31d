import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Accepts one AwsSolutions (cdk-nag) finding on `scope` and everything under it, with the reason
 * it is acceptable. `rule` is the finding as cdk-nag names it, e.g. `IAM5[Resource::*]`; anything
 * not acknowledged fails `cdk synth`.
 */
export function acknowledgeNag(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-${rule}`, reason });
}
