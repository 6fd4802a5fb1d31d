import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { tables } from '#catalog/resources.ts';
import { requiredEnv } from '#shared/config.ts';
import type { Evidence } from '#shared/domain/evidence.ts';
import { documentClient } from './client.ts';
import { codec } from './codec.ts';
import { keys } from './keys.ts';
import { queryAll } from './query.ts';
import { TableStore } from './table-store.ts';
import { putNew } from './writes.ts';

/** Evidence records: by id, and in their item's list by request time. Also written by LedgerStore.commitEvidenceChange. */
export const evidenceRecords = codec<Evidence>({
  entity: 'Evidence',
  keys: (evidence) => ({
    ...keys.evidence(evidence.evidenceId),
    ...keys.evidenceOfItem(evidence.itemId, evidence.requestedAt, evidence.evidenceId),
  }),
});

/** Evidence records in the ledger table (their state changes join item transactions elsewhere). */
export class EvidenceStore extends TableStore {
  /** Records a new pending upload; an id can never be reused. */
  async create(evidence: Evidence): Promise<void> {
    await putNew(this.client, this.tableName, evidenceRecords.encode(evidence), {
      resource: 'evidence',
      id: evidence.evidenceId,
    });
  }

  /** An item's evidence, oldest request first. */
  async listForItem(itemId: string): Promise<Evidence[]> {
    const records = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.evidenceOfItem(itemId, '', '').GSI1PK },
    });
    return records.map(evidenceRecords.decode);
  }

  async get(evidenceId: string): Promise<Evidence | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.evidence(evidenceId), ConsistentRead: true }),
    );
    return Item ? evidenceRecords.decode(Item) : undefined;
  }
}

let shared: EvidenceStore | undefined;

export function evidenceStore(): EvidenceStore {
  shared ??= new EvidenceStore(documentClient, requiredEnv(tables.ledger.envVar));
  return shared;
}
