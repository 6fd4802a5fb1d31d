import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Inspection } from '#shared/domain/inspection.ts';
import type { Item, ItemEvent } from '#shared/domain/item.ts';
import { ledgerFromPlan } from '#shared/domain/ledger.ts';
import type { RecordedOutcome } from '#shared/domain/outcomes.ts';
import { parsePlanJson } from '#shared/domain/plan/json.ts';
import type { Plan } from '#shared/domain/plan/model.ts';
import type { ReportInput, ReportText } from '#shared/domain/report/model.ts';
import { buildSummary } from '#shared/domain/summary/generate.ts';
import { generatePlan } from '../fixtures/generate-plan.ts';
import { principals } from './items.ts';

/**
 * A report's input made the way the service makes it, without AWS: a plan read and turned into a
 * ledger by the domain's own functions, then a summary of the items as they stand (or as a test
 * replayed them to an instant), the plan's outcomes, and each item's description.
 */

export interface Ledger {
  readonly plan: Plan;
  readonly inspection: Inspection;
  readonly items: Item[];
  readonly events: ItemEvent[];
}

export const IMPORTED_AT = '2024-06-21T00:00:00.000Z';

export function ledgerOf(raw: unknown): Ledger {
  const parsed = parsePlanJson(raw);
  if (!parsed.ok) throw new Error(`the plan does not parse: ${JSON.stringify(parsed.errors.slice(0, 3))}`);
  let id = 0;
  const { inspection, items, events } = ledgerFromPlan(parsed.plan, {
    inspectionId: parsed.plan.inspection.id ?? 'report-test',
    importId: 'imp-1',
    actor: principals.admin,
    at: IMPORTED_AT,
    newId: () => `ev-${++id}`,
  });
  return { plan: parsed.plan, inspection, items, events };
}

export const samplePlan = (): unknown =>
  JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/plan.sample.json'), 'utf8'));

export const generatedPlan = (items: number): unknown => generatePlan({ items, seed: 7 });

/** The report input of a ledger as of an instant; `items` are the items as they stood then. */
export function reportInputOf(
  ledger: Ledger,
  options: { asOf?: string; items?: readonly Item[]; texts?: ReportText; lang?: ReportInput['lang'] } = {},
): ReportInput {
  const asOf = options.asOf ?? '2024-11-27T08:00:00.000Z';
  const items = options.items ?? ledger.items;
  const outcomes: RecordedOutcome[] = ledger.plan.outcomes.map((outcome, index) => ({
    ...outcome,
    outcomeId: `plan.${index + 1}`,
    source: 'plan',
    recordedAt: IMPORTED_AT,
    recordedBy: principals.admin,
  }));
  const lang = options.lang ?? 'zh-CN';
  const summary = buildSummary({
    summaryId: 'sum-report',
    inspection: ledger.inspection,
    items: [...items],
    outcomes,
    asOf: new Date(asOf),
    generatedAt: new Date(asOf),
    trigger: 'request',
    lang,
  });
  return {
    summary,
    aspects: ledger.inspection.aspects,
    descriptions: Object.fromEntries(
      items.flatMap((item) => (item.description ? [[item.ref, item.description] as const] : [])),
    ),
    texts: options.texts ?? {},
    lang,
  };
}
