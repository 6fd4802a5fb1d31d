import { describe, expect, it } from 'vitest';
import type { OutcomeTally } from '#shared/domain/outcomes.ts';
import type { OutcomeKind } from '#shared/domain/plan/model.ts';
import {
  enDate,
  type ParagraphFacts,
  paragraphEn,
  paragraphZh,
  zhDate,
} from '#shared/domain/summary/paragraph.ts';

/**
 * The summary paragraph's clauses one rule at a time, in both languages: which clauses appear,
 * singular and plural, naming in-progress items, and the outcomes sentence.
 */

const tally = (kind: OutcomeKind, count: number, amountCny = 0, notes: string[] = []): OutcomeTally => ({
  kind,
  count,
  amountCny,
  notes,
});

const facts = (overrides: Partial<ParagraphFacts> = {}): ParagraphFacts => ({
  asOfDate: '2024-10-20',
  items: 0,
  rectified: 0,
  inProgressTitles: [],
  notStarted: 0,
  measuresTotal: 0,
  measuresDone: 0,
  outcomes: [],
  ...overrides,
});

const titles = (n: number) => Array.from({ length: n }, (_, i) => `事项${i + 1}`);

describe('dates', () => {
  it('are written as Chinese and English documents write them', () => {
    expect(zhDate('2024-01-05')).toBe('2024年1月5日');
    expect(enDate('2024-01-05')).toBe('5 January 2024');
  });
});

describe('the items clause', () => {
  it.each([
    {
      name: 'nothing in the ledger',
      facts: facts(),
      zh: '截至2024年10月20日，尚无巡察反馈的具体事项录入台账。',
      en: 'As of 20 October 2024, no specific issues raised by the inspection have been entered in the ledger.',
    },
    {
      name: 'one item, rectified',
      facts: facts({ items: 1, rectified: 1 }),
      zh: '截至2024年10月20日，巡察反馈的1个具体事项已经全部整改完成。',
      en: 'As of 20 October 2024, all 1 specific issue raised by the inspection have been rectified.',
    },
    {
      name: 'one rectified, one in progress, one not started',
      facts: facts({ items: 3, rectified: 1, inProgressTitles: ['甲'], notStarted: 1 }),
      zh: '截至2024年10月20日，巡察反馈的3个具体事项已经整改完成1项，正在整改1项（甲），尚未启动1项。',
      en: 'As of 20 October 2024, of the 3 specific issues raised by the inspection, 1 has been rectified, 1 is in progress (甲) and 1 has not started.',
    },
    {
      name: 'one item, not started',
      facts: facts({ items: 1, notStarted: 1 }),
      zh: '截至2024年10月20日，巡察反馈的1个具体事项已经整改完成0项，尚未启动1项。',
      en: 'As of 20 October 2024, of the 1 specific issue raised by the inspection, 0 have been rectified and 1 has not started.',
    },
    {
      name: 'several of each',
      facts: facts({ items: 7, rectified: 2, inProgressTitles: ['甲', '乙'], notStarted: 3 }),
      zh: '截至2024年10月20日，巡察反馈的7个具体事项已经整改完成2项，正在整改2项（甲，乙），尚未启动3项。',
      en: 'As of 20 October 2024, of the 7 specific issues raised by the inspection, 2 have been rectified, 2 are in progress (甲; 乙) and 3 have not started.',
    },
    {
      name: 'none rectified, none in progress',
      facts: facts({ items: 2, notStarted: 2 }),
      zh: '截至2024年10月20日，巡察反馈的2个具体事项已经整改完成0项，尚未启动2项。',
      en: 'As of 20 October 2024, of the 2 specific issues raised by the inspection, 0 have been rectified and 2 have not started.',
    },
    {
      name: 'only rectified and in progress',
      facts: facts({ items: 2, rectified: 1, inProgressTitles: ['甲'] }),
      zh: '截至2024年10月20日，巡察反馈的2个具体事项已经整改完成1项，正在整改1项（甲）。',
      en: 'As of 20 October 2024, of the 2 specific issues raised by the inspection, 1 has been rectified and 1 is in progress (甲).',
    },
    {
      name: 'exactly ten in progress: all named',
      facts: facts({ items: 10, inProgressTitles: titles(10) }),
      zh: `截至2024年10月20日，巡察反馈的10个具体事项已经整改完成0项，正在整改10项（${titles(10).join('，')}）。`,
      en: `As of 20 October 2024, of the 10 specific issues raised by the inspection, 0 have been rectified and 10 are in progress (${titles(10).join('; ')}).`,
    },
    {
      name: 'eleven in progress: ten named, then etc.',
      facts: facts({ items: 11, inProgressTitles: titles(11) }),
      zh: `截至2024年10月20日，巡察反馈的11个具体事项已经整改完成0项，正在整改11项（${titles(10).join('，')}等）。`,
      en: `As of 20 October 2024, of the 11 specific issues raised by the inspection, 0 have been rectified and 11 are in progress (${titles(10).join('; ')}, etc.).`,
    },
  ])('$name', ({ facts, zh, en }) => {
    expect(paragraphZh(facts)).toBe(zh);
    expect(paragraphEn(facts)).toBe(en);
  });
});

