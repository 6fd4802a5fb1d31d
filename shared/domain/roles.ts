import type { ActorRef } from './item.ts';

/**
 * The four kinds of user (DESIGN.md §1). They arrive as Cognito groups in the token's
 * `cognito:groups` claim; one user may hold several.
 */
export const ROLES = ['admin', 'leader', 'department', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Who is calling, as established from a verified token. */
export interface Principal {
  /** Stable subject id (`sub`). */
  readonly subject: string;
  /** Display name (`name`): shown and recorded, never used to decide access (names repeat). */
  readonly name: string;
  readonly roles: readonly Role[];
  /** The department (责任科室) from `custom:department`, when the user belongs to one. */
  readonly department?: string;
  /**
   * The leader id (`custom:leaderId`) an admin gave this user; a leader leads the items whose
   * leader key (access.ts `leaderKeyOf`) equals it, and nothing without one.
   */
  readonly leaderId?: string;
}

/** How a principal is recorded in the trail. */
export function actorRef(principal: Principal): ActorRef {
  return { subject: principal.subject, name: principal.name, roles: [...principal.roles] };
}
