import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tables } from '#catalog/resources.ts';
import { scheduledSummaryId } from '#shared/domain/summary/schedule.ts';
import { generateSummary, runSummaryJob } from '#shared/services/summary-generation.ts';
import { SUMMARY_SCHEDULE } from '#shared/services/summary-schedule.ts';
import { documentClient } from '#shared/store/client.ts';
import { inspectionChainStore } from '#shared/store/inspection-chain-store.ts';
import { keys } from '#shared/store/keys.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';
import { type SummaryJob, summaryJobStore } from '#shared/store/summary-job-store.ts';
import { summaryStore } from '#shared/store/summary-store.ts';
import { apiClient, users } from '../support/api.ts';
import { docxParagraphs } from '../support/docx.ts';
import { eventually } from '../support/eventually.ts';
import { once } from '../support/once.ts';
import { useLocalRuntime } from '../support/runtime.ts';
import { askForSummary, summaryMade } from '../support/summaries.ts';

/**
 * Summaries (整改情况报告) through the local runtime's HTTP API and schedules, against the sample
 * plan: 4 items (1.1.1 rectified, 1.1.2 in progress, 1.2.1 not started, 2.1.1 closed), 6 measures
 * of which 4 are done, and the plan's outcomes (3 regulations, 2 criticised, a refund of 12,650).
 */
const local = useLocalRuntime('summaries');
const api = apiClient(local);
const plan = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../fixtures/plan.sample.json'), 'utf8'),
);
const INSPECTION = plan.inspection.id as string;
const summaries = `/inspections/${INSPECTION}/summaries`;

interface FileLink {
  name: string;
  url: string;
  sha256: string;
  size: number;
}
async function download(file: FileLink): Promise<Buffer> {
  const response = await fetch(file.url);
  expect(response.status).toBe(200);
  const bytes = Buffer.from(await response.arrayBuffer());
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
  expect(bytes.length).toBe(file.size);
  return bytes;
}
const fileOf = (summary: { files: FileLink[] }, name: string) => {
  const file = summary.files.find((candidate) => candidate.name === name);
  if (!file) throw new Error(`no ${name}`);
  return file;
};

beforeAll(async () => {
  expect((await api.post('/inspections/import', users.admin, { plan })).status).toBe(201);
});

/**
 * A copy of the sample plan for a test that changes its items or lists its summaries, with the
 * weekly summary off so the schedule's tests still see the sample's alone.
 */
async function importCopy(id: string) {
  const copy = { ...plan, inspection: { ...plan.inspection, id } };
  expect((await api.post('/inspections/import', users.admin, { plan: copy })).status).toBe(201);
  const off = await api.call('PUT', `/inspections/${id}/summary-schedule`, {
    as: users.admin,
    body: { enabled: false, weekday: 1, hour: 9 },
  });
  expect(off.status, off.text).toBe(200);
}

/** The dismissal an admin records (dated 1 October 2024), with the outcomes before and after. */
const dismissal = once(async () => {
  const before = (await api.get(`/inspections/${INSPECTION}/outcomes`, users.admin)).json;
  const recorded = await api.post(`/inspections/${INSPECTION}/outcomes`, users.admin, {
    kind: 'dismissal',
    count: 1,
    note: '科级干部',
    itemRef: '2.1.1',
    date: '2024-10-01',
  });
  expect(recorded.status, recorded.text).toBe(201);
  return { before, recorded };
});