describe('the measures clause', () => {
  const base = { items: 1, rectified: 1 };
  it.each([
    [0, 0, '', ''],
    [1, 1, '提出整改措施1条，已经全部完成。', ' All 1 rectification measure proposed are complete.'],
    [5, 5, '提出整改措施5条，已经全部完成。', ' All 5 rectification measures proposed are complete.'],
    [5, 1, '提出整改措施5条，已经完成1条。', ' Of the 5 rectification measures proposed, 1 is complete.'],
    [1, 0, '提出整改措施1条，已经完成0条。', ' Of the 1 rectification measure proposed, 0 are complete.'],
    [6, 4, '提出整改措施6条，已经完成4条。', ' Of the 6 rectification measures proposed, 4 are complete.'],
  ])('%d measures, %d done', (measuresTotal, measuresDone, zh, en) => {
    const paragraph = facts({ ...base, measuresTotal, measuresDone });
    expect(paragraphZh(paragraph)).toBe(`截至2024年10月20日，巡察反馈的1个具体事项已经全部整改完成。${zh}`);
    expect(paragraphEn(paragraph)).toBe(
      `As of 20 October 2024, all 1 specific issue raised by the inspection have been rectified.${en}`,
    );
  });
});

describe('the outcomes sentence', () => {
  const outcomes = (outcomes: OutcomeTally[]) => {
    const paragraph = facts({ outcomes });
    const lead = { zh: paragraphZh(facts()), en: paragraphEn(facts()) };
    return {
      zh: paragraphZh(paragraph).slice(lead.zh.length),
      en: paragraphEn(paragraph).slice(lead.en.length),
    };
  };

  it.each([
    { name: 'none', outcomes: [], zh: '', en: '' },
    {
      name: 'every kind, several of each',
      outcomes: [
        tally('regulation', 19),
        tally('dismissal', 4),
        tally('criticism', 7),
        tally('punishment', 2),
        tally('refund', 3, 4384.5),
      ],
      zh: '建立健全制度19项，免职4人、批评教育7人，惩处2人，退缴违规钱款4384.5元。',
      en: ' 19 regulations were established or improved, 4 people were removed from post, 7 people were criticised and educated, 2 people were punished and CNY 4,384.5 of irregular funds was recovered.',
    },
    {
      name: 'one of each',
      outcomes: [
        tally('regulation', 1),
        tally('dismissal', 1),
        tally('criticism', 1),
        tally('punishment', 1),
      ],
      zh: '建立健全制度1项，免职1人、批评教育1人，惩处1人。',
      en: ' 1 regulation was established or improved, 1 person was removed from post, 1 person was criticised and educated and 1 person was punished.',
    },
    {
      name: 'one clause alone, capitalised',
      outcomes: [tally('refund', 1, 12650)],
      zh: '退缴违规钱款12650元。',
      en: ' CNY 12,650 of irregular funds was recovered.',
    },
    {
      name: 'criticism alone',
      outcomes: [tally('criticism', 2)],
      zh: '批评教育2人。',
      en: ' 2 people were criticised and educated.',
    },
    {
      name: 'a refund without an amount, or with records but no count',
      outcomes: [tally('refund', 2, 0), tally('regulation', 0), tally('dismissal', 0)],
      zh: '',
      en: '',
    },
    { name: 'an amount without a record', outcomes: [tally('refund', 0, 50)], zh: '', en: '' },
  ])('$name', ({ outcomes: tallies, zh, en }) => {
    expect(outcomes(tallies)).toEqual({ zh, en });
  });
});

describe('who a personnel outcome names (zh-CN)', () => {
  const named = (kind: OutcomeKind, notes: string[]) => {
    const paragraph = paragraphZh(facts({ outcomes: [tally(kind, 2, 0, notes)] }));
    return paragraph.slice(paragraphZh(facts()).length);
  };

  it.each([
    ['a short note', 'dismissal', ['校级领导干部'], '免职校级领导干部2人。'],
    ['the verb at its start dropped', 'criticism', ['批评教育青年教师'], '批评教育青年教师2人。'],
    ['blanks after the verb dropped', 'dismissal', ['免职 中层干部'], '免职中层干部2人。'],
    ['twelve characters', 'punishment', ['一二三四五六七八九十一二'], '惩处一二三四五六七八九十一二2人。'],
    ['thirteen characters: too long', 'punishment', ['一二三四五六七八九十一二三'], '惩处2人。'],
    ['a sentence', 'punishment', ['教师，通报'], '惩处2人。'],
    ['a space inside', 'dismissal', ['中层 干部'], '免职2人。'],
    ['two different notes', 'dismissal', ['校级干部', '中层干部'], '免职2人。'],
    ['only the verb', 'criticism', ['批评教育'], '批评教育2人。'],
    ['not a personnel outcome', 'regulation', ['财务制度'], '建立健全制度2项。'],
  ] as const)('%s', (_case, kind, notes, text) => {
    expect(named(kind, [...notes])).toBe(text);
  });
});
