import type { Item } from './item.ts';
import type { Principal, Role } from './roles.ts';

type Ownership = Pick<Item, 'responsibleDept' | 'responsibleLeader' | 'responsibleLeaderId'>;
type Rule = (principal: Principal, item: Ownership) => boolean;

/**
 * The key an item's leader is known by: the plan's `responsibleLeaderId` when it gives one,
 * else the leader's name as the plan writes it (older plans, and 台账 without an id column).
 * Access, inboxes and the routing of events all use this key, so they cannot disagree.
 */
export function leaderKeyOf(
  item: Pick<Item, 'responsibleLeader' | 'responsibleLeaderId'>,
): string | undefined {
  // `||`: a blank id is no id (the plan parsers drop blank optional text anyway).
  return item.responsibleLeaderId || item.responsibleLeader || undefined;
}

const always: Rule = () => true;
const never: Rule = () => false;
/**
 * A leader leads the items whose leader key is the `leaderId` an admin set on the account. Never
 * the display name: two leaders may share a name, and a user may edit their own `name`.
 */
const leads: Rule = (principal, item) =>
  principal.leaderId !== undefined && principal.leaderId === leaderKeyOf(item);
const inDepartment: Rule = (principal, item) =>
  principal.department !== undefined && item.responsibleDept === principal.department;

/**
 * Who may see and change which items (DESIGN.md §1): a department its own department's items, a
 * leader the items they lead, auditors and admins everything; auditors never write. A user with
 * several roles gets the union.
 */
const READ: Record<Role, Rule> = { admin: always, auditor: always, leader: leads, department: inDepartment };
const WRITE: Record<Role, Rule> = { admin: always, auditor: never, leader: leads, department: inDepartment };

export function canSee(principal: Principal, item: Ownership): boolean {
  return principal.roles.some((role) => READ[role](principal, item));
}

export function canWrite(principal: Principal, item: Ownership): boolean {
  return principal.roles.some((role) => WRITE[role](principal, item));
}

/** Whether the principal sees the whole ledger or only a filtered part of it. */
export function seesEverything(principal: Principal): boolean {
  return principal.roles.some((role) => READ[role] === always);
}
