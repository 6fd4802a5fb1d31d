import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DevTokenRequest } from '#local/dev-auth.ts';
import { apiClient, users } from '../support/api.ts';
import { eventually } from '../support/eventually.ts';
import { useLocalRuntime } from '../support/runtime.ts';

/**
 * Every route × every role × own/other department or leader, against the sample plan. The target
 * item is 1.1.2 (基层卫生科, led by 王强, in progress). Write probes are chosen so that passing
 * the authorisation gate yields a rule error (422) rather than a change, except progress, which
 * is additive: the matrix observes the gate without the cells depending on each other.
 */
const local = useLocalRuntime('rbac');
const api = apiClient(local);
const plan = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../fixtures/plan.sample.json'), 'utf8'),
);
const INSPECTION = plan.inspection.id as string;
const ITEM = `${INSPECTION}.1.1.2`;

type Who = keyof typeof users;
const WHO: Who[] = ['admin', 'leader', 'otherLeader', 'department', 'otherDepartment', 'auditor'];

/**
 * Expected status per caller; `anonymous` is the same request without a token (401 unless the
 * route is public). `expected(200, { otherLeader: 404 })` reads "200 for everyone but …".
 */
type Expected = Record<Who | 'anonymous', number>;
function expected(status: number, exceptions: Partial<Expected> = {}): Expected {
  const everyone = Object.fromEntries(WHO.map((who) => [who, status])) as Record<Who, number>;
  return { ...everyone, anonymous: 401, ...exceptions };
}
/** Callers who cannot see item 1.1.2 get 404, as if it did not exist. */
const INVISIBLE = { otherLeader: 404, otherDepartment: 404 } as const;
/** Archive requests answer 400 past the auditor/admin gate (the probe names no real aspect). */
const AUDIT_ONLY = { admin: 400, auditor: 400 } as const;
/** Inspection-wide reports name every department's items: department users get 403. */
const REPORTS_ONLY = { department: 403, otherDepartment: 403 } as const;

