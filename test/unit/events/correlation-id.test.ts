import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ContractViolation, DETAIL_TYPES, parseEvent } from '#events/contracts.ts';
import { schemaFileName } from '#events/json-schemas.ts';
import { samples } from '#events/samples.ts';
import { linkHash } from '#shared/domain/chain.ts';
import { nextInspectionEvent } from '#shared/domain/inspection-events.ts';
import { decideTransition } from '#shared/domain/transitions.ts';
import { publishStreamRecords } from '#shared/services/publisher.ts';
import { chainRecords, inspectionChainRecords } from '#shared/store/chain-records.ts';
import { anItem, principals } from '../../support/items.ts';

/**
 * The optional `correlationId` of every detail: the id of the work that caused the event, carried
 * from beside the chain record (outside its hash) to the bus.
 */
const SCHEMAS_DIR = path.resolve(import.meta.dirname, '../../../events/schemas');
const committed = (detailType: string) =>
  z.fromJSONSchema(
    JSON.parse(readFileSync(path.join(SCHEMAS_DIR, schemaFileName(detailType as never)), 'utf8')),
  );

describe.each(DETAIL_TYPES)('%s', (detailType) => {
  const sample = samples[detailType];

  it.each(['JAsZaiNkIAMEJGw=', 'c0ffee00-1234-4abc-8def-0123456789ab', 'it-1:job/2+x'])(
    'accepts the correlation id %s, and so does its JSON Schema',
    (id) => {
      const detail = { ...sample.detail, correlationId: id };
      expect(parseEvent(detailType, detail)).toStrictEqual(detail);
      expect(committed(detailType).safeParse({ ...sample, detail }).success).toBe(true);
    },
  );

  it.each(['', 'has space', 'x'.repeat(65), '-leading', 'line\nbreak', 42])(
    'refuses the correlation id %j, naming it, and so does its JSON Schema',
    (id) => {
      const detail = { ...sample.detail, correlationId: id };
      expect(() => parseEvent(detailType, detail)).toThrow(ContractViolation);
      try {
        parseEvent(detailType, detail);
      } catch (error) {
        expect((error as ContractViolation).issues.map((issue) => issue.path)).toEqual(['correlationId']);
      }
      expect(committed(detailType).safeParse({ ...sample, detail }).success).toBe(false);
    },
  );
});

/** A stream INSERT of a record as the store writes it. */
const insert = (image: Record<string, unknown>, sequenceNumber: string): DynamoDBRecord => ({
  eventName: 'INSERT',
  dynamodb: {
    SequenceNumber: sequenceNumber,
    NewImage: marshall(image, { removeUndefinedValues: true }) as never,
  },
});

async function publish(records: DynamoDBRecord[]) {
  const entries: PutEventsRequestEntry[] = [];
  const response = await publishStreamRecords(records, {
    busName: 'b',
    putEvents: async (call) => {
      entries.push(...call);
      return call.map(() => ({ EventId: 'ok' }));
    },
  });
  expect(response.batchItemFailures).toEqual([]);
  return entries.map((entry) => JSON.parse(entry.Detail ?? '{}'));
}

describe('the publisher', () => {
  const item = anItem();
  const { event } = decideTransition(item, { to: 'in_progress', expectedVersion: 1 }, principals.admin, {
    eventId: crypto.randomUUID(),
    at: '2024-06-21T08:00:00.000Z',
  });
  const beside = {
    importId: 'i',
    ref: item.ref,
    title: item.title,
    department: item.responsibleDept,
  };

  it('puts the id kept beside a chain record on its event, and leaves the hashed event as it was', async () => {
    const [withId, withoutId] = await publish([
      insert(chainRecords.encode(event, { ...beside, correlationId: 'req-1' }), '1'),
      insert(chainRecords.encode(event, beside), '2'),
    ]);
    expect(withId).toMatchObject({ correlationId: 'req-1', hash: event.hash });
    expect(withoutId).not.toHaveProperty('correlationId');
    // The id is not part of the sealed event: the record's hash still covers exactly the event.
    const stored = chainRecords.read(chainRecords.encode(event, { ...beside, correlationId: 'req-1' }));
    expect(stored.value).toStrictEqual(event);
    expect(stored.beside.correlationId).toBe('req-1');
    const { hash, ...unsealed } = stored.value;
    expect(linkHash(unsealed)).toBe(hash);
  });

  it('does the same for an inspection’s own chain', async () => {
    const summaryEvent = nextInspectionEvent(undefined, {
      eventId: crypto.randomUUID(),
      inspectionId: 'insp-2024',
      type: 'SummaryGenerated',
      at: '2024-11-04T01:00:00.000Z',
      actor: principals.admin,
      data: {
        summaryId: 's-0123456789abcdef0123',
        asOf: '2024-11-04T01:00:00.000Z',
        lang: 'zh-CN',
        files: [{ name: 'summary.json', sha256: 'a'.repeat(64), size: 10 }],
      },
    });
    const [detail] = await publish([
      insert(inspectionChainRecords.encode(summaryEvent, { correlationId: 'job-7' }), '3'),
    ]);
    expect(detail).toMatchObject({ correlationId: 'job-7', eventId: summaryEvent.eventId });
  });
});
