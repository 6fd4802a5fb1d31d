import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { MAX_PLAN_ITEMS, PlanDocument, parsePlanJson } from '#shared/domain/plan/index.ts';
import type { Plan, PlanError } from '#shared/domain/plan/model.ts';
import { generatePlan } from '../../fixtures/generate-plan.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests edit the sample freely, including into invalid shapes
type Json = any;
const sample: Json = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../../fixtures/plan.sample.json'), 'utf8'),
);
const edited = (change: (plan: Json) => void): Json => {
  const copy = structuredClone(sample);
  change(copy);
  return copy;
};
const planOf = (input: unknown): Plan => {
  const result = parsePlanJson(input);
  if (!result.ok) throw new Error(`expected a plan, got ${JSON.stringify(result.errors, null, 2)}`);
  return result.plan;
};
const errorsOf = (input: unknown): readonly PlanError[] => {
  const result = parsePlanJson(input);
  if (result.ok) throw new Error('expected errors, got a plan');
  return result.errors;
};
const itemsOf = (plan: Plan) => plan.aspects.flatMap((a) => a.problems.flatMap((p) => p.items));
const CHINESE = /[\u4e00-\u9fff]/;
const ITEM = 'aspects[0].problems[0].items[0]';

describe('parsePlanJson accepts', () => {
  it('the shared sample, numbering its items a.p.i with their statuses', () => {
    const plan = planOf(sample);

    expect(itemsOf(plan).map((i) => `${i.ref} ${i.status}${i.longTerm ? ' long-term' : ''}`)).toEqual([
      '1.1.1 rectified long-term',
      '1.1.2 in_progress long-term',
      '1.2.1 not_started',
      '2.1.1 closed',
    ]);
    expect(plan.inspection).toEqual(sample.inspection);
    expect(plan.outcomes).toEqual(sample.outcomes);
  });

  it('a plan without outcomes, as an empty list', () => {
    const plan = planOf(edited((p) => delete p.outcomes));

    expect(plan.outcomes).toEqual([]);
  });

  it('a plan without a time zone, in Asia/Shanghai', () => {
    const plan = planOf(edited((p) => delete p.inspection.timezone));

    expect(plan.inspection.timezone).toBe('Asia/Shanghai');
  });

  it('a time zone in any case, under its canonical name', () => {
    const plan = planOf(edited((p) => (p.inspection.timezone = 'asia/shanghai')));

    expect(plan.inspection.timezone).toBe('Asia/Shanghai');
  });

  it('levels out of order, sorted by no with refs from the numbers', () => {
    const input = edited((p) => {
      p.aspects.reverse();
      p.aspects[1].problems.reverse();
      p.aspects[1].problems[1].items.reverse();
    });

    const plan = planOf(input);

    expect(plan).toEqual(planOf(sample));
  });

  it('numbers with gaps, keeping them in the refs', () => {
    const plan = planOf(
      edited((p) => {
        p.aspects[1].no = 5;
        p.aspects[1].problems[0].items[0].no = 7;
      }),
    );

    expect(itemsOf(plan).at(-1)?.ref).toBe('5.1.7');
  });

  it('padded text, trimmed, and blank optional text, left out', () => {
    const plan = planOf(
      edited((p) => {
        p.aspects[0].title = `  ${p.aspects[0].title}\n`;
        p.aspects[0].problems[0].items[0].description = '   ';
        p.aspects[0].problems[0].items[0].progress = '';
      }),
    );

    expect(plan.aspects[0]?.title).toBe(sample.aspects[0].title);
    expect(plan.aspects[0]?.problems[0]?.items[0]).not.toHaveProperty('description');
    expect(plan.aspects[0]?.problems[0]?.items[0]).not.toHaveProperty('progress');
  });

  it('an optional leader id, trimmed, and left out when blank', () => {
    const plan = planOf(
      edited((p) => {
        p.aspects[0].problems[0].items[0].responsibleLeaderId = '  L-001 ';
        p.aspects[0].problems[0].items[1].responsibleLeaderId = '';
      }),
    );

    const [withId, blank] = itemsOf(plan);
    expect(withId).toMatchObject({
      responsibleLeader: sample.aspects[0].problems[0].items[0].responsibleLeader,
    });
    expect(withId?.responsibleLeaderId).toBe('L-001');
    expect(blank).not.toHaveProperty('responsibleLeaderId');
    expect(itemsOf(planOf(sample)).some((item) => 'responsibleLeaderId' in item)).toBe(false);
  });

  it.each([
    ['未启动', 'not_started', false],
    ['正在整改', 'in_progress', false],
    ['已整改', 'rectified', false],
    ['已完成', 'closed', false],
    ['已销号', 'closed', false],
    ['IN_PROGRESS', 'in_progress', false],
    ['已整改（长期坚持）', 'rectified', true],
    ['正在整改，长期坚持', 'in_progress', true],
    ['长期坚持', 'in_progress', true],
  ])('the status label %s as %s (long-term: %s)', (label, status, longTerm) => {
    const plan = planOf(
      edited((p) => {
        p.aspects[0].problems[1].items[0].status = label;
      }),
    );

    expect(plan.aspects[0]?.problems[1]?.items[0]).toMatchObject({ status, longTerm });
  });

  it('longTerm: true with a label that does not say 长期坚持, as long-term', () => {
    const plan = planOf(
      edited((p) => {
        p.aspects[0].problems[1].items[0].status = '已整改';
        p.aspects[0].problems[1].items[0].longTerm = true;
      }),
    );

    expect(plan.aspects[0]?.problems[1]?.items[0]).toMatchObject({ status: 'rectified', longTerm: true });
  });

  it('outcome kinds in Chinese, as codes', () => {
    const plan = planOf(
      edited((p) => {
        p.outcomes = [
          { kind: '建立健全制度', count: 1 },
          { kind: '免职', count: 1 },
          { kind: '退缴', count: 1, amountCny: 0.5, itemRef: '2.1.1' },
        ];
      }),
    );

    expect(plan.outcomes.map((o) => o.kind)).toEqual(['regulation', 'dismissal', 'refund']);
    expect(plan.outcomes[2]).toEqual({ kind: 'refund', count: 1, amountCny: 0.5, itemRef: '2.1.1' });
  });

  it('a plan of exactly the maximum size', () => {
    const plan = planOf(generatePlan({ items: MAX_PLAN_ITEMS }));

    expect(itemsOf(plan)).toHaveLength(MAX_PLAN_ITEMS);
  });

  it.each([1, 2, 17, 500])('a generated plan of %i items', (items) => {
    const plan = planOf(generatePlan({ items, seed: items }));

    expect(itemsOf(plan)).toHaveLength(items);
  });
});