const MATRIX: {
  route: string;
  send: (who: Who | undefined) => Promise<{ status: number }>;
  expect: Expected;
}[] = [
  {
    route: 'GET /inspections',
    send: (who) => api.get('/inspections', who && users[who]),
    expect: expected(200),
  },
  {
    route: 'GET /inspections/{id}/ledger',
    send: (who) => api.get(`/inspections/${INSPECTION}/ledger`, who && users[who]),
    expect: expected(200),
  },
  {
    route: 'GET /items/{itemId}',
    send: (who) => api.get(`/items/${ITEM}`, who && users[who]),
    expect: expected(200, INVISIBLE),
  },
  {
    route: 'GET /items/{itemId}/history',
    send: (who) => api.get(`/items/${ITEM}/history`, who && users[who]),
    expect: expected(200, INVISIBLE),
  },
  {
    route: 'POST /items/{itemId}/progress',
    send: (who) => api.post(`/items/${ITEM}/progress`, who && users[who], { text: `来自 ${who} 的进展` }),
    expect: expected(201, { ...INVISIBLE, auditor: 403 }),
  },
  {
    route: 'POST /items/{itemId}/transitions',
    send: (who) =>
      api.post(`/items/${ITEM}/transitions`, who && users[who], { to: 'not_started', expectedVersion: 999 }),
    // 409: the gate was passed and the stale version stopped it before any rule.
    expect: expected(409, { ...INVISIBLE, auditor: 403 }),
  },
  {
    route: 'POST /items/{itemId}/evidence',
    send: (who) =>
      api.post(`/items/${ITEM}/evidence`, who && users[who], {
        fileName: '整改报告.pdf',
        contentType: 'application/pdf',
        size: 1024,
        sha256: 'a'.repeat(64),
      }),
    expect: expected(201, { ...INVISIBLE, auditor: 403 }),
  },
  {
    route: 'GET /items/{itemId}/evidence',
    send: (who) => api.get(`/items/${ITEM}/evidence`, who && users[who]),
    expect: expected(200, INVISIBLE),
  },
  {
    route: 'GET /evidence/{evidenceId}',
    send: (who) => api.get(`/evidence/${pendingEvidence}`, who && users[who]),
    expect: expected(200, INVISIBLE),
  },
  {
    route: 'GET /evidence/{evidenceId}/download',
    send: (who) => api.get(`/evidence/${pendingEvidence}/download`, who && users[who]),
    // 422: the gate was passed, but a pending file cannot be downloaded yet.
    expect: expected(422, INVISIBLE),
  },
  {
    route: 'POST /evidence/{evidenceId}/withdraw',
    send: (who) =>
      api.post(`/evidence/${pendingEvidence}/withdraw`, who && users[who], { reason: '上传错误' }),
    // 422 for writers: only stored evidence can be withdrawn.
    expect: expected(422, { ...INVISIBLE, auditor: 403 }),
  },
  {
    route: 'POST /inspections/import',
    send: (who) => api.post('/inspections/import', who && users[who], { plan }),
    // 409 for the admin: allowed, but the inspection exists and replace was not asked.
    expect: expected(403, { admin: 409 }),
  },
  {
    route: 'POST /inspections/import/preview',
    send: (who) => api.post('/inspections/import/preview', who && users[who], { plan }),
    // A preview reads the plan and writes nothing: the admin gets it even for an existing inspection.
    expect: expected(403, { admin: 200 }),
  },
  {
    route: 'GET /me',
    send: (who) => api.get('/me', who && users[who]),
    expect: expected(200),
  },
  {
    // 1.1.2 is in progress: past the admin-only gate the confirmation is refused as not due.
    route: 'POST /items/{itemId}/look-back',
    send: (who) => api.post(`/items/${ITEM}/look-back`, who && users[who], {}),
    expect: expected(403, { admin: 422 }),
  },
  {
    route: 'GET /inspections/{inspectionId}/totals',
    send: (who) => api.get(`/inspections/${INSPECTION}/totals`, who && users[who]),
    expect: expected(403, { admin: 200, auditor: 200 }),
  },
  {
    route: 'POST /inspections/{inspectionId}/totals/rebuild',
    send: (who) => api.post(`/inspections/${INSPECTION}/totals/rebuild`, who && users[who], {}),
    expect: expected(403, { admin: 200 }),
  },
  {
    // Past the admin-only gate, a URL that is not https is refused (nothing is stored).
    route: 'PUT /departments/{department}/webhook',
    send: (who) =>
      api.call('PUT', '/departments/基层卫生科/webhook', {
        ...(who ? { as: users[who] } : {}),
        body: { url: 'http://chat.example.com/hook', format: 'wecom' },
      }),
    expect: expected(403, { admin: 400 }),
  },
  {
    route: 'DELETE /departments/{department}/webhook',
    send: (who) => api.call('DELETE', '/departments/无此科室/webhook', who ? { as: users[who] } : {}),
    expect: expected(403, { admin: 404 }),
  },
  {
    // Past the admin-only gate an out-of-range period is refused (nothing is stored).
    route: 'PUT /inspections/{inspectionId}/follow-up',
    send: (who) =>
      api.call('PUT', `/inspections/${INSPECTION}/follow-up`, {
        ...(who ? { as: users[who] } : {}),
        body: { lookBackMonths: 0, reattestationDays: 90 },
      }),
    expect: expected(403, { admin: 400 }),
  },
  {
    // Past the admin-only gate an unknown kind is refused (nothing is recorded).
    route: 'POST /inspections/{inspectionId}/outcomes',
    send: (who) =>
      api.post(`/inspections/${INSPECTION}/outcomes`, who && users[who], {
        kind: 'promotion',
        count: 1,
        date: '2024-01-01',
      }),
    expect: expected(403, { admin: 400 }),
  },
  {
    route: 'GET /inspections/{inspectionId}/outcomes',
    send: (who) => api.get(`/inspections/${INSPECTION}/outcomes`, who && users[who]),
    expect: expected(200, REPORTS_ONLY),
  },
  {
    route: 'POST /inspections/{inspectionId}/summaries',
    send: (who) => api.post(`/inspections/${INSPECTION}/summaries`, who && users[who], { lang: 'fr' }),
    expect: expected(403, { admin: 400 }),
  },
  {
    route: 'GET /inspections/{inspectionId}/summaries',
    send: (who) => api.get(`/inspections/${INSPECTION}/summaries`, who && users[who]),
    expect: expected(200, REPORTS_ONLY),
  },
  {
    // No summary was made: past the gate, 404.
    route: 'GET /inspections/{inspectionId}/summaries/latest',
    send: (who) => api.get(`/inspections/${INSPECTION}/summaries/latest`, who && users[who]),
    expect: expected(404, REPORTS_ONLY),
  },
  {
    route: 'GET /summaries/{summaryId}',
    send: (who) => api.get(`/summaries/r-${'0'.repeat(20)}`, who && users[who]),
    expect: expected(404, REPORTS_ONLY),
  },
  {
    // Past the gate an unknown field is refused (nothing is saved).
    route: 'PUT /inspections/{inspectionId}/report-text',
    send: (who) =>
      api.call('PUT', `/inspections/${INSPECTION}/report-text`, {
        ...(who ? { as: users[who] } : {}),
        body: { foreword: '前言' },
      }),
    expect: expected(403, { admin: 400 }),
  },
  {
    route: 'GET /inspections/{inspectionId}/report-text',
    send: (who) => api.get(`/inspections/${INSPECTION}/report-text`, who && users[who]),
    expect: expected(200, REPORTS_ONLY),
  },
  {
    route: 'PUT /inspections/{inspectionId}/summary-schedule',
    send: (who) =>
      api.call('PUT', `/inspections/${INSPECTION}/summary-schedule`, {
        ...(who ? { as: users[who] } : {}),
        body: { enabled: true, weekday: 8, hour: 9 },
      }),
    expect: expected(403, { admin: 400 }),
  },
  {
    // Past the gate an unknown aspect is refused (no archive is made).
    route: 'POST /inspections/{inspectionId}/archives',
    send: (who) => api.post(`/inspections/${INSPECTION}/archives`, who && users[who], { aspect: 99 }),
    expect: expected(403, AUDIT_ONLY),
  },
  {
    route: 'GET /archives/{archiveId}',
    send: (who) => api.get(`/archives/a-${'0'.repeat(20)}`, who && users[who]),
    expect: expected(403, { admin: 404, auditor: 404 }),
  },
  {
    route: 'GET /inspections/{inspectionId}/archives',
    send: (who) => api.get(`/inspections/${INSPECTION}/archives`, who && users[who]),
    expect: expected(403, { admin: 200, auditor: 200 }),
  },
  {
    route: 'GET /archives/public-key',
    send: (who) => api.get('/archives/public-key', who && users[who]),
    expect: expected(403, { admin: 200, auditor: 200 }),
  },
  {
    route: 'GET /me/notifications',
    send: (who) => api.get('/me/notifications', who && users[who]),
    expect: expected(200, { auditor: 403 }),
  },
  {
    // Nobody holds this id: passing the gate yields 404 (the own-inbox rule is tested in events).
    route: 'POST /me/notifications/{notificationId}/read',
    send: (who) =>
      api.post(
        '/me/notifications/1700000000000-00000000-0000-4000-8000-000000000000/read',
        who && users[who],
        {},
      ),
    expect: expected(404, { auditor: 403 }),
  },
  {
    route: 'GET /openapi.json',
    send: (who) => api.get('/openapi.json', who && users[who]),
    expect: expected(200, { anonymous: 200 }),
  },
];

