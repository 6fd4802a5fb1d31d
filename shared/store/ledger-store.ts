import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, type QueryCommandInput, TransactGetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tables } from '#catalog/resources.ts';
import { requiredEnv } from '#shared/config.ts';
import { leaderKeyOf } from '#shared/domain/access.ts';
import type { Linked } from '#shared/domain/chain.ts';
import { Conflict, NotFound, StaleVersion } from '#shared/domain/errors.ts';
import type { Evidence, EvidenceState } from '#shared/domain/evidence.ts';
import type { FollowUpSettings, Inspection } from '#shared/domain/inspection.ts';
import type { InspectionEvent } from '#shared/domain/inspection-events.ts';
import type { Item, ItemEvent } from '#shared/domain/item.ts';
import { refuseWithdrawn } from '#shared/domain/plan-revision.ts';
import { countsAsRectified } from '#shared/domain/status.ts';
import type { SummarySchedule } from '#shared/domain/summary/schedule.ts';
import { correlationId } from '#shared/observability.ts';
import { batchGet, batchPut } from './batch.ts';
import { type ChainRecord, chainRecords } from './chain-records.ts';
import { documentClient } from './client.ts';
import { codec, type StoredRecord } from './codec.ts';
import { evidenceRecords } from './evidence-store.ts';
import { InspectionChainStore } from './inspection-chain-store.ts';
import { ITEM_SK_PREFIX, keys, SEQ_SK_PREFIX } from './keys.ts';
import { queryAll } from './query.ts';
import { TableStore } from './table-store.ts';
import {
  isTransactionConflict,
  type TransactItem,
  TransactionRefused,
  transact,
  type Write,
} from './writes.ts';

/** The replace's lease on an inspection (see beginRevision): store bookkeeping, never shown. */
interface RevisionLease {
  readonly importId: string;
  readonly until: string;
}

/** The inspection: by id, and in the list of all by feedback date. */
const inspectionRecords = codec<
  Inspection,
  { readonly revising?: RevisionLease; readonly settingsRev?: string }
>({
  entity: 'Inspection',
  keys: (inspection) => ({
    ...keys.inspection(inspection.inspectionId),
    ...keys.inspectionList(inspection.feedbackDate, inspection.inspectionId),
  }),
  // settingsRev changes with every settings update, so a change decided on a cached inspection
  // can be refused when the settings moved since (a re-import moves importId, checked as well).
  beside: { revising: true, settingsRev: true },
});

/**
 * A change was decided on an inspection that has moved since it was read (re-imported, or its
 * settings updated; a cached one, or a race): the cache entry is gone, and changeItem decides
 * again on a fresh read; elsewhere it answers 409 like any concurrent change.
 */
export class InspectionChanged extends Conflict {
  constructor(inspectionId: string) {
    super(`inspection ${inspectionId} was re-imported or its settings changed meanwhile; reload and retry`);
  }
}

/** An item of an import generation (its `importId` only the store uses). */
const itemRecords = codec<Item, { readonly importId: string }>({
  entity: 'Item',
  keys: (item, { importId }) => ({
    ...keys.item(item.inspectionId, importId, item.ref),
    ...keys.itemByDepartment(item.responsibleDept, item.inspectionId, importId, item.ref),
    // Sparse index: only items still to be rectified are scanned for deadlines (not withdrawn ones).
    ...(countsAsRectified(item.status) || item.withdrawn
      ? {}
      : keys.openByDeadline(item.deadline, item.itemId)),
  }),
  beside: { importId: true },
});

/** Every attribute of an item (the type makes the list complete: a new field fails to compile here). */
const ITEM_FIELDS: { readonly [K in keyof Required<Item>]: true } = {
  itemId: true,
  inspectionId: true,
  aspectNo: true,
  problemNo: true,
  no: true,
  ref: true,
  title: true,
  description: true,
  status: true,
  longTerm: true,
  responsibleLeader: true,
  responsibleLeaderId: true,
  responsibleDept: true,
  deadline: true,
  progress: true,
  measures: true,
  evidenceCount: true,
  version: true,
  chainHead: true,
  rectifiedBy: true,
  rectifiedAt: true,
  followUp: true,
  signOff: true,
  updatedAt: true,
  lastProgressAt: true,
  ladder: true,
  escalations: true,
  importedStatus: true,
  withdrawn: true,
};

