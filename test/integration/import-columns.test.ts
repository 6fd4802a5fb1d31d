import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { emulatorClientConfig } from '#local/bootstrap.ts';
import { InspectionChainStore } from '#shared/store/inspection-chain-store.ts';
import { apiClient, users } from '../support/api.ts';
import { snapshotDiff, snapshotState } from '../support/hostile.ts';
import { sharedEmulator, useLocalRuntime } from '../support/runtime.ts';

/**
 * A 台账 whose headers are an office's own (整改时限, 责任单位 …), one of them unknown to the
 * reader (办结日期) and mapped by hand: the import records the mapping it used, and the preview
 * shows it while writing nothing.
 */
const local = useLocalRuntime('import-columns');
const api = apiClient(local);
const documentClient = DynamoDBDocumentClient.from(
  new DynamoDBClient(emulatorClientConfig(sharedEmulator())),
);
afterAll(() => documentClient.destroy());

const fixtures = path.resolve(import.meta.dirname, '../fixtures');
const inspection = JSON.parse(readFileSync(path.join(fixtures, 'plan.sample.inspection.json'), 'utf8'));
/** The sample CSV under an office's headers; its deadline column, 办结日期, is known to no one. */
const officeCsv = (() => {
  const [, ...rows] = readFileSync(path.join(fixtures, 'plan.sample.zh.csv'), 'utf8').split('\n');
  const header =
    '问题类别,存在问题,问题表现,整改举措,是否完成,整改状态,牵头领导,责任单位,办结日期,整改结果,情况说明';
  return Buffer.from([header, ...rows].join('\n'), 'utf8').toString('base64');
})();
const spreadsheet = (id: string, columns?: Record<string, string>) => ({
  kind: 'csv',
  contentBase64: officeCsv,
  inspection: { ...inspection, id },
  ...(columns ? { columns } : {}),
});
const EXPECTED_COLUMNS = {
  aspect: '问题类别',
  problem: '存在问题',
  item: '问题表现',
  measure: '整改举措',
  measureDone: '是否完成',
  status: '整改状态',
  leader: '牵头领导',
  dept: '责任单位',
  deadline: '办结日期',
  progress: '整改结果',
  description: '情况说明',
};
const snapshot = () => snapshotState(sharedEmulator(), local().runtime.resources);

describe('importing a 台账 with its own headers', () => {
  it('refuses it while a column is unknown, naming the column to map', async () => {
    const response = await api.post('/inspections/import', users.admin, {
      spreadsheet: spreadsheet('office-1'),
    });

    expect(response.status).toBe(400);
    expect(response.json.error.details.issues).toEqual([
      expect.objectContaining({
        path: 'row 1, column 完成时限',
        message: expect.stringMatching(/columns\.deadline/),
      }),
    ]);
  });

  it('imports it with the column mapped by hand, and records and answers the mapping used', async () => {
    const response = await api.post('/inspections/import', users.admin, {
      spreadsheet: spreadsheet('office-2', { deadline: '办结日期' }),
    });

    expect(response.status, response.text).toBe(201);
    expect(response.json).toMatchObject({
      inspectionId: 'office-2',
      itemCount: 4,
      columns: EXPECTED_COLUMNS,
    });
    const ledger = await api.get('/inspections/office-2/ledger', users.admin);
    expect(ledger.json.items[0]).toMatchObject({ ref: '1.1.1', deadline: '2024-09-30' });
    const chain = await new InspectionChainStore(
      documentClient,
      local().runtime.resources.tables.ledger.name,
    ).chain('office-2');
    expect(chain.find((record) => record.type === 'PlanImported')?.data).toMatchObject({
      columns: EXPECTED_COLUMNS,
    });
  });

  it('refuses a mapping to a header the file does not have, naming the field, and writes nothing', async () => {
    const before = await snapshot();
    const response = await api.post('/inspections/import', users.admin, {
      spreadsheet: spreadsheet('office-3', { deadline: '完成日期' }),
    });

    expect(response.status).toBe(400);
    expect(response.json.error.details.issues).toEqual([
      {
        path: 'columns.deadline',
        message: 'no column 完成日期 in the header row',
        messageZh: '表头行中没有“完成日期”列',
      },
    ]);
    expect(snapshotDiff(before, await snapshot())).toEqual([]);
  });
});

describe('POST /inspections/import/preview', () => {
  it('shows the mapping, the first rows and the counts, and writes nothing', async () => {
    const before = await snapshot();
    const response = await api.post('/inspections/import/preview', users.admin, {
      spreadsheet: spreadsheet('office-preview', { deadline: '办结日期' }),
    });

    expect(response.status, response.text).toBe(200);
    expect(response.json).toMatchObject({
      ok: true,
      columns: EXPECTED_COLUMNS,
      header: Object.values(EXPECTED_COLUMNS),
      counts: { aspects: 2, problems: 3, items: 4 },
      inspection: { id: 'office-preview', title: inspection.title },
    });
    expect(response.json.sample).toHaveLength(5);
    expect(response.json.sample[0]).toMatchObject({
      item: '乡镇卫生院全科医生配备不足',
      deadline: '2024年9月30日',
    });
    expect(response.json.sample[1]).toMatchObject({ item: '', measure: '开展城乡对口支援' });
    expect(snapshotDiff(before, await snapshot())).toEqual([]);
    expect((await api.get('/inspections/office-preview/ledger', users.admin)).status).toBe(404);
  });

  it('answers a file with errors with 200, every error at its place, and the columns it found', async () => {
    const response = await api.post('/inspections/import/preview', users.admin, {
      spreadsheet: spreadsheet('office-preview-2'),
    });

    expect(response.status, response.text).toBe(200);
    expect(response.json).toMatchObject({
      ok: false,
      columns: { aspect: '问题类别', dept: '责任单位' },
      header: Object.values(EXPECTED_COLUMNS),
      errors: [expect.objectContaining({ path: 'row 1, column 完成时限' })],
    });
    expect(response.json.columns.deadline).toBeUndefined();
  });

  it('is for admins only', async () => {
    const body = { spreadsheet: spreadsheet('office-preview-3', { deadline: '办结日期' }) };

    expect((await api.post('/inspections/import/preview', users.department, body)).status).toBe(403);
  });
});