/** An evidence file of the target item that stays pending (nothing is uploaded for it). */
let pendingEvidence = '';
beforeAll(async () => {
  expect((await api.post('/inspections/import', users.admin, { plan })).status).toBe(201);
  const opened = await api.post(`/items/${ITEM}/evidence`, users.admin, {
    fileName: '待上传.pdf',
    contentType: 'application/pdf',
    size: 10,
    sha256: 'c'.repeat(64),
  });
  pendingEvidence = opened.json.evidenceId;
});

describe('authorisation matrix', () => {
  const cells = MATRIX.flatMap((row) =>
    [...WHO, undefined].map((who) => ({ row, who, label: `${row.route} as ${who ?? 'anonymous'}` })),
  );
  it.each(cells)('$label', async ({ row, who }) => {
    const response = await row.send(who);
    expect(response.status).toBe(row.expect[who ?? 'anonymous']);
  });

  it('covers every HTTP route of the manifest', async () => {
    const { httpRoutes } = await import('#catalog/functions.ts');
    const covered = new Set(MATRIX.map((row) => row.route.replace('{id}', '{inspectionId}')));
    const missing = httpRoutes()
      .map((route) => `${route.method} ${route.path}`)
      .filter((route) => route !== 'GET /health' && !covered.has(route));
    expect(missing).toEqual([]);
  });

  it('shows each caller only the items they may see in the ledger', async () => {
    const refs = async (who: Who) =>
      (await api.get(`/inspections/${INSPECTION}/ledger`, users[who])).json.items.map(
        (i: { ref: string }) => i.ref,
      );
    expect(await refs('admin')).toEqual(['1.1.1', '1.1.2', '1.2.1', '2.1.1']);
    expect(await refs('auditor')).toEqual(['1.1.1', '1.1.2', '1.2.1', '2.1.1']);
    expect(await refs('leader')).toEqual(['1.1.1', '1.1.2']);
    expect(await refs('otherLeader')).toEqual(['1.2.1']);
    expect(await refs('department')).toEqual(['1.1.1', '1.1.2']);
    expect(await refs('otherDepartment')).toEqual(['2.1.1']);
  });
});

