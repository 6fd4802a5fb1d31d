import { describe, expect, it } from 'vitest';
import type { Item, ItemEvent } from '#shared/domain/item.ts';
import { decideProgress } from '#shared/domain/progress.ts';
import { buildReport, chineseNumeral, reportTitle } from '#shared/domain/report/build.ts';
import type { ReportDocument } from '#shared/domain/report/model.ts';
import { itemAsOf } from '#shared/domain/summary/replay.ts';
import { decideTransition } from '#shared/domain/transitions.ts';
import { principals } from '../support/items.ts';
import { generatedPlan, ledgerOf, reportInputOf, samplePlan } from '../support/report-input.ts';

const sample = ledgerOf(samplePlan());
const texts = (document: ReportDocument) => document.blocks.map((block) => block.text);
const headings = (document: ReportDocument) =>
  document.blocks.filter((block) => block.kind !== 'paragraph').map((block) => `${block.kind} ${block.text}`);

describe('the report of the sample plan', () => {
  const input = reportInputOf(sample);
  const report = buildReport(input);

  it('is titled after the feedback, never saying 整改 twice', () => {
    expect(report.title).toBe('关于落实市委第一巡察组巡察市卫生健康委反馈意见整改情况的报告');
    expect(report.title).not.toMatch(/整改整改/);
  });

  it('has the three parts, the aspects and the problems numbered within their aspect', () => {
    expect(headings(report)).toEqual([
      'heading1 一、整改工作组织情况',
      'heading1 二、整改落实情况',
      'heading2 （一）在落实医疗卫生重点任务上有差距方面',
      'heading3 1．针对“基层医疗服务能力提升不够”的问题',
      'heading3 2．针对“医疗机构监管存在薄弱环节”的问题',
      'heading2 （二）在全面从严治党上不够有力方面',
      'heading3 1．针对“执行财经纪律不够严格”的问题',
      'heading2 （三）整改成效',
      'heading1 三、下一步工作打算',
    ]);
  });

  it('opens part 二 with the totals paragraph exactly as the summary writes it', () => {
    const at = report.blocks.findIndex((block) => block.text === '二、整改落实情况');
    expect(report.blocks[at + 1]).toEqual({ kind: 'paragraph', text: input.summary.paragraph['zh-CN'] });
    expect(input.summary.paragraph['zh-CN']).toMatch(/^截至2024年11月27日，巡察反馈的4个具体事项/);
  });

  it('writes each item as the ledger has it, in ref order', () => {
    const items = report.blocks.filter((block) => block.ref);
    expect(items.map((block) => `${block.ref} ${block.text}`)).toEqual([
      '1.1.1 问题1：乡镇卫生院全科医生配备不足。部分乡镇卫生院全科医生缺口较大。',
      '1.1.1 工作进展：已整改，长期坚持。',
      '1.1.1 整改情况：一是新招录全科医生32名；二是开展城乡对口支援。',
      '1.1.2 问题2：家庭医生签约服务质量不高。',
      '1.1.2 工作进展：正在整改，长期坚持。',
      '1.1.2 整改情况：暂无报送。',
      '1.2.1 问题1：民营医院监督检查覆盖面不足。',
      '1.2.1 工作进展：尚未启动。',
      '1.2.1 整改情况：暂无报送。',
      '2.1.1 问题1：个别单位超标准列支差旅费。',
      '2.1.1 工作进展：已完成。',
      '2.1.1 整改情况：已全部清退超标准列支费用。',
    ]);
    expect(texts(report).join('\n')).not.toMatch(/。。|：。/);
  });

  it('states the recorded outcomes and nothing else', () => {
    const at = report.blocks.findIndex((block) => block.text === '（三）整改成效');
    const outcomes = report.blocks[at + 1]?.text ?? '';
    expect(outcomes).toBe(
      '通过整改，建立健全制度3项（修订完善财务报销、监督检查等制度）；批评教育2人；退缴违规钱款12650元（清退超标准差旅费）。',
    );
    expect(outcomes).not.toMatch(/免职|惩处/);
  });

  it('writes the office texts from the data when none is set, promising no 回头看 it cannot back', () => {
    const [opening] = texts(report);
    expect(opening).toBe(
      '市委第一巡察组于2024年6月20日向市卫生健康委员会反馈巡察意见后，市卫生健康委员会对照反馈意见逐项建立整改台账，推进整改落实。现将整改情况报告如下：',
    );
    expect(texts(report)).toContain(
      '市卫生健康委员会将市委第一巡察组反馈的4个具体事项全部录入整改台账，逐项明确责任领导、责任科室和完成时限，制定整改措施6条，共涉及责任领导3名、责任科室3个。',
    );
    const next = texts(report).slice(texts(report).indexOf('三、下一步工作打算') + 1);
    expect(next[0]).toContain('正在整改的1项（第1.1.2项“家庭医生签约服务质量不高”）');
    expect(next[0]).toContain('尚未启动的1项（第1.2.1项“民营医院监督检查覆盖面不足”）');
    expect(next[1]).toBe('对需要长期坚持的2项，持续跟踪落实，巩固整改成效，防止问题反弹。');
    expect(texts(report).join('\n')).not.toContain('回头看');
  });

  it('signs with the inspected unit as written, the as-of date and the seal’s place', () => {
    expect(report.signature).toEqual({ unit: '市卫生健康委员会', date: '2024年11月27日', seal: '（盖章）' });
  });
});

