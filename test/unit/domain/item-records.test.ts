import { describe, expect, it } from 'vitest';
import { itemIdOf, parseItemId, recordEvent, signableState } from '#shared/domain/item.ts';
import { anItem } from '../../support/items.ts';

describe('item ids', () => {
  it('joins the inspection id and the ref with a dot, and splits them back', () => {
    expect(itemIdOf('insp-2024', '1.2.3')).toBe('insp-2024.1.2.3');
    expect(parseItemId(itemIdOf('insp-2024', '1.2.3'))).toEqual({ inspectionId: 'insp-2024', ref: '1.2.3' });
  });

  it.each([
    ['four-digit numbers', 'insp-2024.9999.1000.12', { inspectionId: 'insp-2024', ref: '9999.1000.12' }],
    ['anything before the inspection id', 'x/insp-2024.1.1.1', undefined],
    ['anything after the ref', 'insp-2024.1.1.1x', undefined],
    ['a fourth number', 'insp-2024.1.1.1.1', undefined],
    ['a number of five digits', 'insp-2024.1.10000.1', undefined],
    ['a letter in the first number', 'insp-2024.1a.1.1', undefined],
    ['a letter in the second number', 'insp-2024.1.2b.1', undefined],
    ['a letter in the third number', 'insp-2024.1.1.3c', undefined],
    ['an inspection id with capitals', 'Insp-2024.1.1.1', undefined],
    ['an inspection id of two characters', 'ab.1.1.1', undefined],
  ])('%s', (_case, itemId, parsed) => {
    expect(parseItemId(itemId)).toEqual(parsed);
  });
});

describe('signableState', () => {
  it('is the item without its bookkeeping time and its sign-off', () => {
    const item = anItem({ signOff: { meaning: 'x' } as never });
    const state = signableState(item);
    expect(state).not.toHaveProperty('updatedAt');
    expect(state).not.toHaveProperty('signOff');
    expect(state).toMatchObject({ itemId: item.itemId, status: item.status, version: item.version });
  });
});

describe('recordEvent', () => {
  it('seals the record after the item’s head and moves the item to it', () => {
    const item = anItem({ version: 4, chainHead: 'c'.repeat(64) });
    const actor = { subject: 's', name: 'n', roles: ['admin'] };
    const { item: next, event } = recordEvent(
      item,
      'PlanRevised',
      actor,
      { a: 1 },
      { title: '新标题' },
      {
        eventId: 'e-9',
        at: '2024-07-01T00:00:00.000Z',
      },
    );
    expect(event).toEqual({
      eventId: 'e-9',
      itemId: item.itemId,
      inspectionId: item.inspectionId,
      type: 'PlanRevised',
      at: '2024-07-01T00:00:00.000Z',
      actor,
      data: { a: 1 },
      seq: 5,
      prevHash: 'c'.repeat(64),
      hash: event.hash,
    });
    expect(next).toEqual({
      ...item,
      title: '新标题',
      version: 5,
      chainHead: event.hash,
      updatedAt: '2024-07-01T00:00:00.000Z',
    });
  });
});