describe('outcomes (整改成效 / 问责)', () => {
  it('starts with the plan’s, records one more, and lists the sums', async () => {
    const { before, recorded } = await dismissal();
    expect(before.outcomes.map((o: { kind: string; source: string }) => `${o.kind}:${o.source}`)).toEqual([
      'regulation:plan',
      'criticism:plan',
      'refund:plan',
    ]);
    expect(recorded.json).toMatchObject({
      kind: 'dismissal',
      source: 'recorded',
      recordedBy: { subject: 'admin-1' },
    });
    const after = (await api.get(`/inspections/${INSPECTION}/outcomes`, users.leader)).json;
    expect(after.outcomes).toHaveLength(4);
    expect(after.tally).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'dismissal', count: 1 }),
        expect.objectContaining({ kind: 'refund', count: 1, amountCny: 12650 }),
      ]),
    );
  });

  it('refuses a bad outcome naming the field, and records nothing', async () => {
    const cases = [
      [{ kind: 'refund', count: 1, date: '2024-10-01' }, 'amountCny'],
      [{ kind: 'criticism', count: 1, amountCny: 5, date: '2024-10-01' }, 'amountCny'],
      [{ kind: 'criticism', count: 1, itemRef: '9.9.9', date: '2024-10-01' }, 'itemRef'],
      [{ kind: 'criticism', count: 1, date: '2999-01-01' }, 'date'],
      [{ kind: 'criticism', count: -1, date: '2024-10-01' }, 'count'],
    ] as const;
    const before = (await api.get(`/inspections/${INSPECTION}/outcomes`, users.admin)).json.outcomes;
    for (const [body, field] of cases) {
      const refused = await api.post(`/inspections/${INSPECTION}/outcomes`, users.admin, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.json.error.details.issues.map((issue: { path: string }) => issue.path)).toContain(field);
    }
    expect((await api.get(`/inspections/${INSPECTION}/outcomes`, users.admin)).json.outcomes).toEqual(before);
  });
});

