import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { tables } from '#catalog/resources.ts';
import { requiredEnv } from '#shared/config.ts';
import type { Linked } from '#shared/domain/chain.ts';
import type { InspectionEvent } from '#shared/domain/inspection-events.ts';
import { documentClient } from './client.ts';
import { keys, SEQ_SK_PREFIX } from './keys.ts';
import { queryAll } from './query.ts';
import { TableStore } from './table-store.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The record of an inspection event: the sealed event and its keys; the seq is its own guard. */
export function inspectionEventPut(tableName: string, event: InspectionEvent): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: { ...event, ...keys.inspectionEvent(event.inspectionId, event.seq), entity: 'InspectionEvent' },
      // Two writers that read the same head both try this seq: one wins, the other re-reads.
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

/** Raised when another writer appended to the chain meanwhile: read the head again and retry. */
export class ChainMovedOn extends Error {
  override name = 'ChainMovedOn';
}

const strip = ({ PK: _p, SK: _s, entity: _e, ...event }: Record<string, unknown>) =>
  event as unknown as InspectionEvent;

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
    return records.map(strip);
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
    return Items?.[0] ? strip(Items[0]) : undefined;
  }

  /**
   * Appends a record with the writes it belongs to, in one transaction. `build` seals the record
   * on the head it is given; when another writer took that seq meanwhile, it is called again on
   * the new head (up to `attempts` times) — the others' writes are never lost.
   */
  async append(
    inspectionId: string,
    build: (head: Linked | undefined) => { event: InspectionEvent; with?: readonly TransactItem[] },
    attempts = 5,
  ): Promise<InspectionEvent> {
    for (let attempt = 1; ; attempt++) {
      const { event, with: others = [] } = build(await this.head(inspectionId));
      try {
        await this.client.send(
          new TransactWriteCommand({ TransactItems: [inspectionEventPut(this.tableName, event), ...others] }),
        );
        return event;
      } catch (error) {
        const seqTaken =
          error instanceof TransactionCanceledException &&
          error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
        if (!seqTaken) throw error;
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
