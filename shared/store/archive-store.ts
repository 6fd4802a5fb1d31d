import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tables } from '#catalog/resources.ts';
import { requiredEnv } from '#shared/config.ts';
import type { ArchiveRecord } from '#shared/domain/archive/archive.ts';
import { StaleVersion } from '#shared/domain/errors.ts';
import { documentClient } from './client.ts';
import { codec } from './codec.ts';
import { keys } from './keys.ts';
import { TableStore } from './table-store.ts';
import { putNew, setWhileAttemptHolds, type Write } from './writes.ts';

/** Archive records: by id, and in their inspection's list by request time. */
const archiveRecords = codec<ArchiveRecord>({
  entity: 'Archive',
  keys: (record) => ({
    ...keys.archive(record.archiveId),
    ...keys.archiveOfInspection(record.inspectionId, record.requestedAt, record.archiveId),
  }),
});

/** Archive records: the request, its status and the attempt that holds it. */
export class ArchiveStore extends TableStore {
  async create(record: ArchiveRecord): Promise<void> {
    await putNew(this.client, this.tableName, archiveRecords.encode(record), {
      resource: 'archive',
      id: record.archiveId,
    });
  }

  async get(archiveId: string): Promise<ArchiveRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.archive(archiveId), ConsistentRead: true }),
    );
    return Item ? archiveRecords.decode(Item) : undefined;
  }

  async list(
    inspectionId: string,
    options: { limit: number; cursor?: Record<string, unknown> },
  ): Promise<{ records: ArchiveRecord[]; cursor?: Record<string, unknown> }> {
    const { Items, LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.archivesOfInspection(inspectionId) },
        ScanIndexForward: false,
        Limit: options.limit,
        ...(options.cursor ? { ExclusiveStartKey: options.cursor } : {}),
      }),
    );
    return {
      records: (Items ?? []).map(archiveRecords.decode),
      ...(LastEvaluatedKey ? { cursor: LastEvaluatedKey } : {}),
    };
  }

  /**
   * Takes the archive for a new attempt: only while it is queued or building (a builder that died
   * left it building). Undefined when it is ready or failed already: a redelivered job does nothing.
   */
  async claim(archiveId: string, at: string): Promise<ArchiveRecord | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.archive(archiveId),
          UpdateExpression:
            'SET #status = :building, attempt = attempt + :one, startedAt = :at REMOVE progress',
          ConditionExpression: '#status IN (:queued, :building)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':building': 'building', ':queued': 'queued', ':one': 1, ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? archiveRecords.decode(Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /** Marks a request that never reached the builder's queue as failed (still queued, never claimed). */
  async abandon(archiveId: string, reason: string, at: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.archive(archiveId),
        UpdateExpression: 'SET #status = :failed, failure = :failure',
        ConditionExpression: '#status = :queued',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':failed': 'failed', ':queued': 'queued', ':failure': { reason, at } },
      }),
    );
  }

  /** Records progress, or an attempt's error before a retry; ignored once another attempt holds it. */
  async note(archive: ArchiveRecord, fields: Pick<ArchiveRecord, 'progress' | 'lastError'>): Promise<void> {
    await setWhileAttemptHolds(
      this.client,
      this.tableName,
      keys.archive(archive.archiveId),
      { stateAttribute: 'status', attempt: archive.attempt },
      fields,
    );
  }

  /**
   * The write that ends an attempt (ready or failed), for the transaction with its chain record.
   * Refused with StaleVersion (of the attempt) when a newer attempt holds the archive, or it ended.
   */
  finishPut(archive: ArchiveRecord, finished: ArchiveRecord): Write {
    return {
      name: 'archive',
      item: {
        Put: {
          TableName: this.tableName,
          Item: archiveRecords.encode(finished),
          ConditionExpression: '#status = :building AND attempt = :attempt',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':building': 'building', ':attempt': archive.attempt },
        },
      },
      refused: async () => {
        const current = await this.get(archive.archiveId);
        return new StaleVersion(
          `attempt of archive ${archive.archiveId}`,
          archive.attempt,
          current?.attempt ?? archive.attempt,
        );
      },
    };
  }
}

let shared: ArchiveStore | undefined;

export function archiveStore(): ArchiveStore {
  shared ??= new ArchiveStore(documentClient, requiredEnv(tables.ledger.envVar));
  return shared;
}
