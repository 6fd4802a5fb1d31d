import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { Conflict } from '#shared/domain/errors.ts';
import { codec } from './codec.ts';
import { keys } from './keys.ts';
import { TableStore } from './table-store.ts';
import type { Write } from './writes.ts';

/**
 * An `Idempotency-Key` a caller sent on a route whose whole effect is one transaction: the key is
 * remembered, with the answer, by that transaction itself (see IdempotencyKeys.remember).
 */
export interface IdempotencyKey {
  /** Which function's routes the key belongs to (part of the record's key, for reading it). */
  readonly functionName: string;
  /** sha-256 of the caller, the path and the key as sent: keys of two callers never meet. */
  readonly id: string;
  /** sha-256 of the request body: the same key with another body is refused, not answered. */
  readonly fingerprint: string;
}

/** What a key answered the first time, and the body it was sent with. */
export interface RememberedAnswer {
  readonly fingerprint: string;
  /** The first answer as JSON text: replayed as it was, whatever happened to the item since. */
  readonly answer: string;
  /** Epoch seconds: after this the key is forgotten (DynamoDB's TTL deletes the record later). */
  readonly expiresAt: number;
}

/** A day covers any sane client retry policy (the same as the claimed keys' lifetime). */
export const KEY_LIFETIME_SECONDS = 24 * 60 * 60;

const keyRecords = codec<RememberedAnswer & { readonly functionName: string; readonly id: string }>({
  entity: 'IdempotencyKey',
  keys: ({ functionName, id }) => keys.idempotencyKey(functionName, id),
});

/** The write's name in a change's transaction (writes.ts), so a refusal can say it was this one. */
const KEY_WRITE = 'idempotency-key';

/**
 * A change carried a key that has already answered (a retry, or a copy racing the first): the
 * transaction wrote nothing, and the caller is given the first answer instead (answerOnce).
 */
export class KeyAlreadyAnswered extends Conflict {
  constructor() {
    super('this Idempotency-Key has already been answered');
  }
}

const epochSeconds = (at: Date) => Math.floor(at.getTime() / 1000);

/** The records of keys remembered inside a change's own transaction. */
export class IdempotencyKeys extends TableStore {
  /**
   * The write that remembers `answer` for the key, for the change's own transaction: it commits
   * only if the key is new (or has expired), so a transaction carrying a used key writes nothing
   * and says so with KeyAlreadyAnswered.
   */
  remember(key: IdempotencyKey, answer: unknown, now = new Date()): Write {
    return {
      name: KEY_WRITE,
      item: {
        Put: {
          TableName: this.tableName,
          Item: keyRecords.encode({
            functionName: key.functionName,
            id: key.id,
            fingerprint: key.fingerprint,
            answer: JSON.stringify(answer),
            expiresAt: epochSeconds(now) + KEY_LIFETIME_SECONDS,
          }),
          ConditionExpression: 'attribute_not_exists(PK) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': epochSeconds(now) },
        },
      },
      refused: () => new KeyAlreadyAnswered(),
    };
  }

  /** What the key answered, unless it is unknown or has expired (TTL deletes only eventually). */
  async answered(key: IdempotencyKey, now = new Date()): Promise<RememberedAnswer | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.idempotencyKey(key.functionName, key.id),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const { fingerprint, answer, expiresAt } = keyRecords.decode(Item);
    return expiresAt < epochSeconds(now) ? undefined : { fingerprint, answer, expiresAt };
  }
}