/**
 * Leaders are matched by the leader id an admin set on their account (`custom:leaderId`), never by
 * display name: two leaders called 王强 each lead the items the plan gives their id.
 */
describe('leaders with the same name', () => {
  const HOMONYMS = `${INSPECTION}-ids`;
  const wangA = { role: 'leader', subject: 'wang-a', name: '王强', leaderId: 'L-wang-a' } as const;
  const wangB = { role: 'leader', subject: 'wang-b', name: '王强', leaderId: 'L-wang-b' } as const;
  const noLeaderId = { role: 'leader', subject: 'wang-c', name: '王强' } as const;
  const refs = async (as: DevTokenRequest) => {
    const response = await api.get(`/inspections/${HOMONYMS}/ledger`, as);
    expect(response.status, response.text).toBe(200);
    return response.json.items.map((i: { ref: string }) => i.ref);
  };

  beforeAll(async () => {
    const withIds = structuredClone(plan);
    withIds.inspection.id = HOMONYMS;
    const [first, second] = withIds.aspects[0].problems[0].items;
    first.responsibleLeaderId = wangA.leaderId;
    second.responsibleLeaderId = wangB.leaderId;
    const imported = await api.post('/inspections/import', users.admin, { plan: withIds });
    expect(imported.status, imported.text).toBe(201);
  });

  it('shows each only the items with their leader id, and nothing to a leader without one', async () => {
    expect(await refs(wangA)).toEqual(['1.1.1']);
    expect(await refs(wangB)).toEqual(['1.1.2']);
    expect(await refs(noLeaderId)).toEqual([]);
    // The sample's leader token carries the name as its id: items keyed by id are not its own.
    expect(await refs(users.leader)).toEqual([]);
    expect(await refs(users.otherLeader)).toEqual(['1.2.1']);
  });

  it('keeps a leader out of the homonym’s item, for reading and writing', async () => {
    const item = `${HOMONYMS}.1.1.2`;
    expect((await api.get(`/items/${item}`, wangA)).status).toBe(404);
    expect((await api.post(`/items/${item}/progress`, wangA, { text: '冒名报送' })).status).toBe(404);
    expect((await api.get(`/items/${item}`, noLeaderId)).status).toBe(404);
    expect((await api.get(`/items/${item}`, wangB)).status).toBe(200);
  });

  it('delivers a leader’s notifications to the holder of the leader id only', async () => {
    const item = `${HOMONYMS}.1.1.2`;
    const reported = await api.post(`/items/${item}/progress`, users.admin, { text: '按期推进' });
    expect(reported.status, reported.text).toBe(201);
    const about = async (as: DevTokenRequest) => {
      const response = await api.get('/me/notifications', as);
      expect(response.status, response.text).toBe(200);
      return response.json.notifications.filter((n: { itemId?: string }) => n.itemId === item);
    };
    await eventually(async () => ((await about(wangB)).length === 1 ? true : undefined));
    expect(await about(wangA)).toEqual([]);
    expect(await about(noLeaderId)).toEqual([]);
  });
});
