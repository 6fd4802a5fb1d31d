/**
 * The plan workbook reader, write-excel-file and docx as the functions run them: bundled. The
 * function bundles leave out packages their libraries load but never run
 * (infra/bundling/aliases.ts); the other tests run the code unbundled, with every package there.
 * So test/infra/bundle-probe.ts, which runs the plan import's reader, the ledger export, the
 * summary workbook and the report, is bundled here through ServiceFunction (the functions' own
 * esbuild options) and run in a fresh Node process; what it reads and writes must be what the
 * same code gives unbundled.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type App, Stack } from 'aws-cdk-lib';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceFunction } from '#infra/constructs/service-function.ts';
import { readWorkbook } from '#shared/domain/plan/sheets.ts';
import { parsePlanSpreadsheet } from '#shared/domain/plan/spreadsheet.ts';
import { buildReport } from '#shared/domain/report/build.ts';
import { ledgerXlsx } from '#shared/reports/ledger-export.ts';
import { reportDocx } from '#shared/reports/report-docx.ts';
import { summaryWorkbook } from '#shared/reports/summary-workbook.ts';
import { planToXlsx } from '../fixtures/plan-spreadsheet.ts';
import { unzip } from '../support/docx.ts';
import { generatedPlan, ledgerOf, reportInputOf } from '../support/report-input.ts';
import type { handler, ProbeInput } from './bundle-probe.ts';
import { bundledAssets, newApp, removeOutput, runInFreshProcess } from './synthesis.ts';

type ProbeOutput = Awaited<ReturnType<typeof handler>>;

// Enough items for sheets of hundreds of rows.
const ledger = ledgerOf(generatedPlan(600));
const reportInput = reportInputOf(ledger);
// DynamoDB's ListTables, answered by a server in this process, for an SDK request from the bundle.
const sdkRequests: IncomingHttpHeaders[] = [];
const dynamodb = createServer((request, response) => {
  sdkRequests.push(request.headers);
  request.resume();
  response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
  response.end(JSON.stringify({ TableNames: ['probe-table'] }));
});
await new Promise<void>((resolve) => dynamodb.listen(0, '127.0.0.1', resolve));

const input: ProbeInput = {
  endpoint: `http://127.0.0.1:${(dynamodb.address() as AddressInfo).port}`,
  planXlsx: (await planToXlsx(ledger.plan)).toString('base64'),
  inspection: ledger.inspection,
  items: ledger.items.map((item) => ({ ...item, overdue: false })),
  summary: reportInput.summary,
  report: buildReport(reportInput),
};

let app: App;
let work: string;
let output: ProbeOutput;
let bundleText: string;

beforeAll(async () => {
  app = await newApp(
    { 'aws:cdk:enable-asset-metadata': true },
    { bundle: true, cloudFormationValidation: false },
  );
  const stack = new Stack(app, 'BundledLibraries');
  new ServiceFunction(stack, 'Probe', {
    spec: {
      entry: 'test/infra/bundle-probe.ts',
      description: 'The plan reader, write-excel-file and docx, bundled as the functions bundle them.',
      triggers: [],
      memoryMiB: 1024,
      timeoutSeconds: 60,
      access: [],
    },
    retainLogs: false,
  });
  const bundle = path.join(bundledAssets(app, stack)('Probe'), 'index.mjs');
  bundleText = await readFile(bundle, 'utf8');

  work = await mkdtemp(path.join(tmpdir(), 'rectify-bundled-libraries-'));
  const inputFile = path.join(work, 'input.json');
  const outputFile = path.join(work, 'output.json');
  await writeFile(inputFile, JSON.stringify(input));
  const script = [
    "import { readFileSync, writeFileSync } from 'node:fs';",
    'const { handler } = await import(process.env.PROBE_BUNDLE);',
    "const input = JSON.parse(readFileSync(process.env.PROBE_INPUT, 'utf8'));",
    'writeFileSync(process.env.PROBE_OUTPUT, JSON.stringify(await handler(input)));',
  ].join('\n');
  await runInFreshProcess(
    script,
    { PROBE_BUNDLE: pathToFileURL(bundle).href, PROBE_INPUT: inputFile, PROBE_OUTPUT: outputFile },
    { nodeOptions: ['--enable-source-maps'], timeoutMs: 120_000 },
  );
  output = JSON.parse(await readFile(outputFile, 'utf8')) as ProbeOutput;
});
afterAll(async () => {
  dynamodb.close();
  await removeOutput(app);
  if (work) await rm(work, { recursive: true, force: true });
});

const bytes = (base64: string) => Buffer.from(base64, 'base64');

/** Every sheet of a workbook, read by the unbundled exceljs: its name and each row's values. */
async function sheetsOf(xlsx: Uint8Array) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(xlsx as never);
  return workbook.worksheets.map((sheet) => {
    const rows: unknown[] = [];
    sheet.eachRow({ includeEmpty: true }, (row) => {
      rows.push(row.values);
    });
    // The summary colours its light column by conditional formatting (not typed by exceljs).
    const { conditionalFormattings } = sheet as unknown as { conditionalFormattings: unknown[] };
    return { name: sheet.name, rows, conditionalFormattings };
  });
}