describe('the office’s own texts', () => {
  it('take the place of the defaults, one paragraph a line', () => {
    const report = buildReport(
      reportInputOf(sample, {
        texts: {
          opening: '开头第一段。\n\n开头第二段。',
          organisation: '成立整改工作领导小组。',
          nextSteps: '继续抓好整改。',
          issuingUnit: '中共市卫生健康委员会党组',
        },
      }),
    );
    expect(texts(report).slice(0, 4)).toEqual([
      '开头第一段。',
      '开头第二段。',
      '一、整改工作组织情况',
      '成立整改工作领导小组。',
    ]);
    expect(texts(report).at(-1)).toBe('继续抓好整改。');
    expect(report.signature.unit).toBe('中共市卫生健康委员会党组');
  });

  it('are defaults again when blank', () => {
    const report = buildReport(reportInputOf(sample, { texts: { opening: '  ', issuingUnit: '' } }));
    expect(texts(report)[0]).toMatch(/^市委第一巡察组于2024年6月20日/);
    expect(report.signature.unit).toBe('市卫生健康委员会');
  });
});

describe('titles', () => {
  const titled = (title: string, inspectionGroup = '市委第一巡察组') =>
    reportTitle(
      { ...reportInputOf(sample).summary, inspection: { ...sample.inspection, title, inspectionGroup } },
      'zh-CN',
    );

  it.each([
    [
      '市委第一巡察组巡察市卫生健康委反馈意见整改',
      '关于落实市委第一巡察组巡察市卫生健康委反馈意见整改情况的报告',
    ],
    [
      '市委第二巡察组巡察市卫生健康委反馈意见整改（2000项）',
      '关于落实市委第二巡察组巡察市卫生健康委反馈意见整改情况的报告',
    ],
    ['关于落实市委巡察组反馈意见整改情况的报告', '关于落实市委巡察组反馈意见整改情况的报告'],
    ['2024年第一轮巡察', '关于落实市委第一巡察组反馈意见整改情况的报告'],
  ])('%s → %s', (title, expected) => {
    expect(titled(title)).toBe(expected);
  });

  it('numbers aspects in Chinese', () => {
    expect([1, 9, 10, 11, 20, 21, 99, 100, 101, 110].map(chineseNumeral)).toEqual([
      '一',
      '九',
      '十',
      '十一',
      '二十',
      '二十一',
      '九十九',
      '一百',
      '一百零一',
      '一百一十',
    ]);
  });
});

describe('in English', () => {
  const input = reportInputOf(sample, { lang: 'en' });
  const report = buildReport(input);

  it('has the same structure with English labels and the English paragraph', () => {
    expect(report.lang).toBe('en');
    expect(report.title).toBe('Report on the Rectification of the Feedback of 市委第一巡察组');
    expect(headings(report)).toEqual([
      'heading1 I. Organisation of the rectification',
      'heading1 II. Rectification of the issues raised',
      'heading2 (1) 在落实医疗卫生重点任务上有差距方面',
      'heading3 1. On the problem “基层医疗服务能力提升不够”',
      'heading3 2. On the problem “医疗机构监管存在薄弱环节”',
      'heading2 (2) 在全面从严治党上不够有力方面',
      'heading3 1. On the problem “执行财经纪律不够严格”',
      'heading2 (3) Outcomes',
      'heading1 III. Next steps',
    ]);
    expect(texts(report)).toContain(input.summary.paragraph.en);
    const first = report.blocks.filter((block) => block.ref === '1.1.1').map((block) => block.text);
    expect(first).toEqual([
      'Issue 1: 乡镇卫生院全科医生配备不足. 部分乡镇卫生院全科医生缺口较大。',
      'Status: rectified, to be kept up long-term.',
      'Progress: 一是新招录全科医生32名；二是开展城乡对口支援。',
    ]);
    expect(report.signature).toEqual({ unit: '市卫生健康委员会', date: '27 November 2024', seal: '(Seal)' });
  });
});

