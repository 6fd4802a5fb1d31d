import type { PutEventsRequestEntry, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { type InspectionEvent, nextInspectionEvent } from '#shared/domain/inspection-events.ts';
import type { ActorRef } from '#shared/domain/item.ts';
import { decideTransition } from '#shared/domain/transitions.ts';
import { publishStreamRecords } from '#shared/services/publisher.ts';
import { anItem, principals } from '../support/items.ts';

/**
 * The publisher's batching and retry rules, with PutEvents replaced by a function that refuses
 * entries on purpose: the emulator cannot be told to fail some entries of a call. (The whole
 * path, with the emulator, is in test/integration/events-reliability.test.ts.)
 */
let sequence = 1000;
function chainInsert(ref: string): DynamoDBRecord {
  const item = anItem({ itemId: `insp-2024.${ref}`, ref });
  const { event } = decideTransition(item, { to: 'in_progress', expectedVersion: 1 }, principals.admin, {
    eventId: crypto.randomUUID(),
    at: '2024-06-20T08:00:00.000Z',
  });
  const stored = {
    ...event,
    PK: `CHAIN#i#${ref}`,
    SK: 'SEQ#2',
    entity: 'ChainEvent',
    importId: 'i',
    ref,
    title: item.title,
    department: item.responsibleDept,
    leader: item.responsibleLeader,
  };
  return {
    eventName: 'INSERT',
    dynamodb: {
      SequenceNumber: String(++sequence),
      NewImage: marshall(stored, { removeUndefinedValues: true }) as never,
    },
  };
}
const itemUpdate = (): DynamoDBRecord => ({
  eventName: 'MODIFY',
  dynamodb: {
    SequenceNumber: String(++sequence),
    NewImage: marshall({ PK: 'LEDGER#x', SK: 'ITEM#1', entity: 'Item' }) as never,
  },
});

/** A PutEvents that records its calls and refuses the entries `refuse` picks. */
function bus(refuse: (entry: PutEventsRequestEntry, call: number) => boolean) {
  const calls: PutEventsRequestEntry[][] = [];
  const putEvents = async (entries: PutEventsRequestEntry[]): Promise<PutEventsResultEntry[]> => {
    calls.push(entries);
    return entries.map((entry) =>
      refuse(entry, calls.length)
        ? { ErrorCode: 'InternalFailure', ErrorMessage: 'refused' }
        : { EventId: 'ok' },
    );
  };
  return { calls, putEvents };
}
const noWait = async () => {};

describe('the stream publisher', () => {
  it('publishes only inserted chain records, ten entries per call, with the contract’s detail-type', async () => {
    const records = [...Array.from({ length: 23 }, (_, i) => chainInsert(`1.1.${i + 1}`)), itemUpdate()];
    const { calls, putEvents } = bus(() => false);
    const result = await publishStreamRecords(records, { busName: 'b', putEvents, sleep: noWait });
    expect(result.batchItemFailures).toEqual([]);
    expect(calls.map((call) => call.length)).toEqual([10, 10, 3]);
    expect(
      new Set(calls.flat().map((entry) => `${entry.Source} ${entry.DetailType} ${entry.EventBusName}`)),
    ).toEqual(new Set(['rectify ItemStatusChanged b']));
  });

  it('sends refused entries again, and only those', async () => {
    const records = Array.from({ length: 5 }, (_, i) => chainInsert(`2.1.${i + 1}`));
    const { calls, putEvents } = bus(
      (entry, call) => call === 1 && entry.Detail?.includes('"ref":"2.1.3"') === true,
    );
    const result = await publishStreamRecords(records, { busName: 'b', putEvents, sleep: noWait });
    expect(result.batchItemFailures).toEqual([]);
    expect(calls.map((call) => call.length)).toEqual([5, 1]);
    expect(calls[1]?.[0]?.Detail).toContain('"ref":"2.1.3"');
  });

  it('reports the records whose events still fail after every attempt, so that the stream retries from them', async () => {
    const records = Array.from({ length: 4 }, (_, i) => chainInsert(`3.1.${i + 1}`));
    const { calls, putEvents } = bus((entry) => entry.Detail?.includes('"ref":"3.1.2"') === true);
    const result = await publishStreamRecords(records, {
      busName: 'b',
      putEvents,
      attempts: 3,
      sleep: noWait,
    });
    expect(calls).toHaveLength(3);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: records[1]?.dynamodb?.SequenceNumber }]);
  });

  it('counts a failed call as a refusal of all its entries', async () => {
    const records = [chainInsert('4.1.1'), chainInsert('4.1.2')];
    let calls = 0;
    const result = await publishStreamRecords(records, {
      busName: 'b',
      putEvents: async (entries) => {
        calls += 1;
        if (calls === 1) throw new Error('connection reset');
        return entries.map(() => ({ EventId: 'ok' }));
      },
      sleep: noWait,
    });
    expect({ calls, failures: result.batchItemFailures }).toEqual({ calls: 2, failures: [] });
  });

  it('reports a chain record that does not fit its contract instead of dropping it', async () => {
    const broken = chainInsert('5.1.1');
    const image = broken.dynamodb?.NewImage as Record<string, { M?: Record<string, { S?: string }> }>;
    if (image.data?.M) image.data.M.to = { S: 'done' };
    const { calls, putEvents } = bus(() => false);
    const result = await publishStreamRecords([broken, chainInsert('5.1.2')], {
      busName: 'b',
      putEvents,
      sleep: noWait,
    });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: broken.dynamodb?.SequenceNumber }]);
    expect(calls.flat()).toHaveLength(1);
  });
});

