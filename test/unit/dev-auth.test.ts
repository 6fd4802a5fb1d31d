import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { loadOrCreateDevKey, mintDevToken, verifyDevToken } from '#local/dev-auth.ts';

/**
 * The local runtime's JWT authorizer remembers the tokens whose signature it verified (an ES256
 * verification costs most of a request's local overhead); what it remembers must never outlive
 * what a full verification would accept.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'rectify-dev-auth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());

const key = await loadOrCreateDevKey(path.join(dir, 'key.json'));
const bearer = (token: string) => `Bearer ${token}`;

describe('verifyDevToken, verifying a token it has verified before', () => {
  it('accepts it again with the same claims', async () => {
    const token = await mintDevToken(key, { role: 'department', name: '张科员', subject: 'dept-1' });
    const first = await verifyDevToken(key, bearer(token));
    const again = await verifyDevToken(key, bearer(token));
    expect(first).toMatchObject({ ok: true, claims: { sub: 'dept-1' } });
    expect(again).toEqual(first);
  });

  it('refuses it once it has expired', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-30T08:00:00Z'), toFake: ['Date'] });
    const token = await mintDevToken(key, {
      role: 'admin',
      name: '整改办',
      subject: 'admin-1',
      ttlSeconds: 60,
    });
    expect((await verifyDevToken(key, bearer(token))).ok).toBe(true);
    vi.setSystemTime(new Date('2026-11-30T08:00:59Z'));
    expect((await verifyDevToken(key, bearer(token))).ok).toBe(true);
    vi.setSystemTime(new Date('2026-11-30T08:01:00Z'));
    expect(await verifyDevToken(key, bearer(token))).toEqual({ ok: false, reason: 'token expired' });
  });

  it('does not take a token with another signature for the one it verified', async () => {
    const token = await mintDevToken(key, { role: 'auditor', name: '审计', subject: 'auditor-1' });
    expect((await verifyDevToken(key, bearer(token))).ok).toBe(true);
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(86)}`;
    expect(await verifyDevToken(key, bearer(forged))).toEqual({
      ok: false,
      reason: 'token signature does not verify',
    });
    // Nor another key's verification for this key's.
    const other = await loadOrCreateDevKey(path.join(dir, 'other.json'));
    expect((await verifyDevToken(other, bearer(token))).ok).toBe(false);
  });
});