describe('the plan reader, write-excel-file, docx and the SDK in a function bundle', () => {
  it('read a plan spreadsheet as the unbundled reader does (plan import)', async () => {
    const expected = await parsePlanSpreadsheet(bytes(input.planXlsx), 'xlsx');
    expect(expected.ok).toBe(true);
    expect(output.plan).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  it('write the ledger workbook that the unbundled code writes, and read it back (ledger export)', async () => {
    const written = bytes(output.ledgerXlsx);
    const unbundled = await ledgerXlsx(input.inspection, input.items, 'zh-CN');
    const sheets = await sheetsOf(written);
    expect(sheets).toEqual(await sheetsOf(unbundled));
    // A row per measure under the header.
    expect(sheets[0]?.rows.length).toBeGreaterThan(input.items.length);
    // The bundle's reader, the one the plan import uses, reads what it wrote.
    expect(output.ledgerSheets).toEqual(JSON.parse(JSON.stringify(await readWorkbook(written, 'xlsx'))));
  });

  it('write the summary workbook that the unbundled code writes (summary ledger.xlsx)', async () => {
    const written = bytes(output.summaryXlsx);
    const unbundled = await summaryWorkbook(input.summary, input.summary.lang);
    const sheets = await sheetsOf(written);
    expect(sheets).toEqual(await sheetsOf(unbundled));
    const rows = sheets.reduce((sum, sheet) => sum + sheet.rows.length, 0);
    expect(rows).toBeGreaterThan(input.summary.items.length);
    // The light column's colours came through the bundle too.
    expect(sheets[1]?.conditionalFormattings).toHaveLength(3);
    // Part for part the same XML (the writer stamps no time in them).
    expect(await unzip(written)).toEqual(await unzip(unbundled));
  });

  it('write the report.docx that the unbundled code writes', async () => {
    // Every part the same but the time of writing (docProps/core.xml's created and modified).
    const parts = async (docx: Uint8Array) =>
      new Map(
        [...(await unzip(docx))].map(([name, text]) => [
          name,
          text.replace(/(<dcterms:(?:created|modified)[^>]*>)[^<]*/g, '$1…'),
        ]),
      );
    const entries = await parts(bytes(output.reportDocx));
    expect(entries.get('word/document.xml')).toContain(input.report.title);
    expect(entries).toEqual(await parts(await reportDocx(input.report)));
  });

  it('fail loudly, naming the package, should a left-out package ever be called', () => {
    expect(output.leftOut).toMatch(/^semver \(gte\) is not in this function's bundle/);
  });

  it('load the X-Ray SDK under the tracer without semver', () => {
    expect(output.tracer).toBe('function');
  });

  it('send SDK requests over node:http, taken by require() rather than an ES import', () => {
    expect(bundleText).not.toMatch(/from\s*"(node:)?http"/);
    expect(output.tableNames).toEqual(['probe-table']);
    expect(sdkRequests.map((headers) => headers['x-amz-target'])).toEqual(['DynamoDB_20120810.ListTables']);
  });
});
