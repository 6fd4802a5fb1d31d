import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import {
  LEDGER_COLUMN_NAMES,
  type LedgerField,
  parsePlanJson,
  readPlanSpreadsheet,
  type SpreadsheetOptions,
} from '#shared/domain/plan/index.ts';
import type { PlanItem, PlanResult } from '#shared/domain/plan/model.ts';
import { normaliseName } from '#shared/domain/plan/sheets.ts';

/**
 * Ledger columns as offices name them (完成时限 or 整改时限, 责任科室 or 责任单位 …), the names
 * that mean a field only when its own column is absent, and columns mapped by hand.
 */

const sample = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../../fixtures/plan.sample.json'), 'utf8'),
);
const inspection = (() => {
  const result = parsePlanJson(sample);
  if (!result.ok) throw new Error('the sample plan does not parse');
  return result.plan.inspection;
})();

/** The format's own headers and a valid value under each. */
const STANDARD: Record<LedgerField, [string, string]> = {
  aspect: ['方面', '方面一'],
  problem: ['问题', '问题一'],
  item: ['具体表现', '事项一'],
  measure: ['整改措施', '措施一'],
  measureDone: ['措施完成', '是'],
  status: ['工作进展', '正在整改'],
  leader: ['责任领导', '王强'],
  leaderId: ['责任领导编号', 'L-001'],
  dept: ['责任科室', '财务科'],
  deadline: ['完成时限', '2024-09-30'],
  progress: ['整改情况', '已推进'],
  description: ['情况说明', '说明一'],
};
const FIELDS = Object.keys(STANDARD) as LedgerField[];

/** A one-row CSV ledger with the standard headers, some renamed, and extra columns appended. */
function ledger(
  renamed: Partial<Record<LedgerField, string>> = {},
  extra: [header: string, value: string][] = [],
): Buffer {
  const header = [...FIELDS.map((field) => renamed[field] ?? STANDARD[field][0]), ...extra.map(([h]) => h)];
  const values = [...FIELDS.map((field) => STANDARD[field][1]), ...extra.map(([, v]) => v)];
  return Buffer.from(stringify([header, values]), 'utf8');
}
const read = (bytes: Buffer, options: SpreadsheetOptions = {}) =>
  readPlanSpreadsheet(bytes, 'csv', { inspection, ...options });
const itemOf = (result: PlanResult): PlanItem => {
  if (!result.ok) throw new Error(`expected a plan, got ${JSON.stringify(result.errors, null, 2)}`);
  const item = result.plan.aspects[0]?.problems[0]?.items[0];
  if (!item) throw new Error('no item');
  return item;
};
const errorsOf = (result: PlanResult) => {
  if (result.ok) throw new Error('expected errors, got a plan');
  return result.errors;
};

/** Headers real 巡察/审计整改台账 use, by the field each means. */
const SYNONYMS: Record<LedgerField, string[]> = {
  aspect: ['问题类别', '问题类型', '类别', '问题分类'],
  problem: ['存在问题', '反馈问题', '问题清单', '主要问题', '审计发现问题'],
  item: ['问题表现', '具体问题', '问题描述', '主要表现', '整改任务'],
  measure: ['整改举措', '整改目标和措施', '具体措施', '措施'],
  measureDone: ['是否完成', '完成情况（是/否）', '完成(是／否)', '措施是否完成'],
  status: ['整改进度', '整改状态', '完成状态', '进展情况', '完成情况'],
  leader: ['牵头领导', '责任校领导', '分管领导', '责任人'],
  leaderId: ['领导编号', '责任领导工号', '领导ID'],
  dept: ['责任部门', '责任单位', '责任处室', '牵头部门', '牵头单位'],
  deadline: ['整改时限', '整改期限', '时限要求', '完成期限', '完成时间'],
  progress: ['整改成效', '整改结果', '完成情况说明', '整改落实情况'],
  description: ['问题说明', '情况说明'],
};

