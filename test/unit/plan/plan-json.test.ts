import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePlanJson } from '#shared/domain/plan/index.ts';
import { generatePlan } from '../../fixtures/generate-plan.ts';

const sample = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../../fixtures/plan.sample.json'), 'utf8'),
);
const edit = (change: (plan: typeof sample) => void) => {
  const copy = structuredClone(sample);
  change(copy);
  return copy;
};
const errorsOf = (input: unknown) => {
  const result = parsePlanJson(input);
  if (result.ok) throw new Error('expected errors');
  return result.errors;
};

describe('parsePlanJson', () => {
  it('accepts the sample plan and numbers its items a.p.i', () => {
    const result = parsePlanJson(sample);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const items = result.plan.aspects.flatMap((a) => a.problems.flatMap((p) => p.items));
    expect(items.map((i) => `${i.ref} ${i.status}${i.longTerm ? ' long-term' : ''}`)).toEqual([
      '1.1.1 rectified long-term',
      '1.1.2 in_progress long-term',
      '1.2.1 not_started',
      '2.1.1 closed',
    ]);
    expect(result.plan.inspection.timezone).toBe('Asia/Shanghai');
  });

  it('reads Chinese status labels, 已完成 as closed, and 长期坚持 as the long-term flag', () => {
    const plan = edit((p) => {
      p.aspects[0].problems[0].items[0].status = '已完成';
      p.aspects[0].problems[0].items[1].status = '长期坚持';
      p.aspects[0].problems[0].items[1].longTerm = false;
      p.aspects[0].problems[1].items[0].status = '已整改（长期坚持）';
    });
    const result = parsePlanJson(plan);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const [first, second] = result.plan.aspects[0]?.problems[0]?.items ?? [];
    expect([first?.status, second?.status, second?.longTerm]).toEqual(['closed', 'in_progress', true]);
    expect(result.plan.aspects[0]?.problems[1]?.items[0]).toMatchObject({
      status: 'rectified',
      longTerm: true,
    });
  });

  it.each([
    [
      'a deadline that is not a date',
      (p: typeof sample) => {
        p.aspects[0].problems[0].items[0].deadline = '2024-02-30';
      },
      'aspects[0].problems[0].items[0].deadline',
      /YYYY-MM-DD/,
    ],
    [
      'an unknown status label',
      (p: typeof sample) => {
        p.aspects[0].problems[1].items[0].status = '差不多';
      },
      'aspects[0].problems[1].items[0].status',
      /unknown status/,
    ],
    [
      'a duplicate aspect number',
      (p: typeof sample) => {
        p.aspects[1].no = 1;
      },
      'aspects[1].no',
      /already used by aspects\[0\]/,
    ],
    [
      'a duplicate item number',
      (p: typeof sample) => {
        p.aspects[0].problems[0].items[1].no = 1;
      },
      'aspects[0].problems[0].items[1].no',
      /already used/,
    ],
    [
      'a missing title',
      (p: typeof sample) => void delete p.aspects[0].problems[0].title,
      'aspects[0].problems[0].title',
      /.+/,
    ],
    [
      'a bad inspection id',
      (p: typeof sample) => {
        p.inspection.id = 'Has Spaces';
      },
      'inspection.id',
      /a-z, 0-9/,
    ],
    [
      'an unknown time zone',
      (p: typeof sample) => {
        p.inspection.timezone = 'Mars/Olympus';
      },
      'inspection.timezone',
      /time zone/,
    ],
    [
      'an inspection that ends before it starts',
      (p: typeof sample) => {
        p.inspection.inspectionEnd = '2024-01-01';
      },
      'inspection.inspectionEnd',
      /ends before it starts/,
    ],
    [
      'an outcome for an item that does not exist',
      (p: typeof sample) => {
        p.outcomes[0].itemRef = '9.9.9';
      },
      'outcomes[0].itemRef',
      /no item 9\.9\.9/,
    ],
    [
      'an unknown top-level key',
      (p: typeof sample) => {
        p.extra = true;
      },
      '(root)',
      /extra/,
    ],
  ])('refuses %s, naming the path', (_name, change, expectedPath, message) => {
    const errors = errorsOf(edit(change));
    const error = errors.find((e) => e.path === expectedPath);
    expect(error, JSON.stringify(errors)).toBeDefined();
    expect(error?.message).toMatch(message);
    expect(error?.messageZh.length).toBeGreaterThan(0);
  });

  it('reports every error at once, structural and cross-field alike', () => {
    const errors = errorsOf(
      edit((p) => {
        p.aspects[0].problems[0].items[0].deadline = 'soon';
        delete p.aspects[0].problems[1].items[0].responsibleDept;
        p.aspects[1].no = 1;
      }),
    );
    expect(errors.map((e) => e.path).sort()).toEqual([
      'aspects[0].problems[0].items[0].deadline',
      'aspects[0].problems[1].items[0].responsibleDept',
      'aspects[1].no',
    ]);
  });

  it('gives zod messages in Chinese too', () => {
    const [error] = errorsOf(
      edit((p) => {
        p.aspects[0].problems[0].items[0].longTerm = 'yes';
      }),
    );
    expect(error?.messageZh).toMatch(/[\u4e00-\u9fff]/);
  });

  it('never throws, whatever it is given (property)', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const result = parsePlanJson(input);
        expect(typeof result.ok).toBe('boolean');
      }),
    );
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat({ max: 20 }), (value, depth) => {
        // The sample with one field replaced by arbitrary JSON.
        const copy = structuredClone(sample);
        const paths = [
          copy.inspection,
          copy.aspects[0],
          copy.aspects[0].problems[0].items[0],
          copy.outcomes[0],
        ];
        const target = paths[depth % paths.length] as Record<string, unknown>;
        const key = Object.keys(target)[depth % Object.keys(target).length] ?? 'x';
        target[key] = value;
        expect(typeof parsePlanJson(copy).ok).toBe('boolean');
      }),
    );
  });

  it('accepts generated plans of any size', () => {
    for (const items of [1, 17, 500]) {
      const result = parsePlanJson(generatePlan({ items }));
      expect(result.ok && result.plan.aspects.flatMap((a) => a.problems.flatMap((p) => p.items)).length).toBe(
        items,
      );
    }
  });
});
