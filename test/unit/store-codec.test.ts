import { describe, expect, it } from 'vitest';
import { decideTransition } from '#shared/domain/transitions.ts';
import { chainRecords, inspectionChainRecords } from '#shared/store/chain-records.ts';
import { codec } from '#shared/store/codec.ts';
import { keys } from '#shared/store/keys.ts';
import { anItem, principals } from '../support/items.ts';

const item = anItem({ status: 'not_started' });
const { event } = decideTransition(
  item,
  { to: 'in_progress', expectedVersion: item.version },
  principals.admin,
  {
    eventId: crypto.randomUUID(),
    at: '2024-06-20T08:00:00.000Z',
  },
);
const placement = {
  importId: 'imp-1',
  ref: item.ref,
  title: item.title,
  department: item.responsibleDept,
  correlationId: 'req-1',
};

describe('codec', () => {
  it('writes a chain record with its keys, its kind and what is kept beside the event', () => {
    expect(chainRecords.encode(event, placement)).toStrictEqual({
      ...event,
      ...placement,
      ...keys.chainEvent('imp-1', item.ref, event.seq),
      entity: 'ChainEvent',
    });
  });

  it('reads back exactly the sealed event, and apart from it what was kept beside it', () => {
    const stored = chainRecords.encode(event, placement);
    expect(chainRecords.decode(stored)).toStrictEqual(event);
    expect(chainRecords.read(stored)).toStrictEqual({ value: event, beside: placement });
  });

  it('writes no attribute for what is absent beside the value', () => {
    const stored = chainRecords.encode(event, { ...placement, leader: undefined, correlationId: undefined });
    expect(stored).not.toHaveProperty('leader');
    expect(stored).not.toHaveProperty('correlationId');
    expect(chainRecords.read(stored).beside).toStrictEqual({
      importId: 'imp-1',
      ref: item.ref,
      title: item.title,
      department: item.responsibleDept,
    });
  });

  it('refuses a record of another kind instead of reading it as this one', () => {
    const stored = chainRecords.encode(event, placement);
    expect(chainRecords.holds(stored)).toBe(true);
    expect(inspectionChainRecords.holds(stored)).toBe(false);
    expect(() => inspectionChainRecords.decode(stored)).toThrow(
      'a record of kind ChainEvent was read as InspectionEvent',
    );
  });

  it('leaves every index attribute out of the value, sparse ones included', () => {
    const things = codec<{ id: string; open: boolean }>({
      entity: 'Thing',
      keys: ({ id, open }) => ({
        PK: `THING#${id}`,
        SK: 'META',
        GSI1PK: 'THINGS',
        GSI1SK: id,
        ...(open ? { GSI2PK: 'OPEN', GSI2SK: id } : {}),
      }),
    });
    const open = { id: 't-1', open: true };
    const stored = things.encode(open);
    expect(stored).toMatchObject({ GSI2PK: 'OPEN', GSI2SK: 't-1', entity: 'Thing' });
    expect(things.read(stored)).toStrictEqual({ value: open, beside: {} });
  });
});