describe('parsePlanJson refuses, naming the path', () => {
  const long = (length: number) => '长'.repeat(length);
  it.each<[string, (plan: Json) => void, string, string]>([
    [
      'a date that is not on the calendar',
      (p) => (p.aspects[0].problems[0].items[0].deadline = '2024-02-30'),
      `${ITEM}.deadline`,
      'expected YYYY-MM-DD (a real calendar date)',
    ],
    [
      'a date in another shape',
      (p) => (p.inspection.feedbackDate = '2024/6/20'),
      'inspection.feedbackDate',
      'expected YYYY-MM-DD (a real calendar date)',
    ],
    [
      'a missing required field',
      (p) => delete p.aspects[0].problems[0].items[0].responsibleLeader,
      `${ITEM}.responsibleLeader`,
      'required',
    ],
    [
      'a leader id over 128 characters',
      (p) => (p.aspects[0].problems[0].items[0].responsibleLeaderId = 'L'.repeat(129)),
      `${ITEM}.responsibleLeaderId`,
      'must be at most 128 characters',
    ],
    [
      'a leader id that is not text',
      (p) => (p.aspects[0].problems[0].items[0].responsibleLeaderId = 42),
      `${ITEM}.responsibleLeaderId`,
      'expected text, got a number',
    ],
    [
      'a blank title',
      (p) => (p.aspects[1].problems[0].title = ' \u3000 '),
      'aspects[1].problems[0].title',
      'must not be empty',
    ],
    [
      'a title over 500 characters',
      (p) => (p.aspects[0].title = long(501)),
      'aspects[0].title',
      'must be at most 500 characters',
    ],
    [
      'progress over 10,000 characters',
      (p) => (p.aspects[0].problems[0].items[0].progress = long(10_001)),
      `${ITEM}.progress`,
      'must be at most 10000 characters',
    ],
    [
      'a measure over 2,000 characters',
      (p) => (p.aspects[0].problems[0].items[0].measures[1].text = long(2_001)),
      `${ITEM}.measures[1].text`,
      'must be at most 2000 characters',
    ],
    [
      'a number below 1',
      (p) => (p.aspects[0].problems[1].no = 0),
      'aspects[0].problems[1].no',
      'must be at least 1',
    ],
    [
      'a number that is not whole',
      (p) => (p.aspects[0].no = 1.5),
      'aspects[0].no',
      'expected a whole number',
    ],
    [
      'a duplicate aspect number',
      (p) => (p.aspects[1].no = 1),
      'aspects[1].no',
      'number 1 is already used by aspects[0]',
    ],
    [
      'a duplicate problem number',
      (p) => (p.aspects[0].problems[1].no = 1),
      'aspects[0].problems[1].no',
      'number 1 is already used by aspects[0].problems[0]',
    ],
    [
      'a duplicate item number',
      (p) => (p.aspects[0].problems[0].items[1].no = 1),
      'aspects[0].problems[0].items[1].no',
      `number 1 is already used by ${ITEM}`,
    ],
    [
      'an id that is not a slug',
      (p) => (p.inspection.id = 'Health 2024'),
      'inspection.id',
      'expected 3–64 characters of a-z, 0-9 and -',
    ],
    [
      'an unknown time zone',
      (p) => (p.inspection.timezone = 'Mars/Olympus'),
      'inspection.timezone',
      'unknown IANA time zone (e.g. Asia/Shanghai)',
    ],
    [
      'an offset instead of a time zone',
      (p) => (p.inspection.timezone = '+08:00'),
      'inspection.timezone',
      'unknown IANA time zone (e.g. Asia/Shanghai)',
    ],
    [
      'an inspection that ends before it starts',
      (p) => (p.inspection.inspectionEnd = '2024-03-03'),
      'inspection.inspectionEnd',
      'the inspection ends (2024-03-03) before it starts (2024-03-04)',
    ],
    [
      'a long-term flag that is not a boolean',
      (p) => (p.aspects[0].problems[0].items[0].longTerm = 'yes'),
      `${ITEM}.longTerm`,
      'expected true or false, got text',
    ],
    [
      'an unknown outcome kind',
      (p) => (p.outcomes[0].kind = 'praise'),
      'outcomes[0].kind',
      'unknown outcome kind; accepted: regulation, dismissal, criticism, punishment, refund, 建立健全制度, 免职, 批评教育, 惩处, 退缴, 制度, 处分, 退缴违规钱款',
    ],
    ['a negative count', (p) => (p.outcomes[1].count = -1), 'outcomes[1].count', 'must be at least 0'],
    [
      'a count that is not whole',
      (p) => (p.outcomes[1].count = 2.5),
      'outcomes[1].count',
      'expected a whole number',
    ],
    [
      'a negative amount',
      (p) => (p.outcomes[2].amountCny = -0.01),
      'outcomes[2].amountCny',
      'must be at least 0',
    ],
    [
      'an outcome for an item that does not exist',
      (p) => (p.outcomes[0].itemRef = '9.9.9'),
      'outcomes[0].itemRef',
      'no item 9.9.9 in this plan',
    ],
    [
      'an item reference in another shape',
      (p) => (p.outcomes[0].itemRef = '1-1-1'),
      'outcomes[0].itemRef',
      'expected an item reference "aspect.problem.item" such as 1.2.3, got "1-1-1"',
    ],
    [
      'an unknown top-level key',
      (p) => (p.extra = true),
      'extra',
      'unknown field (not part of rectify.plan/v1)',
    ],
    [
      'a misspelt optional field',
      (p) => (p.aspects[0].problems[0].items[0].progess = 'x'),
      `${ITEM}.progess`,
      'unknown field (not part of rectify.plan/v1)',
    ],
    ['another format', (p) => (p.format = 'rectify.plan/v2'), 'format', 'expected "rectify.plan/v1"'],
    ['a plan without aspects', (p) => (p.aspects = []), 'aspects', 'needs at least one entry'],
    [
      'a problem without items',
      (p) => (p.aspects[0].problems[1].items = []),
      'aspects[0].problems[1].items',
      'needs at least one entry',
    ],
    [
      'measures that are not a list',
      (p) => (p.aspects[0].problems[0].items[0].measures = {}),
      `${ITEM}.measures`,
      'expected a list, got an object',
    ],
  ])('%s', (_behaviour, change, expectedPath, message) => {
    const input = edited(change);

    const errors = errorsOf(input);

    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: expectedPath, message });
    expect(errors[0]?.messageZh).toMatch(CHINESE);
  });

  it('an unknown status label, listing the accepted ones in both languages', () => {
    const [error] = errorsOf(edited((p) => (p.aspects[0].problems[1].items[0].status = '差不多')));

    expect(error?.path).toBe('aspects[0].problems[1].items[0].status');
    expect(error?.message).toBe(
      'unknown status; accepted: not_started, in_progress, rectified, closed, 未启动, 正在整改, 已整改, 已完成, 整改中, 已销号, 长期坚持',
    );
    expect(error?.messageZh).toBe(
      '无法识别的状态，可用：not_started、in_progress、rectified、closed、未启动、正在整改、已整改、已完成、整改中、已销号、长期坚持',
    );
  });

  it('something that is not an object at all, at (root)', () => {
    expect(errorsOf('plan')).toEqual([
      { path: '(root)', message: 'expected an object, got text', messageZh: '应为对象，实际为文本' },
    ]);
  });

  it('a plan over the maximum size with that one error', () => {
    const errors = errorsOf(generatePlan({ items: MAX_PLAN_ITEMS + 1 }));

    expect(errors).toEqual([
      {
        path: 'aspects',
        message: `a plan holds at most ${MAX_PLAN_ITEMS} items, this one ${MAX_PLAN_ITEMS + 1}`,
        messageZh: `一个方案最多 ${MAX_PLAN_ITEMS} 个事项，本方案 ${MAX_PLAN_ITEMS + 1} 个`,
      },
    ]);
  });

  it('reports every error at once, structural and cross-field alike', () => {
    const input = edited((p) => {
      p.aspects[0].problems[0].items[0].deadline = 'soon';
      delete p.aspects[0].problems[1].items[0].responsibleDept;
      p.aspects[1].no = 1;
    });

    const errors = errorsOf(input);

    expect(errors.map((e) => e.path)).toEqual([
      `${ITEM}.deadline`,
      'aspects[0].problems[1].items[0].responsibleDept',
      'aspects[1].no',
    ]);
  });

  it('reports several unknown keys of one object one by one', () => {
    const errors = errorsOf(edited((p) => Object.assign(p.inspection, { colour: 'red', size: 3 })));

    expect(errors.map((e) => e.path)).toEqual(['inspection.colour', 'inspection.size']);
  });
});

