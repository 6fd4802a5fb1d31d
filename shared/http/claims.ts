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
  /** Set by admins only (the app client cannot write it); the key leaders are matched by. */
  leaderId: 'custom:leaderId',
  tokenUse: 'token_use',
  issuedAt: 'iat',
  expiresAt: 'exp',
} as const;

/**
 * How old a token may be, from its `iat`, however long its `exp` allows. Cognito lets a refresh
 * token mint ID tokens for up to a day's validity (and an admin may configure longer); a stolen
 * token should not outlive a working day whatever the pool says.
 */
export const MAX_TOKEN_AGE_SECONDS = 24 * 3600;
/** Clock difference tolerated between the issuer and this function (as most JWT libraries allow). */
export const CLOCK_SKEW_SECONDS = 120;

/** Flattens one claim value the way API Gateway does before handing it to the integration. */
export function flattenClaim(value: unknown): string {
  if (Array.isArray(value)) return `[${value.join(' ')}]`;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/**
 * `cognito:groups` as a real array or as API Gateway's flattening of one, `"[a b]"` (a
 * one-element array arrives as `"[admin]"`). Entries are split on spaces only: Cognito group
 * names may contain commas, and a comma-separated string is no form API Gateway produces, so
 * `"admin,leader"` is not two groups. A bare string such as `"admin"` is no form either: it is
 * refused (undefined), not read as a group, so that nothing but the two known shapes can grant
 * a role. A missing claim is a user in no group.
 */
function parseGroups(value: FlatClaims[string]): string[] | undefined {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.every((entry) => typeof entry === 'string') ? [...value] : undefined;
  if (typeof value !== 'string') return undefined;
  const bracketed = /^\[(.*)\]$/s.exec(value.trim());
  return bracketed ? (bracketed[1] ?? '').split(/\s+/).filter(Boolean) : undefined;
}

/** A NumericDate claim: a number, or its decimal digits as API Gateway flattens it. */
function numericDate(value: FlatClaims[string]): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\d{1,12}(\.\d{1,9})?$/.test(value)) return Number(value);
  return undefined;
}

export type ClaimsCheck =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly reason: string };

/**
 * The principal a set of verified claims describes, or why there is none. The signature,
 * issuer and audience were checked by the authorizer (API Gateway's, or local/dev-auth.ts);
 * this adds what that authorizer does not: only ID tokens (`token_use: id`; the HTTP API's JWT
 * authorizer also accepts Cognito access tokens, which carry no `name` or custom attributes and
 * are meant for resource servers), `sub`, `iat` and `exp` present, not expired, not issued in
 * the future, and at most MAX_TOKEN_AGE_SECONDS old. Unknown groups are ignored, not trusted.
 */
export function checkClaims(claims: FlatClaims, now = new Date()): ClaimsCheck {
  const refuse = (reason: string): ClaimsCheck => ({ ok: false, reason });
  if (claims[CLAIM.tokenUse] !== 'id') return refuse('not an ID token (token_use)');
  const subject = claims[CLAIM.subject];
  if (typeof subject !== 'string' || subject === '') return refuse('token has no subject (sub)');
  const issuedAt = numericDate(claims[CLAIM.issuedAt]);
  if (issuedAt === undefined) return refuse('token has no issue time (iat)');
  const expiresAt = numericDate(claims[CLAIM.expiresAt]);
  if (expiresAt === undefined) return refuse('token has no expiry (exp)');
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (expiresAt + CLOCK_SKEW_SECONDS <= nowSeconds) return refuse('token expired');
  if (issuedAt - CLOCK_SKEW_SECONDS > nowSeconds) return refuse('token issued in the future (iat)');
  if (nowSeconds - issuedAt > MAX_TOKEN_AGE_SECONDS + CLOCK_SKEW_SECONDS)
    return refuse(`token older than ${MAX_TOKEN_AGE_SECONDS / 3600} h (iat)`);
  const groups = parseGroups(claims[CLAIM.groups]);
  if (!groups) return refuse('cognito:groups is neither a list nor "[a b]"');
  const roles = groups.filter(isRole) as Role[];
  const department = claims[CLAIM.department];
  const leaderId = claims[CLAIM.leaderId];
  const name = claims[CLAIM.name];
  return {
    ok: true,
    principal: {
      subject,
      name: typeof name === 'string' && name !== '' ? name : subject,
      roles: [...new Set(roles)],
      ...(typeof department === 'string' && department !== '' ? { department } : {}),
      ...(typeof leaderId === 'string' && leaderId.trim() !== '' ? { leaderId: leaderId.trim() } : {}),
    },
  };
}

/** The principal of a set of verified claims; undefined when checkClaims refuses them. */
export function principalFromClaims(claims: FlatClaims, now = new Date()): Principal | undefined {
  const checked = checkClaims(claims, now);
  return checked.ok ? checked.principal : undefined;
}