describe('a summary on request', () => {
  /** The summary as of 20 October 2024 (after the dismissal of 1 October was recorded). */
  const firstSummary = once(async () => {
    await dismissal();
    const { asked, summary } = await askForSummary(api, users.admin, INSPECTION, { asOf: '2024-10-20' });
    return {
      asked,
      summary: summary as {
        summaryId: string;
        files: FileLink[];
        paragraph: Record<string, string>;
        asOf: string;
      },
    };
  });

  it('writes the paragraph the reports write, with the ledger’s numbers', async () => {
    const { asked, summary: first } = await firstSummary();
    // Asked for: a job with the instant fixed now; made behind the queue.
    expect(asked.json).toMatchObject({ state: 'queued', asOf: '2024-10-20T15:59:59.999Z', lang: 'zh-CN' });
    expect(first.summaryId).toBe(asked.json.summaryId);
    expect(first.paragraph['zh-CN']).toBe(
      '截至2024年10月20日，巡察反馈的4个具体事项已经整改完成2项，正在整改1项（家庭医生签约服务质量不高），尚未启动1项。' +
        '提出整改措施6条，已经完成4条。建立健全制度3项，免职科级干部1人、批评教育2人，退缴违规钱款12650元。',
    );
    expect(first.paragraph.en).toMatch(
      /^As of 20 October 2024, of the 4 specific issues raised by the inspection/,
    );
    // The end of 20 October in Shanghai.
    expect(first.asOf).toBe('2024-10-20T15:59:59.999Z');

    // The same numbers, counted independently from the ledger the API serves.
    const ledger = (await api.get(`/inspections/${INSPECTION}/ledger`, users.admin)).json.items as {
      status: string;
      measures: { done: boolean }[];
    }[];
    const count = (...statuses: string[]) => ledger.filter((item) => statuses.includes(item.status)).length;
    const measures = ledger.flatMap((item) => item.measures);
    expect(first.paragraph['zh-CN']).toContain(
      `巡察反馈的${ledger.length}个具体事项已经整改完成${count('rectified', 'closed')}项`,
    );
    expect(first.paragraph['zh-CN']).toContain(`正在整改${count('in_progress')}项`);
    expect(first.paragraph['zh-CN']).toContain(`尚未启动${count('not_started')}项`);
    expect(first.paragraph['zh-CN']).toContain(
      `提出整改措施${measures.length}条，已经完成${measures.filter((m) => m.done).length}条`,
    );
  });

  it('stores five files that download intact and open', async () => {
    const { summary: first } = await firstSummary();
    expect(first.files.map((file) => file.name).sort()).toEqual([
      'chart.svg',
      'ledger.xlsx',
      'report.docx',
      'summary.json',
      'summary.md',
    ]);
    const json = JSON.parse((await download(fileOf(first, 'summary.json'))).toString('utf8'));
    expect(json).toMatchObject({
      schema: 'rectify.summary/v1',
      summaryId: first.summaryId,
      asOfDate: '2024-10-20',
    });
    expect(json.items).toHaveLength(4);
    expect(json.overdue.map((item: { ref: string }) => item.ref)).toEqual(['1.2.1']);
    const markdown = (await download(fileOf(first, 'summary.md'))).toString('utf8');
    expect(markdown).toContain(first.paragraph['zh-CN']);
    const svg = (await download(fileOf(first, 'chart.svg'))).toString('utf8');
    expect(svg).toMatch(/^<\?xml|^<svg/);
    expect(svg).toContain('Noto Sans CJK SC');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await download(fileOf(first, 'ledger.xlsx'))) as never);
    expect(workbook.worksheets).toHaveLength(3); // totals + two aspects
    const report = await docxParagraphs(await download(fileOf(first, 'report.docx')));
    expect(report).toContain('关于落实市委第一巡察组巡察市卫生健康委反馈意见整改情况的报告');
    expect(report).toContain(first.paragraph['zh-CN']);
    expect(report.filter((line) => /^问题\d+：/.test(line))).toHaveLength(4);
  });

  it('is one summary per Idempotency-Key, and reads back by id, as latest and in the list', async () => {
    // A copy of its own, with one summary before: others' summaries of the sample stay out of its list.
    const inspectionId = 'summaries-keyed-1';
    const summariesOf = `/inspections/${inspectionId}/summaries`;
    await importCopy(inspectionId);
    const first = (await askForSummary(api, users.admin, inspectionId, { asOf: '2024-10-20' })).summary;
    const key = { 'idempotency-key': 'summary-once' };
    const { asked: keyed, summary } = await askForSummary(
      api,
      users.admin,
      inspectionId,
      { asOf: '2024-10-21' },
      key,
    );
    const twice = await api.post(summariesOf, users.admin, { asOf: '2024-10-21' }, key);
    expect(twice.status).toBe(202);
    expect(twice.json.summaryId).toBe(keyed.json.summaryId);
    const byId = await api.get(`/summaries/${keyed.json.summaryId}`, users.auditor);
    expect(byId.status).toBe(200);
    expect(byId.json.paragraph).toEqual(summary.paragraph);
    expect((await api.get(`${summariesOf}/latest`, users.leader)).json.summaryId).toBe(keyed.json.summaryId);
    const list = (await api.get(summariesOf, users.admin)).json.summaries.map(
      (s: { summaryId: string }) => s.summaryId,
    );
    expect(list).toEqual([keyed.json.summaryId, first.summaryId]);
  });

  it('says what was true at a past instant, and what changed since the previous summary', async () => {
    // A copy of its own: starting 1.2.1 of the sample would change what the other tests count.
    const inspectionId = 'summaries-changes-1';
    await importCopy(inspectionId);
    const started = await api.post(`/items/${inspectionId}.1.2.1/transitions`, users.admin, {
      to: 'in_progress',
      expectedVersion: 1,
    });
    expect(started.status, started.text).toBe(200);
    const past = (await askForSummary(api, users.admin, inspectionId, { asOf: '2024-10-22' })).summary;
    expect(past.totals).toMatchObject({ not_started: 1, in_progress: 1 });
    const now = (await askForSummary(api, users.admin, inspectionId, {})).summary;
    expect(now.totals).toMatchObject({ not_started: 0, in_progress: 2 });
    expect(now.paragraph['zh-CN']).not.toContain('尚未启动');
    expect(now.changes).toMatchObject({
      previousSummaryId: past.summaryId,
      newlyRectified: 0,
      newlyOverdue: 1,
    });
    const json = JSON.parse((await download(fileOf(now, 'summary.json'))).toString('utf8'));
    expect(json.changes.newlyOverdue.map((item: { ref: string }) => item.ref)).toEqual(['1.1.2']);
  });

  it('refuses a future as-of and an unknown language, naming the field', async () => {
    const future = await api.post(summaries, users.admin, { asOf: '2999-01-01T00:00:00Z' });
    expect(future.status).toBe(400);
    expect(future.json.error.details.issues[0].path).toBe('asOf');
    const lang = await api.post(summaries, users.admin, { lang: 'fr' });
    expect(lang.json.error.details.issues[0].path).toBe('lang');
  });

  it('tells the admins through the bus', async () => {
    await firstSummary();
    await eventually(async () => {
      const inbox = (await api.get('/me/notifications?limit=100', users.admin)).json.notifications as {
        detailType: string;
      }[];
      return inbox.some((n) => n.detailType === 'SummaryGenerated') ? true : undefined;
    });
  });

  it('is not shown to department users, who see only their own items', async () => {
    expect((await api.get(`${summaries}/latest`, users.department)).status).toBe(403);
  });
});

