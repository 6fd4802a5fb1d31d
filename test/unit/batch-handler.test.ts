import { setTimeout as sleep } from 'node:timers/promises';
import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchHandler, correlationIdOfMessage } from '#shared/lambda/batch-handler.ts';
import { correlationId } from '#shared/observability.ts';

/**
 * The common chain of the queue consumers, driven with SQS events as Lambda builds them: partial
 * batch responses, one correlation id per record (records run in parallel), and the record
 * counts it flushes as EMF lines. (The whole path, on the emulator, is in
 * test/integration/correlation.test.ts.)
 */
function message(messageId: string, body: unknown, attributes: Record<string, string> = {}): SQSRecord {
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: Object.fromEntries(
      Object.entries(attributes).map(([name, stringValue]) => [
        name,
        { dataType: 'String', stringValue, stringListValues: [], binaryListValues: [] },
      ]),
    ),
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:q',
    awsRegion: 'us-east-1',
  };
}

const context = {
  functionName: 'rectify-test-notify',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:rectify-test-notify',
  memoryLimitInMB: '256',
  awsRequestId: 'request-1',
  logGroupName: '/aws/lambda/rectify-test-notify',
  logStreamName: 'test',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 10_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
} satisfies Context;

/** Powertools' JSON lines (logs on stdout and stderr, EMF metrics) written while a test runs. */
let printed: Record<string, unknown>[] = [];
const streams = [process.stdout, process.stderr] as const;
const originalWrites = streams.map((stream) => stream.write);
beforeEach(() => {
  printed = [];
  streams.forEach((stream, index) => {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const json = text.split('\n').filter((line) => line.startsWith('{'));
      if (json.length === 0) return originalWrites[index]?.call(stream, chunk, ...(rest as [])) ?? true;
      printed.push(...json.map((line) => JSON.parse(line)));
      return true;
    }) as typeof stream.write;
  });
});
afterEach(() => {
  streams.forEach((stream, index) => {
    stream.write = originalWrites[index] as typeof stream.write;
  });
});

describe('correlationIdOfMessage', () => {
  it('takes the job’s attribute, else the bus event’s detail, else the message id', () => {
    const event = { 'detail-type': 'ItemStatusChanged', detail: { correlationId: 'from-the-event' } };
    expect(correlationIdOfMessage(message('m1', event, { correlationId: 'from-the-job' }))).toBe(
      'from-the-job',
    );
    expect(correlationIdOfMessage(message('m2', event))).toBe('from-the-event');
    expect(correlationIdOfMessage(message('m3', { Records: [] }))).toBe('m3');
    expect(correlationIdOfMessage(message('m4', 'not json'))).toBe('m4');
  });

  it('ignores an id that is not a short, plain one', () => {
    const event = { detail: { correlationId: 'has spaces' } };
    expect(correlationIdOfMessage(message('m5', event, { correlationId: 'x'.repeat(65) }))).toBe('m5');
  });
});

describe('batchHandler', () => {
  it('reports only the failed record, each record under its own correlation id', async () => {
    const seen = new Map<string, string | undefined>();
    const handler = batchHandler('notify', async (record) => {
      // Records run in parallel: the id must survive the others' turns.
      await sleep(record.messageId === 'a' ? 20 : 1);
      seen.set(record.messageId, correlationId());
      if (record.messageId === 'b') throw new Error('b does not fit');
    });
    const event: SQSEvent = {
      Records: [
        message('a', { detail: { correlationId: 'request-a' } }),
        message('b', { detail: { correlationId: 'request-b' } }),
        message('c', {}, { correlationId: 'job-c' }),
      ],
    };

    const response = await handler(event, context);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'b' }] });
    expect(Object.fromEntries(seen)).toEqual({ a: 'request-a', b: 'request-b', c: 'job-c' });
    expect(printed).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        message: 'record failed; the queue delivers it again, or dead-letters it',
        messageId: 'b',
        correlation_id: 'request-b',
        function_name: 'rectify-test-notify',
      }),
    );
    expect(printed).toContainEqual(
      expect.objectContaining({ function: 'notify', RecordsProcessed: 2, RecordsFailed: 1 }),
    );
  });

  it('throws when every record failed, so Lambda retries the batch, and counts them all', async () => {
    const handler = batchHandler('notify', async () => {
      throw new Error('the table is away');
    });
    const event: SQSEvent = { Records: [message('a', {}), message('b', {})] };

    await expect(handler(event, context)).rejects.toBeInstanceOf(FullBatchFailureError);
    expect(printed).toContainEqual(
      expect.objectContaining({ function: 'notify', RecordsProcessed: 0, RecordsFailed: 2 }),
    );
  });
});
