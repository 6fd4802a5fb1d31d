import { describe, expect, it } from 'vitest';
import type { OutcomeTally } from '#shared/domain/outcomes.ts';
import type { OutcomeKind } from '#shared/domain/plan/model.ts';
import { buildReport, chineseNumeral, reportTitle } from '#shared/domain/report/build.ts';
import type { ReportDocument, ReportInput, ReportText } from '#shared/domain/report/model.ts';
import type { Summary, SummaryCounts, SummaryItem, SummaryItemRef } from '#shared/domain/summary/model.ts';

/**
 * The report document (report/build.ts) from a summary written out by hand, so that each rule of
 * the wording is seen on its own: numbering, line handling, sentence ends, defaults for the
 * office's texts, outcomes, and the order of aspects and problems. (test/unit/report-build.test.ts
 * reads the report of the sample plan as a whole.) Every report is built inside its test.
 */

const counts = (overrides: Partial<SummaryCounts> = {}): SummaryCounts => ({
  total: 0,
  not_started: 0,
  in_progress: 0,
  rectified: 0,
  closed: 0,
  rectifiedTotal: 0,
  overdue: 0,
  longTerm: 0,
  lights: { green: 0, yellow: 0, red: 0 },
  measuresTotal: 0,
  measuresDone: 0,
  ...overrides,
});

const anItem = (ref: string, overrides: Partial<SummaryItem> = {}): SummaryItem => {
  const [aspectNo, problemNo] = ref.split('.').map(Number) as [number, number];
  return {
    ref,
    title: `事项${ref}`,
    department: '基层卫生科',
    leader: '王强',
    deadline: '2024-12-31',
    aspectNo,
    problemNo,
    status: 'in_progress',
    longTerm: false,
    overdue: false,
    light: 'green',
    measures: [],
    ...overrides,
  };
};

const refOf = (ref: string, title = `事项${ref}`): SummaryItemRef => ({
  ref,
  title,
  department: '基层卫生科',
  leader: '王强',
  deadline: '2024-12-31',
});

const tally = (kind: OutcomeKind, count: number, amountCny = 0, notes: string[] = []): OutcomeTally => ({
  kind,
  count,
  amountCny,
  notes,
});

function summaryOf(overrides: Partial<Summary> = {}): Summary {
  return {
    schema: 'rectify.summary/v1',
    summaryId: 's-1',
    inspection: {
      inspectionId: 'insp-2024',
      importId: 'imp-1',
      title: '市委第一巡察组巡察市卫健委反馈意见整改',
      inspectedUnit: '市卫健委',
      inspectionGroup: '市委第一巡察组',
      feedbackDate: '2024-06-20',
      timezone: 'Asia/Shanghai',
    },
    asOf: '2024-11-27T08:00:00.000Z',
    asOfDate: '2024-11-27',
    generatedAt: '2024-11-27T08:00:00.000Z',
    trigger: 'request',
    lang: 'zh-CN',
    paragraph: { 'zh-CN': '截至2024年11月27日，……', en: 'As of 27 November 2024, …' },
    totals: counts(),
    byAspect: [],
    byDepartment: [],
    inProgress: [],
    notStarted: [],
    overdue: [],
    outcomes: { byKind: [], refundTotalCny: 0 },
    changes: null,
    items: [],
    ...overrides,
  };
}

function report(
  summary: Partial<Summary>,
  options: { lang?: ReportInput['lang']; texts?: ReportText; descriptions?: Record<string, string> } = {},
  aspects: ReportInput['aspects'] = [],
): ReportDocument {
  return buildReport({
    summary: summaryOf(summary),
    aspects,
    descriptions: options.descriptions ?? {},
    texts: options.texts ?? {},
    lang: options.lang ?? 'zh-CN',
  });
}

const texts = (document: ReportDocument) => document.blocks.map((block) => block.text);
const itemLines = (document: ReportDocument, ref: string) =>
  document.blocks.filter((block) => block.ref === ref).map((block) => block.text);
/** The paragraphs of part 三 (next steps). */
const nextSteps = (document: ReportDocument) => {
  const all = texts(document);
  const at = all.findIndex((text) => /^(三、|III\. )/.test(text));
  return all.slice(at + 1);
};

