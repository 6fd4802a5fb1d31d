import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  DescribeEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  ResourceAlreadyExistsException,
} from '@aws-sdk/client-eventbridge';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  KMSClient,
  NotFoundException,
} from '@aws-sdk/client-kms';
import {
  BucketAlreadyOwnedByYou,
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  type BucketDefinition,
  type BucketName,
  type BusName,
  bucketNotifications,
  buckets,
  buses,
  busRulePattern,
  busRules,
  localResourceName,
  type QueueDefinition,
  type QueueName,
  queues,
  type SigningKeyDefinition,
  type SigningKeyName,
  signingKeys,
  type TableDefinition,
  type TableName,
  tables,
} from '#catalog/resources.ts';
import { type Emulator, LOCAL_CREDENTIALS } from './emulator/index.ts';

/** The physical resources of one stage in the emulator. */
export interface LocalResources {
  readonly stage: string;
  readonly tables: Record<TableName, { readonly name: string; readonly streamArn?: string }>;
  readonly buckets: Record<BucketName, { readonly name: string }>;
  readonly buses: Record<BusName, { readonly name: string; readonly arn: string }>;
  readonly queues: Record<QueueName, LocalQueue>;
  readonly signingKeys: Record<SigningKeyName, { readonly arn: string }>;
}

export interface LocalQueue {
  readonly url: string;
  readonly arn: string;
  readonly deadLetterUrl: string;
}

export function emulatorClientConfig(emulator: Emulator) {
  return { endpoint: emulator.endpoint, region: emulator.region, credentials: LOCAL_CREDENTIALS };
}

async function ensureTable(client: DynamoDBClient, name: string, definition: TableDefinition) {
  const keyNames = [
    definition.partitionKey,
    definition.sortKey,
    ...definition.globalIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...new Set(keyNames)].map((AttributeName) => ({
          AttributeName,
          AttributeType: 'S',
        })),
        KeySchema: [
          { AttributeName: definition.partitionKey, KeyType: 'HASH' },
          { AttributeName: definition.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: definition.globalIndexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
        ...(definition.stream === 'NONE'
          ? {}
          : { StreamSpecification: { StreamEnabled: true, StreamViewType: definition.stream } }),
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: name });
    if (definition.timeToLiveAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { Enabled: true, AttributeName: definition.timeToLiveAttribute },
        }),
      );
    }
  } catch (error) {
    // Already there from an earlier start against the same emulator: reuse it.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const described = await client.send(new DescribeTableCommand({ TableName: name }));
  const streamArn = described.Table?.LatestStreamArn;
  return { name, ...(streamArn ? { streamArn } : {}) };
}

async function ensureBucket(client: S3Client, name: string, definition: BucketDefinition) {
  try {
    await client.send(
      new CreateBucketCommand({ Bucket: name, ObjectLockEnabledForBucket: definition.objectLock }),
    );
  } catch (error) {
    if (!(error instanceof BucketAlreadyOwnedByYou)) throw error;
  }
  await client.send(
    new PutPublicAccessBlockCommand({
      Bucket: name,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    }),
  );
  await client.send(
    new PutBucketEncryptionCommand({
      Bucket: name,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    }),
  );
  // Object Lock is enabled but the default retention (resources.ts) is left to the CDK bucket:
  // moto does not apply it to presigned POST uploads, and with it set refuses CopyObject (the
  // verifier's quarantine copy) for lacking a checksum header that real S3 does not require.
  if (definition.versioned) {
    await client.send(
      new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }),
    );
  }
  await client.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: name,
      LifecycleConfiguration: {
        Rules: [
          {
            ID: 'abort-incomplete-multipart-uploads',
            Status: 'Enabled',
            Filter: { Prefix: '' },
            AbortIncompleteMultipartUpload: {
              DaysAfterInitiation: definition.abortIncompleteMultipartAfterDays,
            },
          },
          ...(definition.expireObjectsAfterDays
            ? [
                {
                  ID: 'expire-objects',
                  Status: 'Enabled' as const,
                  Filter: { Prefix: '' },
                  Expiration: { Days: definition.expireObjectsAfterDays },
                },
              ]
            : []),
        ],
      },
    }),
  );
  return { name };
}

/** An asymmetric signing key, found again by its alias on a later start. */
async function ensureSigningKey(client: KMSClient, name: string, definition: SigningKeyDefinition) {
  const alias = `alias/${name}`;
  try {
    const described = await client.send(new DescribeKeyCommand({ KeyId: alias }));
    if (described.KeyMetadata?.Arn) return { arn: described.KeyMetadata.Arn };
  } catch (error) {
    if (!(error instanceof NotFoundException)) throw error;
  }
  const created = await client.send(
    new CreateKeyCommand({
      KeySpec: definition.keySpec,
      KeyUsage: 'SIGN_VERIFY',
      Description: definition.description,
    }),
  );
  const arn = created.KeyMetadata?.Arn;
  if (!arn || !created.KeyMetadata?.KeyId) throw new Error(`the emulator created no key for ${name}`);
  await client.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: created.KeyMetadata.KeyId }));
  return { arn };
}

async function ensureBus(client: EventBridgeClient, name: string) {
  try {
    const created = await client.send(new CreateEventBusCommand({ Name: name }));
    if (created.EventBusArn) return { name, arn: created.EventBusArn };
  } catch (error) {
    if (!(error instanceof ResourceAlreadyExistsException)) throw error;
  }
  const described = await client.send(new DescribeEventBusCommand({ Name: name }));
  return { name, arn: described.Arn ?? '' };
}

