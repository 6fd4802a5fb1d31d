import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { emulatorClientConfig } from '#local/bootstrap.ts';
import type { DevTokenRequest } from '#local/dev-auth.ts';
import { LedgerStore } from '#shared/store/ledger-store.ts';
import { apiClient, users } from '../support/api.ts';
import { eventually } from '../support/eventually.ts';
import { sharedEmulator, useLocalRuntime } from '../support/runtime.ts';

/**
 * The scheduled scans, driven through time with the local runtime's tick (what
 * `npm run tick -- <scan> --now …` calls), against the sample plan. Its inspection is in
 * Asia/Shanghai; 1.2.1 (医政医管科, 赵敏, not started) is due 2024-08-31.
 */
const local = useLocalRuntime('scans');
const api = apiClient(local);
const plan = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../fixtures/plan.sample.json'), 'utf8'),
);
const item = (ref: string) => `${plan.inspection.id}.${ref}`;
const tick = (scan: string, now: string) =>
  local().runtime.fireSchedule(scan, now) as Promise<{ records: Record<string, number> }>;
const history = async (ref: string) => (await api.get(`/items/${item(ref)}/history`, users.admin)).json;
const inboxTypes = async (user: DevTokenRequest, itemId: string) =>
  (
    (await api.get('/me/notifications?limit=100', user)).json.notifications as {
      itemId?: string;
      detailType: string;
    }[]
  )
    .filter((notification) => notification.itemId === itemId)
    .map((notification) => notification.detailType)
    .sort();

beforeAll(async () => {
  expect((await api.post('/inspections/import', users.admin, { plan })).status).toBe(201);
});

describe('deadline ladder', () => {
  it('turns an overdue item red, warns once a day, and escalates on the third red scan', async () => {
    // 08:00 in Shanghai on 1, 2 and 3 September 2024.
    const first = await tick('deadlines', '2024-09-01T00:00:00Z');
    expect(first.records).toMatchObject({ Overdue: 1 });
    const again = await tick('deadlines', '2024-09-01T06:00:00Z');
    expect(again.records).toEqual({});
    await tick('deadlines', '2024-09-02T00:00:00Z');
    const third = await tick('deadlines', '2024-09-03T00:00:00Z');
    expect(third.records).toMatchObject({ Overdue: 1, Escalated: 1 });

    const types = (await history('1.2.1')).events.map((event: { type: string }) => event.type);
    expect(types).toEqual(['Imported', 'Overdue', 'Overdue', 'Overdue', 'Escalated']);
    expect((await history('1.2.1')).verification).toMatchObject({ ok: true });
    const shown = (await api.get(`/items/${item('1.2.1')}`, users.admin)).json;
    expect(shown).toMatchObject({ light: 'red', escalations: 1, overdue: true });
  });

  it('tells the department, the leader and the admins, and escalates to the leader and the admins', async () => {
    const itemId = item('1.2.1');
    await eventually(async () =>
      (await inboxTypes(users.admin, itemId)).includes('ItemEscalated') ? true : undefined,
    );
    expect(await inboxTypes(users.admin, itemId)).toEqual([
      'ItemEscalated',
      'ItemOverdue',
      'ItemOverdue',
      'ItemOverdue',
    ]);
    expect(await inboxTypes(users.otherLeader, itemId)).toEqual([
      'ItemEscalated',
      'ItemOverdue',
      'ItemOverdue',
      'ItemOverdue',
    ]);
    const department = { ...users.otherDepartment, department: '医政医管科' };
    expect(await inboxTypes(department, itemId)).toEqual(['ItemOverdue', 'ItemOverdue', 'ItemOverdue']);
  });

  it('runs from the tick command against the running API, as users drive time', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['local/tick.ts', 'deadlines', '--now', '2024-09-04T08:00:00+08:00'],
      {
        cwd: path.resolve(import.meta.dirname, '../..'),
        // The tick signs its admin token with the key this runtime trusts.
        env: { ...process.env, PORT: new URL(local().url).port, RECTIFY_DEV_KEY_FILE: local().keyFile },
      },
    );
    expect(JSON.parse(stdout)).toMatchObject({ schedule: 'deadlines', result: { records: { Overdue: 1 } } });
  });
});

describe('long-term items (长期坚持)', () => {
  it('are announced to their department once when the 90-day re-attestation is missed', async () => {
    // 1.1.1 is long-term and rectified on import: its cycle runs from the import.
    const before = (await api.get(`/items/${item('1.1.1')}`, users.admin)).json;
    expect(before).toMatchObject({ longTerm: true, status: 'rectified', light: 'green' });
    const due = before.reattestationDue as string;
    const missed = `${due}T23:00:00+08:00`;
    const dayAfter = new Date(Date.parse(missed) + 3_600_000).toISOString();
    expect((await tick('reattest', dayAfter)).records).toEqual({ ReattestationDue: 1 });
    expect((await tick('reattest', dayAfter)).records).toEqual({});
    await eventually(async () =>
      (await inboxTypes(users.department, item('1.1.1'))).includes('ReattestationDue') ? true : undefined,
    );
    const reported = await api.post(`/items/${item('1.1.1')}/progress`, users.department, {
      text: '长效机制运行正常',
    });
    expect(reported.status, reported.text).toBe(201);
    expect(reported.json.item.lastProgressAt).toBeDefined();
  });
});