/**
 * What a read of one item asks for: the item and the kind of record, not the table and index keys
 * or the generation kept beside it, which decode drops anyway. Seven attributes fewer to send,
 * unmarshal and throw away on every item read and every change (bench/ledger.ts times it).
 */
export const ITEM_PROJECTION = (() => {
  const names = [...Object.keys(ITEM_FIELDS), 'entity'];
  return {
    ProjectionExpression: names.map((_, index) => `#f${index}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(names.map((name, index) => [`#f${index}`, name])),
  };
})();

/**
 * How long a replace holds its lease: longer than the import function may run (29 s), so a
 * replace never outlives it, and short enough that a crashed one blocks writes only briefly.
 */
export const REVISION_LEASE_MS = 60_000;
/** The flip needs this much of the lease left, so a writer whose clock runs ahead cannot slip in. */
const LEASE_MARGIN_MS = 5_000;
/** BatchGetItem calls in flight while a replace reads the chains it copies. */
const COPY_PARALLEL = 8;

/** What a write refused under a replace's lease is told. */
const beingRevised = (inspectionId: string) =>
  new Conflict(
    `the plan of inspection ${inspectionId} is being revised (a replace import); nothing was changed, retry in a moment`,
  );

/** A live lease blocks item writes: absent, or expired by the writer's clock. */
const NO_LIVE_LEASE = '(attribute_not_exists(revising) OR revising.#until < :now)';

const itemRecord = (item: Item, importId: string): StoredRecord => itemRecords.encode(item, { importId });

/**
 * A chain record: the sealed event, plus (outside the hash) where the item stood when it was
 * written, so that the stream publisher can address the event without reading the item.
 */
function eventRecord(event: ItemEvent, importId: string, item: Item): StoredRecord {
  const leader = leaderKeyOf(item);
  return chainRecords.encode(event, {
    importId,
    ref: item.ref,
    title: item.title,
    department: item.responsibleDept,
    ...(leader ? { leader } : {}),
    // The ambient request's id (outside the hash): the publisher puts it on the bus event.
    correlationId: correlationId(),
  });
}

/** A generation as read by LedgerStore.readGeneration: its items, and each one's chain as stored. */
export interface GenerationSnapshot {
  readonly items: readonly Item[];
  readonly chains: ReadonlyMap<string, readonly ChainRecord[]>;
}

/** The names of a change transaction's writes (LedgerStore.changeWrites). */
const ITEM = 'item';
const INSPECTION = 'inspection';
const RECORD = 'chain-record';
const EVIDENCE = 'evidence';

/**
 * DynamoDB refuses a write to an item an ongoing transaction holds (TransactionConflict; the SDK
 * does not retry it). The inspection record is in every item change's transaction, so the
 * replace's lease and flip may meet one: they are tried again after a short, jittered pause.
 */
async function retryTransactionConflicts<T>(write: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!isTransactionConflict(error) || attempt >= attempts) throw error;
      await sleep(Math.random() * 20 * 2 ** attempt);
    }
  }
}

export interface ItemWithInspection {
  readonly item: Item;
  readonly inspection: Inspection;
}

/** Reads and writes the ledger in the single table; the only module that knows its layout. */
export class LedgerStore extends TableStore {
  /**
   * The last inspection read in this environment, by id, for deciding changes without reading it
   * again: each change's ConditionCheck requires its importId and settingsRev to be unchanged.
   */
  private readonly changeCache = new Map<string, Inspection>();
  /** The settingsRev an inspection object was read with (null: the record had none). */
  private readonly settingsRevs = new WeakMap<Inspection, string | null>();

