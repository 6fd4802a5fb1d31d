#!/usr/bin/env node
/**
 * `rectify`: the command line for the Rectify HTTP API. The API and token come from --api/--token
 * or RECTIFY_API_URL/RECTIFY_TOKEN (locally: the URL `npm start` prints and a token from
 * `npm run -s token -- --role admin`).
 */
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { verifyChain } from '#shared/domain/chain.ts';
import { parsePlanJson, parsePlanSpreadsheet } from '#shared/domain/plan/index.ts';
import type { PlanResult } from '#shared/domain/plan/model.ts';
import { type ArchiveFilterOptions, fetchArchive } from './archive.ts';
import { ApiClient, ApiError } from './client.ts';
import { downloadEvidence, downloadVerified, uploadEvidence } from './evidence.ts';
import {
  columnsList,
  historyTable,
  type Lang,
  ledgerTable,
  print,
  printError,
  readStatus,
  sampleTable,
  type Totals,
  totalsLine,
} from './format.ts';
import { fetchSummary, saveSummaryFiles, summaryTable } from './summary.ts';
import { formatArchiveReport, PublicKeyError, verifyArchiveFile } from './verify.ts';

const program = new Command('rectify')
  .description('Rectify — 巡察整改 / 审计整改 tracking, from the command line')
  .option('--api <url>', 'API base URL (or RECTIFY_API_URL)')
  .option('--token <jwt>', 'bearer token (or RECTIFY_TOKEN)')
  .addOption(
    new Option('--lang <lang>', 'language of output and messages').choices(['zh', 'en']).default('zh'),
  )
  .showHelpAfterError();

function lang(): Lang {
  return program.opts().lang === 'en' ? 'en' : 'zh-CN';
}

function client(): ApiClient {
  const options = program.opts<{ api?: string; token?: string }>();
  const baseUrl = options.api ?? process.env.RECTIFY_API_URL;
  const token = options.token ?? process.env.RECTIFY_TOKEN;
  if (!baseUrl) throw new UsageError('no API URL: pass --api or set RECTIFY_API_URL (npm start prints it)');
  if (!token)
    throw new UsageError('no token: pass --token or set RECTIFY_TOKEN (npm run -s token -- --role admin)');
  return new ApiClient({ baseUrl, token, lang: lang() });
}

class UsageError extends Error {}

const say = (zh: string, en: string) => print(`${lang() === 'en' ? en : zh}\n`);

function integer(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new InvalidArgumentError('expected a whole number');
  return number;
}

/**
 * `--columns 'deadline=完成日期,dept=牵头单位'` → { deadline: '完成日期', dept: '牵头单位' }. Full-width
 * commas and equals signs are taken too (they are what a Chinese keyboard types); whether the
 * fields and headers exist is the parser's to say, with the file at hand.
 */
function readColumns(text: string): Record<string, string> {
  const columns: Record<string, string> = {};
  for (const entry of text.split(/[,，]/).filter((part) => part.trim() !== '')) {
    const match = /^\s*([^=＝]+?)\s*[=＝](.*)$/.exec(entry);
    if (!match?.[1] || match[2]?.trim() === '')
      throw new InvalidArgumentError(`"${entry}" is not field=header (e.g. deadline=完成日期)`);
    columns[match[1]] = match[2]?.trim() ?? '';
  }
  return columns;
}

/** Validates a plan file locally first, so mistakes show before anything is sent. */
async function readPlan(
  file: string,
  options: { inspection?: Record<string, string>; columns?: Record<string, string> },
): Promise<{ result: PlanResult; body: unknown }> {
  const bytes = await readFile(file);
  const extension = path.extname(file).toLowerCase();
  const { inspection, columns } = options;
  if (extension === '.xlsx' || extension === '.csv') {
    const kind = extension === '.xlsx' ? 'xlsx' : 'csv';
    const given = { ...(inspection ? { inspection } : {}), ...(columns ? { columns } : {}) };
    return {
      result: await parsePlanSpreadsheet(bytes, kind, given),
      body: { spreadsheet: { kind, contentBase64: bytes.toString('base64'), ...given } },
    };
  }
  if (columns)
    throw new UsageError(
      lang() === 'en' ? '--columns is for spreadsheets' : '--columns 仅用于表格（xlsx/csv）',
    );
  const plan = JSON.parse(bytes.toString('utf8')) as unknown;
  return { result: parsePlanJson(plan), body: { plan } };
}