describe('chineseNumeral', () => {
  it.each([
    [0, '零'],
    [1, '一'],
    [9, '九'],
    [10, '十'],
    [15, '十五'],
    [19, '十九'],
    [20, '二十'],
    [30, '三十'],
    [45, '四十五'],
    [99, '九十九'],
    [100, '一百'],
    [105, '一百零五'],
    [110, '一百一十'],
    [119, '一百一十九'],
    [120, '一百二十'],
    [300, '三百'],
    [999, '九百九十九'],
    [1000, '1000'],
    [-1, '-1'],
    [1.5, '1.5'],
  ])('%d → %s', (n, numeral) => {
    expect(chineseNumeral(n)).toBe(numeral);
  });
});

describe('titles', () => {
  const titled = (title: string, lang: ReportInput['lang'] = 'zh-CN', inspectionGroup = '市委第一巡察组') =>
    reportTitle(summaryOf({ inspection: { ...summaryOf().inspection, title, inspectionGroup } }), lang);

  it.each([
    ['关于市委巡察组反馈意见的整改', '关于落实市委巡察组反馈意见整改情况的报告'],
    ['关于落实市委巡察组反馈意见', '关于落实市委巡察组反馈意见整改情况的报告'],
    ['市委巡察组反馈意见及反馈意见整改', '关于落实市委巡察组反馈意见及反馈意见整改情况的报告'],
    ['反馈意见整改', '关于落实市委第一巡察组反馈意见整改情况的报告'],
    ['市委巡察组\n反馈意见整改', '关于落实市委巡察组反馈意见整改情况的报告'],
    ['市委关于巡察组反馈意见', '关于落实市委关于巡察组反馈意见整改情况的报告'],
  ])('%s → %s', (title, expected) => {
    expect(titled(title)).toBe(expected);
  });

  it('names the group in English, on one line', () => {
    expect(titled('x', 'en', '  First Inspection\nGroup ')).toBe(
      'Report on the Rectification of the Feedback of First Inspection Group',
    );
  });
});

describe('the default opening names the kind of inspection', () => {
  it.each([
    ['市委第一巡察组', '巡察整改', '巡察', 'inspection'],
    ['省委第二巡视组', '巡视整改', '巡视', 'inspection tour'],
    ['市审计局', '2024年度审计', '审计', 'audit'],
    ['市委第一巡察组', '审计发现问题整改', '审计', 'audit'],
  ])('%s · %s: %s', (inspectionGroup, title, zh, en) => {
    const inspection = { ...summaryOf().inspection, inspectionGroup, title };
    expect(texts(report({ inspection }))[0]).toBe(
      `${inspectionGroup}于2024年6月20日向市卫健委反馈${zh}意见后，市卫健委对照反馈意见逐项建立整改台账，推进整改落实。现将整改情况报告如下：`,
    );
    expect(texts(report({ inspection }, { lang: 'en' }))[0]).toBe(
      `After ${inspectionGroup} gave its ${en} feedback to 市卫健委 on 20 June 2024, 市卫健委 took up each issue raised and entered it in its rectification ledger. The progress of the rectification is reported as follows.`,
    );
  });
});

describe('the default organisation paragraph', () => {
  const items = [anItem('1.1.1'), anItem('1.1.2', { leader: '李明' }), anItem('1.2.1')];
  const byDepartment = [
    { department: '基层卫生科', ...counts({ total: 2 }) },
    { department: '财务科', ...counts({ total: 1 }) },
    { department: '空科室', ...counts({ total: 0 }) },
  ];

  it.each([
    [
      'zh-CN',
      6,
      '市卫健委将市委第一巡察组反馈的3个具体事项全部录入整改台账，逐项明确责任领导、责任科室和完成时限，制定整改措施6条，共涉及责任领导2名、责任科室2个。',
    ],
    [
      'zh-CN',
      0,
      '市卫健委将市委第一巡察组反馈的3个具体事项全部录入整改台账，逐项明确责任领导、责任科室和完成时限，共涉及责任领导2名、责任科室2个。',
    ],
    [
      'en',
      6,
      '市卫健委 entered each of the 3 specific issues raised by 市委第一巡察组 in its rectification ledger, naming for each the responsible leader, the responsible department and the deadline, with 6 rectification measures; 2 leaders and 2 departments are responsible.',
    ],
    [
      'en',
      0,
      '市卫健委 entered each of the 3 specific issues raised by 市委第一巡察组 in its rectification ledger, naming for each the responsible leader, the responsible department and the deadline; 2 leaders and 2 departments are responsible.',
    ],
  ] as const)('%s, %d measures', (lang, measuresTotal, paragraph) => {
    const document = report({ items, byDepartment, totals: counts({ total: 3, measuresTotal }) }, { lang });
    expect(texts(document)[2]).toBe(paragraph);
  });

  it('says so when no item is in the ledger yet', () => {
    expect(texts(report({}))[2]).toBe('市委第一巡察组反馈的具体事项尚未录入整改台账。');
    expect(texts(report({}, { lang: 'en' }))[2]).toBe(
      'No specific issues raised by 市委第一巡察组 have yet been entered in the ledger.',
    );
  });
});

