import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { tables } from '#catalog/resources.ts';
import { requiredEnv } from '#shared/config.ts';
import type { WebhookFormat } from '#shared/domain/digest.ts';
import { documentClient } from './client.ts';
import { codec } from './codec.ts';
import { keys } from './keys.ts';
import { queryAll } from './query.ts';
import { TableStore } from './table-store.ts';

export interface Webhook {
  readonly department: string;
  readonly url: string;
  readonly format: WebhookFormat;
  readonly updatedBy: string;
  readonly updatedAt: string;
}

const webhookRecords = codec<Webhook>({
  entity: 'Webhook',
  keys: (webhook) => keys.webhook(webhook.department),
});

/** That a department's digest of a date was sent (or is being sent). */
const digestRecords = codec<{ readonly at: string }, { readonly department: string; readonly date: string }>({
  entity: 'DigestSent',
  keys: (_, { department, date }) => keys.digest(department, date),
  beside: { department: true, date: true },
});

/** Departments' digest webhooks (the URLs carry their chats' keys: encrypted at rest, never listed by the API). */
export class WebhookStore extends TableStore {
  async put(webhook: Webhook): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: webhookRecords.encode(webhook),
      }),
    );
  }

  /** False when the department had none. */
  async remove(department: string): Promise<boolean> {
    const { Attributes } = await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: keys.webhook(department),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return Boolean(Attributes);
  }

  async list(): Promise<Webhook[]> {
    const records = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.webhooks },
    });
    return records.map(webhookRecords.decode);
  }

  /** Claims a department's digest of a date; false when it was already claimed (sent, or being sent). */
  async claimDigest(department: string, date: string, at: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: digestRecords.encode({ at }, { department, date }),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Gives a claim back after the webhook refused, so that a retry sends it. */
  async releaseDigest(department: string, date: string): Promise<void> {
    await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: keys.digest(department, date) }),
    );
  }
}

let shared: WebhookStore | undefined;

export function webhookStore(): WebhookStore {
  shared ??= new WebhookStore(documentClient, requiredEnv(tables.ledger.envVar));
  return shared;
}
