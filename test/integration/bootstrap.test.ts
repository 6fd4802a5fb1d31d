import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '#catalog/resources.ts';
import {
  bootstrapResources,
  emulatorClientConfig,
  type LocalResources,
  resourceEnvironment,
} from '#local/bootstrap.ts';
import { createdObjectKeys } from '#shared/storage/s3-events.ts';
import { sharedEmulator, uniqueStage } from '../support/runtime.ts';

const emulator = sharedEmulator();
const config = emulatorClientConfig(emulator);
const dynamodb = new DynamoDBClient(config);
const s3 = new S3Client({ ...config, forcePathStyle: true });
const eventBridge = new EventBridgeClient(config);
const sqs = new SQSClient(config);
let resources: LocalResources;

beforeAll(async () => {
  resources = await bootstrapResources(emulator, uniqueStage('boot'));
});
afterAll(() => {
  for (const client of [dynamodb, s3, eventBridge, sqs]) client.destroy();
});

describe('bootstrapResources', () => {
  it('creates the ledger table with the keys, indexes and stream of catalog/resources.ts', async () => {
    const { Table } = await dynamodb.send(
      new DescribeTableCommand({ TableName: resources.tables.ledger.name }),
    );
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual(
      tables.ledger.globalIndexes.map((index) => index.name).sort(),
    );
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(resources.tables.ledger.streamArn).toMatch(/^arn:aws:dynamodb:.+\/stream\//);
    const ttl = await dynamodb.send(
      new DescribeTimeToLiveCommand({ TableName: resources.tables.ledger.name }),
    );
    expect(ttl.TimeToLiveDescription?.AttributeName).toBe('expiresAt');
  });

  it('creates the evidence bucket private, versioned, with Object Lock and the multipart clean-up rule', async () => {
    const Bucket = resources.buckets.evidence.name;
    const block = await s3.send(new GetPublicAccessBlockCommand({ Bucket }));
    expect(block.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status).toBe('Enabled');
    const lock = await s3.send(new GetObjectLockConfigurationCommand({ Bucket }));
    expect(lock.ObjectLockConfiguration?.ObjectLockEnabled).toBe('Enabled');
    const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }));
    expect(lifecycle.Rules?.[0]?.AbortIncompleteMultipartUpload?.DaysAfterInitiation).toBe(7);
  });

  it('creates the event bus', async () => {
    const bus = await eventBridge.send(new DescribeEventBusCommand({ Name: resources.buses.events.name }));
    expect(bus.Arn).toBe(resources.buses.events.arn);
  });

  it('sends S3 ObjectCreated under uploads/ to the evidence queue, and nothing for other keys', async () => {
    const Bucket = resources.buckets.evidence.name;
    const QueueUrl = resources.queues.evidenceUploads.url;
    await s3.send(new PutObjectCommand({ Bucket, Key: 'elsewhere/a.txt', Body: 'x' }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'uploads/ev-test', Body: 'x' }));
    const keysSeen: string[] = [];
    for (let attempt = 0; attempt < 5 && !keysSeen.includes('uploads/ev-test'); attempt++) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const message of Messages) {
        keysSeen.push(...createdObjectKeys(message.Body ?? '{}'));
      }
    }
    expect(keysSeen).toEqual(['uploads/ev-test']);
  });

  it('gives the queue a dead-letter queue after 5 receives', async () => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: resources.queues.evidenceUploads.url,
        AttributeNames: ['RedrivePolicy'],
      }),
    );
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toMatchObject({ maxReceiveCount: 5 });
  });

  it('can run again against the same emulator and returns the same resources', async () => {
    const again = await bootstrapResources(emulator, resources.stage);
    expect(again).toEqual(resources);
  });

  it('names every resource through the environment variable the stack sets', () => {
    expect(resourceEnvironment(resources)).toEqual({
      LEDGER_TABLE_NAME: resources.tables.ledger.name,
      EVIDENCE_BUCKET_NAME: resources.buckets.evidence.name,
      ARCHIVE_BUCKET_NAME: resources.buckets.archives.name,
      EVENT_BUS_NAME: resources.buses.events.name,
      ARCHIVE_JOBS_QUEUE_URL: resources.queues.archiveJobs.url,
      SUMMARY_JOBS_QUEUE_URL: resources.queues.summaryJobs.url,
      ARCHIVE_SIGNING_KEY_ID: resources.signingKeys.archiveSigning.arn,
    });
  });

  it('creates the archive signing key as a P-256 signing key, found again by its alias', async () => {
    const kms = new KMSClient(config);
    try {
      const { KeyMetadata } = await kms.send(
        new DescribeKeyCommand({ KeyId: resources.signingKeys.archiveSigning.arn }),
      );
      expect(KeyMetadata).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
      const again = await bootstrapResources(emulator, resources.stage);
      expect(again.signingKeys.archiveSigning.arn).toBe(resources.signingKeys.archiveSigning.arn);
    } finally {
      kms.destroy();
    }
  });
});
