import { Lazy, RemovalPolicy } from 'aws-cdk-lib';
import { AnyPrincipal, ArnPrincipal, Effect, type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { signingKeys } from '#catalog/resources.ts';

/**
 * The key that signs archive manifests (catalog/resources.ts `signingKeys.archiveSigning`): an
 * asymmetric KMS key whose private half never leaves KMS; auditors get the public half out of
 * band (GET /archives/public-key, or `aws kms get-public-key`). Retained outside dev: archives
 * signed with it must stay verifiable.
 *
 * Only the roles given to allowSigning() may sign. CDK's default key policy lets the account
 * administer the key (`kms:*` to the account root), which delegates to IAM: any role in the
 * account that an IAM policy gave kms:Sign could sign archives. An explicit Deny of kms:Sign to
 * every other principal closes that whatever IAM policies say, while administration (the key
 * policy, deletion, GetPublicKey for readers) stays with the account.
 */
export class SigningKey extends Construct {
  readonly key: Key;
  private readonly signers: IRole[] = [];

  constructor(scope: Construct, id: string, props: { readonly retain: boolean }) {
    super(scope, id);
    const definition = signingKeys.archiveSigning;
    this.key = new Key(this, 'Key', {
      keySpec: KeySpec[definition.keySpec],
      keyUsage: KeyUsage.SIGN_VERIFY,
      description: definition.description,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // Rendered at synthesis, once every signer is known. A key nobody signs with is a mistake,
    // and a Deny with an empty list of exceptions is not a key policy to rely on.
    this.node.addValidation({
      validate: () => (this.signers.length > 0 ? [] : ['no role signs with this key (allowSigning)']),
    });
    const signerArns = Lazy.list({ produce: () => this.signers.map((role) => role.roleArn) });
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyTheSignersMaySign',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['kms:Sign'],
        resources: ['*'],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': signerArns } },
      }),
    );
  }

  /** Lets `role` sign with the key: in the key policy, in its own policy, and past the Deny. */
  allowSigning(role: IRole): void {
    this.signers.push(role);
    this.key.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [new ArnPrincipal(role.roleArn)],
        actions: ['kms:Sign'],
        resources: ['*'],
      }),
    );
    this.key.grant(role, 'kms:Sign');
  }
}