/** Prints every error of a plan at its place and returns the refusal to throw (exit 1). */
function planRefused(
  errors: readonly { path: string; message: string; messageZh: string }[],
  outcome: { en: string; zh: string },
): UsageError {
  for (const error of errors)
    printError(`  ${error.path}: ${lang() === 'en' ? error.message : error.messageZh}\n`);
  return new UsageError(
    lang() === 'en' ? `${errors.length} error(s); ${outcome.en}` : `共 ${errors.length} 处错误${outcome.zh}`,
  );
}

type Preview =
  | {
      ok: true;
      columns: Record<string, string>;
      sample: Record<string, string>[];
      counts: { aspects: number; problems: number; items: number; measures: number };
    }
  | {
      ok: false;
      columns: Record<string, string>;
      errors: { path: string; message: string; messageZh: string }[];
    };

/** `import --preview`: what the API would read from the file, and nothing imported. */
async function previewPlan(body: unknown): Promise<void> {
  const preview = await client().post<Preview>('/inspections/import/preview', body);
  if (Object.keys(preview.columns).length > 0) print(`${columnsList(preview.columns, lang())}\n`);
  if (!preview.ok) {
    throw planRefused(preview.errors, {
      en: 'preview only, nothing was imported',
      zh: '（仅预览，未导入）',
    });
  }
  const { aspects, problems, items, measures } = preview.counts;
  say(
    `${aspects} 个方面，${problems} 个问题，${items} 个事项，${measures} 条措施`,
    `${aspects} aspects, ${problems} problems, ${items} items, ${measures} measures`,
  );
  if (preview.sample.length > 0) print(`${sampleTable(preview.columns, preview.sample, lang())}\n`);
  say('仅预览，未导入。', 'Preview only: nothing was imported.');
}

program
  .command('import')
  .description('import a plan: rectify.plan/v1 JSON, or an XLSX/CSV 台账')
  .argument('<file>', 'plan.json, plan.xlsx or plan.csv')
  .option('--replace', 'replace an inspection imported before (admin)')
  .option('--withdraw-reason <text>', 'with --replace: why the items the new plan leaves out are withdrawn')
  .option('--inspection <file>', 'JSON with inspection fields a spreadsheet lacks (title, feedbackDate, …)')
  .option(
    '--columns <field=header,…>',
    'map spreadsheet columns the importer does not recognise, e.g. deadline=完成日期,dept=牵头单位',
    readColumns,
  )
  .option('--preview', 'show how the API reads the file (columns, counts, first rows) and import nothing')
  .action(
    async (
      file: string,
      options: {
        replace?: boolean;
        withdrawReason?: string;
        inspection?: string;
        columns?: Record<string, string>;
        preview?: boolean;
      },
    ) => {
      if (options.withdrawReason !== undefined && !options.replace) {
        throw new UsageError(
          lang() === 'en' ? '--withdraw-reason needs --replace' : '--withdraw-reason 须与 --replace 一起使用',
        );
      }
      const inspection = options.inspection
        ? (JSON.parse(await readFile(options.inspection, 'utf8')) as Record<string, string>)
        : undefined;
      const given = {
        ...(inspection ? { inspection } : {}),
        ...(options.columns ? { columns: options.columns } : {}),
      };
      if (options.preview) return previewPlan((await readPlan(file, given)).body);
      const bar = new SingleBar(
        { format: ' {bar} {percentage}% | {step}', hideCursor: true },
        { format: ' {bar} {percentage}% | {step}', barCompleteChar: '█', barIncompleteChar: '░' },
      );
      const interactive = process.stderr.isTTY;
      const step = (value: number, name: string) =>
        interactive ? bar.update(value, { step: name }) : undefined;
      if (interactive) bar.start(3, 0, { step: 'reading' });
      const { result, body } = await readPlan(file, given);
      step(1, 'validated');
      if (!result.ok) {
        if (interactive) bar.stop();
        throw planRefused(result.errors, { en: 'nothing was imported', zh: '，未导入' });
      }
      const items = result.plan.aspects.reduce(
        (sum, a) => sum + a.problems.reduce((s, p) => s + p.items.length, 0),
        0,
      );
      step(2, `uploading ${items} items`);
      const imported = await client().post<{
        inspectionId: string;
        itemCount: number;
        replaced: boolean;
        columns?: Record<string, string>;
      }>(
        '/inspections/import',
        {
          ...(body as object),
          replace: Boolean(options.replace),
          ...(options.withdrawReason !== undefined ? { withdrawReason: options.withdrawReason } : {}),
        },
        { 'idempotency-key': randomUUID() },
      );
      step(3, 'done');
      if (interactive) bar.stop();
      say(
        `已导入 ${imported.inspectionId}：${imported.itemCount} 个事项${imported.replaced ? '（替换原有台账）' : ''}`,
        `Imported ${imported.inspectionId}: ${imported.itemCount} items${imported.replaced ? ' (replaced)' : ''}`,
      );
      if (imported.columns) print(`${columnsList(imported.columns, lang())}\n`);
    },
  );

