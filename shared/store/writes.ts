import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { AlreadyExists } from '#shared/domain/errors.ts';
import type { StoredRecord } from './codec.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * One write of a transaction, named so that a refusal can say whose condition failed. A write one
 * store hands to another's transaction also says, as `refused`, what its failed condition means.
 */
export interface Write {
  readonly name: string;
  readonly item: TransactItem;
  readonly refused?: () => Error | Promise<Error>;
}

/**
 * A transaction DynamoDB cancelled because conditions failed, with the names of the writes whose
 * conditions did. Stores turn it into the domain's errors; it never leaves a store.
 */
export class TransactionRefused extends Error {
  override name = 'TransactionRefused';
  readonly failed: ReadonlySet<string>;
  readonly #writes: readonly Write[];

  constructor(failed: ReadonlySet<string>, writes: readonly Write[], cause: unknown) {
    super(`transaction refused: the condition of ${[...failed].join(', ')} failed`, { cause });
    this.failed = failed;
    this.#writes = writes;
  }

  /** What the first failed write that says so means by its refusal; otherwise this error itself. */
  async meaning(): Promise<Error> {
    const write = this.#writes.find(({ name, refused }) => refused && this.failed.has(name));
    return write?.refused ? write.refused() : this;
  }
}

/**
 * Sends the writes as one transaction. When DynamoDB cancels it because conditions failed, throws
 * TransactionRefused naming those writes: its reasons come in the order of the writes, and this is
 * the one place that reads them by position.
 */
export async function transact(client: DynamoDBDocumentClient, writes: readonly Write[]): Promise<void> {
  try {
    await client.send(new TransactWriteCommand({ TransactItems: writes.map((write) => write.item) }));
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reasons = error.CancellationReasons ?? [];
    const failed = new Set(
      writes.filter((_, index) => reasons[index]?.Code === 'ConditionalCheckFailed').map(({ name }) => name),
    );
    if (failed.size === 0) throw error;
    throw new TransactionRefused(failed, writes, error);
  }
}

/** Whether a write was refused because another transaction held one of its items (worth a retry). */
export function isTransactionConflict(error: unknown): boolean {
  return (
    (error as { name?: string }).name === 'TransactionConflictException' ||
    (error instanceof TransactionCanceledException &&
      (error.CancellationReasons ?? []).some((reason) => reason.Code === 'TransactionConflict'))
  );
}

/** Puts a new record; AlreadyExists when its key is taken (records are never overwritten by a create). */
export async function putNew(
  client: DynamoDBDocumentClient,
  tableName: string,
  record: StoredRecord,
  what: { resource: string; id: string },
): Promise<void> {
  try {
    await client.send(
      new PutCommand({ TableName: tableName, Item: record, ConditionExpression: 'attribute_not_exists(PK)' }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      throw new AlreadyExists(what.resource, what.id, { cause: error });
    }
    throw error;
  }
}

/**
 * SETs `fields` on a job record (an archive build, a summary job) while it is still `building` in
 * the given attempt; does nothing once another attempt or an end state holds it, since a late
 * note from a superseded attempt must not overwrite the record.
 */
export async function setWhileAttemptHolds(
  client: DynamoDBDocumentClient,
  tableName: string,
  key: Record<string, string>,
  job: { readonly stateAttribute: string; readonly attempt: number },
  fields: Readonly<Record<string, unknown>>,
): Promise<void> {
  const names = Object.keys(fields);
  if (names.length === 0) return;
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: `SET ${names.map((name) => `#${name} = :${name}`).join(', ')}`,
        ConditionExpression: '#jobState = :building AND attempt = :attempt',
        ExpressionAttributeNames: {
          '#jobState': job.stateAttribute,
          ...Object.fromEntries(names.map((name) => [`#${name}`, name])),
        },
        ExpressionAttributeValues: {
          ':building': 'building',
          ':attempt': job.attempt,
          ...Object.fromEntries(names.map((name) => [`:${name}`, fields[name]])),
        },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
