import { describe, expect, it } from 'vitest';
import { RuleViolation } from '#shared/domain/errors.ts';
import {
  decideLookBack,
  decideLookBackConfirmation,
  FOLLOW_UP_SCAN,
  LOOK_BACK_MONTHS,
  lookBackDueOf,
  REATTESTATION_DAYS,
  reattestationDueOf,
} from '#shared/domain/follow-ups.ts';
import type { Item } from '#shared/domain/item.ts';
import { anItem } from '../../support/items.ts';

const inspection = { timezone: 'Asia/Shanghai' };
const context = { eventId: 'e-1', at: '2025-03-01T00:00:00.000Z' };
const actor = { subject: 'admin-1', name: '整改办', roles: ['admin'] };

/** An item imported closed: no sign-off of Rectify's, so its close-out time is its last update. */
const closedBeforeImport = () =>
  anItem({ status: 'closed', importedStatus: 'closed', updatedAt: '2024-06-21T00:00:00.000Z' });

function refusal(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (error instanceof RuleViolation) return { params: error.params, details: error.details };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('look-back of an item closed before import', () => {
  it('counts from the item’s last update when it has no sign-off', () => {
    expect(LOOK_BACK_MONTHS).toBe(6);
    expect(lookBackDueOf(closedBeforeImport(), inspection)).toBe('2024-12-21');
    const due = decideLookBack(closedBeforeImport(), inspection, '2024-12-21', context);
    expect(due?.event).toMatchObject({
      type: 'LookBackDue',
      actor: FOLLOW_UP_SCAN,
      data: { closedAt: '2024-06-21T00:00:00.000Z', dueDate: '2024-12-21' },
    });
    expect(due?.item.followUp).toEqual({ lookBackAnnounced: '2024-12-21' });
    expect(FOLLOW_UP_SCAN).toEqual({
      subject: 'system:follow-up-scan',
      name: '回头看与长期坚持提醒',
      roles: [],
    });
  });
});

describe('confirming a look-back', () => {
  it('refuses an item that is not closed, saying so', () => {
    const open = anItem({ status: 'rectified' });
    expect(refusal(() => decideLookBackConfirmation(open, inspection, actor, undefined, context))).toEqual({
      params: {
        reason: 'Item insp-2024.1.1.1 has no look-back due (it is not closed).',
        reasonZh: '事项 1.1.1 尚无到期的回头看（事项未销号）。',
      },
      details: { rule: 'look-back-not-due', status: 'rectified' },
    });
  });

  it('refuses a closed item whose look-back was not announced, naming the date', () => {
    expect(
      refusal(() => decideLookBackConfirmation(closedBeforeImport(), inspection, actor, undefined, context)),
    ).toEqual({
      params: {
        reason: 'Item insp-2024.1.1.1 has no look-back due (it falls due on 2024-12-21).',
        reasonZh: '事项 1.1.1 尚无到期的回头看（将于 2024-12-21 到期）。',
      },
      details: { rule: 'look-back-not-due', status: 'closed', dueDate: '2024-12-21' },
    });
  });

  it('refuses a look-back confirmed already', () => {
    const confirmed: Item = {
      ...closedBeforeImport(),
      followUp: { lookBackAnnounced: '2024-12-21', lookBackConfirmed: '2024-12-21' },
    };
    expect(
      refusal(() => decideLookBackConfirmation(confirmed, inspection, actor, undefined, context)),
    ).toEqual({
      params: {
        reason: 'The look-back of insp-2024.1.1.1 due 2024-12-21 is already confirmed.',
        reasonZh: '事项 1.1.1 的回头看已确认。',
      },
      details: { rule: 'look-back-confirmed', dueDate: '2024-12-21' },
    });
  });

  it('confirms an announced look-back, with or without a note, keeping what was announced', () => {
    const announced: Item = { ...closedBeforeImport(), followUp: { lookBackAnnounced: '2024-12-21' } };
    const plain = decideLookBackConfirmation(announced, inspection, actor, undefined, context);
    expect(plain.event).toMatchObject({ type: 'LookBackConfirmed', actor, data: {} });
    expect(plain.event.data).toEqual({});
    expect(plain.item.followUp).toEqual({ lookBackAnnounced: '2024-12-21', lookBackConfirmed: '2024-12-21' });
    const noted = decideLookBackConfirmation(announced, inspection, actor, '成果巩固', context);
    expect(noted.event.data).toEqual({ note: '成果巩固' });
  });

  it('a look-back confirmed for an earlier close-out does not count for the next one', () => {
    const reclosed: Item = {
      ...closedBeforeImport(),
      followUp: { lookBackAnnounced: '2024-12-21', lookBackConfirmed: '2024-06-01' },
    };
    expect(decideLookBackConfirmation(reclosed, inspection, actor, undefined, context).item.followUp).toEqual(
      {
        lookBackAnnounced: '2024-12-21',
        lookBackConfirmed: '2024-12-21',
      },
    );
  });
});

describe('re-attestation periods', () => {
  it('count 90 days by default, or the inspection’s own period, from the latest anchor', () => {
    expect(REATTESTATION_DAYS).toBe(90);
    const longTerm = anItem({
      status: 'closed',
      longTerm: true,
      rectifiedAt: '2024-06-01T04:00:00.000Z',
      lastProgressAt: '2024-05-01T04:00:00.000Z',
    });
    expect(reattestationDueOf(longTerm, inspection)).toBe('2024-08-30');
    expect(reattestationDueOf(longTerm, { ...inspection, followUp: { reattestationDays: 30 } })).toBe(
      '2024-07-01',
    );
    const signedOnly = anItem({
      status: 'closed',
      longTerm: true,
      signOff: { at: '2024-07-01T04:00:00.000Z' } as never,
      updatedAt: '2024-08-01T00:00:00.000Z',
    });
    expect(reattestationDueOf(signedOnly, inspection)).toBe('2024-09-29');
    const bare = anItem({ status: 'rectified', longTerm: true, updatedAt: '2024-08-01T00:00:00.000Z' });
    expect(reattestationDueOf(bare, inspection)).toBe('2024-10-30');
  });
});
