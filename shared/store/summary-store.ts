import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { tables } from '#catalog/resources.ts';
import { requiredEnv } from '#shared/config.ts';
import { AlreadyExists } from '#shared/domain/errors.ts';
import type { ActorRef } from '#shared/domain/item.ts';
import type { Summary } from '#shared/domain/summary/model.ts';
import { documentClient } from './client.ts';
import { codec } from './codec.ts';
import { keys } from './keys.ts';
import { TableStore } from './table-store.ts';
import type { Write } from './writes.ts';

/** One file of a summary as stored: where it is (the exact version) and what it hashes to. */
export interface SummaryFile {
  readonly name: string;
  readonly key: string;
  readonly versionId?: string;
  readonly contentType: string;
  readonly size: number;
  readonly sha256: string;
}

/**
 * What DynamoDB keeps of a summary: its headline (the paragraph, totals, outcomes and the small
 * breakdowns) and its files. The lists (every item, overdue, in progress, changes) are in
 * summary.json: a 20,000-item summary would not fit in one DynamoDB item.
 */
export interface SummaryRecord
  extends Pick<
    Summary,
    | 'summaryId'
    | 'asOf'
    | 'asOfDate'
    | 'generatedAt'
    | 'trigger'
    | 'lang'
    | 'paragraph'
    | 'totals'
    | 'byAspect'
    | 'byDepartment'
  > {
  readonly inspectionId: string;
  readonly importId: string;
  readonly generatedBy: ActorRef;
  readonly outcomes: Summary['outcomes'];
  readonly changes: {
    readonly newlyRectified: number;
    readonly newlyOverdue: number;
    readonly previousSummaryId: string;
  } | null;
  readonly files: readonly SummaryFile[];
  /** The SummaryGenerated record of the inspection's chain that seals the files' hashes. */
  readonly chain: { readonly seq: number; readonly hash: string };
}

/** Summary records: by id, and in their inspection's list by as-of instant. */
const summaryRecords = codec<SummaryRecord>({
  entity: 'Summary',
  keys: (record) => ({
    ...keys.summary(record.summaryId),
    ...keys.summaryOfInspection(record.inspectionId, record.asOf, record.summaryId),
  }),
});

export class SummaryStore extends TableStore {
  /**
   * The write of a new summary record, for the transaction that appends its chain record;
   * refused with AlreadyExists when the summary was made meanwhile.
   */
  recordPut(record: SummaryRecord): Write {
    return {
      name: 'summary',
      item: {
        Put: {
          TableName: this.tableName,
          Item: summaryRecords.encode(record),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      refused: () => new AlreadyExists('summary', record.summaryId),
    };
  }

  async get(summaryId: string): Promise<SummaryRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.summary(summaryId), ConsistentRead: true }),
    );
    return Item ? summaryRecords.decode(Item) : undefined;
  }

  /**
   * An inspection's summaries by as-of instant, newest first, a page at a time; `before` (an
   * as-of instant, exclusive) gives the previous summary of a given one.
   */
  async list(
    inspectionId: string,
    options: { limit: number; before?: string; cursor?: Record<string, unknown> },
  ): Promise<{ records: SummaryRecord[]; cursor?: Record<string, unknown> }> {
    const { Items, LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: options.before ? 'GSI1PK = :pk AND GSI1SK < :before' : 'GSI1PK = :pk',
        ExpressionAttributeValues: {
          ':pk': keys.summariesOfInspection(inspectionId),
          ...(options.before ? { ':before': options.before } : {}),
        },
        ScanIndexForward: false,
        Limit: options.limit,
        ...(options.cursor ? { ExclusiveStartKey: options.cursor } : {}),
      }),
    );
    return {
      records: (Items ?? []).map(summaryRecords.decode),
      ...(LastEvaluatedKey ? { cursor: LastEvaluatedKey } : {}),
    };
  }
}

let shared: SummaryStore | undefined;

export function summaryStore(): SummaryStore {
  shared ??= new SummaryStore(documentClient, requiredEnv(tables.ledger.envVar));
  return shared;
}
