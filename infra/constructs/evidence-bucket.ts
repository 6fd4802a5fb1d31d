import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectLockRetention,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { buckets } from '../resources.ts';

export interface EvidenceBucketProps {
  readonly retain: boolean;
  /** GOVERNANCE lets a privileged operator lift a lock; COMPLIANCE lets no one until it expires. */
  readonly lockMode: 'GOVERNANCE' | 'COMPLIANCE';
  readonly lockDays: number;
}

const privateBucketDefaults = {
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  encryption: BucketEncryption.S3_MANAGED,
  enforceSSL: true,
  objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
} as const;

/**
 * Evidence files (佐证材料): private, encrypted, TLS only, versioned, under Object Lock so no
 * stored version can be deleted or overwritten during retention; incomplete multipart uploads
 * are cleaned up; access is logged to a bucket of its own.
 */
export class EvidenceBucket extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: EvidenceBucketProps) {
    super(scope, id);
    const definition = buckets.evidence;
    const removalPolicy = props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      ...privateBucketDefaults,
      // Server access logging requires the log bucket to accept the logging service's writes.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy,
      lifecycleRules: [{ expiration: Duration.days(400) }],
    });
    this.bucket = new Bucket(this, 'Bucket', {
      ...privateBucketDefaults,
      versioned: definition.versioned,
      objectLockEnabled: definition.objectLock,
      objectLockDefaultRetention:
        props.lockMode === 'COMPLIANCE'
          ? ObjectLockRetention.compliance(Duration.days(props.lockDays))
          : ObjectLockRetention.governance(Duration.days(props.lockDays)),
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