/** A queue and its dead-letter queue, with the redrive policy the stack gives it. */
async function ensureQueue(
  client: SQSClient,
  name: string,
  definition: QueueDefinition,
): Promise<LocalQueue> {
  const arnOf = async (QueueUrl: string) =>
    (await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes
      ?.QueueArn ?? '';
  const { QueueUrl: deadLetterUrl = '' } = await client.send(
    new CreateQueueCommand({ QueueName: `${name}-dlq` }),
  );
  const deadLetterArn = await arnOf(deadLetterUrl);
  const { QueueUrl: url = '' } = await client.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(definition.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: deadLetterArn,
          maxReceiveCount: definition.maxReceiveCount,
        }),
      },
    }),
  );
  return { url, arn: await arnOf(url), deadLetterUrl };
}

/** S3 → SQS notifications, as bucketNotifications in catalog/resources.ts declares them. */
async function ensureNotifications(client: S3Client, stage: string, created: Record<QueueName, LocalQueue>) {
  for (const bucket of Object.keys(buckets) as BucketName[]) {
    const mine = bucketNotifications.filter((notification) => notification.bucket === bucket);
    if (mine.length === 0) continue;
    await client.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: localResourceName(stage, bucket),
        NotificationConfiguration: {
          QueueConfigurations: mine.map((notification) => ({
            QueueArn: created[notification.queue].arn,
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: notification.prefix }] } },
          })),
        },
      }),
    );
  }
}

/** The bus rules of catalog/resources.ts, each sending its detail-types to its queue. */
async function ensureBusRules(
  client: EventBridgeClient,
  stage: string,
  createdQueues: Record<QueueName, LocalQueue>,
) {
  for (const [name, rule] of Object.entries(busRules)) {
    const Name = localResourceName(stage, name);
    const EventBusName = localResourceName(stage, rule.bus);
    await client.send(
      new PutRuleCommand({
        Name,
        EventBusName,
        Description: rule.description,
        EventPattern: JSON.stringify(busRulePattern(rule)),
        State: 'ENABLED',
      }),
    );
    await client.send(
      new PutTargetsCommand({
        Rule: Name,
        EventBusName,
        Targets: [{ Id: rule.queue, Arn: createdQueues[rule.queue].arn }],
      }),
    );
  }
}

async function mapEntries<K extends string, D, R>(
  definitions: Record<K, D>,
  create: (key: K, definition: D) => Promise<R>,
): Promise<Record<K, R>> {
  const entries = await Promise.all(
    (Object.entries(definitions) as [K, D][]).map(async ([key, definition]) => [
      key,
      await create(key, definition),
    ]),
  );
  return Object.fromEntries(entries) as Record<K, R>;
}

/**
 * Creates every table, bucket, bus, queue, bucket notification and bus rule of catalog/resources.ts in the emulator, named for `stage`
 * (so parallel test files never share state). Safe to run again against the same emulator.
 */
export interface BootstrapOptions {
  /**
   * Overrides every queue's visibility timeout. Tests shorten it so that a failing message's
   * five receives take seconds instead of the production timeout's minutes.
   */
  readonly queueVisibilityTimeoutSeconds?: number;
}

export async function bootstrapResources(
  emulator: Emulator,
  stage: string,
  options: BootstrapOptions = {},
): Promise<LocalResources> {
  const config = emulatorClientConfig(emulator);
  const dynamodb = new DynamoDBClient(config);
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const eventBridge = new EventBridgeClient(config);
  const sqs = new SQSClient(config);
  const kms = new KMSClient(config);
  try {
    const [createdTables, createdBuckets, createdBuses, createdQueues, createdKeys] = await Promise.all([
      mapEntries(tables, (key, definition) =>
        ensureTable(dynamodb, localResourceName(stage, key), definition),
      ),
      mapEntries(buckets, (key, definition) => ensureBucket(s3, localResourceName(stage, key), definition)),
      mapEntries(buses, (key) => ensureBus(eventBridge, localResourceName(stage, key))),
      mapEntries(queues, (key, definition) =>
        ensureQueue(sqs, localResourceName(stage, key), {
          ...definition,
          ...(options.queueVisibilityTimeoutSeconds === undefined
            ? {}
            : { visibilityTimeoutSeconds: options.queueVisibilityTimeoutSeconds }),
        }),
      ),
      mapEntries(signingKeys, (key, definition) =>
        ensureSigningKey(kms, localResourceName(stage, key), definition),
      ),
    ]);
    await ensureNotifications(s3, stage, createdQueues);
    await ensureBusRules(eventBridge, stage, createdQueues);
    return {
      stage,
      tables: createdTables,
      buckets: createdBuckets,
      buses: createdBuses,
      queues: createdQueues,
      signingKeys: createdKeys,
    };
  } finally {
    kms.destroy();
    dynamodb.destroy();
    s3.destroy();
    eventBridge.destroy();
    sqs.destroy();
  }
}

/** The environment variables through which functions learn resource names (as in the cloud). */
export function resourceEnvironment(resources: LocalResources): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [key, definition] of Object.entries(tables)) {
    environment[definition.envVar] = resources.tables[key as TableName].name;
  }
  for (const [key, definition] of Object.entries(buckets)) {
    environment[definition.envVar] = resources.buckets[key as BucketName].name;
  }
  for (const [key, definition] of Object.entries(buses)) {
    environment[definition.envVar] = resources.buses[key as BusName].name;
  }
  for (const [key, definition] of Object.entries(queues) as [QueueName, QueueDefinition][]) {
    if (definition.envVar) environment[definition.envVar] = resources.queues[key].url;
  }
  for (const [key, definition] of Object.entries(signingKeys)) {
    environment[definition.envVar] = resources.signingKeys[key as SigningKeyName].arn;
  }
  return environment;
}
