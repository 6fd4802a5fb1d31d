import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type BucketProps,
  ObjectLockRetention,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
/** GOVERNANCE lets a privileged operator lift a lock; COMPLIANCE lets no one until it expires. */
import type { ObjectLockMode } from '#catalog/resources.ts';
import { buckets } from '#catalog/resources.ts';

export type EvidenceLockMode = ObjectLockMode;

export interface EvidenceBucketProps {
  readonly retain: boolean;
  readonly lockMode: EvidenceLockMode;
  readonly lockDays: number;
  /**
   * The one role that may still change locks and erase versions (CDK context
   * `breakGlassRoleArn`); without it nobody may, through any policy.
   */
  readonly breakGlassRoleArn?: string;
}

/**
 * What would let evidence be erased or its lock be shortened: erasing a version (possible once
 * its retention ends, or under GOVERNANCE with the bypass), bypassing GOVERNANCE, changing an
 * object's retention or legal hold, changing the bucket's default retention.
 */
export const LOCK_CHANGING_ACTIONS = [
  's3:DeleteObjectVersion',
  's3:BypassGovernanceRetention',
  's3:PutObjectRetention',
  's3:PutObjectLegalHold',
  's3:PutBucketObjectLockConfiguration',
] as const;

/** S3 PutBucketCors's `CORSRule`, as the SDK spells it. */
export interface BucketCorsRule {
  readonly AllowedOrigins: string[];
  readonly AllowedMethods: string[];
  readonly MaxAgeSeconds: number;
}

/**
 * Who may upload evidence from a browser: the console at `origin`, by the presigned POST form
 * (shared/services/evidence.ts) and nothing else. The form's fields travel in a
 * multipart/form-data body, which needs no allowed header; the upload's progress listener is
 * what makes the browser ask first. Charts and downloads are read as images or navigations,
 * which need no CORS.
 */
export function evidenceUploadCors(origin: string): BucketCorsRule[] {
  return [{ AllowedOrigins: [origin], AllowedMethods: ['POST'], MaxAgeSeconds: 3600 }];
}

/** What every Rectify bucket is: private, owner-only (no ACLs), encrypted, reachable over TLS 1.2+ only. */
export const privateBucket = {
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
  encryption: BucketEncryption.S3_MANAGED,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
} as const satisfies BucketProps;

/**
 * Evidence files (佐证材料, catalog/resources.ts `buckets.evidence`): versioned and under Object Lock,
 * so no stored version can be deleted or overwritten during retention; incomplete multipart
 * uploads are cleaned up; every access is logged to a bucket of its own.
 */
export class EvidenceBucket extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: EvidenceBucketProps) {
    super(scope, id);
    const definition = buckets.evidence;
    const removalPolicy = props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const lockPeriod = Duration.days(props.lockDays);

    // The logging service writes through a bucket policy (feature flag
    // @aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy), so this bucket needs no ACLs either.
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      ...privateBucket,
      // Who read or wrote a piece of evidence stays answerable for as long as it is locked.
      lifecycleRules: [{ id: 'expire-after-lock-period', expiration: lockPeriod.plus(Duration.days(30)) }],
      removalPolicy,
    });
    this.bucket = new Bucket(this, 'Bucket', {
      ...privateBucket,
      versioned: definition.versioned,
      objectLockEnabled: definition.objectLock,
      objectLockDefaultRetention:
        props.lockMode === 'COMPLIANCE'
          ? ObjectLockRetention.compliance(lockPeriod)
          : ObjectLockRetention.governance(lockPeriod),
      lifecycleRules: [
        {
          id: 'abort-incomplete-multipart-uploads',
          abortIncompleteMultipartUploadAfter: Duration.days(definition.abortIncompleteMultipartAfterDays),
        },
      ],
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'evidence/',
      removalPolicy,
    });
    // A bucket policy Deny outweighs any Allow in any identity policy (an administrator's
    // s3:* included), so the lock holds against everyone but the break-glass role. It also binds
    // CloudFormation: changing evidenceLockMode/evidenceLockDays of a deployed stack must be
    // deployed by the break-glass role.
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'DenyLockChangesButBreakGlass',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: [...LOCK_CHANGING_ACTIONS],
        resources: [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
        ...(props.breakGlassRoleArn
          ? { conditions: { ArnNotEquals: { 'aws:PrincipalArn': props.breakGlassRoleArn } } }
          : {}),
      }),
    );
  }
}
