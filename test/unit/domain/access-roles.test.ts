import { describe, expect, it } from 'vitest';
import { canSee, canWrite, seesEverything } from '#shared/domain/access.ts';
import type { Principal } from '#shared/domain/roles.ts';
import { anItem } from '../../support/items.ts';

/**
 * Several roles give the union of what each allows (DESIGN.md §1, access.ts): a rule that
 * demanded every role would lock out a department user who is also an auditor.
 */
const item = anItem({
  responsibleDept: '基层卫生科',
  responsibleLeader: '王强',
  responsibleLeaderId: 'L-001',
});
const who = (roles: Principal['roles'], claims: Partial<Principal> = {}): Principal => ({
  subject: 's',
  name: 'n',
  roles,
  ...claims,
});

describe('a principal with several roles', () => {
  it.each([
    [
      'auditor + department of the item',
      who(['auditor', 'department'], { department: '基层卫生科' }),
      true,
      true,
      true,
    ],
    [
      'auditor + another department',
      who(['auditor', 'department'], { department: '财务科' }),
      true,
      false,
      true,
    ],
    [
      'department + leader of the item',
      who(['department', 'leader'], { department: '财务科', leaderId: 'L-001' }),
      true,
      true,
      false,
    ],
    [
      'department of the item + other leader',
      who(['department', 'leader'], { department: '基层卫生科', leaderId: 'L-9' }),
      true,
      true,
      false,
    ],
    ['leader of other items + admin', who(['leader', 'admin'], { leaderId: 'L-9' }), true, true, true],
    ['no role at all', who([]), false, false, false],
  ])('%s: sees %s, writes %s, sees everything %s', (_case, principal, sees, writes, everything) => {
    expect(canSee(principal, item)).toBe(sees);
    expect(canWrite(principal, item)).toBe(writes);
    expect(seesEverything(principal)).toBe(everything);
  });
});

describe('seesEverything', () => {
  it.each([
    ['admin', true],
    ['auditor', true],
    ['leader', false],
    ['department', false],
  ] as const)('%s: %s', (role, everything) => {
    expect(seesEverything(who([role], { department: '基层卫生科', leaderId: 'L-001' }))).toBe(everything);
  });
});

describe('missing claims and missing ownership', () => {
  it('does not match a department user without a claim to a record without a department', () => {
    // An item record read without its department (a damaged or partial record) is nobody's.
    const ownerless = { ...item, responsibleDept: undefined as unknown as string };
    expect(canSee(who(['department']), ownerless)).toBe(false);
    expect(canWrite(who(['department']), ownerless)).toBe(false);
  });
});
