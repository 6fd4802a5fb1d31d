import { Duration, RemovalPolicy } from 'aws-cdk-lib';
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
import type { ObjectLockMode } from '../resources.ts';
import { buckets } from '../resources.ts';

export type EvidenceLockMode = ObjectLockMode;

export interface EvidenceBucketProps {
  readonly retain: boolean;
  readonly lockMode: EvidenceLockMode;
  readonly lockDays: number;
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
 * Evidence files (佐证材料, infra/resources.ts `buckets.evidence`): versioned and under Object Lock,
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
  }
}