describe('the default next steps', () => {
  const eleven = Array.from({ length: 11 }, (_, n) => refOf(`1.1.${n + 1}`, `事项${n + 1}。`));

  it.each([
    {
      name: 'items in progress, some overdue, and long-term ones',
      summary: {
        totals: counts({ total: 3, longTerm: 2 }),
        inProgress: [refOf('1.1.1', '甲，'), refOf('1.1.2', '乙')],
        overdue: [{ ...refOf('1.1.1'), daysOverdue: 3 }],
      },
      zh: [
        '对正在整改的2项（第1.1.1项“甲”、第1.1.2项“乙”），督促责任领导和责任科室加快推进，确保按期完成整改。其中1项已超过完成时限，优先督办。',
        '对需要长期坚持的2项，持续跟踪落实，巩固整改成效，防止问题反弹。',
      ],
      en: [
        'The responsible leaders and departments will be urged to complete the 2 in progress (1.1.1 “甲”; 1.1.2 “乙”) by their deadlines.',
        '1 of them are past their deadlines and come first.',
        'The 2 long-term items will be kept up and followed to prevent relapse.',
      ],
    },
    {
      name: 'items not started only',
      summary: { totals: counts({ total: 2 }), notStarted: [refOf('2.1.1', '丙')] },
      zh: ['对尚未启动的1项（第2.1.1项“丙”），督促责任领导和责任科室加快推进，确保按期完成整改。'],
      en: [
        'The responsible leaders and departments will be urged to complete the 1 not started (2.1.1 “丙”) by their deadlines.',
      ],
    },
    {
      name: 'items in progress and not started',
      summary: {
        totals: counts({ total: 2 }),
        inProgress: [refOf('1.1.1', '甲')],
        notStarted: [refOf('2.1.1', '丙')],
      },
      zh: [
        '对正在整改的1项（第1.1.1项“甲”）和尚未启动的1项（第2.1.1项“丙”），督促责任领导和责任科室加快推进，确保按期完成整改。',
      ],
      en: [
        'The responsible leaders and departments will be urged to complete the 1 in progress (1.1.1 “甲”) and the 1 not started (2.1.1 “丙”) by their deadlines.',
      ],
    },
    {
      name: 'exactly ten open items: all named, no etc.',
      summary: { totals: counts({ total: 10 }), inProgress: eleven.slice(0, 10) },
      zh: [
        `对正在整改的10项（${eleven
          .slice(0, 10)
          .map((r, n) => `第${r.ref}项“事项${n + 1}”`)
          .join('、')}），督促责任领导和责任科室加快推进，确保按期完成整改。`,
      ],
      en: [
        `The responsible leaders and departments will be urged to complete the 10 in progress (${eleven
          .slice(0, 10)
          .map((r, n) => `${r.ref} “事项${n + 1}”`)
          .join('; ')}) by their deadlines.`,
      ],
    },
    {
      name: 'more than ten open items: ten named, then etc.',
      summary: { totals: counts({ total: 11 }), inProgress: eleven },
      zh: [
        `对正在整改的11项（${eleven
          .slice(0, 10)
          .map((r, n) => `第${r.ref}项“事项${n + 1}”`)
          .join('、')}等），督促责任领导和责任科室加快推进，确保按期完成整改。`,
      ],
      en: [
        `The responsible leaders and departments will be urged to complete the 11 in progress (${eleven
          .slice(0, 10)
          .map((r, n) => `${r.ref} “事项${n + 1}”`)
          .join('; ')}; etc.) by their deadlines.`,
      ],
    },
    {
      name: 'everything rectified',
      summary: { totals: counts({ total: 4 }) },
      zh: ['巡察反馈的具体事项已全部整改完成，进一步巩固整改成效。'],
      en: ['All specific issues raised have been rectified; the results will be consolidated.'],
    },
    { name: 'nothing in the ledger', summary: {}, zh: [], en: [] },
  ])('$name', ({ summary, zh, en }) => {
    expect(nextSteps(report(summary))).toEqual(zh);
    expect(nextSteps(report(summary, { lang: 'en' }))).toEqual(en);
  });

  it('says 巡视 or 审计 when everything is rectified after one', () => {
    const inspection = { ...summaryOf().inspection, inspectionGroup: '省委巡视组', title: '整改' };
    expect(nextSteps(report({ inspection, totals: counts({ total: 1 }) }))).toEqual([
      '巡视反馈的具体事项已全部整改完成，进一步巩固整改成效。',
    ]);
  });
});

