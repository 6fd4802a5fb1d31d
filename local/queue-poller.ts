import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type FunctionName, type FunctionSpec, functions, type Trigger } from '#catalog/functions.ts';
import type { QueueName } from '#catalog/resources.ts';
import { emulatorClientConfig, type LocalQueue } from './bootstrap.ts';
import type { Emulator } from './emulator/index.ts';
import { invokeFunction } from './invoke.ts';

/** The SQS record Lambda's event source mapping would build from a received message. */
function toRecord(message: Message, queue: LocalQueue, region: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? '',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    // The sender's message attributes, in Lambda's shape (string ones: Rectify sends no others).
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        {
          dataType: value.DataType ?? 'String',
          ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
          stringListValues: [],
          binaryListValues: [],
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queue.arn,
    awsRegion: region,
  };
}

/**
 * What Lambda's SQS event source mapping does, and nothing more: long-poll each queue that a
 * manifest function is triggered by, invoke the function with a real SQS event, delete what it
 * processed, and leave its reported batch item failures (or the whole batch, if it threw) to
 * reappear after the visibility timeout and reach the dead-letter queue after maxReceiveCount.
 */
export function startQueuePollers(
  emulator: Emulator,
  queues: Record<QueueName, LocalQueue>,
): { stop(): Promise<void> } {
  const sqs = new SQSClient(emulatorClientConfig(emulator));
  let stopped = false;
  const subscriptions = (Object.entries(functions) as [FunctionName, FunctionSpec][]).flatMap(
    ([name, spec]) =>
      (spec.triggers as readonly Trigger[]).flatMap((trigger) =>
        trigger.kind === 'sqs' ? [{ name, trigger }] : [],
      ),
  );
  const loops = subscriptions.map(async ({ name, trigger }) => {
    const queue = queues[trigger.queue];
    while (!stopped) {
      let messages: Message[];
      try {
        const received = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queue.url,
            MaxNumberOfMessages: Math.min(trigger.batchSize ?? 10, 10),
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        messages = received.Messages ?? [];
      } catch (error) {
        if (stopped) break;
        console.error(`local runtime: polling ${trigger.queue} failed`, error);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        continue;
      }
      if (messages.length === 0) continue;
      const event: SQSEvent = {
        Records: messages.map((message) => toRecord(message, queue, emulator.region)),
      };
      let failed: Set<string>;
      try {
        const response = (await invokeFunction(name, event)) as SQSBatchResponse | undefined;
        failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
      } catch (error) {
        console.error(`local runtime: ${name} failed on a batch from ${trigger.queue}`, error);
        failed = new Set(event.Records.map((record) => record.messageId));
      }
      const done = event.Records.filter((record) => !failed.has(record.messageId));
      if (done.length > 0) {
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queue.url,
            Entries: done.map((record, index) => ({
              Id: String(index),
              ReceiptHandle: record.receiptHandle,
            })),
          }),
        );
      }
    }
  });
  return {
    stop: async () => {
      stopped = true;
      await Promise.allSettled(loops);
      sqs.destroy();
    },
  };
}
