import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type {
  Context,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import type { FunctionName } from '#catalog/functions.ts';
import { CORRELATION_ID_ATTRIBUTE, isCorrelationId } from '#shared/correlation-id.ts';
import { logger, withCorrelationId } from '#shared/observability.ts';
import { countByFunction, invocationChain } from './invocation.ts';

/**
 * The correlation id of a queue message: the attribute of a job an HTTP request queued, the
 * `correlationId` of a bus event's detail (a rule's target receives the whole event as the body),
 * else the message's own id, so that every line one record logs can still be found together.
 */
export function correlationIdOfMessage(record: SQSRecord): string {
  const attribute = record.messageAttributes?.[CORRELATION_ID_ATTRIBUTE]?.stringValue;
  if (isCorrelationId(attribute)) return attribute;
  try {
    const fromEvent = (JSON.parse(record.body) as { detail?: { correlationId?: unknown } }).detail
      ?.correlationId;
    if (isCorrelationId(fromEvent)) return fromEvent;
  } catch {
    // Not JSON: the record function says what is wrong with it.
  }
  return record.messageId;
}

/** `RecordsProcessed` and `RecordsFailed` of this invocation, by function. */
function countRecords(functionName: FunctionName, total: number, failed: number): void {
  countByFunction(functionName, { RecordsProcessed: total - failed, RecordsFailed: failed });
}

/**
 * The chain of every queue consumer: Powertools' batch processor with partial batch responses, so
 * that a record that fails is retried alone (and dead-lettered after the queue's maxReceiveCount)
 * while the others are done; each record runs under its own correlation id, and a failure is
 * logged with it. A batch whose every record failed throws, as the processor does, and Lambda
 * retries it whole. The handler file is left with its record function.
 */
export function batchHandler(
  functionName: FunctionName,
  processRecord: (record: SQSRecord) => Promise<unknown>,
) {
  const handleRecord = (record: SQSRecord) =>
    withCorrelationId(correlationIdOfMessage(record), async () => {
      try {
        return await processRecord(record);
      } catch (error) {
        logger.error('record failed; the queue delivers it again, or dead-letters it', {
          messageId: record.messageId,
          receiveCount: record.attributes.ApproximateReceiveCount,
          error: error as Error,
        });
        throw error;
      }
    });
  return invocationChain<SQSEvent, SQSBatchResponse>().handler(async (event, context: Context) => {
    // One processor per invocation, so its state is the invocation's even where invocations share
    // an environment (Lambda Managed Instances; the local runtime).
    const processor = new BatchProcessor(EventType.SQS);
    let failed = event.Records.length;
    try {
      const response = await processPartialResponse(event, handleRecord, processor, { context });
      failed = response.batchItemFailures.length;
      return response;
    } finally {
      countRecords(functionName, event.Records.length, failed);
    }
  });
}

/**
 * The chain of a stream consumer that needs its batch whole (the publisher sends ten events per
 * PutEvents call): the same logging, tracing and record counts as batchHandler, and the batch
 * function reports its failed records itself (the stream is retried from the first of them). It
 * sets each record's correlation id where it handles that record.
 */
export function streamBatchHandler(
  functionName: FunctionName,
  processBatch: (records: readonly DynamoDBRecord[]) => Promise<DynamoDBBatchResponse>,
) {
  return invocationChain<DynamoDBStreamEvent, DynamoDBBatchResponse>().handler(async (event) => {
    let failed = event.Records.length;
    try {
      const response = await processBatch(event.Records);
      failed = response.batchItemFailures.length;
      return response;
    } finally {
      countRecords(functionName, event.Records.length, failed);
    }
  });
}
