import { describe, expect, it } from 'vitest';
import { inboxesOf, type NotifiableEvent, notificationsFor } from '#shared/domain/notifications.ts';
import type { Principal } from '#shared/domain/roles.ts';

const started = (leader?: string): NotifiableEvent => ({
  detailType: 'ItemStatusChanged',
  detail: {
    eventId: '0b6a3c1e-2f4d-4e5a-9b7c-8d9e0f1a2b3c',
    inspectionId: 'insp-2024',
    itemId: 'insp-2024.1.1.1',
    ref: '1.1.1',
    title: '乡镇卫生院全科医生配备不足',
    department: '基层卫生科',
    ...(leader ? { leader } : {}),
    at: '2024-09-01T00:00:00.000Z',
    data: { from: 'not_started', to: 'in_progress', rule: 'start' },
  },
});

describe('leader inboxes', () => {
  const wangA: Principal = { subject: 'wang-a', name: '王强', roles: ['leader'], leaderId: 'L-001' };
  const wangB: Principal = { subject: 'wang-b', name: '王强', roles: ['leader'], leaderId: 'L-002' };

  it('addresses an event to the leader key it carries, and only its holder reads that inbox', () => {
    const [copy] = notificationsFor(started('L-001'));
    expect(copy?.recipient).toBe('leader:L-001');
    expect(inboxesOf(wangA)).toContain(copy?.recipient);
    expect(inboxesOf(wangB)).not.toContain(copy?.recipient);
  });

  it('never gives a leader the inbox of their display name', () => {
    expect(inboxesOf(wangA)).toEqual(['leader:L-001']);
    expect(inboxesOf({ subject: 'x', name: '王强', roles: ['leader'] })).toEqual([]);
  });

  it('keeps the inboxes of a leader who also administers', () => {
    expect(inboxesOf({ ...wangA, roles: ['admin', 'leader'] })).toEqual(['admins', 'leader:L-001']);
  });

  it('tells no leader about an item without one', () => {
    expect(notificationsFor(started())).toEqual([]);
  });
});
