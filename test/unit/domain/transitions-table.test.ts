import { describe, expect, it } from 'vitest';
import { canWrite } from '#shared/domain/access.ts';
import { RectifyError } from '#shared/domain/errors.ts';
import type { Principal, Role } from '#shared/domain/roles.ts';
import type { ItemStatus } from '#shared/domain/status.ts';
import { decideTransition } from '#shared/domain/transitions.ts';
import { anItem } from '../../support/items.ts';

/**
 * Every status × every status × every kind of principal, against the rules as DESIGN.md writes
 * them (§1 users, §2 item status), not against the module's own TRANSITIONS table:
 *
 * - not_started → in_progress → rectified → closed; a look-back (回头看) reopens `closed` or
 *   `rectified` to `in_progress` (with a reason). Nothing else: no skipping, no going back, no
 *   "change" to the same status.
 * - department staff change the items of their own department (progress, evidence, "mark an item
 *   rectified"); a leader may do everything a department can, for the items they lead; the admin
 *   (整改办) closes out (销号) and reopens, and, like the API's progress and evidence routes, may
 *   also do the department's part; an auditor never writes ledger data.
 * - a user with several roles gets the union of what each role may do.
 *
 * The attempt is made as the service makes it (shared/services/items.ts `changeItem`): the write
 * access to the item first (403 `forbidden`), then the domain's decision: a move that does not
 * exist is 422 `unprocessable` (rule `no-such-transition`), a move the role may not make is 403
 * `forbidden`. The item has what the rules' own conditions need (stored evidence, a reason, a
 * close-out by someone other than who marked it rectified), so only from, to and who decide here.
 */

const STATUSES: readonly ItemStatus[] = ['not_started', 'in_progress', 'rectified', 'closed'];

/** DESIGN.md §2: the moves that exist, and which roles make each one (§1). */
const DEPARTMENT_WORK: readonly Role[] = ['department', 'leader', 'admin'];
const OFFICE_WORK: readonly Role[] = ['admin'];
const MOVES: Readonly<Record<string, readonly Role[]>> = {
  'not_started → in_progress': DEPARTMENT_WORK, // work starts
  'in_progress → rectified': DEPARTMENT_WORK, // marked rectified (with evidence)
  'rectified → closed': OFFICE_WORK, // close-out (销号)
  'rectified → in_progress': OFFICE_WORK, // look-back reopens
  'closed → in_progress': OFFICE_WORK, // look-back reopens
};

const DEPT = '基层卫生科';
const LEADER_ID = 'L-001';

interface Who {
  readonly principal: Principal;
  /** Whether DESIGN.md §1 lets this principal write this item at all. */
  readonly writesTheItem: boolean;
}

const WHO: Readonly<Record<string, Who>> = {
  admin: { principal: { subject: 'a', name: '整改办', roles: ['admin'] }, writesTheItem: true },
  'leader of the item': {
    principal: { subject: 'l', name: '王强', roles: ['leader'], leaderId: LEADER_ID },
    writesTheItem: true,
  },
  'leader of other items': {
    principal: { subject: 'l2', name: '赵敏', roles: ['leader'], leaderId: 'L-002' },
    writesTheItem: false,
  },
  'leader without a leader id': {
    principal: { subject: 'l3', name: '王强', roles: ['leader'] },
    writesTheItem: false,
  },
  'department of the item': {
    principal: { subject: 'd', name: '张科员', roles: ['department'], department: DEPT },
    writesTheItem: true,
  },
  'another department': {
    principal: { subject: 'd2', name: '李科员', roles: ['department'], department: '财务科' },
    writesTheItem: false,
  },
  'department role without a department claim': {
    principal: { subject: 'd3', name: '无科室', roles: ['department'] },
    writesTheItem: false,
  },
  auditor: { principal: { subject: 'au', name: '巡察组', roles: ['auditor'] }, writesTheItem: false },
  'auditor who is also the item’s department': {
    principal: { subject: 'ad', name: '兼职', roles: ['auditor', 'department'], department: DEPT },
    writesTheItem: true,
  },
  'department who is also admin': {
    principal: { subject: 'da', name: '兼管', roles: ['department', 'admin'], department: '财务科' },
    writesTheItem: true,
  },
};

type Outcome = 'allowed' | 'forbidden' | 'unprocessable: no-such-transition';

function expected(who: Who, from: ItemStatus, to: ItemStatus): Outcome {
  if (!who.writesTheItem) return 'forbidden';
  const roles = MOVES[`${from} → ${to}`];
  if (!roles) return 'unprocessable: no-such-transition';
  return who.principal.roles.some((role) => roles.includes(role)) ? 'allowed' : 'forbidden';
}

function attempt(principal: Principal, from: ItemStatus, to: ItemStatus): Outcome {
  const item = anItem({
    status: from,
    responsibleDept: DEPT,
    responsibleLeader: '王强',
    responsibleLeaderId: LEADER_ID,
    evidenceCount: 1,
    rectifiedBy: 'someone-else',
  });
  if (!canWrite(principal, item)) return 'forbidden';
  try {
    const { item: next, event } = decideTransition(
      item,
      { to, expectedVersion: item.version, reason: '回头看发现问题反弹' },
      principal,
      { eventId: 'e-1', at: '2024-07-01T02:00:00.000Z' },
    );
    expect(next.status).toBe(to);
    expect(event.data).toMatchObject({ from, to });
    return 'allowed';
  } catch (error) {
    if (!(error instanceof RectifyError)) throw error;
    const rule = (error.details as { rule?: string } | undefined)?.rule;
    return (rule ? `${error.code}: ${rule}` : error.code) as Outcome;
  }
}

const cases = Object.entries(WHO).flatMap(([name, who]) =>
  STATUSES.flatMap((from) =>
    STATUSES.map((to) => ({ name, who, from, to, outcome: expected(who, from, to) })),
  ),
);

describe('item transitions: every from × to × principal (DESIGN.md §1–2)', () => {
  it.each(cases)('$name: $from → $to is $outcome', ({ who, from, to, outcome }) => {
    expect(attempt(who.principal, from, to)).toBe(outcome);
  });

  it('covers the whole table, with each outcome present', () => {
    expect(cases).toHaveLength(Object.keys(WHO).length * STATUSES.length ** 2);
    const outcomes = new Set(cases.map((c) => c.outcome));
    expect([...outcomes].sort()).toEqual(['allowed', 'forbidden', 'unprocessable: no-such-transition']);
  });
});
