import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '#infra/resources.ts';
import {
  bootstrapResources,
  emulatorClientConfig,
  type LocalResources,
  resourceEnvironment,
} from '#local/bootstrap.ts';
import { sharedEmulator, uniqueStage } from '../support/runtime.ts';

const emulator = sharedEmulator();
const config = emulatorClientConfig(emulator);
const dynamodb = new DynamoDBClient(config);
const s3 = new S3Client({ ...config, forcePathStyle: true });
const eventBridge = new EventBridgeClient(config);
let resources: LocalResources;

beforeAll(async () => {
  resources = await bootstrapResources(emulator, uniqueStage('boot'));
});
afterAll(() => {
  for (const client of [dynamodb, s3, eventBridge]) client.destroy();
});

describe('bootstrapResources', () => {
  it('creates the ledger table with the keys, indexes and stream of infra/resources.ts', async () => {
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

  it('can run again against the same emulator and returns the same resources', async () => {
    const again = await bootstrapResources(emulator, resources.stage);
    expect(again).toEqual(resources);
  });

  it('names every resource through the environment variable the stack sets', () => {
    expect(resourceEnvironment(resources)).toEqual({
      LEDGER_TABLE_NAME: resources.tables.ledger.name,
      EVIDENCE_BUCKET_NAME: resources.buckets.evidence.name,
      EVENT_BUS_NAME: resources.buses.events.name,
    });
  });
});