program
  .command('ledger')
  .description('show an inspection ledger (工作台账)')
  .argument('<inspectionId>')
  .addOption(
    new Option('--format <format>', 'output').choices(['table', 'json', 'csv', 'xlsx']).default('table'),
  )
  .option('--out <file>', 'write to a file instead of the terminal (needed for xlsx)')
  .option('--status <statuses>', 'comma-separated statuses')
  .option('--dept <department>', 'one department')
  .option('--overdue', 'only overdue items')
  .action(
    async (
      inspectionId: string,
      options: { format: string; out?: string; status?: string; dept?: string; overdue?: boolean },
    ) => {
      const query = new URLSearchParams({ lang: lang() });
      if (options.status) query.set('status', options.status.split(',').map(readStatus).join(','));
      if (options.dept) query.set('dept', options.dept);
      if (options.overdue) query.set('overdue', 'true');
      const api = client();
      if (options.format === 'csv' || options.format === 'xlsx') {
        query.set('format', options.format);
        const { bytes } = await api.download(
          `/inspections/${encodeURIComponent(inspectionId)}/ledger?${query}`,
        );
        if (options.out) await writeFile(options.out, bytes);
        // A pipe or redirect gets the file's bytes; a terminal gets them escaped, like all output.
        else if (options.format === 'csv')
          process.stdout.isTTY ? print(Buffer.from(bytes).toString('utf8')) : process.stdout.write(bytes);
        else throw new UsageError('xlsx needs --out FILE');
        return;
      }
      const ledger = await api.get<{
        inspection: { title: string };
        today: string;
        items: never[];
        totals: { all: Totals };
      }>(`/inspections/${encodeURIComponent(inspectionId)}/ledger?${query}`);
      const output =
        options.format === 'json'
          ? `${JSON.stringify(ledger, null, 2)}\n`
          : `${ledger.inspection.title}（${ledger.today}）\n${ledgerTable(ledger.items, lang())}\n${totalsLine(ledger.totals.all, lang())}\n`;
      if (options.out) await writeFile(options.out, output);
      else print(output);
    },
  );

program
  .command('progress')
  .description('report progress (工作进展) on an item')
  .argument('<itemId>')
  .requiredOption('--text <text>', 'what was done')
  .option('--done <indexes>', 'measures now done, 0-based, comma-separated', (value) =>
    value.split(',').map(integer),
  )
  .option('--effective-date <date>', 'when the work took effect (YYYY-MM-DD)')
  .option('--key <idempotencyKey>', 'Idempotency-Key, to retry safely (default: a new one)')
  .action(
    async (
      itemId: string,
      options: { text: string; done?: number[]; effectiveDate?: string; key?: string },
    ) => {
      const result = await client().post<{ item: { version: number }; event: { seq: number; hash: string } }>(
        `/items/${encodeURIComponent(itemId)}/progress`,
        {
          text: options.text,
          measuresDone: options.done ?? [],
          ...(options.effectiveDate ? { effectiveDate: options.effectiveDate } : {}),
        },
        { 'idempotency-key': options.key ?? randomUUID() },
      );
      say(`已记录进展（第 ${result.event.seq} 条记录）`, `Progress recorded (record ${result.event.seq})`);
    },
  );

