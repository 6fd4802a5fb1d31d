import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { emulatorClientConfig } from '#local/bootstrap.ts';
import { keys } from '#shared/store/keys.ts';
import { apiClient, users } from '../support/api.ts';
import { sharedEmulator, useLocalRuntime } from '../support/runtime.ts';

const local = useLocalRuntime('ledger');
const api = apiClient(local);
const samplePlan = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../fixtures/plan.sample.json'), 'utf8'),
);
const INSPECTION = samplePlan.inspection.id as string;
const item = (ref: string) => `${INSPECTION}.${ref}`;

beforeAll(async () => {
  const imported = await api.post('/inspections/import', users.admin, { plan: samplePlan });
  expect(imported.status, imported.text).toBe(201);
});

describe('import', () => {
  it('imports the sample plan whole and shows it in the list', async () => {
    const list = await api.get('/inspections', users.auditor);
    expect(list.json.inspections).toEqual([
      expect.objectContaining({ inspectionId: INSPECTION, itemCount: 4, timezone: 'Asia/Shanghai' }),
    ]);
  });

  it('refuses the same inspection again with 409, and changes nothing', async () => {
    const again = await api.post('/inspections/import', users.admin, { plan: samplePlan });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('conflict');
  });

  it('replaces an inspection when an admin asks, starting fresh chains and keeping nothing of the old view', async () => {
    const other = structuredClone(samplePlan);
    other.inspection.id = 'replace-me-1';
    expect((await api.post('/inspections/import', users.admin, { plan: other })).status).toBe(201);
    await api.post(`/items/replace-me-1.1.2.1/transitions`, users.admin, {
      to: 'in_progress',
      expectedVersion: 1,
    });
    other.aspects[0].problems[1].items[0].title = '民营医院监督检查覆盖面不足（修订）';
    const replaced = await api.post('/inspections/import', users.admin, { plan: other, replace: true });
    expect(replaced.status).toBe(201);
    expect(replaced.json).toMatchObject({ inspectionId: 'replace-me-1', itemCount: 4, replaced: true });
    const item = (await api.get('/items/replace-me-1.1.2.1', users.admin)).json;
    expect(item).toMatchObject({
      title: '民营医院监督检查覆盖面不足（修订）',
      status: 'not_started',
      version: 1,
    });
    const history = (await api.get('/items/replace-me-1.1.2.1/history', users.admin)).json;
    expect(history.events.map((e: { type: string }) => e.type)).toEqual(['Imported']);
  });

  it('refuses an invalid plan with 400 listing every error with its path, and writes nothing', async () => {
    const broken = structuredClone(samplePlan);
    broken.inspection.id = 'broken-plan-1';
    broken.aspects[0].problems[0].items[0].deadline = '2024-13-01';
    broken.aspects[0].problems[1].items[0].status = '差不多了';
    broken.aspects[1].no = 1;
    const response = await api.post('/inspections/import', users.admin, { plan: broken });
    expect(response.status).toBe(400);
    const paths = response.json.error.details.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'aspects[0].problems[0].items[0].deadline',
        'aspects[0].problems[1].items[0].status',
        'aspects[1].no',
      ]),
    );
    expect((await api.get('/inspections/broken-plan-1/ledger', users.admin)).status).toBe(404);
  });
});