describe('as of a past instant', () => {
  // 1.2.1 is started and 1.1.2 reports progress in October; a report of September shows neither.
  const items = new Map(sample.items.map((item) => [item.ref, item]));
  const chains = new Map<string, ItemEvent[]>(
    sample.items.map((item) => [item.ref, sample.events.filter((event) => event.itemId === item.itemId)]),
  );
  const apply = (ref: string, next: { item: Item; event: ItemEvent }) => {
    items.set(ref, next.item);
    chains.get(ref)?.push(next.event);
  };
  apply(
    '1.2.1',
    decideTransition(
      items.get('1.2.1') as Item,
      { to: 'in_progress', expectedVersion: 1 },
      principals.admin,
      {
        eventId: 'ev-start',
        at: '2024-10-01T02:00:00.000Z',
      },
    ),
  );
  apply(
    '1.1.2',
    decideProgress(
      items.get('1.1.2') as Item,
      { text: '已开展签约服务质量抽查，覆盖8个乡镇。', measuresDone: [1] },
      principals.department,
      { eventId: 'ev-progress', at: '2024-10-10T02:00:00.000Z' },
    ),
  );
  const at = (asOf: string) =>
    buildReport(
      reportInputOf(sample, {
        asOf,
        items: [...items.values()].map((item) => itemAsOf(item, chains.get(item.ref) ?? [], asOf)),
      }),
    );
  const lines = (report: ReportDocument, ref: string) =>
    report.blocks.filter((block) => block.ref === ref).map((block) => block.text);

  it('shows the statuses and progress of then, and its paragraph', () => {
    const september = at('2024-09-01T00:00:00.000Z');
    expect(lines(september, '1.2.1')[1]).toBe('工作进展：尚未启动。');
    expect(lines(september, '1.1.2')[2]).toBe('整改情况：暂无报送。');
    expect(texts(september)).toContain(
      '截至2024年9月1日，巡察反馈的4个具体事项已经整改完成2项，正在整改1项（家庭医生签约服务质量不高），尚未启动1项。提出整改措施6条，已经完成4条。建立健全制度3项，批评教育2人，退缴违规钱款12650元。',
    );
    expect(september.signature.date).toBe('2024年9月1日');

    const november = at('2024-11-27T08:00:00.000Z');
    expect(lines(november, '1.2.1')[1]).toBe('工作进展：正在整改。');
    expect(lines(november, '1.1.2')[2]).toBe('整改情况：已开展签约服务质量抽查，覆盖8个乡镇。');
    expect(texts(november).join('\n')).toContain(
      '正在整改2项（家庭医生签约服务质量不高，民营医院监督检查覆盖面不足）',
    );
  });
});

describe('an inspection with no items (all withdrawn, or none yet)', () => {
  it('still reads as a report and says so', () => {
    const report = buildReport(reportInputOf(sample, { items: [] }));
    expect(headings(report)).toEqual([
      'heading1 一、整改工作组织情况',
      'heading1 二、整改落实情况',
      'heading2 （一）整改成效',
      'heading1 三、下一步工作打算',
    ]);
    expect(
      texts(report).some((text) => text.startsWith('截至2024年11月27日，尚无巡察反馈的具体事项录入台账。')),
    ).toBe(true);
    expect(texts(report)).toContain('市委第一巡察组反馈的具体事项尚未录入整改台账。');
    expect(texts(report).join('\n')).not.toMatch(/undefined|NaN/);
  });
});

describe('a large plan', () => {
  it('keeps ledger order and numbering for 2,000 items', () => {
    const ledger = ledgerOf(generatedPlan(2000));
    const report = buildReport(reportInputOf(ledger));
    const refs = [...new Set(report.blocks.flatMap((block) => (block.ref ? [block.ref] : [])))];
    expect(refs).toEqual(reportInputOf(ledger).summary.items.map((item) => item.ref));
    expect(refs).toHaveLength(2000);
    for (const block of report.blocks.filter((b) => b.ref && b.text.startsWith('问题'))) {
      expect(block.text.startsWith(`问题${block.ref?.split('.')[2]}：`)).toBe(true);
    }
    // Part 三 names ten open items, then 等.
    const next = texts(report).at(-2) ?? '';
    expect(next.match(/第\d+\.\d+\.\d+项/g)?.length).toBe(20);
    expect(next).toMatch(/等）/);
  });
});
