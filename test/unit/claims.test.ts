import { describe, expect, it } from 'vitest';
import {
  CLOCK_SKEW_SECONDS,
  checkClaims,
  type FlatClaims,
  flattenClaim,
  MAX_TOKEN_AGE_SECONDS,
  principalFromClaims,
} from '#shared/http/claims.ts';

const NOW = new Date('2024-09-01T08:00:00Z');
const nowSeconds = NOW.getTime() / 1000;

/** The claims of a fresh ID token as API Gateway hands them on (numbers flattened to strings). */
function idToken(claims: Record<string, FlatClaims[string]> = {}): FlatClaims {
  return {
    sub: 'u1',
    token_use: 'id',
    iat: String(nowSeconds - 60),
    exp: String(nowSeconds + 3600),
    ...claims,
  };
}

const without = (key: string): FlatClaims => {
  const { [key]: _gone, ...rest } = idToken({ 'cognito:groups': '[admin]' });
  return rest;
};

describe('principalFromClaims', () => {
  it('reads the groups API Gateway flattened to "[a b]"', () => {
    const principal = principalFromClaims(idToken({ name: '王强', 'cognito:groups': '[leader admin]' }), NOW);
    expect(principal).toEqual({ subject: 'u1', name: '王强', roles: ['leader', 'admin'] });
  });

  it('reads groups given as a real array, and the department claim', () => {
    const principal = principalFromClaims(
      idToken({ sub: 'u2', 'cognito:groups': ['department'], 'custom:department': '财务科' }),
      NOW,
    );
    expect(principal).toEqual({ subject: 'u2', name: 'u2', roles: ['department'], department: '财务科' });
  });

  it('reads the leader id an admin set (custom:leaderId)', () => {
    const principal = principalFromClaims(
      idToken({ name: '王强', 'cognito:groups': '[leader]', 'custom:leaderId': 'L-0042' }),
      NOW,
    );
    expect(principal?.leaderId).toBe('L-0042');
    expect(principalFromClaims(idToken({ 'cognito:groups': '[leader]' }), NOW)).not.toHaveProperty(
      'leaderId',
    );
  });

  it('ignores groups that are not Rectify roles rather than trusting them', () => {
    expect(principalFromClaims(idToken({ 'cognito:groups': '[superuser auditor]' }), NOW)?.roles).toEqual([
      'auditor',
    ]);
  });

  it('never splits groups on commas', () => {
    // A comma-separated string is no form API Gateway produces; Cognito group names may hold commas.
    expect(principalFromClaims(idToken({ 'cognito:groups': '[admin,leader]' }), NOW)?.roles).toEqual([]);
    expect(checkClaims(idToken({ 'cognito:groups': 'admin,leader' }), NOW)).toEqual({
      ok: false,
      reason: expect.stringMatching(/cognito:groups/),
    });
    expect(principalFromClaims(idToken({ 'cognito:groups': 'admin, leader' }), NOW)).toBeUndefined();
  });

  it('refuses a bare group string: API Gateway writes even one group as "[admin]"', () => {
    expect(principalFromClaims(idToken({ 'cognito:groups': 'admin' }), NOW)).toBeUndefined();
    expect(principalFromClaims(idToken({ 'cognito:groups': '[admin]' }), NOW)?.roles).toEqual(['admin']);
    expect(principalFromClaims(idToken({ 'cognito:groups': '[]' }), NOW)?.roles).toEqual([]);
    expect(principalFromClaims(idToken(), NOW)?.roles).toEqual([]);
  });

  it('refuses claims without a subject', () => {
    expect(principalFromClaims(without('sub'), NOW)).toBeUndefined();
    expect(principalFromClaims(idToken({ sub: '', 'cognito:groups': '[admin]' }), NOW)).toBeUndefined();
  });

  it('refuses access tokens and anything else that is not an ID token', () => {
    for (const use of ['access', 'ID', undefined]) {
      expect(checkClaims(idToken({ token_use: use, 'cognito:groups': '[admin]' }), NOW)).toEqual({
        ok: false,
        reason: 'not an ID token (token_use)',
      });
    }
  });

  it('refuses a token without exp or without iat', () => {
    expect(checkClaims(without('exp'), NOW)).toEqual({ ok: false, reason: 'token has no expiry (exp)' });
    expect(checkClaims(without('iat'), NOW)).toEqual({ ok: false, reason: 'token has no issue time (iat)' });
    expect(principalFromClaims(idToken({ exp: 'soon' }), NOW)).toBeUndefined();
    expect(principalFromClaims(idToken({ iat: '' }), NOW)).toBeUndefined();
  });

  it('reads exp and iat as numbers or as the strings API Gateway makes of them', () => {
    expect(principalFromClaims(idToken({ iat: nowSeconds - 60, exp: nowSeconds + 3600 }), NOW)).toBeDefined();
    expect(principalFromClaims(idToken({ iat: '1725177540', exp: '1725181200.5' }), NOW)).toBeDefined();
  });

  it('refuses an expired token, allowing for a little clock skew', () => {
    const expiredAt = (seconds: number) => idToken({ exp: String(nowSeconds - seconds) });
    expect(checkClaims(expiredAt(CLOCK_SKEW_SECONDS + 1), NOW)).toEqual({
      ok: false,
      reason: 'token expired',
    });
    expect(principalFromClaims(expiredAt(CLOCK_SKEW_SECONDS - 1), NOW)).toBeDefined();
  });

  it('refuses a token issued in the future beyond the skew', () => {
    const issuedIn = (seconds: number) => idToken({ iat: String(nowSeconds + seconds) });
    expect(checkClaims(issuedIn(CLOCK_SKEW_SECONDS + 1), NOW)).toEqual({
      ok: false,
      reason: 'token issued in the future (iat)',
    });
    expect(principalFromClaims(issuedIn(CLOCK_SKEW_SECONDS - 1), NOW)).toBeDefined();
  });

  it('refuses a token older than the maximum age even when its exp is far off', () => {
    const issuedAgo = (seconds: number) =>
      idToken({ iat: String(nowSeconds - seconds), exp: String(nowSeconds + 30 * 86_400) });
    expect(checkClaims(issuedAgo(MAX_TOKEN_AGE_SECONDS + CLOCK_SKEW_SECONDS + 1), NOW)).toEqual({
      ok: false,
      reason: expect.stringMatching(/^token older than 24 h/),
    });
    expect(principalFromClaims(issuedAgo(MAX_TOKEN_AGE_SECONDS - 60), NOW)).toBeDefined();
  });

  it('flattens claims as API Gateway does, and parses its own output back', () => {
    const flat = flattenClaim(['admin', 'auditor']);
    expect(flat).toBe('[admin auditor]');
    expect(principalFromClaims(idToken({ 'cognito:groups': flat }), NOW)?.roles).toEqual([
      'admin',
      'auditor',
    ]);
    expect(flattenClaim(1700000000)).toBe('1700000000');
  });
});