describe('ledger column names', () => {
  it('give each name one field only, across the fields’ own names and the fallback ones', () => {
    const all = [
      ...Object.entries(LEDGER_COLUMN_NAMES.names),
      ...Object.entries(LEDGER_COLUMN_NAMES.fallback),
    ].flatMap(([field, names]) => (names as readonly string[]).map((name) => [name, field] as const));
    const fieldsOf = new Map<string, string[]>();
    for (const [name, field] of all) fieldsOf.set(name, [...(fieldsOf.get(name) ?? []), field]);
    expect([...fieldsOf].filter(([, fields]) => fields.length > 1)).toEqual([]);
    // Every name is written as normaliseName leaves a header (a (是/否) note is kept on purpose).
    expect(
      all.filter(([name]) => normaliseName(name.replace('(是/否)', '')) !== name.replace('(是/否)', '')),
    ).toEqual([]);
  });

  it.each(FIELDS.flatMap((field) => SYNONYMS[field].map((name) => [field, name] as const)))(
    'reads %s from a column named %s',
    async (field, name) => {
      const { result, layout } = await read(ledger({ [field]: name }));

      expect(result.ok, JSON.stringify(result)).toBe(true);
      expect(layout.columns[field]).toBe(name);
      expect(Object.keys(layout.columns)).toHaveLength(FIELDS.length);
    },
  );

  it('reads an audit office’s 台账 whose every header differs from the format’s', async () => {
    const bytes = Buffer.from(
      stringify([
        [
          '序号',
          '问题类别',
          '审计发现问题',
          '问题表现',
          '整改举措',
          '是否完成',
          '整改状态',
          '牵头领导',
          '责任单位',
          '整改时限',
          '整改结果',
          '备注',
        ],
        [
          '1',
          '预算管理',
          '预算执行率低',
          '专项资金结转',
          '加快支出进度',
          '否',
          '整改中',
          '李华',
          '财务处',
          '2024年12月底',
          '',
          '见附件',
        ],
      ]),
    );

    const { result, layout } = await read(bytes);

    expect(itemOf(result)).toMatchObject({
      title: '专项资金结转',
      status: 'in_progress',
      responsibleLeader: '李华',
      responsibleDept: '财务处',
      deadline: '2024-12-31',
      measures: [{ text: '加快支出进度', done: false }],
    });
    // 序号 and 备注 are not ledger fields: not read, and 备注 is not taken for the description.
    expect(layout.columns).toEqual({
      aspect: '问题类别',
      problem: '审计发现问题',
      item: '问题表现',
      measure: '整改举措',
      measureDone: '是否完成',
      status: '整改状态',
      leader: '牵头领导',
      dept: '责任单位',
      deadline: '整改时限',
      progress: '整改结果',
    });
  });
});

describe('ambiguous column names (shared/domain/plan/README.md)', () => {
  it('完成情况 is the status, and with a （是/否） note the measure’s done mark', async () => {
    const status = await read(ledger({ status: '完成情况' }));
    const done = await read(ledger({ measureDone: '完成情况（是/否）' }));

    expect(status.layout.columns.status).toBe('完成情况');
    expect(itemOf(done.result).measures[0]?.done).toBe(true);
    expect(done.layout.columns.measureDone).toBe('完成情况（是/否）');
  });

  it('完成情况, 责任人, 牵头单位 and 完成时间 beside the field’s own column are ignored', async () => {
    const bytes = ledger({}, [
      ['完成情况', '按期推进中'],
      ['责任人', '张科员'],
      ['牵头单位', '院办'],
      ['完成时间', '2024-08-01'],
    ]);

    const { result, layout } = await read(bytes);

    expect(itemOf(result)).toMatchObject({
      status: 'in_progress',
      responsibleLeader: '王强',
      responsibleDept: '财务科',
      deadline: '2024-09-30',
    });
    for (const ignored of ['完成情况', '责任人', '牵头单位', '完成时间'])
      expect(Object.values(layout.columns)).not.toContain(ignored);
  });

  it('责任人 alone is the leader; two such names without the leader’s own column are refused', async () => {
    const alone = await read(ledger({ leader: '责任人' }));
    const two = await read(ledger({ leader: '分管领导' }, [['责任人', '张科员']]));

    expect(itemOf(alone.result).responsibleLeader).toBe('王强');
    expect(errorsOf(two.result)).toEqual([
      {
        path: 'row 1, column 责任人',
        message:
          'a second 责任人 column (the first is column 分管领导); keep one, or map one by hand as columns.leader',
        messageZh: '出现第二个“责任人”列（已有“分管领导”列），请只保留一列，或用 columns.leader 指定其一',
      },
    ]);
  });
});

