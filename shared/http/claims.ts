import { isRole, type Principal, type Role } from '#shared/domain/roles.ts';

/**
 * JWT claims as a Lambda sees them behind an HTTP API JWT authorizer. API Gateway flattens
 * every claim to a string: an array claim such as `cognito:groups` arrives as `"[admin leader]"`.
 * The local runtime passes claims in the same flattened form, so this parser is the one path.
 */
export type FlatClaims = Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;

export const CLAIM = {
  subject: 'sub',
  name: 'name',
  groups: 'cognito:groups',
  department: 'custom:department',
} as const;

/** Flattens one claim value the way API Gateway does before handing it to the integration. */
export function flattenClaim(value: unknown): string {
  if (Array.isArray(value)) return `[${value.join(' ')}]`;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function parseGroups(value: FlatClaims[string]): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return [...value];
  const text = String(value).trim();
  const inner = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return inner.split(/[\s,]+/).filter(Boolean);
}

/** The principal a set of verified claims describes; unknown groups are ignored, not trusted. */
export function principalFromClaims(claims: FlatClaims): Principal | undefined {
  const subject = claims[CLAIM.subject];
  if (typeof subject !== 'string' || subject === '') return undefined;
  const roles = parseGroups(claims[CLAIM.groups]).filter(isRole) as Role[];
  const department = claims[CLAIM.department];
  const name = claims[CLAIM.name];
  return {
    subject,
    name: typeof name === 'string' && name !== '' ? name : subject,
    roles: [...new Set(roles)],
    ...(typeof department === 'string' && department !== '' ? { department } : {}),
  };
}