describe('records of an inspection’s own chain', () => {
  const record = (
    type: InspectionEvent['type'],
    actor: ActorRef,
    data: Record<string, unknown>,
  ): DynamoDBRecord => {
    const event = nextInspectionEvent(undefined, {
      eventId: crypto.randomUUID(),
      inspectionId: 'insp-2024',
      type,
      at: '2024-11-04T01:00:00.000Z',
      actor,
      data,
    });
    return {
      eventName: 'INSERT',
      dynamodb: {
        SequenceNumber: String(++sequence),
        NewImage: marshall({
          ...event,
          PK: 'INSPCHAIN#insp-2024',
          SK: 'SEQ#00000001',
          entity: 'InspectionEvent',
        }) as never,
      },
    };
  };
  const summary = {
    summaryId: 's-0123456789abcdef0123',
    asOf: '2024-11-04T01:00:00.000Z',
    lang: 'zh-CN',
    files: [{ name: 'summary.json', sha256: 'a'.repeat(64), size: 10 }],
  };

  it('publishes a summary as SummaryGenerated, without a system actor, and keeps outcomes in the trail', async () => {
    const { calls, putEvents } = bus(() => false);
    const scheduled = record(
      'SummaryGenerated',
      { subject: 'system:summary-schedule', name: '定期报送', roles: [] },
      summary,
    );
    const asked = record('SummaryGenerated', principals.admin, summary);
    const outcome = record('OutcomeRecorded', principals.admin, {
      kind: 'criticism',
      count: 1,
      date: '2024-10-01',
    });
    const response = await publishStreamRecords([scheduled, outcome, asked], { busName: 'b', putEvents });
    expect(response.batchItemFailures).toEqual([]);
    const published = (calls[0] ?? []).map((entry) => ({
      type: entry.DetailType,
      detail: JSON.parse(entry.Detail ?? '{}'),
    }));
    expect(published.map((entry) => entry.type)).toEqual(['SummaryGenerated', 'SummaryGenerated']);
    expect(published[0]?.detail.actor).toBeUndefined();
    expect(published[1]?.detail.actor).toMatchObject({ subject: principals.admin.subject });
    expect(published[0]?.detail.data).toEqual(summary);
  });

  it('reports a summary record that breaks its contract as a failure to retry, not an event to drop', async () => {
    const { calls, putEvents } = bus(() => false);
    const broken = record('SummaryGenerated', principals.admin, { ...summary, lang: 'fr' });
    const response = await publishStreamRecords([broken], { busName: 'b', putEvents });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: broken.dynamodb?.SequenceNumber }]);
    expect(calls).toEqual([]);
  });
});