program
  .command('transition')
  .description('change the status of an item')
  .argument('<itemId>')
  .argument('<to>', 'not_started | in_progress | rectified | closed (or 正在整改/已整改/已完成)')
  .option('--reason <reason>', 'why (required to reopen)')
  .option('--meaning <meaning>', 'the stated meaning of a close-out (销号)')
  .option('--expected-version <n>', 'the version you saw (default: the current one)', integer)
  .action(
    async (
      itemId: string,
      to: string,
      options: { reason?: string; meaning?: string; expectedVersion?: number },
    ) => {
      const api = client();
      const expectedVersion =
        options.expectedVersion ??
        (await api.get<{ version: number }>(`/items/${encodeURIComponent(itemId)}`)).version;
      const result = await api.post<{ item: { status: string; version: number; statusLabel: string } }>(
        `/items/${encodeURIComponent(itemId)}/transitions`,
        {
          to: readStatus(to),
          expectedVersion,
          ...(options.reason ? { reason: options.reason } : {}),
          ...(options.meaning ? { meaning: options.meaning } : {}),
        },
        { 'idempotency-key': randomUUID() },
      );
      say(
        `${itemId} → ${result.item.statusLabel}（版本 ${result.item.version}）`,
        `${itemId} → ${result.item.statusLabel} (version ${result.item.version})`,
      );
    },
  );

program
  .command('history')
  .description("an item's hash-chained history")
  .argument('<itemId>')
  .option('--verify', 'recompute the chain here, trusting nothing the server says; exit 1 on a broken link')
  .option('--json', 'print the records as JSON')
  .action(async (itemId: string, options: { verify?: boolean; json?: boolean }) => {
    const history = await client().get<{
      events: Parameters<typeof historyTable>[0] & Parameters<typeof verifyChain>[0];
    }>(`/items/${encodeURIComponent(itemId)}/history`);
    print(
      options.json
        ? `${JSON.stringify(history.events, null, 2)}\n`
        : `${historyTable(history.events, lang())}\n`,
    );
    if (!options.verify) return;
    const check = verifyChain(history.events);
    if (check.ok) {
      say(
        `哈希链完整：${check.length} 条记录，链头 ${check.head}`,
        `Chain intact: ${check.length} records, head ${check.head}`,
      );
      return;
    }
    say(
      `哈希链断裂：第 ${check.brokenAt} 条记录（${check.reason}）：${check.detail}`,
      `Chain broken at record ${check.brokenAt} (${check.reason}): ${check.detail}`,
    );
    process.exitCode = 1;
  });

program
  .command('totals')
  .description('an inspection’s counters by status, light and measures (kept from the event stream)')
  .argument('<inspectionId>')
  .option('--rebuild', 'recompute them from the ledger first (admins)')
  .action(async (inspectionId: string, options: { rebuild?: boolean }) => {
    const api = client();
    const route = `/inspections/${encodeURIComponent(inspectionId)}/totals`;
    const { totals } = options.rebuild
      ? await api.post<{ totals: Record<string, unknown> }>(`${route}/rebuild`, {})
      : await api.get<{ totals: Record<string, unknown> }>(route);
    print(`${JSON.stringify(totals, null, 2)}\n`);
  });

program
  .command('summary')
  .description('generate a progress summary (整改情况报告): print its paragraph and totals, save its files')
  .argument('<inspectionId>')
  .option('--as-of <date>', 'as of the end of this date (YYYY-MM-DD, inspection zone) or an ISO instant')
  .option('--latest', 'show the latest summary instead of generating one')
  .option('--out <dir>', 'directory for summary.json, summary.md, chart.svg, ledger.xlsx and report.docx')
  .action(async (inspectionId: string, options: { asOf?: string; latest?: boolean; out?: string }) => {
    const summary = await fetchSummary(client(), inspectionId, { ...options, lang: lang() });
    print(`${summary.paragraph[lang()]}\n\n${summaryTable(summary, lang())}\n`);
    const directory = options.out ?? `summary-${summary.inspectionId}-${summary.asOfDate}`;
    const saved = await saveSummaryFiles(summary, directory);
    say(`已保存（SHA-256 校验一致）：${saved.join('，')}`, `Saved (SHA-256 verified): ${saved.join(', ')}`);
  });