describe('columns mapped by hand', () => {
  it('read a header the reader does not know, matched as headers are (spaces, brackets, width)', async () => {
    const bytes = ledger({ deadline: '办结日期（必填）', dept: '承办科室' });

    const { result, layout } = await read(bytes, { columns: { deadline: ' 办结日期', dept: '承办 科室' } });

    expect(itemOf(result)).toMatchObject({ deadline: '2024-09-30', responsibleDept: '财务科' });
    expect(layout.columns).toMatchObject({ deadline: '办结日期（必填）', dept: '承办科室' });
  });

  it('override the column detected for that field, and may take one another field would read', async () => {
    const bytes = ledger({}, [
      ['责任人', '赵敏'],
      ['完成情况', '已完成培训'],
    ]);

    const { result, layout } = await read(bytes, { columns: { leader: '责任人', progress: '完成情况' } });

    expect(itemOf(result)).toMatchObject({ responsibleLeader: '赵敏', progress: '已完成培训' });
    expect(layout.columns).toMatchObject({ leader: '责任人', progress: '完成情况', status: '工作进展' });
  });

  it('find the header row under a title row when only the mapping names its columns', async () => {
    const names = FIELDS.map((_, index) => `第${index + 1}栏`);
    const columns = Object.fromEntries(FIELDS.map((field, index) => [field, names[index] as string]));
    const bytes = Buffer.from(
      stringify([['2024年巡察整改台账'], names, FIELDS.map((field) => STANDARD[field][1])]),
    );

    const unmapped = await read(bytes);
    const { result, layout } = await read(bytes, { columns });

    expect(errorsOf(unmapped.result)[0]?.message).toMatch(/^no header row/);
    expect(itemOf(result)).toMatchObject({ title: '事项一', responsibleLeaderId: 'L-001' });
    expect(layout.header).toEqual(names);
  });

  it('refuse a header that is not in the file, naming the field, in English and Chinese', async () => {
    const { result, layout } = await read(ledger(), { columns: { deadline: '完成日期' } });

    expect(errorsOf(result)).toEqual([
      {
        path: 'columns.deadline',
        message: 'no column 完成日期 in the header row',
        messageZh: '表头行中没有“完成日期”列',
      },
    ]);
    expect(layout.header).toEqual(FIELDS.map((field) => STANDARD[field][0]));
  });

  it('refuse an unknown field, two fields on one column, a blank name and a name two columns share', async () => {
    const bytes = ledger({ progress: '备注' }, [['备注', '另一列']]);

    const { result } = await read(bytes, {
      columns: {
        when: '完成时限',
        deadline: '完成时限',
        leader: '完成时限 ',
        dept: ' ',
        description: '备注',
      },
    });

    expect(errorsOf(result)).toEqual([
      {
        path: 'columns.when',
        message:
          'unknown field when; the fields are aspect, problem, item, measure, measureDone, status, leader, leaderId, dept, deadline, progress, description',
        messageZh:
          '未知字段 when，可用字段为 aspect、problem、item、measure、measureDone、status、leader、leaderId、dept、deadline、progress、description',
      },
      {
        path: 'columns.leader',
        message: 'column 完成时限  is already mapped to deadline; a column holds one field',
        messageZh: '“完成时限 ”列已对应 deadline，一列只能对应一个字段',
      },
      {
        path: 'columns.dept',
        message: 'must name a column of the header row',
        messageZh: '须填写表头中的列名',
      },
      {
        path: 'columns.description',
        message: 'more than one column 备注 in the header row; rename one',
        messageZh: '表头行中有多个“备注”列，请重命名其中一列',
      },
    ]);
  });
});

describe('the layout a preview shows', () => {
  it('has the header row and the first five rows with text, field → cell', async () => {
    const rows = Array.from({ length: 7 }, (_, index) =>
      FIELDS.map((field) => (field === 'measure' ? `措施${index + 1}` : STANDARD[field][1])),
    );
    const header = FIELDS.map((field) => STANDARD[field][0]);
    const bytes = Buffer.from(
      stringify([header, rows[0] as string[], header.map(() => ''), ...rows.slice(1)]),
    );

    const { result, layout } = await read(bytes);

    expect(result.ok).toBe(true);
    expect(layout.header).toEqual(header);
    expect(layout.sample.map((row) => row.measure)).toEqual(['措施1', '措施2', '措施3', '措施4', '措施5']);
    expect(layout.sample[0]).toEqual({
      ...Object.fromEntries(FIELDS.map((field) => [field, STANDARD[field][1]])),
      measure: '措施1',
    });
  });
});
