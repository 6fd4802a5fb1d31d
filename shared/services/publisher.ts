import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { PutEventsRequestEntry, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { EVENT_SOURCE } from '#events/contracts.ts';
import { eventFromChainRecord, eventFromInspectionRecord } from '#events/from-chain.ts';
import { logger, withCorrelationId } from '#shared/observability.ts';
import { chainRecords, inspectionChainRecords } from '#shared/store/chain-records.ts';

/** PutEvents takes at most 10 entries and 256 KiB per call. */
const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 256 * 1024;

export interface PublisherOptions {
  readonly busName: string;
  /** One PutEvents call; resolves with its result entries, in the order of the request's. */
  readonly putEvents: (entries: PutEventsRequestEntry[]) => Promise<PutEventsResultEntry[]>;
  /** PutEvents calls per entry before its record is reported as failed (default 3). */
  readonly attempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

interface Pending {
  readonly sequenceNumber: string;
  readonly entry: PutEventsRequestEntry;
  readonly eventId?: string;
  readonly correlationId?: string;
}

/**
 * The correlation id kept beside a chain record (outside its hash), straight from the stream
 * image: the publisher's lines about the record carry it, as the event's detail does.
 */
function correlationIdOf(record: DynamoDBRecord): string | undefined {
  return record.dynamodb?.NewImage?.correlationId?.S;
}

/**
 * The chain event a stream record inserted (an item's or an inspection's), as a bus entry;
 * undefined for everything else (item updates, inspection records, chain types nothing consumes). Throws when a chain record does
 * not fit its contract: a bug to surface, not an event to drop.
 */
export function entryFromStreamRecord(
  record: DynamoDBRecord,
  busName: string,
): PutEventsRequestEntry | undefined {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image) return undefined;
  // aws-lambda's AttributeValue and the SDK's are the same wire shape under two type names.
  const stored = unmarshall(image as Record<string, AttributeValue>);
  // Read by the codecs the stores write them with.
  const event = chainRecords.holds(stored)
    ? eventFromChainRecord(chainRecords.read(stored))
    : inspectionChainRecords.holds(stored)
      ? eventFromInspectionRecord(inspectionChainRecords.read(stored))
      : undefined;
  if (!event) return undefined;
  return {
    EventBusName: busName,
    Source: EVENT_SOURCE,
    DetailType: event.detailType,
    Detail: JSON.stringify(event.detail),
    Time: new Date(event.detail.at),
  };
}

/** Splits entries into PutEvents calls: at most 10 entries and 256 KiB each. */
function requests(pending: readonly Pending[]): Pending[][] {
  const calls: Pending[][] = [];
  let current: Pending[] = [];
  let bytes = 0;
  for (const item of pending) {
    const size =
      Buffer.byteLength(item.entry.Detail ?? '') + Buffer.byteLength(item.entry.DetailType ?? '') + 64;
    if (current.length === MAX_ENTRIES || (current.length > 0 && bytes + size > MAX_REQUEST_BYTES)) {
      calls.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) calls.push(current);
  return calls;
}

/** One line per event on the bus, under the correlation id of the work that wrote its record. */
function published(item: Pending): void {
  withCorrelationId(item.correlationId, () =>
    logger.info('event published', {
      detailType: item.entry.DetailType,
      eventId: item.eventId,
      sequenceNumber: item.sequenceNumber,
    }),
  );
}

/**
 * DynamoDB stream → EventBridge. Every chain event a batch inserted is put on the bus, ten
 * entries per call; entries PutEvents refuses (per-entry failures, or a failed call) are sent
 * again, up to `attempts` calls in all. The records whose events still failed are returned as
 * batch item failures, so that Lambda retries the batch from the first of them: events after it
 * may be published twice, which consumers absorb by deduplicating on the event id.
 */
export async function publishStreamRecords(
  records: readonly DynamoDBRecord[],
  options: PublisherOptions,
): Promise<DynamoDBBatchResponse> {
  const attempts = options.attempts ?? 3;
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  const failedRecords = new Set<string>();
  let pending: Pending[] = [];
  for (const record of records) {
    const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
    const correlationId = correlationIdOf(record);
    try {
      const entry = entryFromStreamRecord(record, options.busName);
      const eventId = record.dynamodb?.NewImage?.eventId?.S;
      if (entry) pending.push({ sequenceNumber, entry, eventId, correlationId });
    } catch (error) {
      withCorrelationId(correlationId, () =>
        logger.error('stream record does not fit its event contract', { sequenceNumber, error }),
      );
      failedRecords.add(sequenceNumber);
    }
  }

  for (let attempt = 1; pending.length > 0 && attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(Math.random() * 100 * 2 ** (attempt - 2));
    const refused: Pending[] = [];
    for (const call of requests(pending)) {
      try {
        const results = await options.putEvents(call.map((item) => item.entry));
        call.forEach((item, index) => {
          const result = results[index];
          if (!result?.EventId || result.ErrorCode) refused.push(item);
          else published(item);
        });
      } catch (error) {
        logger.warn('PutEvents call failed; its entries are sent again', { error, entries: call.length });
        refused.push(...call);
      }
    }
    if (refused.length > 0) {
      logger.warn('PutEvents refused entries', { attempt, refused: refused.length, of: pending.length });
    }
    pending = refused;
  }
  for (const item of pending) failedRecords.add(item.sequenceNumber);
  return { batchItemFailures: [...failedRecords].map((itemIdentifier) => ({ itemIdentifier })) };
}