describe('PlanDocument', () => {
  it('is a zod schema the OpenAPI generator can describe', () => {
    const schema = z.toJSONSchema(PlanDocument, { io: 'input' });

    expect(schema.$defs?.PlanDocument).toMatchObject({
      type: 'object',
      required: ['format', 'inspection', 'aspects'],
      additionalProperties: false,
    });
  });
});

describe('parsePlanJson cleans text from outside', () => {
  it('removes control and bidi characters; names and titles become one line, measures keep theirs', () => {
    const plan = planOf(
      edited((p) => {
        const item = p.aspects[0].problems[0].items[0];
        item.title = '报销\u202e审核\n不严';
        item.responsibleLeader = '王强\u200e';
        item.responsibleDept = '\u001b[31m基层卫生科';
        item.measures[0].text = '第一步\u0007\n第二步';
      }),
    );
    const [item] = itemsOf(plan);

    expect(item?.title).toBe('报销审核 不严');
    expect(item?.responsibleLeader).toBe('王强');
    expect(item?.responsibleDept).toBe('[31m基层卫生科');
    expect(item?.measures[0]?.text).toBe('第一步\n第二步');
  });

  it('refuses a lone surrogate, naming its path', () => {
    const errors = errorsOf(
      edited((p) => {
        p.aspects[0].problems[0].items[0].description = '说明\ud800';
      }),
    );

    expect(errors.map((e) => e.path)).toEqual([`${ITEM}.description`]);
  });
});
