import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tables } from '#catalog/resources.ts';
import { requiredEnv } from '#shared/config.ts';
import type { ActorRef } from '#shared/domain/item.ts';
import type { Summary } from '#shared/domain/summary/model.ts';
import type { Lang } from '#shared/i18n/lang.ts';
import { documentClient } from './client.ts';
import { codec } from './codec.ts';
import { keys } from './keys.ts';
import { TableStore } from './table-store.ts';
import { putNew, setWhileAttemptHolds } from './writes.ts';

export type SummaryJobState = 'queued' | 'building' | 'ready' | 'failed';

/**
 * A summary asked for through the API, or queued by the weekly schedule, while the generator works
 * on it behind its queue. The summary itself (SummaryStore) is written only when it is complete;
 * this record says how far it got, and why it failed if it did.
 */
export interface SummaryJob {
  readonly summaryId: string;
  readonly inspectionId: string;
  /** The instant the summary is of, fixed when it was asked for. */
  readonly asOf: string;
  readonly lang: Lang;
  readonly requestedBy: ActorRef;
  readonly requestedAt: string;
  /** Who asked: an admin through the API (`request`) or the weekly schedule; the summary says so too. */
  readonly trigger: Summary['trigger'];
  readonly state: SummaryJobState;
  /** Deliveries that have claimed the job (a retry is attempt 2, …). */
  readonly attempt: number;
  readonly progress?: { readonly phase: SummaryPhase; readonly at: string; readonly items?: number };
  readonly failure?: { readonly reason: string; readonly at: string };
}

/** Reading the items (the long part of a big inspection), rendering and storing the files, recording it. */
export type SummaryPhase = 'reading' | 'rendering' | 'recording';

const summaryJobRecords = codec<SummaryJob>({
  entity: 'SummaryJob',
  keys: (job) => keys.summaryJob(job.summaryId),
});

/** A stored job; one recorded before jobs had a trigger was asked for through the API. */
function jobOf(record: Record<string, unknown>): SummaryJob {
  const job = summaryJobRecords.decode(record);
  return job.trigger === undefined ? { ...job, trigger: 'request' } : job;
}

export class SummaryJobStore extends TableStore {
  async create(job: SummaryJob): Promise<void> {
    await putNew(this.client, this.tableName, summaryJobRecords.encode(job), {
      resource: 'summary job',
      id: job.summaryId,
    });
  }

  async get(summaryId: string): Promise<SummaryJob | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.summaryJob(summaryId), ConsistentRead: true }),
    );
    return Item ? jobOf(Item) : undefined;
  }

  /** Takes the job for a delivery (queued, or building by an attempt that died); undefined if it ended. */
  async claim(summaryId: string, at: string): Promise<SummaryJob | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.summaryJob(summaryId),
          UpdateExpression: 'SET #state = :building, attempt = attempt + :one, progress = :progress',
          ConditionExpression: '#state IN (:queued, :building)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':building': 'building',
            ':queued': 'queued',
            ':one': 1,
            ':progress': { phase: 'reading', at },
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? jobOf(Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /** Moves the job on (progress, ready or failed); ignored once another attempt holds it. */
  async update(
    job: SummaryJob,
    fields: Partial<Pick<SummaryJob, 'state' | 'progress' | 'failure'>>,
  ): Promise<void> {
    await setWhileAttemptHolds(
      this.client,
      this.tableName,
      keys.summaryJob(job.summaryId),
      { stateAttribute: 'state', attempt: job.attempt },
      fields,
    );
  }
}

let shared: SummaryJobStore | undefined;

export function summaryJobStore(): SummaryJobStore {
  shared ??= new SummaryJobStore(documentClient, requiredEnv(tables.ledger.envVar));
  return shared;
}