describe('a summary job behind the queue', () => {
  const stores = () => ({
    ledger: ledgerStore(),
    chains: inspectionChainStore(),
    summaries: summaryStore(),
    jobs: summaryJobStore(),
  });
  const job = (summaryId: string, inspectionId = INSPECTION): SummaryJob => ({
    summaryId,
    inspectionId,
    asOf: '2024-10-25T15:59:59.999Z',
    lang: 'zh-CN',
    requestedBy: { subject: 'admin-1', name: '整改办', roles: ['admin'] },
    requestedAt: new Date().toISOString(),
    trigger: 'request',
    state: 'queued',
    attempt: 0,
  });
  const delivery = (receiveCount: number) => ({ receiveCount, maxReceives: 3 });

  it('retries a failed attempt by redelivery and records the failure on the last one, with its reason', async () => {
    await stores().jobs.create(job('r-00000000000000000f01', 'no-such-inspection'));
    await expect(runSummaryJob(stores(), 'r-00000000000000000f01', delivery(1))).rejects.toThrow();
    expect((await api.get('/summaries/r-00000000000000000f01', users.admin)).json).toMatchObject({
      state: 'building',
    });
    await runSummaryJob(stores(), 'r-00000000000000000f01', delivery(3));
    const failed = (await api.get('/summaries/r-00000000000000000f01', users.admin)).json;
    expect(failed.state).toBe('failed');
    expect(failed.failure.reason).toContain('no-such-inspection');
    expect(failed.attempt).toBeUndefined();
  });

  it('reads a job recorded before jobs had a trigger as asked for, and makes it so', async () => {
    const summaryId = 'r-00000000000000000a01';
    const { trigger: _trigger, ...before } = job(summaryId);
    await documentClient.send(
      new PutCommand({
        TableName: process.env[tables.ledger.envVar],
        Item: { ...before, ...keys.summaryJob(summaryId), entity: 'SummaryJob' },
      }),
    );
    expect(await summaryJobStore().get(summaryId)).toMatchObject({ state: 'queued', trigger: 'request' });
    await runSummaryJob(stores(), summaryId, delivery(1));
    expect((await api.get(`/summaries/${summaryId}`, users.admin)).json).toMatchObject({
      state: 'ready',
      trigger: 'request',
    });
  });

  it('makes one summary however often the job is delivered, also after a crash past the record', async () => {
    const summaryId = 'r-00000000000000000d01';
    await stores().jobs.create(job(summaryId));
    // An earlier attempt that recorded the summary and died before saying so.
    await generateSummary(stores(), {
      inspectionId: INSPECTION,
      summaryId,
      asOf: new Date('2024-10-25T15:59:59.999Z'),
      lang: 'zh-CN',
      trigger: 'request',
      actor: { subject: 'admin-1', name: '整改办', roles: ['admin'] },
    });
    const sealed = async () =>
      (await inspectionChainStore().chain(INSPECTION)).filter(
        (event) => event.type === 'SummaryGenerated' && event.data.summaryId === summaryId,
      ).length;
    await runSummaryJob(stores(), summaryId, delivery(2));
    await runSummaryJob(stores(), summaryId, delivery(3));
    expect(await sealed()).toBe(1);
    const read = (await api.get(`/summaries/${summaryId}`, users.admin)).json;
    expect(read).toMatchObject({ state: 'ready', summaryId, asOf: '2024-10-25T15:59:59.999Z' });
    expect((await summaryJobStore().get(summaryId))?.state).toBe('ready');
  });
});

