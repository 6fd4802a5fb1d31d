import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { buckets } from '#catalog/resources.ts';
import { privateBucket } from './evidence-bucket.ts';

/**
 * Evidence archives (catalog/resources.ts `buckets.archives`): private and encrypted like the
 * evidence, but derived from it, so they expire (30 days) and are not locked; access is logged
 * beside the evidence bucket's.
 */
export class ArchiveBucket extends Construct {
  readonly bucket: Bucket;

  constructor(
    scope: Construct,
    id: string,
    props: { readonly retain: boolean; readonly accessLogs: IBucket },
  ) {
    super(scope, id);
    const definition = buckets.archives;
    this.bucket = new Bucket(this, 'Bucket', {
      ...privateBucket,
      versioned: definition.versioned,
      lifecycleRules: [
        {
          id: 'abort-incomplete-multipart-uploads',
          abortIncompleteMultipartUploadAfter: Duration.days(definition.abortIncompleteMultipartAfterDays),
        },
        { id: 'expire-archives', expiration: Duration.days(definition.expireObjectsAfterDays) },
      ],
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'archives/',
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
  }
}
