/**
 * The code that reads and writes workbooks and documents in the functions, as one handler that
 * test/infra/bundled-libraries.test.ts bundles through ServiceFunction (the functions' own
 * esbuild options and aliases, infra/bundling/aliases.ts) and runs in a fresh Node process: the
 * plan import's reader (yauzl and saxes, domain/plan/xlsx.ts), the ledger export and the summary
 * workbook (write-excel-file) and the report (docx). Buffers travel as base64, so the input and
 * output are JSON.
 */
import type { Inspection } from '#shared/domain/inspection.ts';
import { readWorkbook } from '#shared/domain/plan/sheets.ts';
import { parsePlanSpreadsheet } from '#shared/domain/plan/spreadsheet.ts';
import type { ReportDocument } from '#shared/domain/report/model.ts';
import type { Summary } from '#shared/domain/summary/model.ts';
import { type ExportItem, ledgerXlsx } from '#shared/reports/ledger-export.ts';
import { reportDocx } from '#shared/reports/report-docx.ts';
import { summaryWorkbook } from '#shared/reports/summary-workbook.ts';

export interface ProbeInput {
  /** A plan spreadsheet (base64). */
  readonly planXlsx: string;
  readonly inspection: Inspection;
  readonly items: readonly ExportItem[];
  readonly summary: Summary;
  readonly report: ReportDocument;
  /** An HTTP server standing in for DynamoDB, which the probe asks for its tables. */
  readonly endpoint: string;
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

export async function handler(input: ProbeInput) {
  // An SDK request over node:http, which the bundle takes through require() (aliases.ts).
  const { DynamoDBClient, ListTablesCommand } = await import('@aws-sdk/client-dynamodb');
  const listed = await new DynamoDBClient({
    endpoint: input.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'probe', secretAccessKey: 'probe' },
  }).send(new ListTablesCommand({}));
  const planXlsx = Buffer.from(input.planXlsx, 'base64');
  const ledger = await ledgerXlsx(input.inspection, input.items, 'zh-CN');
  // A stand-in, called: the X-Ray SDK's v2 patcher checks the v2 SDK's version with semver,
  // which is left out.
  // require(), which esbuild bundles (and aliases) as the X-Ray SDK's own.
  const semver = require('semver') as { gte(a: string, b: string): boolean };
  let leftOut = 'no error';
  try {
    semver.gte('2.0.0', '1.0.0');
  } catch (error) {
    leftOut = (error as Error).message;
  }
  return {
    plan: await parsePlanSpreadsheet(planXlsx, 'xlsx'),
    ledgerXlsx: base64(ledger),
    ledgerSheets: await readWorkbook(ledger, 'xlsx'),
    summaryXlsx: base64(await summaryWorkbook(input.summary, input.summary.lang)),
    reportDocx: base64(await reportDocx(input.report)),
    leftOut,
    tableNames: listed.TableNames,
    // The Powertools Tracer and the X-Ray SDK under it load with the semver stand-in, and the
    // capture of v3 SDK clients is there.
    tracer: typeof new (await import('@aws-lambda-powertools/tracer')).Tracer().captureAWSv3Client,
  };
}
