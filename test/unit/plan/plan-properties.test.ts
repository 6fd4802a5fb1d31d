import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePlanJson, parsePlanSpreadsheet } from '#shared/domain/plan/index.ts';
import type { Plan, PlanResult } from '#shared/domain/plan/model.ts';
import { generatePlan } from '../../fixtures/generate-plan.ts';
import { planDocument, text } from '../../fixtures/plan-arbitrary.ts';
import { LEDGER_HEADERS_ZH, planToCsv, planToXlsx } from '../../fixtures/plan-spreadsheet.ts';

const sample: unknown = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../../fixtures/plan.sample.json'), 'utf8'),
);
const planOf = (input: unknown): Plan => {
  const result = parsePlanJson(input);
  if (!result.ok) throw new Error(`a valid document was refused: ${JSON.stringify(result.errors)}`);
  return result.plan;
};

/** A result is a plan, or at least one error, each located and worded in both languages. */
function expectWellFormed(result: PlanResult): void {
  if (result.ok) return;
  expect(result.errors.length).toBeGreaterThan(0);
  for (const error of result.errors) {
    expect(error.path).not.toBe('');
    expect(error.message).not.toBe('');
    expect(error.messageZh).not.toBe('');
  }
}

/** Every [container, key] in a JSON value, to aim a mutation at. */
function slots(value: unknown, found: [Record<string, unknown>, string][] = []) {
  if (value !== null && typeof value === 'object')
    for (const key of Object.keys(value)) {
      found.push([value as Record<string, unknown>, key]);
      slots((value as Record<string, unknown>)[key], found);
    }
  return found;
}

describe('plan parsing, for any input', () => {
  it('reads any valid plan back unchanged from the XLSX written from it', async () => {
    await fc.assert(
      fc.asyncProperty(
        planDocument,
        fc.constantFrom('merged', 'blank' as const),
        async (document, itemFields) => {
          const plan = planOf(document);

          const result = await parsePlanSpreadsheet(await planToXlsx(plan, { itemFields }), 'xlsx');

          expect(result).toEqual({ ok: true, plan });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reads any valid plan back unchanged from the CSV written from it', async () => {
    await fc.assert(
      fc.asyncProperty(planDocument, fc.constantFrom('en', 'zh' as const), async (document, headers) => {
        const plan = planOf(document);

        const result = await parsePlanSpreadsheet(planToCsv(plan, { headers }), 'csv', {
          inspection: plan.inspection,
          outcomes: plan.outcomes,
        });

        expect(result).toEqual({ ok: true, plan });
      }),
      { numRuns: 60 },
    );
  });

  it('reads any generated plan back unchanged from XLSX', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 80 }), fc.nat(), async (items, seed) => {
        const plan = planOf(generatePlan({ items, seed }));

        const result = await parsePlanSpreadsheet(await planToXlsx(plan), 'xlsx');

        expect(result).toEqual({ ok: true, plan });
      }),
      { numRuns: 10 },
    );
  });

  it('normalising is idempotent: a normalised plan parses to itself', () => {
    fc.assert(
      fc.property(planDocument, (document) => {
        const plan = planOf(document);

        const again = planOf(
          JSON.parse(JSON.stringify(plan, (key, value) => (key === 'ref' ? undefined : value))),
        );

        expect(again).toEqual(plan);
      }),
    );
  });

  it('never throws on arbitrary values, returning a plan or located errors', () => {
    fc.assert(
      fc.property(
        fc.anything({ withNullPrototype: true, withObjectString: true, withSparseArray: true }),
        (input) => {
          expectWellFormed(parsePlanJson(input));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on the sample with one value replaced, removed or added', () => {
    const targets = slots(sample).length;
    fc.assert(
      fc.property(
        fc.nat({ max: targets - 1 }),
        fc.constantFrom('replace', 'remove', 'add' as const),
        fc.jsonValue(),
        (target, operation, value) => {
          const copy = structuredClone(sample);
          const [container, key] = slots(copy)[target] as [Record<string, unknown>, string];
          if (operation === 'replace') container[key] = value;
          else if (operation === 'remove') delete container[key];
          else container[`${key}_`] = value;

          expectWellFormed(parsePlanJson(copy));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on a ledger CSV with arbitrary cells', async () => {
    // The required columns only, 方面 … 完成时限.
    const header = LEDGER_HEADERS_ZH.slice(0, 9);
    const cell = fc.oneof(
      fc.constant(''),
      text(12),
      fc.string({ maxLength: 12 }),
      fc.constantFrom('是', '否', '已整改', '2024-02-30', '2024年9月30日'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { maxLength: 11 }), { maxLength: 8 }),
        fc.boolean(),
        async (rows, withHeader) => {
          const bytes = Buffer.from(stringify(withHeader ? [header, ...rows] : rows), 'utf8');

          expectWellFormed(await parsePlanSpreadsheet(bytes, 'csv'));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary bytes, as CSV or as XLSX', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom('csv', 'xlsx' as const),
        async (bytes, kind) => {
          expectWellFormed(await parsePlanSpreadsheet(bytes, kind));
        },
      ),
      { numRuns: 200 },
    );
  });
});
