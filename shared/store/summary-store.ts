import { GetCommand, QueryCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { tables } from '#catalog/resources.ts';
import { requiredEnv } from '#shared/config.ts';
import type { ActorRef } from '#shared/domain/item.ts';
import type { Summary } from '#shared/domain/summary/model.ts';
import { documentClient } from './client.ts';
import { keys } from './keys.ts';
import { TableStore } from './table-store.ts';

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

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const strip = ({ PK: _p, SK: _s, GSI1PK: _g, GSI1SK: _h, entity: _e, ...record }: Record<string, unknown>) =>
  record as unknown as SummaryRecord;

export class SummaryStore extends TableStore {
  /** The write of a new summary record, for the transaction that appends its chain record. */
  recordPut(record: SummaryRecord): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...record,
          ...keys.summary(record.summaryId),
          ...keys.summaryOfInspection(record.inspectionId, record.asOf, record.summaryId),
          entity: 'Summary',
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
  }

  async get(summaryId: string): Promise<SummaryRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.summary(summaryId), ConsistentRead: true }),
    );
    return Item ? strip(Item) : undefined;
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
    return { records: (Items ?? []).map(strip), ...(LastEvaluatedKey ? { cursor: LastEvaluatedKey } : {}) };
  }
}

let shared: SummaryStore | undefined;

export function summaryStore(): SummaryStore {
  shared ??= new SummaryStore(documentClient, requiredEnv(tables.ledger.envVar));
  return shared;
}