describe('ledger', () => {
  it('shows the admin every item with its status and the totals', async () => {
    const ledger = await api.get(`/inspections/${INSPECTION}/ledger`, users.admin);
    expect(ledger.status).toBe(200);
    expect(ledger.json.items.map((i: { ref: string; status: string }) => `${i.ref}:${i.status}`)).toEqual([
      '1.1.1:rectified',
      '1.1.2:in_progress',
      '1.2.1:not_started',
      '2.1.1:closed',
    ]);
    expect(ledger.json.totals.all).toMatchObject({
      total: 4,
      rectifiedTotal: 2,
      in_progress: 1,
      not_started: 1,
      measuresTotal: 6,
      measuresDone: 4,
    });
  });

  it('shows a department only its own items', async () => {
    const own = await api.get(`/inspections/${INSPECTION}/ledger`, users.department);
    expect(own.json.items.map((i: { responsibleDept: string }) => i.responsibleDept)).toEqual([
      '基层卫生科',
      '基层卫生科',
    ]);
    const filtered = await api.get(`/inspections/${INSPECTION}/ledger?dept=财务科`, users.department);
    expect(filtered.json.items).toEqual([]);
  });

  it('exports CSV that keeps Chinese text and XLSX bytes', async () => {
    const csv = await api.get(`/inspections/${INSPECTION}/ledger?format=csv`, users.admin);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.text.split('\n')[0]).toContain('方面,问题,具体表现,整改措施');
    expect(csv.headers.get('content-disposition')).toMatch(/filename\*=UTF-8''/);
    const xlsx = await fetch(`${local().url}/inspections/${INSPECTION}/ledger?format=xlsx`, {
      headers: { authorization: `Bearer ${await local().token(users.admin)}` },
    });
    const bytes = Buffer.from(await xlsx.arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
  });
});

describe('transitions', () => {
  it('starts an item, then refuses a stale version with the current one', async () => {
    const started = await api.post(`/items/${item('1.2.1')}/transitions`, users.otherLeader, {
      to: 'in_progress',
      expectedVersion: 1,
    });
    expect(started.status, started.text).toBe(200);
    expect(started.json.item).toMatchObject({ status: 'in_progress', version: 2 });
    const stale = await api.post(`/items/${item('1.2.1')}/transitions`, users.admin, {
      to: 'rectified',
      expectedVersion: 1,
    });
    expect(stale.status).toBe(409);
    expect(stale.json.error.details).toEqual({ expectedVersion: 1, currentVersion: 2 });
  });

  it('refuses an illegal transition with 422 naming from, to and the rule', async () => {
    const response = await api.post(`/items/${item('1.1.2')}/transitions`, users.admin, {
      to: 'closed',
      expectedVersion: 1,
    });
    expect(response.status).toBe(422);
    expect(response.json.error.details).toMatchObject({
      rule: 'no-such-transition',
      from: 'in_progress',
      to: 'closed',
    });
  });

  it('refuses rectified without stored evidence', async () => {
    const response = await api.post(`/items/${item('1.1.2')}/transitions`, users.department, {
      to: 'rectified',
      expectedVersion: 1,
    });
    expect(response.status).toBe(422);
    expect(response.json.error.details.rule).toBe('evidence-required');
  });

  it('closes out with a sign-off record, and the history chain verifies', async () => {
    const closed = await api.post(`/items/${item('1.1.1')}/transitions`, users.admin, {
      to: 'closed',
      expectedVersion: 1,
      meaning: '整改到位，同意销号',
    });
    expect(closed.status, closed.text).toBe(200);
    expect(closed.json.item.signOff).toMatchObject({
      by: { subject: 'admin-1' },
      decision: 'approved',
      meaning: '整改到位，同意销号',
    });
    const history = await api.get(`/items/${item('1.1.1')}/history`, users.auditor);
    expect(history.json.events.map((e: { type: string }) => e.type)).toEqual(['Imported', 'StatusChanged']);
    expect(history.json.verification).toMatchObject({
      ok: true,
      length: 2,
      head: closed.json.item.chainHead,
    });
  });
});

