import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { type FunctionName, type FunctionSpec, functions, type Trigger } from '#catalog/functions.ts';
import { emulatorClientConfig, type LocalResources } from './bootstrap.ts';
import type { Emulator } from './emulator/index.ts';
import { invokeFunction } from './invoke.ts';

type StreamTrigger = Extract<Trigger, { kind: 'stream' }>;

/** How often an idle shard is asked for new records (as often as Lambda, about four times a second). */
const IDLE_POLL_MS = 250;

/** The record Lambda would put in the event: the stream's own, with where it came from. */
export function toLambdaRecord(record: StreamRecord, streamArn: string, region: string): DynamoDBRecord {
  const { dynamodb, ...rest } = record;
  return {
    ...(rest as Omit<DynamoDBRecord, 'dynamodb'>),
    ...(dynamodb
      ? {
          dynamodb: {
            ...(dynamodb as NonNullable<DynamoDBRecord['dynamodb']>),
            // The event carries epoch seconds; the SDK parsed them into a Date.
            ...(dynamodb.ApproximateCreationDateTime
              ? { ApproximateCreationDateTime: dynamodb.ApproximateCreationDateTime.getTime() / 1000 }
              : {}),
          },
        }
      : {}),
    eventSourceARN: streamArn,
    awsRegion: region,
  };
}

/**
 * What Lambda's DynamoDB stream event source mapping does: read each shard from its oldest
 * record, invoke the function with batches of up to `batchSize` records, and on a partial batch
 * response start again at the first failed record. A batch that fails `retryAttempts` times
 * more is described in the trigger's on-failure queue (as Lambda's on-failure destination does)
 * and skipped.
 */
export function startStreamPollers(emulator: Emulator, resources: LocalResources): { stop(): Promise<void> } {
  const streams = new DynamoDBStreamsClient(emulatorClientConfig(emulator));
  const sqs = new SQSClient(emulatorClientConfig(emulator));
  let stopped = false;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  const subscriptions = (Object.entries(functions) as [FunctionName, FunctionSpec][]).flatMap(
    ([name, spec]) =>
      (spec.triggers as readonly Trigger[]).flatMap((trigger) =>
        trigger.kind === 'stream' ? [{ name, trigger }] : [],
      ),
  );

  /** Per shard, the last record handed over for good: a restarted shard loop resumes after it. */
  const checkpoints = new Map<string, string>();

  async function iteratorAt(
    streamArn: string,
    shardId: string,
    position: { at: string } | { after: string } | 'oldest',
  ) {
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(position === 'oldest'
          ? { ShardIteratorType: 'TRIM_HORIZON' }
          : 'at' in position
            ? { ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: position.at }
            : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: position.after }),
      }),
    );
    return ShardIterator;
  }

  /** Lambda's on-failure record for a stream batch it gave up on. */
  async function sendToOnFailure(
    name: FunctionName,
    trigger: StreamTrigger,
    streamArn: string,
    shardId: string,
    batch: DynamoDBRecord[],
  ) {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: resources.queues[trigger.onFailure].url,
        MessageBody: JSON.stringify({
          requestContext: {
            functionArn: `local:${name}`,
            condition: 'RetryAttemptsExhausted',
            approximateInvokeCount: trigger.retryAttempts + 1,
          },
          timestamp: new Date().toISOString(),
          DDBStreamBatchInfo: {
            shardId,
            startSequenceNumber: batch[0]?.dynamodb?.SequenceNumber,
            endSequenceNumber: batch.at(-1)?.dynamodb?.SequenceNumber,
            batchSize: batch.length,
            streamArn,
          },
        }),
      }),
    );
  }

  async function pollShard(name: FunctionName, trigger: StreamTrigger, streamArn: string, shardId: string) {
    const checkpoint = checkpoints.get(shardId);
    let iterator = await iteratorAt(streamArn, shardId, checkpoint ? { after: checkpoint } : 'oldest');
    const handedOver = (batch: DynamoDBRecord[]) => {
      const last = batch.at(-1)?.dynamodb?.SequenceNumber;
      if (last) checkpoints.set(shardId, last);
    };
    let failures = 0;
    while (!stopped && iterator) {
      const page = await streams.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: trigger.batchSize }),
      );
      const records = (page.Records ?? []).map((record) =>
        toLambdaRecord(record, streamArn, emulator.region),
      );
      if (records.length === 0) {
        iterator = page.NextShardIterator;
        await pause(IDLE_POLL_MS);
        continue;
      }
      let failedAt: string | undefined;
      try {
        const event: DynamoDBStreamEvent = { Records: records };
        const response = (await invokeFunction(name, event)) as DynamoDBBatchResponse | undefined;
        const failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
        failedAt = records.find((record) => failed.has(record.dynamodb?.SequenceNumber ?? ''))?.dynamodb
          ?.SequenceNumber;
      } catch (error) {
        console.error(`local runtime: ${name} failed on a batch from the ${trigger.table} stream`, error);
        failedAt = records[0]?.dynamodb?.SequenceNumber;
      }
      if (!failedAt) {
        handedOver(records);
        failures = 0;
        iterator = page.NextShardIterator;
        continue;
      }
      failures += 1;
      if (failures > trigger.retryAttempts) {
        const from = records.findIndex((record) => record.dynamodb?.SequenceNumber === failedAt);
        await sendToOnFailure(name, trigger, streamArn, shardId, records.slice(from));
        handedOver(records);
        failures = 0;
        iterator = page.NextShardIterator;
        continue;
      }
      // Again from the first failed record, as Lambda does with ReportBatchItemFailures.
      await pause(Math.min(1_000, 50 * 2 ** (failures - 1)));
      iterator = await iteratorAt(streamArn, shardId, { at: failedAt });
    }
  }

  const loops = subscriptions.map(async ({ name, trigger }) => {
    const streamArn = resources.tables[trigger.table].streamArn;
    if (!streamArn) throw new Error(`table ${trigger.table} has no stream for ${name}`);
    const polled = new Set<string>();
    const shardLoops: Promise<void>[] = [];
    // Shards can close and new ones open: look for new shards while running.
    while (!stopped) {
      try {
        const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
        for (const shard of StreamDescription?.Shards ?? []) {
          if (!shard.ShardId || polled.has(shard.ShardId)) continue;
          polled.add(shard.ShardId);
          shardLoops.push(
            pollShard(name, trigger, streamArn, shard.ShardId).catch((error) => {
              if (!stopped) console.error(`local runtime: polling the ${trigger.table} stream failed`, error);
              polled.delete(shard.ShardId ?? '');
            }),
          );
        }
      } catch (error) {
        if (!stopped) console.error(`local runtime: describing the ${trigger.table} stream failed`, error);
      }
      await pause(1_000);
    }
    await Promise.allSettled(shardLoops);
  });

  return {
    stop: async () => {
      stopped = true;
      await Promise.allSettled(loops);
      streams.destroy();
      sqs.destroy();
    },
  };
}
