import { setTimeout as sleep } from 'node:timers/promises';
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** BatchWriteItem takes at most 25 requests, BatchGetItem 100 keys. */
const BATCH_SIZE = 25;
const GET_BATCH_SIZE = 100;
const MAX_ATTEMPTS = 8;

/**
 * Puts many records with BatchWriteItem, a few batches in flight at once, retrying whatever
 * DynamoDB returns as UnprocessedItems with capped exponential backoff and full jitter (what
 * AWS documents for throttled batches). Gives up after MAX_ATTEMPTS for a batch.
 */
export async function batchPut(
  client: DynamoDBDocumentClient,
  tableName: string,
  records: readonly Record<string, unknown>[],
  options: { concurrency?: number } = {},
): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < records.length; i += BATCH_SIZE) batches.push(records.slice(i, i + BATCH_SIZE));
  let next = 0;
  async function worker() {
    while (next < batches.length) {
      const batch = batches[next++] ?? [];
      let pending = batch.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > MAX_ATTEMPTS)
          throw new Error(
            `BatchWriteItem left ${pending.length} items unprocessed after ${MAX_ATTEMPTS} attempts`,
          );
        if (attempt > 1) await backoff(attempt);
        const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
        pending = (result.UnprocessedItems?.[tableName] ?? []) as typeof pending;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, batches.length) }, worker));
}

/** Backoff before a retry of what a batch left unprocessed (full jitter, capped). */
const backoff = (attempt: number) => sleep(Math.random() * Math.min(2_000, 50 * 2 ** attempt));

/**
 * Reads records by key with BatchGetItem (strongly consistent), a few batches in flight at once,
 * retrying UnprocessedKeys as batchPut retries UnprocessedItems. Records that do not exist are
 * simply absent from the result; the order is not the keys' order.
 */
export async function batchGet(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Record<string, unknown>[],
  options: { concurrency?: number } = {},
): Promise<Record<string, unknown>[]> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < keys.length; i += GET_BATCH_SIZE) batches.push(keys.slice(i, i + GET_BATCH_SIZE));
  const found: Record<string, unknown>[] = [];
  let next = 0;
  async function worker() {
    while (next < batches.length) {
      let pending = batches[next++] ?? [];
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > MAX_ATTEMPTS)
          throw new Error(
            `BatchGetItem left ${pending.length} keys unprocessed after ${MAX_ATTEMPTS} attempts`,
          );
        if (attempt > 1) await backoff(attempt);
        const result = await client.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
        );
        found.push(...((result.Responses?.[tableName] ?? []) as Record<string, unknown>[]));
        pending = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as typeof pending;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, batches.length) }, worker));
  return found;
}