describe('look-back (回头看)', () => {
  it('brings a closed item back to the admins six months after its close-out; they confirm it once', async () => {
    const current = (await api.get(`/items/${item('1.1.1')}`, users.admin)).json;
    const closed = await api.post(`/items/${item('1.1.1')}/transitions`, users.admin, {
      to: 'closed',
      expectedVersion: current.version,
    });
    expect(closed.status, closed.text).toBe(200);
    const due = closed.json.item.lookBackDue as string;
    expect(due).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // 2.1.1, closed on import today, falls due the same day.
    expect((await tick('lookback', `${due}T00:00:00+08:00`)).records).toEqual({ LookBackDue: 2 });
    expect((await tick('lookback', `${due}T12:00:00+08:00`)).records).toEqual({});
    await eventually(async () =>
      (await inboxTypes(users.admin, item('1.1.1'))).includes('LookBackDue') ? true : undefined,
    );
    const confirmed = await api.post(`/items/${item('1.1.1')}/look-back`, users.admin, {
      note: '整改成果巩固良好',
    });
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.json.event).toMatchObject({
      type: 'LookBackConfirmed',
      data: { note: '整改成果巩固良好' },
    });
    const twice = await api.post(`/items/${item('1.1.1')}/look-back`, users.admin, {});
    expect(twice.status).toBe(422);
    expect(twice.json.error.details.rule).toBe('look-back-confirmed');
  });

  it('keeps the chain intact when a closed item is reopened after its look-back', async () => {
    const current = (await api.get(`/items/${item('1.1.1')}`, users.admin)).json;
    const reopened = await api.post(`/items/${item('1.1.1')}/transitions`, users.admin, {
      to: 'in_progress',
      expectedVersion: current.version,
      reason: '回头看发现问题反弹',
    });
    expect(reopened.status, reopened.text).toBe(200);
    const { events, verification } = await history('1.1.1');
    expect(events.map((event: { type: string }) => event.type)).toEqual([
      'Imported',
      'ReattestationDue',
      'ProgressReported',
      'StatusChanged',
      'LookBackDue',
      'LookBackConfirmed',
      'StatusChanged',
    ]);
    expect(verification).toMatchObject({ ok: true });
  });

  it('uses the periods an admin sets for the inspection', async () => {
    const before = (await api.get(`/items/${item('2.1.1')}`, users.admin)).json.lookBackDue as string;
    const set = await api.call('PUT', `/inspections/${plan.inspection.id}/follow-up`, {
      as: users.admin,
      body: { lookBackMonths: 3, reattestationDays: 30 },
    });
    expect(set.status, set.text).toBe(200);
    const after = (await api.get(`/items/${item('2.1.1')}`, users.admin)).json.lookBackDue as string;
    const months = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7));
    expect(months(before) - months(after)).toBe(3);
    const refused = await api.call('PUT', `/inspections/${plan.inspection.id}/follow-up`, {
      as: users.admin,
      body: { lookBackMonths: 3, reattestationDays: 3 },
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error.details.issues[0].path).toBe('reattestationDays');
  });
});

describe('a scan meeting a replace under way', () => {
  it('scans the other inspections, then fails the run naming the one it deferred; the retry scans it', async () => {
    const revised = structuredClone(plan);
    revised.inspection.id = 'scans-revised-1';
    expect((await api.post('/inspections/import', users.admin, { plan: revised })).status).toBe(201);
    const client = DynamoDBDocumentClient.from(new DynamoDBClient(emulatorClientConfig(sharedEmulator())));
    const store = new LedgerStore(client, local().runtime.resources.tables.ledger.name);
    const inspection = await store.requireInspection('scans-revised-1');
    await store.beginRevision('scans-revised-1', inspection.importId, 'scan-lease');
    const overdueRecords = async (itemId: string) =>
      ((await api.get(`/items/${itemId}/history`, users.admin)).json.events as { type: string }[]).filter(
        (event) => event.type === 'Overdue',
      ).length;
    const sampleBefore = await overdueRecords(item('1.2.1'));

    const run = tick('deadlines', '2024-10-01T00:00:00Z');

    await expect(run).rejects.toMatchObject({ name: 'ScanDeferred', inspectionIds: ['scans-revised-1'] });
    expect(await overdueRecords(item('1.2.1'))).toBe(sampleBefore + 1);
    expect(await overdueRecords('scans-revised-1.1.2.1')).toBe(0);
    await store.endRevision('scans-revised-1', 'scan-lease');
    const retry = await tick('deadlines', '2024-10-01T00:00:00Z');
    expect(await overdueRecords('scans-revised-1.1.2.1')).toBe(1);
    // The inspection scanned before records nothing twice on the same day.
    expect(await overdueRecords(item('1.2.1'))).toBe(sampleBefore + 1);
    expect(retry.records).toMatchObject({ Overdue: expect.any(Number) });
    client.destroy();
  });
});
