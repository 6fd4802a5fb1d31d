import type * as z from 'zod';
import type { ImportRequest } from '#shared/api/schemas.ts';
import { parsePlanJson } from '#shared/domain/plan/json.ts';
import type { Plan, PlanError, PlanResult } from '#shared/domain/plan/model.ts';
import type { SpreadsheetLayout } from '#shared/domain/plan/spreadsheet.ts';

/*
 * An import's body read as importPlan reads it, and the preview of that. Kept apart from
 * imports.ts, which writes through the stores: a preview touches none, and its function's bundle
 * then carries no DynamoDB client (~200 KB).
 */

/** The plan or its errors, and for a spreadsheet which column each field was read from. */
export async function parseImportRequest(
  request: z.output<typeof ImportRequest>,
): Promise<{ result: PlanResult; layout?: SpreadsheetLayout }> {
  if (request.spreadsheet) {
    const { kind, contentBase64, inspection, columns } = request.spreadsheet;
    // Loaded on demand: a plan sent as JSON needs none of the spreadsheet reader (csv-parse,
    // yauzl, saxes), and the function starts without evaluating it.
    const { readPlanSpreadsheet } = await import('#shared/domain/plan/spreadsheet.ts');
    return readPlanSpreadsheet(Buffer.from(contentBase64, 'base64'), kind, {
      ...(inspection ? { inspection } : {}),
      ...(columns ? { columns } : {}),
    });
  }
  return { result: parsePlanJson(request.plan) };
}

/** What an import would read, with nothing written: POST /inspections/import/preview. */
export type ImportPreview =
  | {
      readonly ok: true;
      readonly columns: SpreadsheetLayout['columns'];
      readonly header: SpreadsheetLayout['header'];
      readonly sample: SpreadsheetLayout['sample'];
      readonly counts: { aspects: number; problems: number; items: number; measures: number };
      readonly inspection: Plan['inspection'];
    }
  | {
      readonly ok: false;
      readonly columns: SpreadsheetLayout['columns'];
      readonly header: SpreadsheetLayout['header'];
      readonly errors: readonly PlanError[];
    };

/**
 * Reads a plan as importPlan would and says what it found — the column each field comes from,
 * the first rows, the counts, or every error — touching no store: an importer checks a 台账's
 * mapping before anything is written.
 */
export async function previewImport(request: z.output<typeof ImportRequest>): Promise<ImportPreview> {
  const { result, layout = { columns: {}, header: [], sample: [] } } = await parseImportRequest(request);
  const { columns, header, sample } = layout;
  if (!result.ok) return { ok: false, columns, header, errors: result.errors };
  const { plan } = result;
  const problems = plan.aspects.flatMap((aspect) => aspect.problems);
  const items = problems.flatMap((problem) => problem.items);
  return {
    ok: true,
    columns,
    header,
    sample,
    counts: {
      aspects: plan.aspects.length,
      problems: problems.length,
      items: items.length,
      measures: items.reduce((sum, item) => sum + item.measures.length, 0),
    },
    inspection: plan.inspection,
  };
}