describe('outcomes (整改成效)', () => {
  const outcomes = (byKind: OutcomeTally[], lang: ReportInput['lang'] = 'zh-CN') => {
    const document = report({ outcomes: { byKind, refundTotalCny: 0 } }, { lang });
    const at = document.blocks.findIndex((block) => block.kind === 'heading2');
    return at < 0 ? undefined : [document.blocks[at]?.text, document.blocks[at + 1]?.text];
  };

  it('states each kind recorded, with its notes, and leaves out the rest', () => {
    const byKind = [
      tally('regulation', 3, 0, ['修订财务制度。', '建立健全制度']),
      tally('dismissal', 0),
      tally('criticism', 1, 0, ['批评教育 。']),
      tally('punishment', 2, 0, ['给予党纪处分', '诫勉谈话']),
      tally('refund', 1, 12650.5, ['清退差旅费']),
    ];
    expect(outcomes(byKind)).toEqual([
      '（一）整改成效',
      '通过整改，建立健全制度3项（修订财务制度）；批评教育1人；惩处2人（给予党纪处分；诫勉谈话）；退缴违规钱款12650.5元（清退差旅费）。',
    ]);
    expect(outcomes(byKind, 'en')).toEqual([
      '(1) Outcomes',
      'Outcomes of the rectification: 3 regulations established or improved (修订财务制度); 1 person criticised and educated; 2 people punished (给予党纪处分; 诫勉谈话); CNY 12,650.5 of irregular funds recovered (清退差旅费).',
    ]);
  });

  it('counts one of each in the singular and several in the plural', () => {
    expect(outcomes([tally('regulation', 1), tally('dismissal', 1), tally('punishment', 1)], 'en')?.[1]).toBe(
      'Outcomes of the rectification: 1 regulation established or improved; 1 person removed from post; 1 person punished.',
    );
    expect(outcomes([tally('dismissal', 2), tally('criticism', 3)], 'en')?.[1]).toBe(
      'Outcomes of the rectification: 2 people removed from post; 3 people criticised and educated.',
    );
    expect(outcomes([tally('dismissal', 4)])?.[1]).toBe('通过整改，免职4人。');
  });

  it('has no outcomes part when nothing was recorded, or a refund without an amount', () => {
    expect(outcomes([])).toBeUndefined();
    expect(outcomes([tally('regulation', 0), tally('refund', 2, 0)])).toBeUndefined();
  });

  it('numbers the outcomes part after the aspects', () => {
    const document = report({
      items: [anItem('1.1.1'), anItem('2.1.1')],
      outcomes: { byKind: [tally('regulation', 1)], refundTotalCny: 0 },
    });
    expect(document.blocks.filter((block) => block.kind === 'heading2').map((block) => block.text)).toEqual([
      '（一）1',
      '（二）2',
      '（三）整改成效',
    ]);
  });
});

