import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { tables } from '#catalog/resources.ts';
import { requiredEnv } from '#shared/config.ts';
import type { Evidence } from '#shared/domain/evidence.ts';
import { documentClient } from './client.ts';
import { keys } from './keys.ts';
import { queryAll } from './query.ts';
import { TableStore } from './table-store.ts';

export function evidenceRecord(evidence: Evidence): Record<string, unknown> {
  return {
    ...evidence,
    ...keys.evidence(evidence.evidenceId),
    ...keys.evidenceOfItem(evidence.itemId, evidence.requestedAt, evidence.evidenceId),
    entity: 'Evidence',
  };
}

function fromRecord(record: Record<string, unknown>): Evidence {
  const { PK: _pk, SK: _sk, GSI1PK: _g1, GSI1SK: _g2, entity: _e, ...evidence } = record;
  return evidence as unknown as Evidence;
}

/** Evidence records in the ledger table (their state changes join item transactions elsewhere). */
export class EvidenceStore extends TableStore {
  /** Records a new pending upload; an id can never be reused. */
  async create(evidence: Evidence): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: evidenceRecord(evidence),
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  /** An item's evidence, oldest request first. */
  async listForItem(itemId: string): Promise<Evidence[]> {
    const records = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.evidenceOfItem(itemId, '', '').GSI1PK },
    });
    return records.map(fromRecord);
  }

  async get(evidenceId: string): Promise<Evidence | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.evidence(evidenceId), ConsistentRead: true }),
    );
    return Item ? fromRecord(Item) : undefined;
  }
}

let shared: EvidenceStore | undefined;

export function evidenceStore(): EvidenceStore {
  shared ??= new EvidenceStore(documentClient, requiredEnv(tables.ledger.envVar));
  return shared;
}
