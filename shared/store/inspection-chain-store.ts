import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { tables } from '#catalog/resources.ts';
import { requiredEnv } from '#shared/config.ts';
import type { Linked } from '#shared/domain/chain.ts';
import type { InspectionEvent } from '#shared/domain/inspection-events.ts';
import { correlationId } from '#shared/observability.ts';
import { inspectionChainRecords } from './chain-records.ts';
import { documentClient } from './client.ts';
import { keys, SEQ_SK_PREFIX } from './keys.ts';
import { queryAll } from './query.ts';
import { TableStore } from './table-store.ts';
import { type TransactItem, TransactionRefused, transact, type Write } from './writes.ts';

/** The record of an inspection event: the sealed event and its keys; the seq is its own guard. */
export function inspectionEventPut(tableName: string, event: InspectionEvent): TransactItem {
  return {
    Put: {
      TableName: tableName,
      // The ambient request's id (outside the hash): the publisher puts it on the bus event.
      Item: inspectionChainRecords.encode(event, { correlationId: correlationId() }),
      // Two writers that read the same head both try this seq: one wins, the other re-reads.
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

/** Raised when another writer appended to the chain meanwhile: read the head again and retry. */
export class ChainMovedOn extends Error {
  override name = 'ChainMovedOn';
}

/** The name of the chain record's own write in an append's transaction. */
const RECORD = 'inspection-chain-record';

/** The inspection's own chain (shared/domain/inspection-events.ts). */
export class InspectionChainStore extends TableStore {
  async chain(inspectionId: string): Promise<InspectionEvent[]> {
    const records = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.inspectionChainPartition(inspectionId),
        ':prefix': SEQ_SK_PREFIX,
      },
      ConsistentRead: true,
    });
    return records.map(inspectionChainRecords.decode);
  }

  /** The last record, whose seq and hash the next one links to. */
  async head(inspectionId: string): Promise<Linked | undefined> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: {
          ':pk': keys.inspectionChainPartition(inspectionId),
          ':prefix': SEQ_SK_PREFIX,
        },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return Items?.[0] ? inspectionChainRecords.decode(Items[0]) : undefined;
  }

  /**
   * Appends a record with the writes it belongs to, in one transaction. `build` seals the record
   * on the head it is given; when another writer took that seq meanwhile, it is called again on
   * the new head (up to `attempts` times) — the others' writes are never lost. When the condition
   * of one of the other writes fails, the error its `refused` names is thrown.
   */
  async append(
    inspectionId: string,
    build: (head: Linked | undefined) => { event: InspectionEvent; with?: readonly Write[] },
    attempts = 5,
  ): Promise<InspectionEvent> {
    for (let attempt = 1; ; attempt++) {
      const { event, with: others = [] } = build(await this.head(inspectionId));
      try {
        await transact(this.client, [
          { name: RECORD, item: inspectionEventPut(this.tableName, event) },
          ...others,
        ]);
        return event;
      } catch (error) {
        if (!(error instanceof TransactionRefused)) throw error;
        if (!error.failed.has(RECORD)) throw await error.meaning();
        if (attempt >= attempts) throw new ChainMovedOn(`the chain of ${inspectionId} kept moving on`);
      }
    }
  }
}

let shared: InspectionChainStore | undefined;

export function inspectionChainStore(): InspectionChainStore {
  shared ??= new InspectionChainStore(documentClient, requiredEnv(tables.ledger.envVar));
  return shared;
}
