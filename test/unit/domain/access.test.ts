import { describe, expect, it } from 'vitest';
import { canSee, canWrite, leaderKeyOf } from '#shared/domain/access.ts';
import type { Principal } from '#shared/domain/roles.ts';
import { anItem, principals } from '../../support/items.ts';

const item = anItem({ responsibleDept: '基层卫生科', responsibleLeader: '王强' });

describe('access rules', () => {
  it.each([
    ['admin', true, true],
    ['auditor', true, false],
    ['leader', true, true],
    ['otherLeader', false, false],
    ['department', true, true],
    ['otherDepartment', false, false],
  ] as const)('%s: sees %s, writes %s', (who, sees, writes) => {
    expect(canSee(principals[who], item)).toBe(sees);
    expect(canWrite(principals[who], item)).toBe(writes);
  });

  it('does not let a department user without a department claim see anything', () => {
    const noDept = { subject: 'x', name: 'x', roles: ['department'] as const };
    expect(canSee(noDept, anItem({ responsibleDept: '' }))).toBe(false);
  });
});

describe('leaders are matched by leader id, never by name', () => {
  // Two leaders called 王强: the plan tells their items apart by id.
  const wangA: Principal = { subject: 'wang-a', name: '王强', roles: ['leader'], leaderId: 'L-001' };
  const wangB: Principal = { subject: 'wang-b', name: '王强', roles: ['leader'], leaderId: 'L-002' };
  const itemOfA = anItem({ responsibleLeader: '王强', responsibleLeaderId: 'L-001' });
  const itemOfB = anItem({ responsibleLeader: '王强', responsibleLeaderId: 'L-002' });

  it('keeps homonymous leaders out of each other’s items', () => {
    expect([canSee(wangA, itemOfA), canWrite(wangA, itemOfA)]).toEqual([true, true]);
    expect([canSee(wangA, itemOfB), canWrite(wangA, itemOfB)]).toEqual([false, false]);
    expect([canSee(wangB, itemOfB), canWrite(wangB, itemOfB)]).toEqual([true, true]);
    expect([canSee(wangB, itemOfA), canWrite(wangB, itemOfA)]).toEqual([false, false]);
  });

  it('does not match a leader id to the name of an item that has an id', () => {
    const namedLikeTheLeader: Principal = { subject: 'x', name: '王强', roles: ['leader'], leaderId: '王强' };
    expect(canSee(namedLikeTheLeader, itemOfA)).toBe(false);
  });

  it('matches by the name as written in the plan when the item has no id', () => {
    const byName = anItem({ responsibleLeader: '王强' });
    expect(leaderKeyOf(byName)).toBe('王强');
    expect(canSee({ subject: 'x', name: '别名', roles: ['leader'], leaderId: '王强' }, byName)).toBe(true);
    // The display name alone grants nothing.
    expect(canSee({ subject: 'x', name: '王强', roles: ['leader'], leaderId: 'L-001' }, byName)).toBe(false);
  });

  it('lets a leader without a leader id lead nothing, whatever their name', () => {
    const noId: Principal = { subject: 'x', name: '王强', roles: ['leader'] };
    for (const item of [itemOfA, anItem({ responsibleLeader: '王强' }), anItem({ responsibleLeader: '' })]) {
      expect([canSee(noId, item), canWrite(noId, item)]).toEqual([false, false]);
    }
  });

  it('gives an item without a leader no leader key', () => {
    expect(leaderKeyOf(anItem({ responsibleLeader: '' }))).toBeUndefined();
    expect(leaderKeyOf(anItem({ responsibleLeader: '', responsibleLeaderId: '' }))).toBeUndefined();
    expect(leaderKeyOf(itemOfB)).toBe('L-002');
  });
});