program
  .command('report')
  .description('write the 整改情况报告 (report.docx, 公文 layout) as of now or an earlier date, and save it')
  .argument('<inspectionId>')
  .option('--as-of <date>', 'as of the end of this date (YYYY-MM-DD, inspection zone) or an ISO instant')
  .option('--out <file>', 'where to save it (default report-<inspection>-<date>.docx)')
  .action(async (inspectionId: string, options: { asOf?: string; out?: string }) => {
    // The document is one of the summary's files: asking for a summary writes it, and seals it.
    // Its language is the command's (`rectify --lang en report …`).
    const summary = await fetchSummary(client(), inspectionId, {
      ...(options.asOf ? { asOf: options.asOf } : {}),
      lang: lang(),
    });
    const file = summary.files.find((candidate) => candidate.name === 'report.docx');
    if (!file) throw new Error(`summary ${summary.summaryId} has no report.docx`);
    const target = path.resolve(options.out ?? `report-${summary.inspectionId}-${summary.asOfDate}.docx`);
    await downloadVerified(file.url, target, file.sha256);
    say(
      `已保存整改情况报告（截至${summary.asOfDate}，SHA-256 校验一致）：${target}`,
      `Saved the report (as of ${summary.asOfDate}, SHA-256 verified): ${target}`,
    );
  });

program
  .command('outcome')
  .description('record an outcome (整改成效 / 问责) of an inspection (admins)')
  .argument('<inspectionId>')
  .requiredOption('--kind <kind>', 'regulation | dismissal | criticism | punishment | refund')
  .requiredOption('--count <n>', 'regulations, people or refunds', integer)
  .requiredOption('--date <date>', 'when it took effect (YYYY-MM-DD)')
  .option('--amount <yuan>', 'yuan recovered (refunds)', Number)
  .option('--item <ref>', 'the item it answers (a.p.i)')
  .option('--note <text>', 'who or what, e.g. 校级领导干部')
  .action(
    async (
      inspectionId: string,
      options: { kind: string; count: number; date: string; amount?: number; item?: string; note?: string },
    ) => {
      const recorded = await client().post<{ outcomeId: string }>(
        `/inspections/${encodeURIComponent(inspectionId)}/outcomes`,
        {
          kind: options.kind,
          count: options.count,
          date: options.date,
          ...(options.amount === undefined ? {} : { amountCny: options.amount }),
          ...(options.item ? { itemRef: options.item } : {}),
          ...(options.note ? { note: options.note } : {}),
        },
        { 'idempotency-key': randomUUID() },
      );
      say(`已登记成效 ${recorded.outcomeId}`, `Outcome recorded: ${recorded.outcomeId}`);
    },
  );

const evidence = program.command('evidence').description('evidence files (佐证材料)');
evidence
  .command('upload')
  .description('upload files as evidence of an item and wait until each is stored or rejected')
  .argument('<itemId>')
  .argument('<files...>')
  .option('--description <text>')
  .option('--effective-date <date>', 'when the evidence took effect (YYYY-MM-DD)')
  .option('--measure <index>', 'the measure (0-based) it proves', integer)
  .option('--no-wait', 'do not wait for verification')
  .action(
    async (
      itemId: string,
      files: string[],
      options: { description?: string; effectiveDate?: string; measure?: number; wait: boolean },
    ) => {
      const api = client();
      let failed = false;
      for (const file of files) {
        const result = await uploadEvidence(api, itemId, file, options);
        const name = path.basename(file);
        if (result.state === 'stored')
          say(`${name}：已校验存储（${result.evidenceId}）`, `${name}: stored (${result.evidenceId})`);
        else if (result.state === 'pending')
          say(
            `${name}：已上传，等待校验（${result.evidenceId}）`,
            `${name}: uploaded, awaiting verification (${result.evidenceId})`,
          );
        else {
          failed = true;
          say(`${name}：校验未通过（${result.reason}）`, `${name}: rejected (${result.reason})`);
        }
      }
      if (failed) process.exitCode = 1;
    },
  );