describe('the HTTP handler chain', () => {
  // API Gateway's JWT authorizer accepts Cognito access tokens; the handler must not.
  const event = (claims: FlatClaims) => ({
    version: '2.0',
    routeKey: 'GET /me',
    rawPath: '/me',
    rawQueryString: '',
    headers: { 'accept-language': 'en' },
    requestContext: {
      requestId: 'r-1',
      routeKey: 'GET /me',
      http: { method: 'GET', path: '/me' },
      authorizer: { jwt: { claims, scopes: [] } },
    },
    isBase64Encoded: false,
  });
  const now = () => Math.floor(Date.now() / 1000);
  const call = async (claims: FlatClaims) => {
    const { invokeFunction } = await import('#local/invoke.ts');
    const result = (await invokeFunction('me', event(claims))) as {
      statusCode: number;
      headers: Record<string, string>;
      body: string;
    };
    return { ...result, json: JSON.parse(result.body) };
  };
  const flat = (claims: Record<string, unknown>): FlatClaims =>
    Object.fromEntries(Object.entries(claims).map(([key, value]) => [key, flattenClaim(value)]));

  it('refuses the claims of an access token with 401 in the documented error shape', async () => {
    const response = await call(
      flat({ sub: 'u1', token_use: 'access', iat: now(), exp: now() + 3600, 'cognito:groups': ['admin'] }),
    );
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json).toEqual({
      error: { code: 'unauthorized', message: 'Authentication required: not an ID token (token_use)' },
    });
  });

  it('answers the same claims as an ID token', async () => {
    const response = await call(
      flat({ sub: 'u1', token_use: 'id', iat: now(), exp: now() + 3600, 'cognito:groups': ['admin'] }),
    );
    expect(response.statusCode).toBe(200);
    expect(response.json).toMatchObject({ subject: 'u1', roles: ['admin'] });
  });
});
