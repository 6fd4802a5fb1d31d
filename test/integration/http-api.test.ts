import { generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { DEV_AUDIENCE, mintDevToken } from '#local/dev-auth.ts';
import type { Role } from '#shared/domain/roles.ts';
import { useLocalRuntime } from '../support/runtime.ts';

const local = useLocalRuntime('http');

async function call(path: string, init: RequestInit = {}) {
  const response = await fetch(`${local().url}${path}`, init);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: text ? JSON.parse(text) : undefined,
  };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** An error body: the API's JSON shape, never a stack trace or internals. */
function expectErrorBody(body: { text: string; json: unknown }, code: string) {
  expect(body.json).toEqual({ error: { code, message: expect.any(String) } });
  expect(body.text).not.toMatch(/\bat .+\.(ts|js):\d+/);
}

describe('GET /health', () => {
  it('answers without a token', async () => {
    const response = await call('/health');
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ status: 'ok', service: 'rectify' });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });
});

describe('GET /me', () => {
  it.each<[Role, string | undefined, string]>([
    ['admin', undefined, '整改办'],
    ['leader', undefined, '王强'],
    ['department', '基层卫生科', '张科员'],
    ['auditor', undefined, '巡察组'],
  ])('returns the verified identity of a %s', async (role, department, name) => {
    const token = await local().token({
      role,
      name,
      subject: `sub-${role}`,
      ...(department ? { department } : {}),
    });
    const response = await call('/me', { headers: bearer(token) });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      subject: `sub-${role}`,
      name,
      roles: [role],
      department: department ?? null,
    });
  });

  it('refuses a request with no Authorization header with 401', async () => {
    const response = await call('/me');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expectErrorBody(response, 'unauthorized');
  });

  it('refuses an Authorization header that is not a bearer token', async () => {
    const response = await call('/me', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(response.status).toBe(401);
    expectErrorBody(response, 'unauthorized');
  });

  it('refuses a malformed token', async () => {
    const response = await call('/me', { headers: bearer('not.a.jwt') });
    expect(response.status).toBe(401);
    expectErrorBody(response, 'unauthorized');
  });

  it('refuses an expired token', async () => {
    const token = await local().token({ role: 'admin', expiresAt: new Date(Date.now() - 60_000) });
    const response = await call('/me', { headers: { ...bearer(token), 'accept-language': 'en' } });
    expect(response.status).toBe(401);
    expectErrorBody(response, 'unauthorized');
    expect(response.json.error.message).toMatch(/expired/);
  });

  it.each([
    ['without exp', { omitExpiry: true }, /exp/],
    ['that is an access token', { tokenUse: 'access' }, /token_use/],
    [
      'older than a day, however far off its exp',
      { issuedAt: new Date(Date.now() - 25 * 3600_000), expiresAt: new Date(Date.now() + 3600_000) },
      /older than 24 h \(iat\)/,
    ],
  ] as const)('refuses a token %s', async (_what, shape, reason) => {
    const token = await local().token({ role: 'admin', ...shape });
    const response = await call('/me', { headers: { ...bearer(token), 'accept-language': 'en' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expectErrorBody(response, 'unauthorized');
    expect(response.json.error.message).toMatch(reason);
  });

  it('refuses a token signed with another key', async () => {
    const other = await generateKeyPair('ES256');
    const token = await mintDevToken({ kid: local().devKey.kid, ...other }, { role: 'admin' });
    const response = await call('/me', { headers: { ...bearer(token), 'accept-language': 'en' } });
    expect(response.status).toBe(401);
    expectErrorBody(response, 'unauthorized');
    expect(response.json.error.message).toMatch(/signature/);
  });

  it('refuses a token for another audience', async () => {
    const token = await local().token({ role: 'admin', audience: `${DEV_AUDIENCE}-other` });
    const response = await call('/me', { headers: { ...bearer(token), 'accept-language': 'en' } });
    expect(response.status).toBe(401);
    expect(response.json.error.message).toMatch(/aud/);
  });

  it('refuses a token from another issuer', async () => {
    const token = await local().token({ role: 'admin', issuer: 'https://evil.example/idp' });
    const response = await call('/me', { headers: { ...bearer(token), 'accept-language': 'en' } });
    expect(response.status).toBe(401);
    expect(response.json.error.message).toMatch(/iss/);
  });

  it('speaks Chinese by default and English when asked', async () => {
    const zh = await call('/me');
    const en = await call('/me', { headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(zh.json.error.message).toMatch(/登录凭证/);
    expect(en.json.error.message).toMatch(/^Authentication required/);
  });
});

describe('routing errors', () => {
  it('answers an unknown route with 404 JSON', async () => {
    const response = await call('/no/such/route', {
      headers: bearer(await local().token({ role: 'admin' })),
    });
    expect(response.status).toBe(404);
    expectErrorBody(response, 'route_not_found');
  });

  it('answers a known route with the wrong method with 405 JSON and an Allow header', async () => {
    const response = await call('/me', { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    expectErrorBody(response, 'method_not_allowed');
  });

  it('refuses a body larger than API Gateway accepts with 413', async () => {
    const response = await call('/health', { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024 + 1, 'a') });
    expect(response.status).toBe(413);
    expectErrorBody(response, 'payload_too_large');
  });
});

describe('GET /openapi.json', () => {
  it('is public and names the server as the client reached it', async () => {
    const response = await call('/openapi.json');
    expect(response.status).toBe(200);
    expect(response.json.openapi).toBe('3.1.0');
    expect(response.json.servers).toEqual([{ url: local().url }]);
  });
});
