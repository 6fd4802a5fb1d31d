import { Duration, Stack } from 'aws-cdk-lib';
import { EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type BucketName, bucketNotifications, type QueueName, queues } from '#catalog/resources.ts';
import { acknowledgeNag } from '../nag.ts';

/**
 * The queues of catalog/resources.ts, each with its dead-letter queue (messages move there after
 * `maxReceiveCount` receives and are kept 14 days), encrypted and TLS-only; and the S3
 * notifications that feed them.
 */
export class RectifyQueues extends Construct {
  readonly queues: Record<QueueName, Queue>;

  constructor(scope: Construct, id: string, props: { readonly buckets: Record<BucketName, IBucket> }) {
    super(scope, id);
    const secure = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true } as const;
    this.queues = {} as Record<QueueName, Queue>;
    for (const [name, definition] of Object.entries(queues) as [QueueName, (typeof queues)[QueueName]][]) {
      const deadLetters = new Queue(this, `${name}-dlq`, { ...secure, retentionPeriod: Duration.days(14) });
      this.queues[name] = new Queue(this, name, {
        ...secure,
        visibilityTimeout: Duration.seconds(definition.visibilityTimeoutSeconds),
        deadLetterQueue: { queue: deadLetters, maxReceiveCount: definition.maxReceiveCount },
      });
    }
    for (const notification of bucketNotifications) {
      props.buckets[notification.bucket].addEventNotification(
        EventType.OBJECT_CREATED,
        new SqsDestination(this.queues[notification.queue]),
        { prefix: notification.prefix },
      );
    }
    // CDK configures bucket notifications through a singleton custom-resource function of its own.
    const notificationsHandler = Stack.of(this).node.children.find((child) =>
      child.node.id.startsWith('BucketNotificationsHandler'),
    );
    if (notificationsHandler) {
      acknowledgeNag(
        notificationsHandler,
        'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        "CDK's own bucket-notification custom resource runs only at deployment; its managed policy allows writing its logs.",
      );
    }
  }
}