  /** Decodes an inspection record, remembering what a change decided on it must find unchanged. */
  private inspectionFrom(record: StoredRecord): Inspection {
    const { value, beside } = inspectionRecords.read(record);
    this.settingsRevs.set(value, beside.settingsRev ?? null);
    this.changeCache.set(value.inspectionId, value);
    return value;
  }

  /**
   * The item and its inspection for deciding a change: the item read consistently, the
   * inspection from this environment's cache when there is one (the commit's ConditionCheck
   * refuses a stale one with InspectionChanged), else as getItem reads them.
   */
  async getItemToChange(inspectionId: string, ref: string): Promise<ItemWithInspection | undefined> {
    const cached = this.changeCache.get(inspectionId);
    if (cached) {
      const { Item } = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: keys.item(inspectionId, cached.importId, ref),
          ConsistentRead: true,
          ...ITEM_PROJECTION,
        }),
      );
      if (Item) return { item: itemRecords.decode(Item), inspection: cached };
    }
    return this.getItem(inspectionId, ref);
  }

  /** Sets an inspection's follow-up periods; undefined when there is no such inspection. */
  setFollowUp(inspectionId: string, followUp: FollowUpSettings): Promise<Inspection | undefined> {
    return this.setSetting(inspectionId, 'followUp', followUp);
  }

  /** Sets an inspection's weekly summary slot; undefined when there is no such inspection. */
  setSummarySchedule(inspectionId: string, schedule: SummarySchedule): Promise<Inspection | undefined> {
    return this.setSetting(inspectionId, 'summarySchedule', schedule);
  }

  /** An admin's setting of an inspection (kept across re-imports by the import). */
  private async setSetting<K extends 'followUp' | 'summarySchedule'>(
    inspectionId: string,
    name: K,
    value: Inspection[K],
  ): Promise<Inspection | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.inspection(inspectionId),
          UpdateExpression: 'SET #setting = :value, settingsRev = :rev',
          // Not under a replace's lease: its flip rewrites the record with the settings it read.
          ConditionExpression: `attribute_exists(PK) AND ${NO_LIVE_LEASE}`,
          ExpressionAttributeNames: { '#setting': name, '#until': 'until' },
          ExpressionAttributeValues: {
            ':value': value,
            ':rev': randomUUID(),
            ':now': new Date().toISOString(),
          },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return Attributes ? this.inspectionFrom(Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        if (error.Item) {
          throw beingRevised(inspectionId);
        }
        return undefined;
      }
      throw error;
    }
  }

  async getInspection(inspectionId: string): Promise<Inspection | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.inspection(inspectionId), ConsistentRead: true }),
    );
    return Item ? this.inspectionFrom(Item) : undefined;
  }

  /** The inspection, or NotFound (404) when there is none. */
  async requireInspection(inspectionId: string): Promise<Inspection> {
    const inspection = await this.getInspection(inspectionId);
    if (!inspection) throw new NotFound('inspection', inspectionId);
    return inspection;
  }

  /** Every page of a query. */
  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<StoredRecord[]> {
    return (await queryAll(this.client, { ...input, TableName: this.tableName })) as StoredRecord[];
  }

  /** All inspections, newest feedback date first. */
  async listInspections(): Promise<Inspection[]> {
    const records = await this.queryAll({
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': 'INSPECTIONS' },
      ScanIndexForward: false,
    });
    return records.map(inspectionRecords.decode);
  }

  /**
   * Puts a generation's items, the chain records carried over from the one it replaces, and its
   * new chain records under the generation's import id, where no reader looks until the flip.
   */
  private async writeGeneration(
    ledger: { inspection: Inspection; items: readonly Item[]; events: readonly ItemEvent[] },
    carried: readonly StoredRecord[],
  ): Promise<void> {
    const { importId } = ledger.inspection;
    const items = new Map(ledger.items.map((item) => [item.itemId, item]));
    const records = [
      ...ledger.items.map((item) => itemRecord(item, importId)),
      ...carried,
      ...ledger.events.map((event) => {
        const item = items.get(event.itemId);
        if (!item) throw new Error(`chain record ${event.eventId} names an item not in the generation`);
        return eventRecord(event, importId, item);
      }),
    ];
    await batchPut(this.client, this.tableName, records, { concurrency: 4 });
  }

  /**
   * Writes an import generation and then makes it the visible one. Items and their first chain
   * records go under a fresh import id that no reader looks at; the last write moves the
   * inspection's pointer to it, conditioned on the pointer being where the caller saw it (absent
   * for a first import), together with the PlanImported record of the inspection's chain (the
   * plan's outcomes). A lost race or a failure midway leaves only unreachable records.
   */
  async importLedger(
    ledger: { inspection: Inspection; items: readonly Item[]; events: readonly ItemEvent[] },
    previousImportId: string | undefined,
    planImported: (head: Linked | undefined) => InspectionEvent,
  ): Promise<void> {
    const { inspection } = ledger;
    await this.writeGeneration(ledger, []);
    // The pointer moves in one transaction with the inspection chain's PlanImported record.
    const visible: Write = {
      name: INSPECTION,
      item: {
        Put: {
          TableName: this.tableName,
          Item: inspectionRecords.encode(inspection),
          ...(previousImportId
            ? {
                ConditionExpression: 'importId = :previous',
                ExpressionAttributeValues: { ':previous': previousImportId },
              }
            : { ConditionExpression: 'attribute_not_exists(PK)' }),
        },
      },
      refused: () =>
        new Conflict(`inspection ${inspection.inspectionId} was imported by someone else meanwhile`),
    };
    await new InspectionChainStore(this.client, this.tableName).append(inspection.inspectionId, (head) => ({
      event: planImported(head),
      with: [visible],
    }));
    this.changeCache.delete(inspection.inspectionId);
  }

  /**
   * Takes the replace's lease on an inspection: only while it still shows `previousImportId` and
   * no other replace holds a live lease. While the lease is live every change of an item is
   * refused (changeTransaction), so the generation the replace reads and copies cannot change
   * under it; the flip (replaceLedger) clears it, endRevision gives it back on failure, and an
   * expired lease (a crashed replace) lets writers and the next replace proceed.
   */
  async beginRevision(
    inspectionId: string,
    previousImportId: string,
    importId: string,
    now = new Date(),
  ): Promise<{ importId: string; until: string }> {
    const lease = { importId, until: new Date(now.getTime() + REVISION_LEASE_MS).toISOString() };
    try {
      await retryTransactionConflicts(() =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.inspection(inspectionId),
            UpdateExpression: 'SET revising = :lease',
            ConditionExpression: `importId = :previous AND ${NO_LIVE_LEASE}`,
            ExpressionAttributeNames: { '#until': 'until' },
            ExpressionAttributeValues: {
              ':lease': lease,
              ':previous': previousImportId,
              ':now': now.toISOString(),
            },
          }),
        ),
      );
      return lease;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new Conflict(
          `inspection ${inspectionId} is being replaced or was imported by someone else meanwhile; reload and retry`,
        );
      }
      throw error;
    }
  }

  /** Gives a replace's lease back (a refused or failed replace); a lease no longer ours is left alone. */
  async endRevision(inspectionId: string, importId: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.inspection(inspectionId),
          UpdateExpression: 'REMOVE revising',
          ConditionExpression: 'revising.importId = :mine',
          ExpressionAttributeValues: { ':mine': importId },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /**
   * The visible generation as a replace carries it over, read under its lease: every item and
   * its whole chain. Each chain must end where its item says (seq = version, hash = chainHead),
   * so that nothing is carried that does not verify; a read that caught a change half-applied
   * (which DynamoDB's isolation rules out, but an emulator's queries may show) is read again.
   */
  async readGeneration(inspection: Inspection, attempts = 4): Promise<GenerationSnapshot> {
    for (let attempt = 1; ; attempt++) {
      const items = await this.listItems(inspection, { consistent: true });
      // Every record of every chain by key (seq 1 … version): a hundred keys a call, where a
      // Query per chain would cost a round trip per item.
      const wanted = items.flatMap((item) =>
        Array.from({ length: item.version }, (_, index) =>
          keys.chainEvent(inspection.importId, item.ref, index + 1),
        ),
      );
      const records = await batchGet(this.client, this.tableName, wanted, { concurrency: COPY_PARALLEL });
      const chains = new Map<string, ChainRecord[]>();
      for (const record of records.map(chainRecords.read)) {
        const chain = chains.get(record.beside.ref);
        if (chain) chain.push(record);
        else chains.set(record.beside.ref, [record]);
      }
      for (const chain of chains.values()) chain.sort((a, b) => a.value.seq - b.value.seq);
      const torn = items.filter((item) => {
        const chain = chains.get(item.ref) ?? [];
        const last = chain.at(-1)?.value;
        return chain.length !== item.version || last?.seq !== item.version || last.hash !== item.chainHead;
      });
      if (torn.length === 0) return { items, chains };
      if (attempt >= attempts) {
        throw new Conflict(
          `the items of inspection ${inspection.inspectionId} kept changing while being read (${torn[0]?.itemId}); retry`,
        );
      }
      await sleep(50 * attempt);
    }
  }

  /**
   * Writes a replace's generation and makes it the visible one, under the lease taken by
   * beginRevision. Under the new import id go: every item (kept, revised, withdrawn, new), a
   * copy of every carried item's whole chain (the hashes do not cover the import id, so the
   * copies verify as they are; `copiedFrom` keeps the publisher from announcing them again), and
   * the replace's own records. The earlier generation is left as it was, readable by its id.
   * The flip is the same conditional write as an import's, and also needs our lease to be live:
   * a lease that expired meanwhile may have let a write into the old generation after the copy.
   */
  async replaceLedger(
    ledger: { inspection: Inspection; items: readonly Item[]; events: readonly ItemEvent[] },
    previous: Inspection,
    carried: GenerationSnapshot,
    planImported: (head: Linked | undefined) => InspectionEvent,
  ): Promise<void> {
    const { inspection } = ledger;
    const importId = inspection.importId;
    const copies = [...carried.chains.values()].flat().map(({ value, beside }) =>
      chainRecords.encode(value, {
        ...beside,
        importId,
        // The generation it was first written in (a copy of a copy keeps the original's).
        copiedFrom: beside.copiedFrom ?? previous.importId,
      }),
    );
    await this.writeGeneration(ledger, copies);
    const visible: Write = {
      name: INSPECTION,
      item: {
        Put: {
          TableName: this.tableName,
          // The whole record is replaced: the lease goes with the old one.
          Item: inspectionRecords.encode(inspection),
          ConditionExpression:
            'importId = :previous AND revising.importId = :mine AND revising.#until > :deadline',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: {
            ':previous': previous.importId,
            ':mine': importId,
            // The clock at the flip, not at the request: the copy may have taken a while.
            ':deadline': new Date(Date.now() + LEASE_MARGIN_MS).toISOString(),
          },
        },
      },
      refused: () =>
        new Conflict(
          `inspection ${inspection.inspectionId} was imported by someone else, or the replace outlived its lease; nothing changed, retry`,
        ),
    };
    await retryTransactionConflicts(() =>
      new InspectionChainStore(this.client, this.tableName).append(inspection.inspectionId, (head) => ({
        event: planImported(head),
        with: [visible],
      })),
    );
    this.changeCache.delete(inspection.inspectionId);
  }

  /** An item of the visible import generation, with its inspection. */
  async getItem(inspectionId: string, ref: string): Promise<ItemWithInspection | undefined> {
    // An item's key holds its generation's import id, which only the inspection knows. With the
    // inspection this environment read last, the item and that inspection's version (importId and
    // settingsRev, which every change of what a view or decision uses moves) are read together in
    // one transactional read; the big inspection record is read again only when it moved.
    const cached = this.changeCache.get(inspectionId);
    if (cached) {
      // One TransactGetItems: a single round trip, and a snapshot of the two.
      const { Responses } = await this.client.send(
        new TransactGetCommand({
          TransactItems: [
            {
              Get: {
                TableName: this.tableName,
                Key: keys.item(inspectionId, cached.importId, ref),
                ...ITEM_PROJECTION,
              },
            },
            {
              Get: {
                TableName: this.tableName,
                Key: keys.inspection(inspectionId),
                ProjectionExpression: 'importId, settingsRev',
              },
            },
          ],
        }),
      );
      const [found, version] = [Responses?.[0]?.Item, Responses?.[1]?.Item];
      if (!version) return undefined;
      const unchanged =
        version.importId === cached.importId &&
        (version.settingsRev ?? null) === (this.settingsRevs.get(cached) ?? null);
      if (unchanged) return found ? { item: itemRecords.decode(found), inspection: cached } : undefined;
    }
    const inspection = await this.getInspection(inspectionId);
    if (!inspection) return undefined;
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.item(inspectionId, inspection.importId, ref),
        ConsistentRead: true,
        ...ITEM_PROJECTION,
      }),
    );
    return Item ? { item: itemRecords.decode(Item), inspection } : undefined;
  }

  /**
   * The items of an inspection's visible generation. With `department`, reads only that
   * department's items through GSI1 instead of the whole ledger.
   */
  async listItems(
    inspection: Pick<Inspection, 'inspectionId' | 'importId'>,
    options: { department?: string; consistent?: boolean } = {},
  ): Promise<Item[]> {
    const records = options.department
      ? await this.queryAll({
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :prefix)',
          ExpressionAttributeValues: {
            ':pk': `DEPT#${options.department}`,
            ':prefix': `${inspection.inspectionId}#${inspection.importId}#`,
          },
        })
      : await this.queryAll({
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: {
            ':pk': keys.ledgerPartition(inspection.inspectionId, inspection.importId),
            ':prefix': ITEM_SK_PREFIX,
          },
          ...(options.consistent ? { ConsistentRead: true } : {}),
        });
    return records.map(itemRecords.decode);
  }

  /** An item's whole chain, oldest first. */
  async history(inspection: Inspection, ref: string): Promise<ItemEvent[]> {
    const records = await this.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.chainPartition(inspection.importId, ref),
        ':prefix': SEQ_SK_PREFIX,
      },
      ConsistentRead: true,
    });
    return records.map(chainRecords.decode);
  }

  /**
   * Writes a change of an item and its chain records in ONE transaction: the item only if it is
   * still at the version the change was decided on, each record only if its seq is new, and only
   * while the inspection still shows this import generation and no replace holds its lease (see
   * beginRevision). All land or none does. A withdrawn item takes no change at all.
   * (Exposed so the benchmark's floor sends exactly this transaction.)
   */
  changeTransaction(
    inspection: Inspection,
    before: Item,
    after: Item,
    events: ItemEvent | readonly ItemEvent[],
    now = new Date(),
  ): { TransactItems: TransactItem[] } {
    return {
      TransactItems: this.changeWrites(inspection, before, after, events, now).map(({ item }) => item),
    };
  }

  /** The writes of changeTransaction, named for sendChange. */
  private changeWrites(
    inspection: Inspection,
    before: Item,
    after: Item,
    events: ItemEvent | readonly ItemEvent[],
    now = new Date(),
  ): Write[] {
    refuseWithdrawn(before);
    return [
      {
        name: ITEM,
        item: {
          Put: {
            TableName: this.tableName,
            Item: itemRecord(after, inspection.importId),
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': before.version },
          },
        },
      },
      {
        name: INSPECTION,
        item: {
          ConditionCheck: {
            TableName: this.tableName,
            Key: keys.inspection(inspection.inspectionId),
            ...this.unchangedInspection(inspection, now),
          },
        },
      },
      ...[events].flat().map((event) => ({
        name: RECORD,
        item: {
          Put: {
            TableName: this.tableName,
            Item: eventRecord(event, inspection.importId, after),
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      })),
    ];
  }

  /**
   * The condition a change's inspection must still meet: the same generation, no live lease, and
   * (when the store read this inspection object) the same settings as when it was read.
   */
  private unchangedInspection(inspection: Inspection, now: Date) {
    const rev = this.settingsRevs.get(inspection);
    const settings =
      rev === undefined
        ? ''
        : rev === null
          ? ' AND attribute_not_exists(settingsRev)'
          : ' AND settingsRev = :rev';
    return {
      ConditionExpression: `importId = :importId AND ${NO_LIVE_LEASE}${settings}`,
      ExpressionAttributeNames: { '#until': 'until' },
      ExpressionAttributeValues: {
        ':importId': inspection.importId,
        ':now': now.toISOString(),
        ...(typeof rev === 'string' ? { ':rev': rev } : {}),
      },
    };
  }

  /**
   * Commits a change of an evidence file with its item (as commitChange does) in one
   * transaction, the evidence only while it is still in the state the change was decided on:
   * a duplicate notification or a second withdrawal can never count a file twice. `alongside`
   * as for commitChange (a withdrawal's idempotency key).
   */
  async commitEvidenceChange(
    inspection: Inspection,
    before: Item,
    after: Item,
    event: ItemEvent,
    evidence: Evidence,
    expectedState: EvidenceState,
    alongside: readonly Write[] = [],
  ): Promise<void> {
    const evidencePut: Write = {
      name: EVIDENCE,
      item: {
        Put: {
          TableName: this.tableName,
          Item: evidenceRecords.encode(evidence),
          ConditionExpression: '#state = :expected',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':expected': expectedState },
        },
      },
    };
    await this.sendChange(
      [...this.changeWrites(inspection, before, after, event), evidencePut, ...alongside],
      inspection,
      before,
      after,
    );
  }

  /**
   * Commits a change: the item's new state, its chain records, and the inspection unchanged since
   * it was read. `alongside` are writes other stores hand in to commit with it (a request's
   * idempotency key); when one of those is refused, its own meaning is what is thrown.
   */
  async commitChange(
    inspection: Inspection,
    before: Item,
    after: Item,
    events: ItemEvent | readonly ItemEvent[],
    alongside: readonly Write[] = [],
  ): Promise<void> {
    await this.sendChange(
      [...this.changeWrites(inspection, before, after, events), ...alongside],
      inspection,
      before,
      after,
    );
  }

  /** Sends a change transaction and turns its refusals into the domain's errors. */
  private async sendChange(
    writes: readonly Write[],
    inspection: Inspection,
    before: Item,
    after: Item,
  ): Promise<void> {
    try {
      await transact(this.client, writes);
    } catch (error) {
      if (!(error instanceof TransactionRefused)) throw error;
      // A handed-in write says first: a used idempotency key means the change is already done.
      const meaning = await error.meaning();
      if (meaning !== error) throw meaning;
      if (error.failed.has(INSPECTION)) {
        const { Item: current } = await this.client.send(
          new GetCommand({
            TableName: this.tableName,
            Key: keys.inspection(inspection.inspectionId),
            ConsistentRead: true,
          }),
        );
        const read = current ? inspectionRecords.read(current) : undefined;
        this.changeCache.delete(inspection.inspectionId);
        if (read?.value.importId === inspection.importId && read.beside.revising) {
          throw beingRevised(inspection.inspectionId);
        }
        // Re-imported, or only its settings moved since the inspection was read (a cached one
        // may be minutes old): changeItem decides once more on a fresh read.
        if (read) throw new InspectionChanged(inspection.inspectionId);
        throw new NotFound('inspection', inspection.inspectionId);
      }
      if (error.failed.has(ITEM) || error.failed.has(RECORD)) {
        const current = await this.getItem(inspection.inspectionId, after.ref);
        throw new StaleVersion(
          `item ${after.itemId}`,
          before.version,
          current?.item.version ?? before.version,
        );
      }
      if (error.failed.has(EVIDENCE)) throw new Conflict('the evidence was decided meanwhile');
      throw error;
    }
  }
}

let shared: LedgerStore | undefined;

/** The execution environment's store, created on first use (so importing a handler needs no env). */
export function ledgerStore(): LedgerStore {
  shared ??= new LedgerStore(documentClient, requiredEnv(tables.ledger.envVar));
  return shared;
}
