import { describe, expect, it } from 'vitest';
import { canSee, canWrite } from '#shared/domain/access.ts';
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