describe('the weekly schedule', () => {
  const tick = (name: string, at: string) =>
    local().runtime.fireSchedule(name, at) as Promise<{ due: number; queued: number; existing: number }>;
  const scheduled = async () =>
    ((await api.get(`${summaries}?limit=100`, users.admin)).json.summaries as { trigger: string }[]).filter(
      (s) => s.trigger === 'schedule',
    );
  /** A run queues the summaries' jobs; buildSummary makes them behind the queue. */
  const madeFor = (inspectionId: string, at: string) =>
    summaryMade(api, users.admin, scheduledSummaryId(inspectionId, new Date(at)));

  /** Monday 4 November 2024, 09:00 in Shanghai, under the default slot: the runs and what they left. */
  const MONDAY = '2024-11-04T01:00:00Z';
  const monday = once(async () => {
    const first = await tick('summaries', MONDAY);
    const retried = await tick('summaries', MONDAY);
    // The hourly sweep landing on the same hour finds it queued (or made).
    const sweep = await tick('summaries-hourly', MONDAY);
    const made = await madeFor(INSPECTION, MONDAY);
    return {
      first,
      retried,
      sweep,
      made,
      // Retried once more after it was made.
      late: await tick('summaries', MONDAY),
      nextHour: await tick('summaries-hourly', '2024-11-04T02:00:00Z'),
      scheduled: await scheduled(),
    };
  });

  it('makes the default Monday 09:00 summary once, however often the run is retried', async () => {
    const { first, retried, sweep, made, late, nextHour, scheduled: listed } = await monday();
    expect(first).toMatchObject({ due: 1, queued: 1, existing: 0 });
    expect(retried).toMatchObject({ due: 1, queued: 0, existing: 1 });
    expect(sweep).toMatchObject({ queued: 0, existing: 1 });
    expect(late).toMatchObject({ due: 1, queued: 0, existing: 1 });
    expect(nextHour).toMatchObject({ due: 0 });
    expect(made).toMatchObject({
      summaryId: scheduledSummaryId(INSPECTION, new Date(MONDAY)),
      trigger: 'schedule',
      asOf: '2024-11-04T01:00:00.000Z',
      generatedBy: { subject: 'system:summary-schedule' },
    });
    expect(listed).toHaveLength(1);
    const sealed = (await inspectionChainStore().chain(INSPECTION)).filter(
      (event) => event.type === 'SummaryGenerated' && event.data.summaryId === made.summaryId,
    );
    expect(sealed).toHaveLength(1);
  });

  it('follows the slot an admin sets, in the inspection zone, and stops when turned off', async () => {
    // After the Monday run under the default slot (time only moves forward).
    await monday();
    const set = await api.call('PUT', `/inspections/${INSPECTION}/summary-schedule`, {
      as: users.admin,
      body: { enabled: true, weekday: 3, hour: 14 },
    });
    expect(set.status, set.text).toBe(200);
    expect(set.json).toMatchObject({ weekday: 3, hour: 14, timezone: 'Asia/Shanghai', lang: 'zh-CN' });
    // Monday 09:00 no longer; Wednesday 6 November 2024, 14:00 in Shanghai.
    expect(await tick('summaries', '2024-11-11T01:00:00Z')).toMatchObject({ due: 0 });
    expect(await tick('summaries-hourly', '2024-11-06T06:00:00Z')).toMatchObject({ due: 1, queued: 1 });
    expect(await madeFor(INSPECTION, '2024-11-06T06:00:00Z')).toMatchObject({ trigger: 'schedule' });
    expect(await scheduled()).toHaveLength(2);
    await api.call('PUT', `/inspections/${INSPECTION}/summary-schedule`, {
      as: users.admin,
      body: { enabled: false, weekday: 3, hour: 14 },
    });
    expect(await tick('summaries-hourly', '2024-11-13T06:00:00Z')).toMatchObject({ due: 0 });
  });

  it('sends again a job that a crashed run left queued, and it is made', async () => {
    // A copy of its own in a slot no other test ticks: Friday 20:00 in Shanghai.
    const inspectionId = 'summaries-crashed-1';
    await importCopy(inspectionId);
    const set = await api.call('PUT', `/inspections/${inspectionId}/summary-schedule`, {
      as: users.admin,
      body: { enabled: true, weekday: 5, hour: 20 },
    });
    expect(set.status, set.text).toBe(200);
    const at = '2024-11-08T12:00:00Z';
    const summaryId = scheduledSummaryId(inspectionId, new Date(at));
    // The run that created the job died before sending it.
    await summaryJobStore().create({
      summaryId,
      inspectionId,
      asOf: new Date(at).toISOString(),
      lang: 'zh-CN',
      requestedBy: SUMMARY_SCHEDULE,
      requestedAt: new Date().toISOString(),
      trigger: 'schedule',
      state: 'queued',
      attempt: 0,
    });
    expect((await api.get(`/summaries/${summaryId}`, users.admin)).json).toMatchObject({
      state: 'queued',
      trigger: 'schedule',
    });
    expect(await tick('summaries-hourly', at)).toMatchObject({ due: 1, queued: 0, existing: 1 });
    expect(await madeFor(inspectionId, at)).toMatchObject({
      summaryId,
      trigger: 'schedule',
      asOf: '2024-11-08T12:00:00.000Z',
    });
  });
});

