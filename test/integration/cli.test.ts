import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { emulatorClientConfig } from '#local/bootstrap.ts';
import { keys } from '#shared/store/keys.ts';
import { users } from '../support/api.ts';
import { once } from '../support/once.ts';
import { sharedEmulator, useLocalRuntime } from '../support/runtime.ts';
import { scratchDir } from '../support/scratch.ts';

const root = path.resolve(import.meta.dirname, '../..');
const fixtures = path.join(root, 'test/fixtures');
const local = useLocalRuntime('cli');
const documentClient = DynamoDBDocumentClient.from(
  new DynamoDBClient(emulatorClientConfig(sharedEmulator())),
);
afterAll(() => documentClient.destroy());

/** Runs `rectify …` as `npx rectify` would, against this file's local runtime. */
async function rectify(args: string[], as: keyof typeof users = 'admin') {
  const env = { ...process.env, RECTIFY_API_URL: local().url, RECTIFY_TOKEN: await local().token(users[as]) };
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [path.join(root, 'cli/rectify.ts'), ...args],
      { cwd: root, env },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

type Run = Awaited<ReturnType<typeof rectify>>;
/** A stack frame, or an uncaught JavaScript error's name: what a crash prints, and a refusal never does. */
const CRASH = /^\s+at \S|\b(?:TypeError|ReferenceError|SyntaxError|RangeError|AssertionError)\b/m;

/** A refusal: exit 1 with its reason on stderr, not a crash (which exits 1 too). */
function expectRefused(result: Run, reason: RegExp | string) {
  expect(result.code, result.stderr).toBe(1);
  if (typeof reason === 'string') expect(result.stderr).toContain(reason);
  else expect(result.stderr).toMatch(reason);
  expect(result.stderr).not.toMatch(CRASH);
}

/**
 * The sample plan, imported by `rectify import` once, by whichever test needs it first; with the
 * ledger as it was right after. Tests that change items or chains use copies of their own.
 */
const sampleImported = once(async () => {
  const result = await rectify(['import', path.join(fixtures, 'plan.sample.json')]);
  const ledger = await rectify(['ledger', 'sample-health-2024-r1', '--format', 'json']);
  expect(ledger.code, ledger.stderr).toBe(0);
  return { result, ledger: JSON.parse(ledger.stdout) };
});

/** The sample plan under another inspection id, imported with `rectify import`. */
async function importCopy(id: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'rectify-cli-copy-'));
  try {
    const plan = JSON.parse(readFileSync(path.join(fixtures, 'plan.sample.json'), 'utf8'));
    plan.inspection.id = id;
    const file = path.join(dir, 'plan.json');
    writeFileSync(file, JSON.stringify(plan));
    const imported = await rectify(['import', file]);
    expect(imported.stdout, imported.stderr).toContain(`已导入 ${id}：4 个事项`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const comparable = (ledger: { items: Record<string, unknown>[]; totals: unknown }) => ({
  totals: ledger.totals,
  items: ledger.items.map(({ itemId: _i, inspectionId: _n, chainHead: _c, updatedAt: _u, ...rest }) => rest),
});

describe('rectify CLI', () => {
  it('imports the sample plan, and the Chinese-header CSV of it to the same ledger', async () => {
    const { result, ledger: fromJson } = await sampleImported();
    expect(result.stdout, result.stderr).toMatch(/已导入 sample-health-2024-r1：4 个事项/);
    const csv = await rectify([
      'import',
      path.join(fixtures, 'plan.sample.zh.csv'),
      '--inspection',
      path.join(fixtures, 'plan.sample.inspection.json'),
    ]);
    expect(csv.stdout, csv.stderr).toMatch(/已导入 sample-health-2024-csv：4 个事项/);
    const fromCsv = JSON.parse(
      (await rectify(['ledger', 'sample-health-2024-csv', '--format', 'json'])).stdout,
    );
    // The CSV fixture has no description column.
    const withoutDescription = (ledger: ReturnType<typeof comparable>) => ({
      ...ledger,
      items: ledger.items.map(({ description: _d, ...item }) => item),
    });
    expect(withoutDescription(comparable(fromCsv))).toEqual(withoutDescription(comparable(fromJson)));
  });

  it('prints the same JSON as the API for ledger --format json', async () => {
    await sampleImported();
    const cli = JSON.parse(
      (await rectify(['ledger', 'sample-health-2024-r1', '--format', 'json', '--lang', 'en'])).stdout,
    );
    const api = (await (
      await fetch(`${local().url}/inspections/sample-health-2024-r1/ledger?lang=en`, {
        headers: { authorization: `Bearer ${await local().token(users.admin)}` },
      })
    ).json()) as Record<string, unknown>;
    expect({ ...cli, asOf: undefined }).toEqual({ ...api, asOf: undefined });
  });

  it('shows the ledger as a table with zh-CN labels and the totals', async () => {
    await sampleImported();
    const { stdout } = await rectify(['ledger', 'sample-health-2024-r1']);
    expect(stdout).toMatch(/已整改（长期坚持）/);
    expect(stdout).toMatch(/共 4 项：已整改 2 项（其中已销号 1 项），正在整改 1 项，未启动 1 项/);
  });

  it('marks an item the plan brought in closed as closed before import, in both languages', async () => {
    await sampleImported();
    const zh = (await rectify(['ledger', 'sample-health-2024-r1'])).stdout;
    expect(zh.split('\n').find((line) => line.includes('2.1.1'))).toMatch(/已完成（导入前已销号）/);
    const en = (await rectify(['--lang', 'en', 'ledger', 'sample-health-2024-r1'])).stdout;
    expect(en.split('\n').find((line) => line.includes('2.1.1'))).toMatch(/closed \(closed before import\)/);
  });

  it('replaces a plan, withdrawing what it leaves out with the reason given, and marks it in the table', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rectify-cli-replace-'));
    try {
      const plan = JSON.parse(readFileSync(path.join(fixtures, 'plan.sample.json'), 'utf8'));
      plan.inspection.id = 'cli-replace-1';
      const file = path.join(dir, 'plan.json');
      writeFileSync(file, JSON.stringify(plan));
      expect((await rectify(['import', file])).code).toBe(0);
      plan.aspects[0].problems[0].items.splice(1, 1); // 1.1.2
      writeFileSync(file, JSON.stringify(plan));

      const alone = await rectify(['import', file, '--withdraw-reason', '合并整改']);
      expectRefused(alone, '--withdraw-reason 须与 --replace 一起使用');

      const replaced = await rectify(['import', file, '--replace', '--withdraw-reason', '与1.1.1合并整改']);
      expect(replaced.stdout, replaced.stderr).toMatch(/已导入 cli-replace-1：3 个事项（替换原有台账）/);
      const item = JSON.parse(
        (await rectify(['ledger', 'cli-replace-1', '--format', 'json'])).stdout,
      ).items.find((i: { ref: string }) => i.ref === '1.1.2');
      expect(item.withdrawn.reason).toBe('与1.1.1合并整改');
      const table = (await rectify(['ledger', 'cli-replace-1'])).stdout;
      expect(table.split('\n').find((line) => line.includes('1.1.2'))).toMatch(/（已撤销，不计入统计）/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints the inspection’s totals, and the same after a rebuild from the ledger', async () => {
    await sampleImported();
    const kept = await rectify(['totals', 'sample-health-2024-r1']);
    expect(kept.code, kept.stderr).toBe(0);
    const totals = JSON.parse(kept.stdout);
    expect(totals).toMatchObject({
      items: 4,
      byStatus: { rectified: 1, in_progress: 1, not_started: 1, closed: 1 },
    });
    const rebuilt = await rectify(['totals', 'sample-health-2024-r1', '--rebuild']);
    expect(JSON.parse(rebuilt.stdout)).toEqual(totals);
    expectRefused(
      await rectify(['totals', 'sample-health-2024-r1'], 'department'),
      '无权执行此操作：GET /inspections/{inspectionId}/totals (needs admin | auditor)。 [403 forbidden]',
    );
  });

  it('imports a 台账 with its own headers, mapping an unknown one by --columns, and prints the mapping', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rectify-cli-columns-'));
    try {
      const [, ...rows] = readFileSync(path.join(fixtures, 'plan.sample.zh.csv'), 'utf8').split('\n');
      const header =
        '问题类别,存在问题,问题表现,整改举措,是否完成,整改状态,牵头领导,承办单位,办结日期,整改结果,情况说明';
      const file = path.join(dir, '台账.csv');
      writeFileSync(file, [header, ...rows].join('\n'));
      const fields = path.join(dir, 'inspection.json');
      const inspection = JSON.parse(readFileSync(path.join(fixtures, 'plan.sample.inspection.json'), 'utf8'));
      writeFileSync(fields, JSON.stringify({ ...inspection, id: 'cli-columns-1' }));

      const unmapped = await rectify(['import', file, '--inspection', fields]);
      expectRefused(unmapped, /表头缺少“责任科室”.*columns\.dept/);

      const wrong = await rectify([
        '--lang',
        'en',
        'import',
        file,
        '--inspection',
        fields,
        '--columns',
        'deadline=完成日期',
      ]);
      expectRefused(wrong, 'columns.deadline: no column 完成日期 in the header row');

      const preview = await rectify([
        'import',
        file,
        '--inspection',
        fields,
        '--preview',
        '--columns',
        'deadline=办结日期，dept=承办单位',
      ]);
      expect(preview.code, preview.stderr).toBe(0);
      expect(preview.stdout).toContain('完成时限 ← 办结日期');
      expect(preview.stdout).toContain('2 个方面，3 个问题，4 个事项');
      expect(preview.stdout).toContain('乡镇卫生院全科医生配备不足');
      expect(preview.stdout).toContain('仅预览，未导入');
      expectRefused(
        await rectify(['ledger', 'cli-columns-1']),
        '未找到 inspection：cli-columns-1。 [404 not_found]',
      );

      const previewErrors = await rectify([
        '--lang',
        'en',
        'import',
        file,
        '--inspection',
        fields,
        '--preview',
      ]);
      expectRefused(previewErrors, /row 1, column 责任科室: the header has no 责任科室/);
      expect(previewErrors.stdout).toContain('aspect ← 问题类别');
      expect(previewErrors.stderr).toContain('preview only, nothing was imported');

      const imported = await rectify([
        'import',
        file,
        '--inspection',
        fields,
        '--columns',
        'deadline=办结日期,dept=承办单位',
      ]);
      expect(imported.stdout, imported.stderr).toMatch(/已导入 cli-columns-1：4 个事项/);
      expect(imported.stdout).toMatch(
        /列对应（字段 ← 文件表头）：[\s\S]*责任科室 ← 承办单位[\s\S]*完成时限 ← 办结日期/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an invalid plan locally, listing every error, and imports nothing', async () => {
    const result = await rectify(['import', path.join(fixtures, 'plan.sample.zh.csv')]);
    expectRefused(result, /inspection\.title/);
    expect(result.stderr).toMatch(/未导入/);
  });

  it('moves an item, reports progress, and verifies the history chain', async () => {
    await importCopy('cli-moves-1');
    const item = 'cli-moves-1.1.2.1';
    expect((await rectify(['transition', item, '正在整改'], 'otherLeader')).code).toBe(0);
    expect(
      (await rectify(['progress', item, '--text', '已制定检查计划', '--done', '0'], 'otherLeader')).code,
    ).toBe(0);
    const verified = await rectify(['history', item, '--verify']);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/哈希链完整：3 条记录/);
  });

  it('explains a refused transition in the chosen language and exits 1', async () => {
    await sampleImported();
    const result = await rectify(['--lang', 'en', 'transition', 'sample-health-2024-r1.1.1.2', 'closed']);
    expectRefused(result, /cannot move from in_progress .* to closed .*422 unprocessable/s);
  });

  it('uploads a PDF named in Chinese, waits until it is stored, and downloads the same bytes under that name', async () => {
    await sampleImported();
    const dir = scratchDir('rectify-cli-evidence-');
    const file = path.join(dir, '签约服务抽查报告.pdf');
    const bytes = Buffer.from('%PDF-1.7\n% 抽查报告\n%%EOF\n');
    writeFileSync(file, bytes);
    const uploaded = await rectify(['evidence', 'upload', 'sample-health-2024-r1.1.1.2', file], 'department');
    expect(uploaded.code, uploaded.stderr).toBe(0);
    const evidenceId = /（(ev-[0-9a-f-]+)）/.exec(uploaded.stdout)?.[1];
    expect(uploaded.stdout).toMatch(/签约服务抽查报告\.pdf：已校验存储/);
    const out = scratchDir('rectify-cli-download-');
    const downloaded = await rectify(['evidence', 'download', String(evidenceId), '--out', out], 'auditor');
    expect(downloaded.code, downloaded.stderr).toBe(0);
    expect(readFileSync(path.join(out, '签约服务抽查报告.pdf')).equals(bytes)).toBe(true);
  });

  it('says why a file was rejected in the chosen language, with the stable code', async () => {
    await sampleImported();
    const dir = scratchDir('rectify-cli-evidence-');
    const file = path.join(dir, '整改报告.pdf');
    writeFileSync(file, 'not a PDF at all');
    const zh = await rectify(['evidence', 'upload', 'sample-health-2024-r1.1.1.2', file], 'department');
    expect(zh.code).toBe(1);
    expect(zh.stderr).not.toMatch(CRASH);
    expect(zh.stdout).toContain(
      '整改报告.pdf：校验未通过（文件内容不是申报的类型 application/pdf [type-mismatch]）',
    );
    expect(zh.stdout).not.toMatch(/the bytes are not/);
    const en = await rectify(
      ['--lang', 'en', 'evidence', 'upload', 'sample-health-2024-r1.1.1.2', file],
      'department',
    );
    expect(en.code).toBe(1);
    expect(en.stderr).not.toMatch(CRASH);
    expect(en.stdout).toContain('整改报告.pdf: rejected (the bytes are not application/pdf [type-mismatch])');
  });

  it('refuses a file type that is not accepted before sending anything', async () => {
    await sampleImported();
    const dir = scratchDir('rectify-cli-evidence-');
    const file = path.join(dir, 'tool.exe');
    writeFileSync(file, 'MZ');
    const result = await rectify(['evidence', 'upload', 'sample-health-2024-r1.1.1.2', file], 'department');
    expectRefused(result, /\.exe is not an accepted evidence type/);
  });

  it('records an outcome, then prints a summary as of a past date and saves its files, and writes the report document', async () => {
    await sampleImported();
    const recorded = await rectify([
      'outcome',
      'sample-health-2024-r1',
      '--kind',
      'dismissal',
      '--count',
      '1',
      '--note',
      '科级干部',
      '--date',
      '2024-10-01',
    ]);
    expect(recorded.code, recorded.stderr).toBe(0);
    const out = scratchDir('rectify-summary-');
    // As of 20 October 2024: what changes today (uploads, by other tests) is not in it.
    const summary = await rectify([
      'summary',
      'sample-health-2024-r1',
      '--as-of',
      '2024-10-20',
      '--out',
      out,
    ]);
    expect(summary.code, summary.stderr).toBe(0);
    expect(summary.stdout).toContain(
      '截至2024年10月20日，巡察反馈的4个具体事项已经整改完成2项，正在整改1项（家庭医生签约服务质量不高），尚未启动1项。' +
        '提出整改措施6条，已经完成4条。建立健全制度3项，免职科级干部1人、批评教育2人，退缴违规钱款12650元。',
    );
    expect(summary.stdout).toMatch(/合计.*4.*1.*1.*1.*1/);
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toContain('截至2024年10月20日');
    expect(readFileSync(path.join(out, 'chart.svg'), 'utf8')).toContain('<svg');
    expect(readFileSync(path.join(out, 'ledger.xlsx')).subarray(0, 2).toString()).toBe('PK');
    expect(JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')).schema).toBe(
      'rectify.summary/v1',
    );
    const english = await rectify([
      '--lang',
      'en',
      'summary',
      'sample-health-2024-r1',
      '--latest',
      '--out',
      out,
    ]);
    expect(english.stdout).toMatch(/^As of 20 October 2024, of the 4 specific issues/);
    const refused = await rectify(['summary', 'sample-health-2024-r1', '--out', out], 'department');
    expectRefused(
      refused,
      /^无权执行此操作：POST \/inspections\/\{inspectionId\}\/summaries \(needs [^)]*\)。 \[403 forbidden\]$/m,
    );

    // The report document alone, as of the same date, in English too.
    const docx = path.join(out, '报告.docx');
    const report = await rectify(['report', 'sample-health-2024-r1', '--as-of', '2024-10-20', '--out', docx]);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain('已保存整改情况报告（截至2024-10-20');
    const bytes = readFileSync(docx);
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    expect(bytes.includes(Buffer.from('word/document.xml'))).toBe(true);
    const englishFile = path.join(out, 'report-en.docx');
    const inEnglish = await rectify([
      '--lang',
      'en',
      'report',
      'sample-health-2024-r1',
      '--out',
      englishFile,
    ]);
    expect(inEnglish.code, inEnglish.stderr).toBe(0);
    expect(inEnglish.stdout).toContain('Saved the report');
    expect(readFileSync(englishFile).length).toBeGreaterThan(1000);
    const badLang = await rectify(['--lang', 'fr', 'report', 'sample-health-2024-r1']);
    expectRefused(badLang, "argument 'fr' is invalid");
  });

  it('requests an archive as an auditor, downloads it and verifies it with the served key', async () => {
    await sampleImported();
    const out = scratchDir('rectify-archive-');
    const file = path.join(out, 'archive.zip');
    const archived = await rectify(['archive', 'sample-health-2024-r1', '--out', file], 'auditor');
    expect(archived.code, archived.stderr).toBe(0);
    expect(archived.stdout).toMatch(/已下载 .*archive\.zip（\d+ 字节，SHA-256 [0-9a-f]{64} 校验一致）/);
    expect(archived.stdout).toMatch(/签名公钥指纹 SHA-256 [0-9a-f]{64}/);
    expect(archived.stdout).toMatch(/核验通过：签名有效/);
    const unsigned = await rectify(['--lang', 'en', 'verify', file]);
    expect(unsigned.code).toBe(0);
    expect(unsigned.stdout).toMatch(/signature was NOT checked/);
    expectRefused(
      await rectify(['archive', 'sample-health-2024-r1', '--out', file], 'department'),
      /^无权执行此操作：POST \/inspections\/\{inspectionId\}\/archives \(needs auditor \| admin\)。 \[403 forbidden\]$/m,
    );
  });

  it('names the broken link when a record was edited in the database, and exits 1', async () => {
    // Its own copy, with a second record on 1.2.1 to forge: a broken chain would fail others' checks.
    await importCopy('cli-tamper-1');
    const item = 'cli-tamper-1.1.2.1';
    expect((await rectify(['transition', item, '正在整改'], 'otherLeader')).code).toBe(0);
    expect((await rectify(['history', item, '--verify'])).code).toBe(0);
    const TableName = local().runtime.resources.tables.ledger.name;
    const { Item: meta } = await documentClient.send(
      new GetCommand({ TableName, Key: keys.inspection('cli-tamper-1') }),
    );
    await documentClient.send(
      new UpdateCommand({
        TableName,
        Key: keys.chainEvent(meta?.importId, '1.2.1', 2),
        UpdateExpression: 'SET #at = :forged',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':forged': '2020-01-01T00:00:00.000Z' },
      }),
    );
    const result = await rectify(['history', item, '--verify']);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(CRASH);
    expect(result.stdout).toMatch(/哈希链断裂：第 2 条记录（hash-mismatch）/);
  });
});