describe('each item', () => {
  // `en: undefined`: text in Chinese punctuation only matters to the Chinese report.
  it.each([
    {
      name: 'a title ending in a mark, a description, progress over several lines',
      item: anItem('1.2.3', {
        title: '配备不足。',
        status: 'rectified',
        progress: '一是招录\r\n\r\n  二是培训\r三是考核',
      }),
      description: '  缺口较大  ',
      zh: [
        '问题3：配备不足。缺口较大。',
        '工作进展：已整改。',
        '整改情况：一是招录。',
        '二是培训。',
        '三是考核。',
      ],
      en: [
        'Issue 3: 配备不足. 缺口较大.',
        'Status: rectified.',
        'Progress: 一是招录.',
        '二是培训.',
        '三是考核.',
      ],
    },
    {
      name: 'no description, no progress, long-term',
      item: anItem('1.1.12', { status: 'closed', longTerm: true }),
      description: '   ',
      zh: ['问题12：事项1.1.12。', '工作进展：已完成，长期坚持。', '整改情况：暂无报送。'],
      en: ['Issue 12: 事项1.1.12.', 'Status: closed, to be kept up long-term.', 'Progress: none reported.'],
    },
    {
      name: 'Chinese sentence ends kept, a trailing comma, 顿号 or colon replaced by 。',
      item: anItem('1.1.1', {
        status: 'not_started',
        progress: '已完成！\n已报送”\n第一，\n第二、\n第三：\n第四;\nSo?”\n…\n已完成！但仍需跟进\n第一，第二',
      }),
      description: '人员短缺,',
      zh: [
        '问题1：事项1.1.1。人员短缺。',
        '工作进展：尚未启动。',
        '整改情况：已完成！',
        '已报送”。',
        '第一。',
        '第二。',
        '第三。',
        '第四。',
        'So?”',
        '…',
        '已完成！但仍需跟进。',
        '第一，第二。',
      ],
      en: undefined,
    },
    {
      name: 'English sentence ends kept, a trailing comma, semicolon or colon replaced by a full stop',
      item: anItem('1.1.1', {
        progress:
          'Hired two,\nTrained;\nChecked:\nDone!\nWhy?\nSaid “yes.”\n已完成。\nMet Mr. Li\nHired two, trained three',
      }),
      description: 'Short of staff,',
      zh: undefined,
      en: [
        'Issue 1: 事项1.1.1. Short of staff.',
        'Status: in progress.',
        'Progress: Hired two.',
        'Trained.',
        'Checked.',
        'Done!',
        'Why?',
        'Said “yes.”',
        '已完成。',
        'Met Mr. Li.',
        'Hired two, trained three.',
      ],
    },
    {
      name: 'a title and a description on several lines, Chinese joined, Latin spaced',
      item: anItem('1.1.1', { title: '  基层卫生\n  人员不足。。', progress: '  ' }),
      description: 'Plan\nB  and\t\tC，Plan\r\nD\n乙方，甲方\nE。',
      zh: [
        '问题1：基层卫生人员不足。Plan B and C，Plan D乙方，甲方E。',
        '工作进展：正在整改。',
        '整改情况：暂无报送。',
      ],
      en: [
        'Issue 1: 基层卫生人员不足. Plan B and C，Plan D乙方，甲方E。',
        'Status: in progress.',
        'Progress: none reported.',
      ],
    },
  ])('$name', ({ item, description, zh, en }) => {
    const descriptions = { [item.ref]: description };
    if (zh) expect(itemLines(report({ items: [item] }, { descriptions }), item.ref)).toEqual(zh);
    if (en) expect(itemLines(report({ items: [item] }, { descriptions, lang: 'en' }), item.ref)).toEqual(en);
  });

  it.each(['zh-CN', 'en'] as const)(
    'makes each line of an item a paragraph marked with its ref (%s)',
    (lang) => {
      const document = report({ items: [anItem('1.1.1', { progress: '甲\n乙' })] }, { lang });
      const lines = document.blocks.filter((block) => block.ref);
      expect(lines.map(({ kind, ref }) => ({ kind, ref }))).toEqual(
        Array(4).fill({ kind: 'paragraph', ref: '1.1.1' }),
      );
      const others = document.blocks.filter((block) => !block.ref);
      expect(others.every((block) => !('ref' in block))).toBe(true);
    },
  );
});