describe('bad input leaves the ledger unchanged', () => {
  const target = () => `/items/${item('1.1.2')}/progress`;
  async function version() {
    return (await api.get(`/items/${item('1.1.2')}`, users.admin)).json.version as number;
  }

  it.each([
    [
      'malformed JSON',
      { rawBody: '{"text": ', headers: { 'content-type': 'application/json' } },
      400,
      'bad_request',
    ],
    [
      'wrong content type',
      { rawBody: 'text=hi', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      415,
      'unsupported_media_type',
    ],
    ['a body over 1 MB', { body: { text: 'x'.repeat(1024 * 1024) } }, 413, 'payload_too_large'],
    ['an unknown field', { body: { text: 'ok', colour: 'red' } }, 400, 'validation_failed'],
    ['text over 10,000 characters', { body: { text: '进'.repeat(10_001) } }, 400, 'validation_failed'],
    ['a measure that does not exist', { body: { text: 'ok', measuresDone: [7] } }, 400, 'validation_failed'],
  ])('%s → %i', async (_case, request, status, code) => {
    const before = await version();
    const response = await api.call('POST', target(), { as: users.department, ...request });
    expect(response.status).toBe(status);
    expect(response.json.error.code).toBe(code);
    expect(await version()).toBe(before);
  });
});

describe('idempotency', () => {
  it('records one event for ten retries of the same progress form with one key', async () => {
    const before = (await api.get(`/items/${item('1.1.2')}/history`, users.admin)).json.events.length;
    const form = { text: '开展签约服务质量抽查，覆盖12个乡镇。', measuresDone: [1] };
    const responses = [];
    for (let i = 0; i < 10; i++) {
      responses.push(
        await api.post(`/items/${item('1.1.2')}/progress`, users.department, form, {
          'idempotency-key': 'form-42',
        }),
      );
    }
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(responses.map((r) => r.json.event.eventId)).size).toBe(1);
    const history = (await api.get(`/items/${item('1.1.2')}/history`, users.admin)).json;
    expect(history.events.length).toBe(before + 1);
    expect(history.verification.ok).toBe(true);
  });

  it('refuses the same key with another body with 422', async () => {
    const first = await api.post(
      `/items/${item('1.1.2')}/progress`,
      users.department,
      { text: 'A' },
      { 'idempotency-key': 'form-43' },
    );
    expect(first.status).toBe(201);
    const second = await api.post(
      `/items/${item('1.1.2')}/progress`,
      users.department,
      { text: 'B' },
      { 'idempotency-key': 'form-43' },
    );
    expect(second.status).toBe(422);
    expect(second.json.error.details.rule).toBe('idempotency-key-reused');
  });
});

describe('concurrency', () => {
  it('lets exactly one of 50 concurrent transitions from the same version win', async () => {
    const target = item('2.1.1');
    const reopen = { to: 'in_progress', expectedVersion: 1, reason: '回头看发现反弹' };
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => api.post(`/items/${target}/transitions`, users.admin, reopen)),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const history = (await api.get(`/items/${target}/history`, users.admin)).json;
    expect(history.events).toHaveLength(2);
    expect(history.verification.ok).toBe(true);
  });
});

describe('no lost updates', () => {
  it('records every one of 8 concurrent progress reports on one item, in one unbroken chain', async () => {
    const target = item('1.1.1');
    const before = (await api.get(`/items/${target}/history`, users.admin)).json.events.length;
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        api.post(`/items/${target}/progress`, users.leader, { text: `第${n + 1}次进展` }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(201));
    const history = (await api.get(`/items/${target}/history`, users.admin)).json;
    expect(history.events).toHaveLength(before + 8);
    const texts = history.events
      .filter((e: { type: string }) => e.type === 'ProgressReported')
      .map((e: { data: { text: string } }) => e.data.text);
    expect(new Set(texts).size).toBe(8);
    expect(history.verification.ok).toBe(true);
  });
});

describe('tamper evidence', () => {
  it('reports the edited record when an event is changed directly in DynamoDB', async () => {
    const target = item('1.1.2');
    const documentClient = DynamoDBDocumentClient.from(
      new DynamoDBClient(emulatorClientConfig(sharedEmulator())),
    );
    const TableName = local().runtime.resources.tables.ledger.name;
    const { Item: meta } = await documentClient.send(
      new GetCommand({ TableName, Key: keys.inspection(INSPECTION) }),
    );
    await documentClient.send(
      new UpdateCommand({
        TableName,
        Key: keys.chainEvent(meta?.importId, '1.1.2', 1),
        UpdateExpression: 'SET #data.#deadline = :forged',
        ExpressionAttributeNames: { '#data': 'data', '#deadline': 'deadline' },
        ExpressionAttributeValues: { ':forged': '2099-12-31' },
      }),
    );
    const history = (await api.get(`/items/${target}/history`, users.auditor)).json;
    expect(history.verification).toMatchObject({ ok: false, brokenAt: 1, reason: 'hash-mismatch' });
    documentClient.destroy();
  });
});