describe('the report document', () => {
  it('writes the office’s own texts into the report, as they stood at its instant', async () => {
    const saved = await api.call('PUT', `/inspections/${INSPECTION}/report-text`, {
      as: users.admin,
      body: {
        nextSteps: '持续巩固整改成果，年底前开展整改“回头看”。',
        issuingUnit: '中共市卫生健康委员会党组',
      },
    });
    expect(saved.status, saved.text).toBe(200);
    const now = (await askForSummary(api, users.admin, INSPECTION, {})).summary;
    const report = await docxParagraphs(await download(fileOf(now, 'report.docx')));
    expect(report).toContain('持续巩固整改成果，年底前开展整改“回头看”。');
    expect(report).toContain('中共市卫生健康委员会党组');
    // A report as of a date before the save has the defaults of then, not today's texts.
    const past = (await askForSummary(api, users.admin, INSPECTION, { asOf: '2024-10-20' })).summary;
    const then = await docxParagraphs(await download(fileOf(past, 'report.docx')));
    expect(then.join('\n')).not.toContain('年底前开展整改“回头看”');
  });
});

describe('the page query of the summary and archive lists', () => {
  // Both lists parse it with one schema in zod's mini build (shared/api/queries.ts).
  const lists = [summaries, `/inspections/${INSPECTION}/archives`];

  it('refuses a limit out of 1–100, not a whole number, or an unknown parameter, naming it', async () => {
    for (const list of lists) {
      for (const [query, named] of [
        ['limit=0', 'query.limit'],
        ['limit=101', 'query.limit'],
        ['limit=2.5', 'query.limit'],
        ['limit=many', 'query.limit'],
        ['page=2', '(root)'],
      ]) {
        const refused = await api.get(`${list}?${query}`, users.admin);
        expect(refused.status, `${list}?${query}`).toBe(400);
        expect(JSON.stringify(refused.json.error.details), `${list}?${query}`).toContain(named);
      }
      const page = await api.get(`${list}?limit=1`, users.admin);
      expect(page.status, page.text).toBe(200);
    }
  });

  it('refuses a next that is not text, and one longer than 2,000 characters', async () => {
    for (const list of lists) {
      const lone = await api.get(`${list}?next=%ED%A0%80`, users.admin);
      expect(lone.status, list).toBe(400);
      const long = await api.get(`${list}?next=${'a'.repeat(2001)}`, users.admin);
      expect(long.status, list).toBe(400);
      expect(JSON.stringify(long.json.error.details), list).toContain('query.next');
    }
  });
});
