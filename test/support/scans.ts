import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, expect } from 'vitest';
import type { DevTokenRequest } from '#local/dev-auth.ts';
import { apiClient, users } from './api.ts';
import { useLocalRuntime } from './runtime.ts';

/**
 * The scheduled scans' tests, driven through time with the local runtime's tick (what
 * `npm run tick -- <scan> --now …` calls), against the sample plan. Its inspection is in
 * Asia/Shanghai; 1.2.1 (医政医管科, 赵敏, not started) is due 2024-08-31.
 *
 * A scan reads every inspection of its stage and time only moves forward, so tests that tick
 * must not share a stage with tests that tick other days or other items: each scans file has its
 * own runtime (one per file: the runtime configures the process) with the sample plan imported.
 */
export const samplePlan = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../fixtures/plan.sample.json'), 'utf8'),
);
export const sampleItem = (ref: string) => `${samplePlan.inspection.id}.${ref}`;

export function scanFixture(label: string) {
  const local = useLocalRuntime(label);
  const api = apiClient(local);
  beforeAll(async () => {
    expect((await api.post('/inspections/import', users.admin, { plan: samplePlan })).status).toBe(201);
  });
  return {
    local,
    api,
    tick: (scan: string, now: string) =>
      local().runtime.fireSchedule(scan, now) as Promise<{ records: Record<string, number> }>,
    history: async (ref: string) =>
      (await api.get(`/items/${sampleItem(ref)}/history`, users.admin)).json as {
        events: { type: string; eventId: string }[];
        verification: { ok: boolean };
      },
    /** The caller's notifications about an item (newest first, at most 100). */
    inbox: async (user: DevTokenRequest, itemId: string) =>
      (
        (await api.get('/me/notifications?limit=100', user)).json.notifications as {
          notificationId: string;
          itemId?: string;
          detailType: string;
        }[]
      ).filter((notification) => notification.itemId === itemId),
    /** The kinds of the caller's notifications about an item, sorted. */
    inboxTypes: async (user: DevTokenRequest, itemId: string) =>
      (
        (await api.get('/me/notifications?limit=100', user)).json.notifications as {
          itemId?: string;
          detailType: string;
        }[]
      )
        .filter((notification) => notification.itemId === itemId)
        .map((notification) => notification.detailType)
        .sort(),
  };
}
