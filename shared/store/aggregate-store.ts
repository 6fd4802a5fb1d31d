import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { tables } from '#catalog/resources.ts';
import { requiredEnv } from '#shared/config.ts';
import type { Contribution, CounterDeltas } from '#shared/domain/aggregates.ts';
import type { Inspection } from '#shared/domain/inspection.ts';
import { batchPut } from './batch.ts';
import { documentClient } from './client.ts';
import { codec } from './codec.ts';
import { keys } from './keys.ts';
import { TableStore } from './table-store.ts';

export interface Counted {
  readonly contribution: Contribution;
  /** The item version this share was counted at. */
  readonly version: number;
}

/** Raised when another consumer counted the item meanwhile: read again and retry. */
export class CountedMeanwhile extends Error {
  override name = 'CountedMeanwhile';
}

type Generation = Pick<Inspection, 'inspectionId' | 'importId'>;

/** The flat counters of a generation. */
const totalsRecords = codec<{ readonly counters: Readonly<Record<string, number>> }, Generation>({
  entity: 'Totals',
  keys: (_, { inspectionId, importId }) => keys.totals(inspectionId, importId),
  beside: { inspectionId: true, importId: true },
});

/** The share an item was counted with. */
const countedRecords = codec<Counted, Generation & { readonly ref: string }>({
  entity: 'CountedItem',
  keys: (_, { inspectionId, importId, ref }) => keys.countedItem(inspectionId, importId, ref),
  beside: { inspectionId: true, importId: true, ref: true },
});

const generationOf = ({ inspectionId, importId }: Generation): Generation => ({ inspectionId, importId });

/** The counters of each import generation, and the share each item was counted with. */
export class AggregateStore extends TableStore {
  /** The flat counters (`status.closed`, …): one item read. */
  async counters(inspection: Generation): Promise<Record<string, number> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.totals(inspection.inspectionId, inspection.importId),
      }),
    );
    return Item ? { ...totalsRecords.decode(Item).counters } : undefined;
  }

  async counted(inspection: Generation, ref: string): Promise<Counted | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.countedItem(inspection.inspectionId, inspection.importId, ref),
        ConsistentRead: true,
      }),
    );
    return Item ? countedRecords.decode(Item) : undefined;
  }

  /**
   * Replaces an item's counted share and moves the counters by the difference, in one
   * transaction, only if the share is still the one the difference was computed from.
   */
  async recount(
    inspection: Generation,
    ref: string,
    before: Counted | undefined,
    after: Counted,
    deltas: CounterDeltas,
  ): Promise<void> {
    const paths = Object.keys(deltas);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: countedRecords.encode(after, { ...generationOf(inspection), ref }),
                ...(before
                  ? {
                      ConditionExpression: 'version = :seen',
                      ExpressionAttributeValues: { ':seen': before.version },
                    }
                  : { ConditionExpression: 'attribute_not_exists(PK)' }),
              },
            },
            ...(paths.length === 0
              ? []
              : [
                  {
                    Update: {
                      TableName: this.tableName,
                      Key: keys.totals(inspection.inspectionId, inspection.importId),
                      // One map of counters; each path is a key of it (dots are plain characters).
                      UpdateExpression: `SET ${paths
                        .map((_, i) => `counters.#c${i} = if_not_exists(counters.#c${i}, :zero) + :d${i}`)
                        .join(', ')}`,
                      ConditionExpression: 'attribute_exists(PK)',
                      ExpressionAttributeNames: Object.fromEntries(paths.map((path, i) => [`#c${i}`, path])),
                      ExpressionAttributeValues: {
                        ':zero': 0,
                        ...Object.fromEntries(paths.map((path, i) => [`:d${i}`, deltas[path]])),
                      },
                    },
                  },
                ]),
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException) throw new CountedMeanwhile(ref);
      throw error;
    }
  }

  /** Writes every item's share and the counters afresh (the rebuild, and the seed at import). */
  async replaceAll(
    inspection: Generation,
    shares: readonly { ref: string; counted: Counted }[],
    counters: Readonly<Record<string, number>>,
  ): Promise<void> {
    await batchPut(
      this.client,
      this.tableName,
      shares.map(({ ref, counted }) => countedRecords.encode(counted, { ...generationOf(inspection), ref })),
      { concurrency: 4 },
    );
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: totalsRecords.encode({ counters }, generationOf(inspection)),
      }),
    );
  }
}

let shared: AggregateStore | undefined;

export function aggregateStore(): AggregateStore {
  shared ??= new AggregateStore(documentClient, requiredEnv(tables.ledger.envVar));
  return shared;
}
