import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '#shared/domain/chain.ts';
import { inspectionChainStore } from '#shared/store/inspection-chain-store.ts';
import { apiClient, users } from '../support/api.ts';
import { useLocalRuntime } from '../support/runtime.ts';

/**
 * The texts of the 整改情况报告 the office writes (opening, part 一, part 三, 落款): saved whole,
 * each save a record of the inspection's chain, read back as they stand; bad input names its
 * field and saves nothing; a retry with the same Idempotency-Key records once.
 */
const local = useLocalRuntime('reporttext');
const api = apiClient(local);
const plan = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../fixtures/plan.sample.json'), 'utf8'),
);
const INSPECTION = plan.inspection.id as string;
const route = `/inspections/${INSPECTION}/report-text`;

const reportTextRecords = async () =>
  (await inspectionChainStore().chain(INSPECTION)).filter((event) => event.type === 'ReportTextSet');

beforeAll(async () => {
  expect((await api.post('/inspections/import', users.admin, { plan })).status).toBe(201);
});

describe('report texts', () => {
  it('starts empty, saves the whole set as a chain record, and reads back what is in force', async () => {
    expect((await api.get(route, users.auditor)).json).toEqual({ inspectionId: INSPECTION, texts: {} });

    const first = await api.call('PUT', route, {
      as: users.admin,
      body: {
        organisation: '委党组高度重视，成立整改工作领导小组。',
        issuingUnit: '中共市卫生健康委员会党组',
      },
    });
    expect(first.status, first.text).toBe(200);
    const second = await api.call('PUT', route, {
      as: users.admin,
      body: { nextSteps: '  持续巩固整改成果。\n适时开展“回头看”。  ' },
    });
    expect(second.status, second.text).toBe(200);

    // The whole set each time: the second save dropped what it did not name.
    const read = (await api.get(route, users.leader)).json;
    expect(read.texts).toEqual({ nextSteps: '持续巩固整改成果。\n适时开展“回头看”。' });
    expect(read.savedBy).toEqual({ subject: users.admin.subject, name: users.admin.name });

    const records = await reportTextRecords();
    expect(records.map((record) => record.data)).toEqual([
      { organisation: '委党组高度重视，成立整改工作领导小组。', issuingUnit: '中共市卫生健康委员会党组' },
      { nextSteps: '持续巩固整改成果。\n适时开展“回头看”。' },
    ]);
    expect(verifyChain(await inspectionChainStore().chain(INSPECTION)).ok).toBe(true);
  });

  it('refuses an unknown field or an overlong text, naming it, and records nothing', async () => {
    const before = (await reportTextRecords()).length;
    const unknown = await api.call('PUT', route, { as: users.admin, body: { foreword: '前言' } });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.json.error.details)).toContain('foreword');
    const long = await api.call('PUT', route, { as: users.admin, body: { opening: '长'.repeat(5_001) } });
    expect(long.status).toBe(400);
    expect(long.json.error.details.issues[0].path).toBe('opening');
    const missing = await api.call('PUT', `/inspections/no-such/report-text`, {
      as: users.admin,
      body: { opening: '前言' },
    });
    expect(missing.status).toBe(404);
    expect((await reportTextRecords()).length).toBe(before);
  });

  it('records a retried save once', async () => {
    const before = (await reportTextRecords()).length;
    const headers = { 'idempotency-key': 'report-text-retry-1' };
    const body = { opening: '根据市委巡察工作统一部署……现将整改情况报告如下。' };
    const [a, b] = [
      await api.call('PUT', route, { as: users.admin, body, headers }),
      await api.call('PUT', route, { as: users.admin, body, headers }),
    ];
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.json).toEqual(a.json);
    expect((await reportTextRecords()).length).toBe(before + 1);
  });
});
