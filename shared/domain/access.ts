import type { Item } from './item.ts';
import type { Principal, Role } from './roles.ts';

type Ownership = Pick<Item, 'responsibleDept' | 'responsibleLeader'>;
type Rule = (principal: Principal, item: Ownership) => boolean;

const always: Rule = () => true;
const never: Rule = () => false;
/** Leaders are matched by display name, as the plan names them. */
const leads: Rule = (principal, item) => item.responsibleLeader === principal.name;
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