describe('aspects and problems', () => {
  const outline = [
    { no: 2, title: '第二方面。', problems: [{ no: 10, title: '问题十；' }] },
    { no: 10, title: '第十方面', problems: [{ no: 2, title: '问题二' }] },
  ];
  const items = [anItem('10.2.1'), anItem('2.10.1'), anItem('2.9.1'), anItem('10.2.2'), anItem('3.1.1')];
  const byAspect = [
    { aspectNo: 5, title: '第五方面（汇总）', ...counts() },
    { aspectNo: 3, title: '第三方面（汇总）', ...counts() },
  ];
  const headingsOf = (document: ReportDocument) =>
    document.blocks
      .filter((block) => block.kind === 'heading2' || block.kind === 'heading3')
      .map((b) => b.text);

  it('orders them by number, titles them from the outline, the summary, or their number', () => {
    expect(headingsOf(report({ items, byAspect }, {}, outline))).toEqual([
      '（一）第二方面',
      '1．针对“9”的问题',
      '2．针对“问题十”的问题',
      '（二）第三方面（汇总）',
      '1．针对“1”的问题',
      '（三）第十方面',
      '1．针对“问题二”的问题',
    ]);
    expect(headingsOf(report({ items, byAspect }, { lang: 'en' }, outline))).toEqual([
      '(1) 第二方面',
      '1. On the problem “9”',
      '2. On the problem “问题十”',
      '(2) 第三方面（汇总）',
      '1. On the problem “1”',
      '(3) 第十方面',
      '1. On the problem “问题二”',
    ]);
  });

  it('keeps the items of a problem in the summary’s order', () => {
    const document = report({ items, byAspect }, {}, outline);
    expect(document.blocks.filter((b) => b.text.startsWith('问题')).map((b) => b.ref)).toEqual([
      '2.9.1',
      '2.10.1',
      '3.1.1',
      '10.2.1',
      '10.2.2',
    ]);
  });

  it('numbers the parts 一 to 三, or I to III', () => {
    const h1 = (document: ReportDocument) =>
      document.blocks.filter((b) => b.kind === 'heading1').map((b) => b.text);
    expect(h1(report({}))).toEqual(['一、整改工作组织情况', '二、整改落实情况', '三、下一步工作打算']);
    expect(h1(report({}, { lang: 'en' }))).toEqual([
      'I. Organisation of the rectification',
      'II. Rectification of the issues raised',
      'III. Next steps',
    ]);
  });

  it('opens part 二 with the summary’s paragraph in the report’s language', () => {
    const zh = texts(report({}));
    expect(zh[zh.indexOf('二、整改落实情况') + 1]).toBe('截至2024年11月27日，……');
    const en = texts(report({}, { lang: 'en' }));
    expect(en[en.indexOf('II. Rectification of the issues raised') + 1]).toBe('As of 27 November 2024, …');
  });
});

describe('the office’s texts and the signature', () => {
  it('uses a text with words as given, one paragraph a line, and the default for blanks', () => {
    const document = report(
      {},
      { texts: { opening: '  第一段\r\n\n第二段  ', organisation: ' \n ', nextSteps: '下一步' } },
    );
    expect(texts(document)).toEqual([
      '第一段',
      '第二段',
      '一、整改工作组织情况',
      '市委第一巡察组反馈的具体事项尚未录入整改台账。',
      '二、整改落实情况',
      '截至2024年11月27日，……',
      '三、下一步工作打算',
      '下一步',
    ]);
  });

  it.each([
    ['zh-CN', undefined, { unit: '市卫健委', date: '2024年11月27日', seal: '（盖章）' }],
    ['zh-CN', '  ', { unit: '市卫健委', date: '2024年11月27日', seal: '（盖章）' }],
    ['zh-CN', '中共市卫健委\n党组', { unit: '中共市卫健委党组', date: '2024年11月27日', seal: '（盖章）' }],
    ['en', 'Party Group', { unit: 'Party Group', date: '27 November 2024', seal: '(Seal)' }],
  ] as const)('%s, issuing unit %j', (lang, issuingUnit, signature) => {
    const document = report({}, { lang, texts: issuingUnit === undefined ? {} : { issuingUnit } });
    expect(document.signature).toEqual(signature);
    expect(document.lang).toBe(lang);
  });
});
