import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tables } from '#catalog/resources.ts';
import { requiredEnv } from '#shared/config.ts';
import type { Notification } from '#shared/domain/notifications.ts';
import { documentClient } from './client.ts';
import { codec } from './codec.ts';
import { keys, NOTIFICATION_SK_PREFIX } from './keys.ts';
import { queryAll } from './query.ts';
import { TableStore } from './table-store.ts';

/** Notifications are kept half a year (DynamoDB TTL removes them after that). */
const KEEP_SECONDS = 183 * 24 * 3600;

/** A copy of a notification in one inbox, with the instant (epoch seconds) DynamoDB's TTL removes it. */
const notificationRecords = codec<Notification, { readonly expiresAt: number }>({
  entity: 'Notification',
  keys: (notification) => keys.notification(notification.recipient, notification.notificationId),
  beside: { expiresAt: true },
});

export interface InboxPage {
  readonly notifications: Notification[];
  /** Pass back as `before` for the next (older) page; absent on the last page. */
  readonly next?: string;
}

/** Per-recipient inboxes in the ledger table. */
export class NotificationStore extends TableStore {
  /**
   * Delivers one copy; false when it was already there. The key is made of the recipient and
   * the event, so a redelivered event writes nothing.
   */
  async deliver(notification: Notification): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: notificationRecords.encode(notification, {
            expiresAt: Math.floor(Date.parse(notification.at) / 1000) + KEEP_SECONDS,
          }),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * The newest notifications across the given inboxes, `limit` at most, older than `before`
   * (a notification id) when given.
   */
  async list(
    inboxes: readonly string[],
    options: { limit: number; before?: string; unreadOnly?: boolean },
  ): Promise<InboxPage> {
    const pages = await Promise.all(
      inboxes.map((recipient) => this.newest(recipient, options.limit, options.before, options.unreadOnly)),
    );
    // Someone with two inboxes (an admin who also leads) may hold one event in both: show it once.
    const unique = new Map(pages.flat().map((notification) => [notification.notificationId, notification]));
    const merged = [...unique.values()]
      .sort((a, b) => (a.notificationId < b.notificationId ? 1 : -1))
      .slice(0, options.limit);
    const more = unique.size > merged.length || pages.some((page) => page.length === options.limit);
    const last = merged.at(-1);
    return { notifications: merged, ...(more && last ? { next: last.notificationId } : {}) };
  }

  private async newest(recipient: string, limit: number, before?: string, unreadOnly?: boolean) {
    const found: Notification[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          // The partition holds notifications only; newest first, older than `before` if given.
          KeyConditionExpression: before ? 'PK = :pk AND SK < :before' : 'PK = :pk',
          ExpressionAttributeValues: {
            ':pk': keys.inbox(recipient),
            ...(before ? { ':before': `${NOTIFICATION_SK_PREFIX}${before}` } : {}),
          },
          ...(unreadOnly ? { FilterExpression: 'attribute_not_exists(readAt)' } : {}),
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey,
        }),
      );
      found.push(...(page.Items ?? []).map(notificationRecords.decode));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey && found.length < limit);
    return found.slice(0, limit);
  }

  /** An inbox's notifications from `since` (inclusive) to `until` (exclusive), oldest first. */
  async between(recipient: string, since: Date, until: Date): Promise<Notification[]> {
    const bound = (at: Date) => `${NOTIFICATION_SK_PREFIX}${String(at.getTime()).padStart(13, '0')}`;
    // Ids are `<ms>-<eventId>`, so `N#<until ms>` sorts before every id of that millisecond.
    const records = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': keys.inbox(recipient), ':from': bound(since), ':to': bound(until) },
    });
    return records.map(notificationRecords.decode);
  }

  /**
   * Marks a notification read in every one of the inboxes that holds it (someone with two
   * inboxes reads an event once); the first reading time is kept. Undefined when none holds it.
   */
  async markRead(
    inboxes: readonly string[],
    notificationId: string,
    at: string,
  ): Promise<Notification | undefined> {
    let read: Notification | undefined;
    for (const recipient of inboxes) {
      try {
        const { Attributes } = await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.notification(recipient, notificationId),
            UpdateExpression: 'SET readAt = if_not_exists(readAt, :at)',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeValues: { ':at': at },
            ReturnValues: 'ALL_NEW',
          }),
        );
        if (Attributes) read ??= notificationRecords.decode(Attributes);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    return read;
  }
}

let shared: NotificationStore | undefined;

export function notificationStore(): NotificationStore {
  shared ??= new NotificationStore(documentClient, requiredEnv(tables.ledger.envVar));
  return shared;
}
