import { describe, expect, it } from 'vitest';
import { loadOrCreateDevKey, mintDevToken } from '#local/dev-auth.ts';
import { users } from '../support/api.ts';
import { useLocalRuntime } from '../support/runtime.ts';

/**
 * The local runtime's `__local/schedules/<name>` endpoint (what `npm run tick` calls) fires a
 * schedule as if it were its time: only an admin's valid token may do that, the same token check
 * API requests get. Without it any web page open in the developer's browser could drive time.
 */
const local = useLocalRuntime('localschedules');
const tick = (name: string, headers: Record<string, string> = {}) =>
  fetch(`${local().url}/__local/schedules/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ now: '2024-09-01T00:00:00Z' }),
  });
const errorCode = async (response: Response) =>
  ((await response.json()) as { error: { code: string } }).error.code;
const bearer = async (request: Parameters<ReturnType<typeof local>['token']>[0]) => ({
  authorization: `Bearer ${await local().token(request)}`,
});

describe('POST /__local/schedules/{name}', () => {
  it('refuses a request without a token with 401, as a cross-site form post from a web page would be', async () => {
    const response = await tick('deadlines');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await errorCode(response)).toBe('unauthorized');
    // What a page can send to localhost without a preflight: a simple POST, no Authorization.
    const simple = await fetch(`${local().url}/__local/schedules/deadlines`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'https://evil.example' },
      body: '{}',
    });
    expect(simple.status).toBe(401);
  });

  it('refuses a token the runtime did not sign with 401', async () => {
    const otherKey = await loadOrCreateDevKey(`${local().keyFile}.other`);
    const forged = await mintDevToken(otherKey, users.admin);
    expect((await tick('deadlines', { authorization: `Bearer ${forged}` })).status).toBe(401);
  });

  it('refuses department, leader and auditor tokens with 403', async () => {
    for (const user of [users.department, users.leader, users.auditor]) {
      const response = await tick('deadlines', await bearer(user));
      expect(response.status, user.role).toBe(403);
      expect(await errorCode(response)).toBe('forbidden');
    }
  });

  it('fires the schedule for an admin token', async () => {
    const response = await tick('deadlines', await bearer(users.admin));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ schedule: 'deadlines', result: { records: {} } });
    expect((await tick('no-such-schedule', await bearer(users.admin))).status).toBe(404);
  });
});