evidence
  .command('download')
  .description('download a stored file under its original name, verifying its SHA-256')
  .argument('<evidenceId>')
  .option('--out <dir>', 'directory to write into', '.')
  .action(async (evidenceId: string, options: { out: string }) => {
    const { file, sha256 } = await downloadEvidence(client(), evidenceId, options.out);
    say(`已下载 ${file}（SHA-256 ${sha256} 校验一致）`, `Downloaded ${file} (SHA-256 ${sha256} verified)`);
  });

program
  .command('archive')
  .description('request an evidence archive (证据包), wait while it is built, download it and verify it')
  .argument('<inspectionId>')
  .option('--refs <a.p.i,…>', 'only these items')
  .option('--aspect <n>', 'only this aspect (方面)', integer)
  .option('--department <name>', 'only this department’s items')
  .option('--from <date>', 'evidence effective on or after (YYYY-MM-DD)')
  .option('--to <date>', 'evidence effective on or before (YYYY-MM-DD)')
  .option('--out <file>', 'where to save the .zip (default <inspection>-<archive>.zip)')
  .option(
    '--public-key <file>',
    'verify with this key (PEM) instead of the one GET /archives/public-key serves',
  )
  .action(
    async (inspectionId: string, options: ArchiveFilterOptions & { out?: string; publicKey?: string }) => {
      const api = client();
      const { file, archive } = await fetchArchive(api, inspectionId, options, options.out);
      say(
        `已下载 ${file}（${archive.sizeBytes} 字节，SHA-256 ${archive.sha256} 校验一致）`,
        `Downloaded ${file} (${archive.sizeBytes} bytes, SHA-256 ${archive.sha256} verified)`,
      );
      const key = options.publicKey
        ? { publicKeyPem: await readFile(options.publicKey, 'utf8'), publicKeySha256: undefined }
        : await api.get<{ publicKeyPem: string; publicKeySha256: string }>('/archives/public-key');
      if (key.publicKeySha256) {
        say(
          `签名公钥指纹 SHA-256 ${key.publicKeySha256}：请与另行取得的指纹核对。`,
          `Signing key fingerprint SHA-256 ${key.publicKeySha256}: compare it with the one you were given.`,
        );
      }
      const report = await verifyArchiveFile(file, { publicKeyPem: key.publicKeyPem });
      print(`${formatArchiveReport(report, lang())}\n`);
      if (!report.ok) process.exitCode = 1;
    },
  );

program
  .command('verify')
  .description(
    'check an evidence archive (证据包) offline, trusting nothing the server says; exit 1 on any problem',
  )
  .argument('<archive>', 'the archive .zip')
  .option(
    '--public-key <file>',
    'the signer’s public key (PEM), obtained separately: GET /archives/public-key',
  )
  .option('--json', 'print the report as JSON')
  .action(async (archive: string, options: { publicKey?: string; json?: boolean }) => {
    const publicKeyPem = options.publicKey ? await readFile(options.publicKey, 'utf8') : undefined;
    const report = await verifyArchiveFile(archive, { publicKeyPem }).catch((error: unknown) => {
      // A key that is not a P-256 public key is the caller's mistake: say so in their language.
      if (error instanceof PublicKeyError) throw new UsageError(lang() === 'en' ? error.en : error.zh);
      throw error;
    });
    print(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatArchiveReport(report, lang())}\n`);
    if (!report.ok) process.exitCode = 1;
  });

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof ApiError) {
    printError(`${error.message} [${error.status} ${error.code}]\n`);
    const issues = (
      error.details as { issues?: { path: string; message: string; messageZh?: string }[] } | undefined
    )?.issues;
    for (const issue of issues ?? []) {
      printError(
        `  ${issue.path}: ${lang() === 'en' ? issue.message : (issue.messageZh ?? issue.message)}\n`,
      );
    }
  } else if (error instanceof UsageError) {
    printError(`${error.message}\n`);
  } else if (error instanceof Error) {
    // Files that cannot be read, storage that refuses, a hash that does not match: say so plainly.
    printError(`${error.message}\n`);
  } else {
    throw error;
  }
  process.exitCode = 1;
}
