import { RemovalPolicy } from 'aws-cdk-lib';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { signingKeys } from '../resources.ts';

/**
 * The key that signs archive manifests (infra/resources.ts `signingKeys.archiveSigning`): an
 * asymmetric KMS key whose private half never leaves KMS; auditors get the public half out of
 * band (GET /archives/public-key, or `aws kms get-public-key`). Retained outside dev: archives
 * signed with it must stay verifiable.
 */
export class SigningKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: { readonly retain: boolean }) {
    super(scope, id);
    const definition = signingKeys.archiveSigning;
    this.key = new Key(this, 'Key', {
      keySpec: KeySpec[definition.keySpec],
      keyUsage: KeyUsage.SIGN_VERIFY,
      description: definition.description,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }
}
