import { describe, expect, it } from 'vitest';
import { lightOf } from '#shared/domain/deadlines.ts';
import {
  decideLookBack,
  decideLookBackConfirmation,
  decideReattestation,
  lookBackDueOf,
  reattestationDueOf,
} from '#shared/domain/follow-ups.ts';
import type { Item } from '#shared/domain/item.ts';
import { actorRef } from '#shared/domain/roles.ts';
import { anItem, principals } from '../../support/items.ts';

const inspection = { feedbackDate: '2024-01-01', timezone: 'Asia/Shanghai' };
const context = { eventId: 'e-1', at: '2025-03-01T00:00:00.000Z' };
const signOff = (at: string) => ({
  by: actorRef(principals.admin),
  at,
  decision: 'approved' as const,
  meaning: '整改到位，同意销号',
  stateHash: 'a'.repeat(64),
});

describe('look-back (回头看)', () => {
  // Closed at 2024-08-31 17:00 UTC = 2024-09-01 01:00 in Shanghai.
  const closed = anItem({ status: 'closed', signOff: signOff('2024-08-31T17:00:00.000Z') });

  it('falls due six months after the close-out, on the close-out’s calendar date where the inspection is', () => {
    expect(lookBackDueOf(closed, inspection)).toBe('2025-03-01');
    expect(lookBackDueOf(closed, { ...inspection, followUp: { lookBackMonths: 3 } })).toBe('2024-12-01');
  });

  it('keeps the day of the month or takes the month’s last day', () => {
    const lastOfAugust = anItem({ status: 'closed', signOff: signOff('2024-08-31T02:00:00.000Z') });
    expect(lookBackDueOf(lastOfAugust, inspection)).toBe('2025-02-28');
  });

  it('announces once when due, and never for items that are not closed', () => {
    expect(decideLookBack(closed, inspection, '2025-02-28', context)).toBeUndefined();
    const due = decideLookBack(closed, inspection, '2025-03-01', context);
    expect(due?.event).toMatchObject({ type: 'LookBackDue', data: { dueDate: '2025-03-01' } });
    expect(decideLookBack(due?.item ?? closed, inspection, '2025-03-02', context)).toBeUndefined();
    expect(
      decideLookBack({ ...closed, status: 'rectified' }, inspection, '2025-06-01', context),
    ).toBeUndefined();
  });

  it('is confirmed once, only after it was announced, in the chain', () => {
    const actor = actorRef(principals.admin);
    expect(() => decideLookBackConfirmation(closed, inspection, actor, undefined, context)).toThrow(
      /no look-back due \(it falls due on 2025-03-01\)/,
    );
    const announced = decideLookBack(closed, inspection, '2025-03-01', context)?.item as Item;
    const confirmed = decideLookBackConfirmation(announced, inspection, actor, '整改成果巩固良好', context);
    expect(confirmed.event).toMatchObject({ type: 'LookBackConfirmed', data: { note: '整改成果巩固良好' } });
    expect(() => decideLookBackConfirmation(confirmed.item, inspection, actor, undefined, context)).toThrow(
      /already confirmed/,
    );
  });
});

describe('long-term items (长期坚持)', () => {
  const longTerm = anItem({
    status: 'rectified',
    longTerm: true,
    rectifiedAt: '2024-06-01T04:00:00.000Z',
  });

  it('need re-attestation every 90 days from the rectification or the latest progress report', () => {
    expect(reattestationDueOf(longTerm, inspection)).toBe('2024-08-30');
    expect(reattestationDueOf({ ...longTerm, lastProgressAt: '2024-08-20T04:00:00.000Z' }, inspection)).toBe(
      '2024-11-18',
    );
    expect(reattestationDueOf({ ...longTerm, longTerm: false }, inspection)).toBeUndefined();
    expect(reattestationDueOf({ ...longTerm, status: 'in_progress' }, inspection)).toBeUndefined();
  });

  it('turn yellow and tell the department once when a cycle is missed', () => {
    expect(lightOf(longTerm, inspection, '2024-08-30')).toBe('green');
    expect(lightOf(longTerm, inspection, '2024-08-31')).toBe('yellow');
    expect(decideReattestation(longTerm, inspection, '2024-08-30', context)).toBeUndefined();
    const missed = decideReattestation(longTerm, inspection, '2024-08-31', context);
    expect(missed?.event).toMatchObject({
      type: 'ReattestationDue',
      data: { cycleDays: 90, dueDate: '2024-08-30', lastAttestedAt: '2024-06-01T04:00:00.000Z' },
    });
    expect(decideReattestation(missed?.item ?? longTerm, inspection, '2024-09-10', context)).toBeUndefined();
  });

  it('are green again once the department reports progress', () => {
    const reported = { ...longTerm, lastProgressAt: '2024-09-02T04:00:00.000Z' };
    expect(lightOf(reported, inspection, '2024-09-03')).toBe('green');
  });
});
