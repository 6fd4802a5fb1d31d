import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { emulatorClientConfig } from '#local/bootstrap.ts';
import { keys } from '#shared/store/keys.ts';
import { LedgerStore } from '#shared/store/ledger-store.ts';
import { apiClient, users } from '../support/api.ts';
import { storeEvidence } from '../support/evidence.ts';
import {
  LEDGER_HEADERS,
  LEDGER_NUMBER_COLUMNS,
  LEDGER_WIDTHS,
  ledgerCsvRows,
  readLedgerWorkbook,
} from '../support/ledger-workbook.ts';
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

/** A copy of the sample plan under another inspection id, imported fresh. */
async function importCopy(id: string) {
  const plan = structuredClone(samplePlan);
  plan.inspection.id = id;
  const imported = await api.post('/inspections/import', users.admin, { plan });
  expect(imported.status, imported.text).toBe(201);
  return plan;
}

describe('import', () => {
  it('imports the sample plan whole and shows it in the list', async () => {
    // Other tests of this file import copies of their own: the list gains exactly this one.
    const listed = async () =>
      (await api.get('/inspections', users.auditor)).json.inspections as { inspectionId: string }[];
    const before = await listed();
    expect(before.map((i) => i.inspectionId)).not.toContain('import-listed-1');
    await importCopy('import-listed-1');
    const after = await listed();
    expect(after.filter((i) => i.inspectionId !== 'import-listed-1')).toEqual(before);
    expect(after.filter((i) => i.inspectionId === 'import-listed-1')).toEqual([
      expect.objectContaining({ inspectionId: 'import-listed-1', itemCount: 4, timezone: 'Asia/Shanghai' }),
    ]);
    // And the plan the file began with, as imported.
    expect(after.filter((i) => i.inspectionId === INSPECTION)).toEqual([
      expect.objectContaining({ inspectionId: INSPECTION, itemCount: 4, timezone: 'Asia/Shanghai' }),
    ]);
  });

  it('refuses the same inspection again with 409, and changes nothing', async () => {
    const again = await api.post('/inspections/import', users.admin, { plan: samplePlan });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('conflict');
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

function ledgerStoreOf() {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(emulatorClientConfig(sharedEmulator())));
  return { client, store: new LedgerStore(client, local().runtime.resources.tables.ledger.name) };
}

describe('replace: a change of the plan, not of the workflow', () => {
  it('keeps status, version and chain, appends PlanRevised to the changed item only, and keeps the earlier generation readable', async () => {
    const plan = await importCopy('replace-me-1');
    const started = await api.post('/items/replace-me-1.1.2.1/transitions', users.admin, {
      to: 'in_progress',
      expectedVersion: 1,
    });
    expect(started.status, started.text).toBe(200);
    const before = (await api.get('/inspections/replace-me-1/ledger', users.admin)).json;
    plan.aspects[0].problems[1].items[0].title = '民营医院监督检查覆盖面不足（修订）';
    plan.aspects[0].problems[1].items[0].deadline = '2024-10-31';
    plan.aspects[0].problems[1].items[0].status = 'not_started'; // behind the workflow: ignored
    const replaced = await api.post('/inspections/import', users.admin, { plan, replace: true });
    expect(replaced.status, replaced.text).toBe(201);
    expect(replaced.json).toMatchObject({ inspectionId: 'replace-me-1', itemCount: 4, replaced: true });

    const revised = (await api.get('/items/replace-me-1.1.2.1', users.admin)).json;
    expect(revised).toMatchObject({
      title: '民营医院监督检查覆盖面不足（修订）',
      deadline: '2024-10-31',
      status: 'in_progress',
      version: 3,
    });
    const history = (await api.get('/items/replace-me-1.1.2.1/history', users.auditor)).json;
    expect(history.events.map((e: { type: string }) => e.type)).toEqual([
      'Imported',
      'StatusChanged',
      'PlanRevised',
    ]);
    expect(history.events[2].data).toEqual({
      importId: replaced.json.importId,
      changes: [
        { field: 'title', before: '民营医院监督检查覆盖面不足', after: '民营医院监督检查覆盖面不足（修订）' },
        { field: 'deadline', before: '2024-08-31', after: '2024-10-31' },
      ],
    });
    expect(history.verification).toMatchObject({ ok: true, length: 3, head: revised.chainHead });
    // Unchanged items get no record; a closed item stays closed with its sign-off state.
    const untouched = (await api.get('/items/replace-me-1.2.1.1/history', users.auditor)).json;
    expect(untouched.events.map((e: { type: string }) => e.type)).toEqual(['Imported']);
    expect((await api.get('/items/replace-me-1.2.1.1', users.admin)).json).toMatchObject({
      status: 'closed',
      version: 1,
    });

    const after = (await api.get('/inspections/replace-me-1/ledger', users.admin)).json;
    const oldGeneration = before.generation;
    expect(after.inspection.generations).toEqual([replaced.json.importId, oldGeneration]);
    expect(after.generation).toBe(replaced.json.importId);
    const old = await api.get(`/inspections/replace-me-1/ledger?generation=${oldGeneration}`, users.admin);
    expect(old.status, old.text).toBe(200);
    expect(old.json.generation).toBe(oldGeneration);
    expect(old.json.items.find((i: { ref: string }) => i.ref === '1.2.1')).toMatchObject({
      title: '民营医院监督检查覆盖面不足',
      status: 'in_progress',
      version: 2,
    });
    const unknown = await api.get('/inspections/replace-me-1/ledger?generation=nosuchgen', users.admin);
    expect(unknown.status).toBe(404);
  });

  it('refuses a replace that would move an item forward: 422 naming it, and nothing changes', async () => {
    const plan = await importCopy('replace-forward-1');
    const before = (await api.get('/inspections/replace-forward-1/ledger', users.admin)).json;
    plan.aspects[0].problems[1].items[0].status = 'closed'; // 1.2.1 is not_started
    plan.aspects[0].problems[0].items[0].title = 'a change that must not land either';
    plan.aspects[1].problems[0].items.push({
      no: 2,
      title: '新增但已销号的事项',
      status: 'closed',
      longTerm: false,
      responsibleLeader: '赵敏',
      responsibleDept: '财务科',
      deadline: '2024-12-31',
      measures: [{ text: '措施', done: true }],
    });
    const refused = await api.post('/inspections/import', users.admin, { plan, replace: true });
    expect(refused.status, refused.text).toBe(422);
    expect(refused.json.error.details.rule).toBe('plan-revision-moves-workflow');
    expect(
      refused.json.error.details.issues.map((issue: { ref: string; path: string }) => [
        issue.ref,
        issue.path,
      ]),
    ).toEqual([
      ['1.2.1', 'aspects[0].problems[1].items[0].status'],
      ['2.1.2', 'aspects[1].problems[0].items[1].status'],
    ]);
    expect(refused.json.error.message).toContain('1.2.1');
    const after = (await api.get('/inspections/replace-forward-1/ledger', users.admin)).json;
    expect(after.inspection.generations).toEqual(before.inspection.generations);
    expect(after.items).toEqual(before.items);
    // The lease was given back: the workflow goes on at once.
    const started = await api.post('/items/replace-forward-1.1.2.1/transitions', users.admin, {
      to: 'in_progress',
      expectedVersion: 1,
    });
    expect(started.status, started.text).toBe(200);
  });

  it('withdraws the items a new plan drops: readable and marked, out of the totals, closed to writes', async () => {
    const plan = await importCopy('replace-drop-1');
    plan.aspects[0].problems[0].items.splice(1, 1); // 1.1.2 (in_progress)
    const replaced = await api.post('/inspections/import', users.admin, {
      plan,
      replace: true,
      withdrawReason: '与1.1.1合并整改',
    });
    expect(replaced.status, replaced.text).toBe(201);
    expect(replaced.json.itemCount).toBe(3);

    const withdrawn = await api.get('/items/replace-drop-1.1.1.2', users.admin);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.json).toMatchObject({
      status: 'in_progress',
      version: 2,
      withdrawn: { reason: '与1.1.1合并整改', importId: replaced.json.importId, by: { subject: 'admin-1' } },
    });
    const history = (await api.get('/items/replace-drop-1.1.1.2/history', users.auditor)).json;
    expect(history.events.map((e: { type: string }) => e.type)).toEqual(['Imported', 'Withdrawn']);
    expect(history.verification.ok).toBe(true);

    const ledger = (await api.get('/inspections/replace-drop-1/ledger', users.admin)).json;
    expect(ledger.items.map((i: { ref: string }) => i.ref)).toContain('1.1.2');
    expect(ledger.totals.all).toMatchObject({ total: 3, in_progress: 0 });
    const totals = await api.get('/inspections/replace-drop-1/totals', users.admin);
    expect(totals.json.totals).toMatchObject({ items: 3, byStatus: { in_progress: 0 } });
    // The exported ledger says so on the item's row, in the reader's language.
    const csv = (await api.get('/inspections/replace-drop-1/ledger?format=csv', users.admin)).text;
    const row = csv.split('\n').find((line) => line.includes('1.1.2'));
    expect(row).toContain('已从整改方案中撤销：与1.1.1合并整改');

    const transition = await api.post('/items/replace-drop-1.1.1.2/transitions', users.admin, {
      to: 'rectified',
      expectedVersion: 2,
    });
    expect(transition.status).toBe(422);
    expect(transition.json.error.details.rule).toBe('item-withdrawn');
    const progress = await api.post('/items/replace-drop-1.1.1.2/progress', users.admin, {
      text: '继续推进',
    });
    expect(progress.status).toBe(422);
    const evidence = await api.post('/items/replace-drop-1.1.1.2/evidence', users.admin, {
      fileName: 'a.pdf',
      contentType: 'application/pdf',
      size: 10,
      sha256: 'a'.repeat(64),
    });
    expect(evidence.status).toBe(422);
    expect((await api.get('/items/replace-drop-1.1.1.2', users.admin)).json.version).toBe(2);
  });

  it('refuses item writes with 409 while a replace holds its lease, and lets them through once it is given back or expired', async () => {
    await importCopy('replace-lease-1');
    const { client, store } = ledgerStoreOf();
    const inspection = await store.requireInspection('replace-lease-1');
    await store.beginRevision('replace-lease-1', inspection.importId, 'leasetest1');
    const refused = await api.post('/items/replace-lease-1.1.2.1/transitions', users.admin, {
      to: 'in_progress',
      expectedVersion: 1,
    });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toMatch(/being revised/);
    // A second replace waits for the first too.
    const second = await api.post('/inspections/import', users.admin, {
      plan: {
        ...structuredClone(samplePlan),
        inspection: { ...samplePlan.inspection, id: 'replace-lease-1' },
      },
      replace: true,
    });
    expect(second.status).toBe(409);
    // And an admin's setting of the inspection, which the replace's flip would overwrite.
    const setting = await api.call('PUT', '/inspections/replace-lease-1/follow-up', {
      as: users.admin,
      body: { lookBackMonths: 3, reattestationDays: 30 },
    });
    expect(setting.status, setting.text).toBe(409);
    await store.endRevision('replace-lease-1', 'leasetest1');
    const settled = await api.call('PUT', '/inspections/replace-lease-1/follow-up', {
      as: users.admin,
      body: { lookBackMonths: 3, reattestationDays: 30 },
    });
    expect(settled.status, settled.text).toBe(200);
    expect((await api.get('/items/replace-lease-1.1.2.1', users.admin)).json.version).toBe(1);

    // A lease left by a crashed replace expires: writes proceed.
    await store.beginRevision(
      'replace-lease-1',
      inspection.importId,
      'leasetest2',
      new Date(Date.now() - 120_000),
    );
    const through = await api.post('/items/replace-lease-1.1.2.1/transitions', users.admin, {
      to: 'in_progress',
      expectedVersion: 1,
    });
    expect(through.status, through.text).toBe(200);
    client.destroy();
  });

  it('loses no transition racing a replace: it lands before the lease and is carried over, or gets 409', async () => {
    const outcomes: number[] = [];
    for (const round of [1, 2, 3]) {
      const id = `replace-race-${round}`;
      const plan = await importCopy(id);
      plan.aspects[0].problems[1].items[0].title = `修订 ${round}`;
      const [replaced, transition] = await Promise.all([
        api.post('/inspections/import', users.admin, { plan, replace: true }),
        api.post(`/items/${id}.1.2.1/transitions`, users.admin, { to: 'in_progress', expectedVersion: 1 }),
      ]);
      expect(replaced.status, replaced.text).toBe(201);
      expect([200, 409]).toContain(transition.status);
      outcomes.push(transition.status);
      const item = (await api.get(`/items/${id}.1.2.1`, users.admin)).json;
      const history = (await api.get(`/items/${id}.1.2.1/history`, users.auditor)).json;
      expect(history.verification.ok).toBe(true);
      expect(item.title).toBe(`修订 ${round}`);
      if (transition.status === 200) {
        expect(item.status).toBe('in_progress');
        expect(history.events.map((e: { type: string }) => e.type)).toEqual([
          'Imported',
          'StatusChanged',
          'PlanRevised',
        ]);
      } else {
        expect(item.status).toBe('not_started');
        expect(history.events.map((e: { type: string }) => e.type)).toEqual(['Imported', 'PlanRevised']);
      }
    }
    expect(outcomes).toHaveLength(3);
  });
});

describe('ledger', () => {
  // Its own copy, as imported: the other tests move the sample's items.
  const VIEWED = 'ledger-view-1';
  beforeAll(async () => {
    await importCopy(VIEWED);
  });

  it('shows the admin every item with its status and the totals', async () => {
    const ledger = await api.get(`/inspections/${VIEWED}/ledger`, users.admin);
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
    const own = await api.get(`/inspections/${VIEWED}/ledger`, users.department);
    expect(own.json.items.map((i: { responsibleDept: string }) => i.responsibleDept)).toEqual([
      '基层卫生科',
      '基层卫生科',
    ]);
    const filtered = await api.get(`/inspections/${VIEWED}/ledger?dept=财务科`, users.department);
    expect(filtered.json.items).toEqual([]);
  });

  it('exports CSV that keeps Chinese text, and XLSX with the same rows', async () => {
    const csv = await api.get(`/inspections/${VIEWED}/ledger?format=csv`, users.admin);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.text.split('\n')[0]).toContain('方面,问题,具体表现,整改措施');
    expect(csv.headers.get('content-disposition')).toMatch(/filename\*=UTF-8''/);
    const xlsx = await fetch(`${local().url}/inspections/${VIEWED}/ledger?format=xlsx`, {
      headers: { authorization: `Bearer ${await local().token(users.admin)}` },
    });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(xlsx.headers.get('content-disposition')).toMatch(/\.xlsx/);
    const book = await readLedgerWorkbook(Buffer.from(await xlsx.arrayBuffer()));
    expect(book.sheetNames).toEqual(['台账']);
    expect(book.header).toEqual(LEDGER_HEADERS['zh-CN']);
    expect(book.headerBold).toEqual(LEDGER_WIDTHS.map(() => true));
    expect(book.frozen).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(book.widths).toEqual(LEDGER_WIDTHS);
    // A row per measure (6 measures over 4 items), as the CSV has them, numbers as numbers.
    expect(book.rows).toHaveLength(6);
    expect(book.rows).toEqual(ledgerCsvRows(csv.text));
    for (const row of book.rows) {
      for (const column of LEDGER_NUMBER_COLUMNS) expect(typeof row[column]).toBe('number');
    }
    expect(book.formulas).toEqual([]);
    expect(book.sheetXml).not.toMatch(/<f[\s>]/);
    // In English when asked.
    const english = await fetch(`${local().url}/inspections/${VIEWED}/ledger?format=xlsx&lang=en`, {
      headers: { authorization: `Bearer ${await local().token(users.admin)}` },
    });
    const englishBook = await readLedgerWorkbook(Buffer.from(await english.arrayBuffer()));
    expect(englishBook.sheetNames).toEqual(['ledger']);
    expect(englishBook.header).toEqual(LEDGER_HEADERS.en);
  });

  it('refuses an invalid query with 400 naming each parameter, and reads a valid one', async () => {
    const cases: [string, { path: string; message: string }[]][] = [
      ['bogus=1', [{ path: 'query.(root)', message: 'Unrecognized key: "bogus"' }]],
      [
        'status=bogus',
        [
          {
            path: 'query.status[0]',
            message: 'Invalid option: expected one of "not_started"|"in_progress"|"rectified"|"closed"',
          },
        ],
      ],
      ['status=closed,bogus', [expect.objectContaining({ path: 'query.status[1]' })]],
      [
        'overdue=maybe',
        [{ path: 'query.overdue', message: 'Invalid option: expected one of "true"|"false"' }],
      ],
      [
        'generation=UPPER',
        [{ path: 'query.generation', message: "an import id from the inspection's generations" }],
      ],
      ['format=pdf', [expect.objectContaining({ path: 'query.format' })]],
      ['lang=fr', [expect.objectContaining({ path: 'query.lang' })]],
      ['dept=', [expect.objectContaining({ path: 'query.dept' })]],
    ];
    for (const [query, issues] of cases) {
      const refused = await api.get(`/inspections/${VIEWED}/ledger?${query}`, users.admin);
      expect(refused.status, query).toBe(400);
      expect(refused.json.error.details.issues, query).toEqual(issues);
    }
    const filtered = await api.get(
      `/inspections/${VIEWED}/ledger?status=closed,rectified&overdue=false&lang=en`,
      users.admin,
    );
    expect(filtered.status, filtered.text).toBe(200);
    expect(filtered.json.items.map((i: { ref: string }) => i.ref)).toEqual(['1.1.1', '2.1.1']);
    // Open items past their 2024 deadlines.
    const overdue = await api.get(`/inspections/${VIEWED}/ledger?overdue=true`, users.admin);
    expect(overdue.json.items.map((i: { ref: string }) => i.ref)).toEqual(['1.1.2', '1.2.1']);
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
  // Its own copy: a chain another test forged or extended is not this test's business.
  const target = 'idempotency-1.1.1.2';
  beforeAll(async () => {
    await importCopy('idempotency-1');
  });

  it('records one event for ten retries of the same progress form with one key', async () => {
    const before = (await api.get(`/items/${target}/history`, users.admin)).json.events.length;
    const form = { text: '开展签约服务质量抽查，覆盖12个乡镇。', measuresDone: [1] };
    const responses = [];
    for (let i = 0; i < 10; i++) {
      responses.push(
        await api.post(`/items/${target}/progress`, users.department, form, {
          'idempotency-key': 'form-42',
        }),
      );
    }
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(responses.map((r) => r.json.event.eventId)).size).toBe(1);
    const history = (await api.get(`/items/${target}/history`, users.admin)).json;
    expect(history.events.length).toBe(before + 1);
    expect(history.verification.ok).toBe(true);
  });

  it('refuses the same key with another body with 422', async () => {
    const first = await api.post(
      `/items/${target}/progress`,
      users.department,
      { text: 'A' },
      { 'idempotency-key': 'form-43' },
    );
    expect(first.status).toBe(201);
    const second = await api.post(
      `/items/${target}/progress`,
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
    await importCopy('lost-updates-1');
    const target = 'lost-updates-1.1.1.1';
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
    // Its own copy: a forged chain would fail every later check of the sample's 1.1.2.
    await importCopy('tamper-1');
    const target = 'tamper-1.1.1.2';
    const documentClient = DynamoDBDocumentClient.from(
      new DynamoDBClient(emulatorClientConfig(sharedEmulator())),
    );
    const TableName = local().runtime.resources.tables.ledger.name;
    const { Item: meta } = await documentClient.send(
      new GetCommand({ TableName, Key: keys.inspection('tamper-1') }),
    );
    expect((await api.get(`/items/${target}/history`, users.auditor)).json.verification.ok).toBe(true);
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

describe('what the 台账 brought in, and the rules on finished items', () => {
  // A copy of the sample plan under its own id, so the other tests' items are not touched.
  const copyId = 'ledger-rules-2024';
  const ref = (r: string) => `${copyId}.${r}`;
  const en = { 'accept-language': 'en' };

  beforeAll(async () => {
    const copy = { ...samplePlan, inspection: { ...samplePlan.inspection, id: copyId } };
    const imported = await api.post('/inspections/import', users.admin, { plan: copy });
    expect(imported.status, imported.text).toBe(201);
  });

  it('shows an item imported closed as closed before import in the ledger, the item and the export, with no sign-off', async () => {
    const ledger = (await api.get(`/inspections/${copyId}/ledger`, users.admin)).json;
    const closed = ledger.items.find((i: { ref: string }) => i.ref === '2.1.1');
    expect(closed).toMatchObject({
      status: 'closed',
      importedStatus: 'closed',
      importNote: 'closed-before-import',
      importNoteLabel: '导入前已销号',
    });
    expect(closed.signOff).toBeUndefined();
    expect(ledger.items.find((i: { ref: string }) => i.ref === '1.2.1').importedStatus).toBeUndefined();
    expect((await api.get(`/items/${ref('2.1.1')}`, users.auditor, en)).json).toMatchObject({
      importNote: 'closed-before-import',
      importNoteLabel: 'closed before import',
    });
    const csv = await api.get(`/inspections/${copyId}/ledger?format=csv`, users.admin);
    const row = csv.text.split('\n').find((line) => line.includes('2.1.1'));
    expect(row).toContain('导入前已销号');
    const history = (await api.get(`/items/${ref('2.1.1')}/history`, users.auditor)).json.events;
    expect(history.map((e: { type: string }) => e.type)).toEqual(['Imported']);
    expect(history[0].data).toMatchObject({
      status: 'closed',
      importedStatus: 'closed',
      importedBy: { subject: users.admin.subject, name: users.admin.name },
    });
  });

  it('refuses a progress report on a closed item, and takes one as a long-term item’s re-attestation', async () => {
    const closed = (await api.get(`/items/${ref('2.1.1')}`, users.admin)).json;
    const refused = await api.post(`/items/${ref('2.1.1')}/progress`, users.otherDepartment, {
      text: '继续整改',
    });
    expect(refused.status, refused.text).toBe(422);
    expect(refused.json.error.details).toEqual({ rule: 'item-closed', status: 'closed', longTerm: false });
    expect(refused.json.error.message).toContain('已销号');
    expect((await api.get(`/items/${ref('2.1.1')}`, users.admin)).json.version).toBe(closed.version);

    // 1.1.1 came rectified and long-term: its close-out needs no upload (its proof is in the 台账).
    const longTerm = (await api.get(`/items/${ref('1.1.1')}`, users.admin)).json;
    expect(longTerm).toMatchObject({ status: 'rectified', longTerm: true, evidenceCount: 0 });
    const signedOff = await api.post(`/items/${ref('1.1.1')}/transitions`, users.admin, {
      to: 'closed',
      expectedVersion: longTerm.version,
    });
    expect(signedOff.status, signedOff.text).toBe(200);
    const reattested = await api.post(`/items/${ref('1.1.1')}/progress`, users.department, {
      text: '本季度继续落实全科医生招录长效机制',
    });
    expect(reattested.status, reattested.text).toBe(201);
    expect(reattested.json.item).toMatchObject({ status: 'closed', lastProgressAt: expect.any(String) });
  });

  it('refuses to close out an item without stored evidence, then closes it once a file is stored', async () => {
    const target = ref('1.1.2');
    await storeEvidence(api, users.department, target, {
      bytes: Buffer.from('%PDF-1.7\n% 抽查报告\n%%EOF\n'),
      fileName: '抽查报告.pdf',
      contentType: 'application/pdf',
    });
    const withEvidence = (await api.get(`/items/${target}`, users.admin)).json;
    const rectified = await api.post(`/items/${target}/transitions`, users.department, {
      to: 'rectified',
      expectedVersion: withEvidence.version,
    });
    expect(rectified.status, rectified.text).toBe(200);
    // Through the API a rectified item's evidence can no longer be withdrawn; an item rectified
    // before that rule may have had its file withdrawn since. Such a record, made directly:
    const documentClient = DynamoDBDocumentClient.from(
      new DynamoDBClient(emulatorClientConfig(sharedEmulator())),
    );
    const TableName = local().runtime.resources.tables.ledger.name;
    const { Item: meta } = await documentClient.send(
      new GetCommand({ TableName, Key: keys.inspection(copyId) }),
    );
    await documentClient.send(
      new UpdateCommand({
        TableName,
        Key: keys.item(copyId, meta?.importId, '1.1.2'),
        UpdateExpression: 'SET evidenceCount = :none',
        ExpressionAttributeValues: { ':none': 0 },
      }),
    );
    documentClient.destroy();
    const before = (await api.get(`/items/${target}`, users.admin)).json;
    const refused = await api.post(`/items/${target}/transitions`, users.admin, {
      to: 'closed',
      expectedVersion: before.version,
    });
    expect(refused.status, refused.text).toBe(422);
    expect(refused.json.error.details).toEqual({
      rule: 'evidence-required',
      from: 'rectified',
      to: 'closed',
      evidenceCount: 0,
    });
    expect(refused.json.error.message).toBe('销号前须至少有一份已校验存储的佐证材料。');
    expect((await api.get(`/items/${target}`, users.admin)).json).toEqual(before);

    await storeEvidence(api, users.department, target, {
      bytes: Buffer.from('%PDF-1.7\n% 补充材料\n%%EOF\n'),
      fileName: '补充材料.pdf',
      contentType: 'application/pdf',
    });
    const stored = (await api.get(`/items/${target}`, users.admin)).json;
    const closed = await api.post(`/items/${target}/transitions`, users.admin, {
      to: 'closed',
      expectedVersion: stored.version,
    });
    expect(closed.status, closed.text).toBe(200);
    expect(closed.json.item).toMatchObject({ status: 'closed', evidenceCount: 1 });
    expect(closed.json.item.importNote).toBeUndefined();
  });
});
