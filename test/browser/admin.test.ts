import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePlanJson } from '#shared/domain/plan/index.ts';
import { generatePlan } from '../fixtures/generate-plan.ts';
import { planToXlsx } from '../fixtures/plan-spreadsheet.ts';
import { DESKTOP, expectAccessible, goTo, PHONE, SAMPLE, snap, useConsole } from '../support/browser.ts';
import { storeEvidence } from '../support/evidence.ts';
import { LEDGER_HEADERS, ledgerCsvRows, readLedgerWorkbook } from '../support/ledger-workbook.ts';

/**
 * The inspection office's desks, through the UI: import a 台账 with errors (each shown at its row
 * and column), fix it, map an unrecognised column by hand, import, and the board's totals are
 * the plan's; the 待销号 queue closes out by a second admin and refuses (and explains before
 * the click) the admin who marked the item rectified; a summary is generated and its paragraph
 * and files shown. Every page is scanned by axe at desktop and phone width.
 */
const root = path.resolve(import.meta.dirname, '../..');
const INSPECTION = SAMPLE.id;
const csvInspection = JSON.parse(
  readFileSync(path.join(root, 'test/fixtures/plan.sample.inspection.json'), 'utf8'),
) as Record<string, string>;
const CSV_LINES = readFileSync(path.join(root, 'test/fixtures/plan.sample.zh.csv'), 'utf8')
  .trimEnd()
  .split('\n');
const pdf = Buffer.from('%PDF-1.7\n% 签约服务质量抽查报告\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');

/** Admin A marks 1.1.2 rectified (through the API); admin B closes out. */
const ADMIN_A = { role: 'admin', name: '李四' } as const;
const ADMIN_B = { role: '管理员', name: '王五' } as const;
const BIG = 'bench-board-2000';

const ui = useConsole('admin');

beforeAll(async () => {
  const { api } = ui;
  // 1.1.2 is in progress in the plan: A stores a file and marks it rectified, so A may not close it.
  const itemId = `${INSPECTION}.1.1.2`;
  await storeEvidence(api, ADMIN_A, itemId, {
    bytes: pdf,
    fileName: '签约服务质量抽查报告.pdf',
    contentType: 'application/pdf',
  });
  const item = await api.get(`/items/${itemId}`, ADMIN_A);
  const marked = await api.post(`/items/${itemId}/transitions`, ADMIN_A, {
    to: 'rectified',
    expectedVersion: item.json.version,
  });
  expect(marked.status, marked.text).toBe(200);
}, 120_000);

const signIn = (name: string, viewport: typeof DESKTOP | typeof PHONE = DESKTOP) =>
  ui.signIn({ role: '管理员', name }, viewport);

/** The board's figure under a label (全部, 已销号 …). */
const total = (page: Page, key: string) => page.locator(`.admin-totals .total-${key} dd`).textContent();

/** Drops a file on the import page's drop zone, as a user dragging it from their desktop would. */
async function dropFile(page: Page, name: string, text: string) {
  // A string, not a function: this file is compiled without the DOM's types.
  const transfer = await page.evaluateHandle(`(() => {
    const data = new DataTransfer();
    data.items.add(new File([${JSON.stringify(text)}], ${JSON.stringify(name)}, { type: 'text/csv' }));
    return data;
  })()`);
  await page.locator('.drop').dispatchEvent('drop', { dataTransfer: transfer });
}

describe('the admin desks', () => {
  it('previews an Excel 台账 on a phone: the inspection from its 基本信息 sheet, merged cells, Excel dates', async () => {
    // The sample plan as an office would keep it in Excel (test/fixtures/plan-spreadsheet.ts),
    // under an id of its own: only previewed, never imported.
    const parsed = parsePlanJson(
      JSON.parse(readFileSync(path.join(root, 'test/fixtures/plan.sample.json'), 'utf8')),
    );
    if (!parsed.ok) throw new Error('the sample plan does not parse');
    const plan = { ...parsed.plan, inspection: { ...parsed.plan.inspection, id: 'phone-xlsx-preview' } };
    const page = await signIn('李四', PHONE);
    await goTo(page, '#/import', '导入台账');
    await page.getByLabel('台账文件').setInputFiles({
      name: '巡察整改台账.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await planToXlsx(plan),
    });
    await page.getByText('没有错误，可以导入').waitFor();
    expect(await page.getByRole('status').filter({ hasText: '没有错误' }).textContent()).toContain(
      '2 个方面、3 个问题、4 项事项、6 条措施',
    );
    // The 基本信息 sheet filled the inspection; a merged 方面 and an Excel date read as text.
    const preview = page.locator('.admin-preview');
    expect(await preview.textContent()).toContain(plan.inspection.title);
    expect(await preview.textContent()).toContain('phone-xlsx-preview');
    const firstRows = await preview.locator('table').first().textContent();
    expect(firstRows).toContain('在落实医疗卫生重点任务上有差距方面');
    expect(firstRows).toMatch(/2024-09-30|2024年9月30日/);
    // Its columns keep a few characters' width on a phone: the table scrolls sideways.
    const sample = page.getByRole('region', { name: '前几行' });
    type Box = { scrollWidth: number; clientWidth: number };
    expect(await sample.evaluate((region: Box) => region.scrollWidth - region.clientWidth)).toBeGreaterThan(
      100,
    );
    expect(
      await sample
        .locator('td')
        .first()
        .evaluate((cell: Box) => cell.clientWidth),
    ).toBeGreaterThan(60);
    await snap(page, 'import-xlsx-preview');
    await expectAccessible(page, 'import: Excel preview on a phone');
  });

  it('imports a spreadsheet: every error at its row and column, then a fixed file, a hand mapping, the board', async () => {
    const page = await signIn('李四');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '导入台账' }).click();
    await page.getByRole('heading', { level: 1, name: '导入台账' }).waitFor();
    // A CSV has no 基本信息 sheet: the inspection comes from the form.
    const fields: [string, string][] = [
      ['名称', csvInspection.title as string],
      ['被巡察单位', csvInspection.inspectedUnit as string],
      ['巡察组', csvInspection.inspectionGroup as string],
      ['巡察开始', csvInspection.inspectionStart as string],
      ['巡察结束', csvInspection.inspectionEnd as string],
      ['反馈日期', csvInspection.feedbackDate as string],
      ['编号', csvInspection.id as string],
    ];
    for (const [label, value] of fields) await page.getByLabel(label, { exact: true }).fill(value);

    // Row 4 (the second item's first row) has a date that is no date; row 6 has no 责任科室.
    const bad = [...CSV_LINES];
    bad[3] = (bad[3] as string).replace('2024-12-31', '2024-13-45');
    bad[5] = (bad[5] as string).replace('医政医管科', '');
    await page.getByLabel('台账文件').setInputFiles({
      name: '台账-有误.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(bad.join('\n')),
    });
    const errors = page.locator('table.admin-errors tbody tr');
    await expect.poll(() => errors.count()).toBe(2);
    expect((await errors.nth(0).locator('td').allTextContents()).map((cell) => cell.trim())).toEqual([
      '第 4 行',
      '完成时限',
      '应为 YYYY-MM-DD 格式的有效日期',
    ]);
    expect((await errors.nth(1).locator('td').allTextContents()).map((cell) => cell.trim())).toEqual([
      '第 6 行',
      '责任科室',
      '不能为空',
    ]);
    expect(await page.getByRole('button', { name: '导入', exact: true }).isDisabled()).toBe(true);
    await snap(page, 'import-errors');
    await expectAccessible(page, 'import: errors');

    // The fixed file names its deadline column in a way no office list knows: 办结日期.
    const fixed = [...CSV_LINES];
    fixed[0] = (fixed[0] as string).replace('完成时限', '办结日期');
    await dropFile(page, '台账.csv', fixed.join('\n'));
    await expect.poll(() => errors.count()).toBe(1);
    expect(await errors.nth(0).textContent()).toContain('表头缺少“完成时限”');
    // Mapped by hand in the preview's column table: the preview re-runs and is clean.
    await page.getByLabel('完成时限', { exact: true }).selectOption('办结日期');
    await page.getByText('没有错误，可以导入').waitFor();
    expect(await page.getByRole('status').filter({ hasText: '没有错误' }).textContent()).toContain(
      '2 个方面、3 个问题、4 项事项、6 条措施',
    );
    expect(await page.locator('.admin-preview table').first().textContent()).toContain(
      '乡镇卫生院全科医生配备不足',
    );
    await snap(page, 'import-preview');
    await expectAccessible(page, 'import: preview');

    await page.getByRole('button', { name: '导入', exact: true }).click();
    await page.getByText('已导入 4 项事项').waitFor();
    expect(await page.locator('.notice.ok').last().textContent()).toContain('完成时限 ← 办结日期');
    await page.getByRole('link', { name: '打开整改看板' }).click();
    await page.getByRole('heading', { level: 1, name: /整改看板/ }).waitFor();
    // The sample plan: one item in each status, 4 of its 6 measures done.
    expect(await total(page, 'total')).toBe('4');
    expect(await total(page, 'not_started')).toBe('1');
    expect(await total(page, 'in_progress')).toBe('1');
    expect(await total(page, 'rectified')).toBe('1');
    expect(await total(page, 'closed')).toBe('1');
    expect(await total(page, 'measures')).toBe('4/6');
    // The filters by their labels: 责任科室 leaves one item of 财务科.
    await page.getByLabel('责任科室', { exact: true }).selectOption('财务科');
    await page.getByText('显示 1 / 4 项').waitFor();
    expect(await page.getByRole('link', { name: '个别单位超标准列支差旅费' }).count()).toBe(1);
    await ui.finish(page);
  });

  it('待销号: a second admin closes out, and the board counts it', async () => {
    const page = await signIn(ADMIN_B.name);
    await goTo(page, `#/inspections/${INSPECTION}/board`, /整改看板/);
    expect(await total(page, 'closed')).toBe('1');
    await goTo(page, `#/inspections/${INSPECTION}/queue`, '待销号');
    const card = page.getByRole('article', { name: /乡镇卫生院全科医生配备不足/ });
    await card.waitFor();
    // B did not mark it: no rule stands in the way, so none is explained.
    expect(await card.locator('.admin-rule').count()).toBe(0);
    await card.getByRole('button', { name: '销号', exact: true }).click();
    await page.getByRole('status').filter({ hasText: '已销号：1.1.1' }).waitFor();
    await goTo(page, `#/inspections/${INSPECTION}/board`, /整改看板/);
    await expect.poll(() => total(page, 'closed')).toBe('2');
    expect(await total(page, 'rectified')).toBe('1');
    await ui.finish(page);
  });

  it('导出Excel on a phone saves the ledger as the API exports it: 台账, a row per measure', async () => {
    const page = await signIn(ADMIN_B.name, PHONE);
    await goTo(page, `#/inspections/${INSPECTION}/board`, /整改看板/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出Excel' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/-台账-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const book = await readLedgerWorkbook(readFileSync(await download.path()));
    expect(book.sheetNames).toEqual(['台账']);
    expect(book.header).toEqual(LEDGER_HEADERS['zh-CN']);
    const csv = await ui.api.get(`/inspections/${INSPECTION}/ledger?format=csv`, {
      role: 'admin',
      name: ADMIN_B.name,
    });
    expect(book.rows.length).toBeGreaterThan(0);
    expect(book.rows).toEqual(ledgerCsvRows(csv.text));
    await ui.finish(page);
  });

  it('待销号: the admin who marked an item rectified sees the rule before the click, and is refused', async () => {
    const page = await signIn(ADMIN_A.name);
    await goTo(page, `#/inspections/${INSPECTION}/queue`, '待销号');
    const card = page.getByRole('article', { name: /家庭医生签约服务质量不高/ });
    await card.waitFor();
    const rule = card.locator('.admin-rule');
    expect(await rule.isVisible()).toBe(true);
    expect(await rule.textContent()).toContain('销号须由标记“已整改”者以外的管理员进行');
    expect(await card.textContent()).toContain('李四');
    // Its evidence, with a download.
    await card.getByRole('button', { name: /下载/ }).waitFor();
    expect(await card.textContent()).toContain('签约服务质量抽查报告.pdf');
    await snap(page, 'queue-own-item');
    await card.getByRole('button', { name: '销号', exact: true }).click();
    const refusal = card.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('销号须由标记“已整改”者以外的管理员进行');
    // The explanation is still there beside the button, and the item is still rectified.
    expect(await rule.isVisible()).toBe(true);
    const item = await ui.api.get(`/items/${INSPECTION}.1.1.2`, ADMIN_A);
    expect(item.json.status).toBe('rectified');
    // Reopening needs a reason: the page says so at the field.
    await card.getByRole('button', { name: '重新打开', exact: true }).click();
    expect(await card.getByText('重新打开须说明原因').isVisible()).toBe(true);
    await expectAccessible(page, 'queue: refused');
    await ui.finish(page);
  });

  it('saves the report texts, generates a summary and shows its paragraph, chart and five files', async () => {
    const page = await signIn(ADMIN_B.name);
    await goTo(page, `#/inspections/${INSPECTION}/summaries`, /整改报告/);
    await page.getByText('还没有整改报告。').first().waitFor({ timeout: 60_000 });
    // The office's own words for part 三, saved before the report is written.
    await page.getByText('报告文字（开头、组织情况、下一步、落款）').click();
    await page.getByLabel('三、下一步工作打算').fill('持续巩固整改成果，年底前开展“回头看”。');
    await page.getByRole('button', { name: '保存报告文字' }).click();
    await page.getByRole('status').filter({ hasText: '已保存：王五' }).waitFor();
    const texts = await ui.api.get(`/inspections/${INSPECTION}/report-text`, ADMIN_A);
    expect(texts.json.texts).toEqual({ nextSteps: '持续巩固整改成果，年底前开展“回头看”。' });
    await page.getByRole('button', { name: '生成报告' }).click();
    const summary = page.locator('article.admin-summary');
    await summary.waitFor({ timeout: 60_000 });
    const paragraph = await summary.locator('.admin-paragraph').textContent();
    expect(paragraph?.length).toBeGreaterThan(10);
    const links = summary.getByRole('link', { name: /下载/ });
    expect(await links.count()).toBe(5);
    expect(await summary.textContent()).toContain('整改情况报告（Word，公文格式）');
    // The chart is the stored SVG, loaded from its presigned link (img-src allows storage).
    await expect
      .poll(() =>
        summary.locator('img.admin-chart').evaluate((img) => (img as { naturalWidth: number }).naturalWidth),
      )
      .toBeGreaterThan(0);
    // Each link is the stored file (the storage emulator ignores response-content-disposition,
    // so the file itself is compared rather than a browser download awaited).
    const latest = await ui.api.get(`/inspections/${INSPECTION}/summaries/latest`, ADMIN_A);
    for (const file of latest.json.files as { name: string; sha256: string }[]) {
      const link = summary.getByRole('link', { name: new RegExp(file.name.replace('.', '\\.')) });
      const url = (await link.getAttribute('href')) as string;
      expect(url).toContain('response-content-disposition=attachment');
      const bytes = Buffer.from(await (await fetch(url)).arrayBuffer());
      expect(createHash('sha256').update(bytes).digest('hex'), file.name).toBe(file.sha256);
    }
    // The list has it too.
    await expect.poll(() => page.locator('.admin-summaries table tbody tr').count()).toBe(1);
    await snap(page, 'summaries');
    await expectAccessible(page, 'summaries');
    await ui.finish(page);
  });

  it('records an outcome and saves the settings, each answer shown', async () => {
    const page = await signIn(ADMIN_B.name);
    await goTo(page, `#/inspections/${INSPECTION}/outcomes`, /整改成效/);
    await page.getByLabel('类型', { exact: true }).selectOption('regulation');
    await page.getByLabel('数量', { exact: true }).fill('2');
    await page.getByLabel('说明（可选）').fill('修订采购管理制度');
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByRole('status').filter({ hasText: '已登记' }).waitFor();
    // The plan's 3 regulations and the 2 just recorded.
    await expect
      .poll(() =>
        page
          .getByRole('row', { name: /建立健全制度/ })
          .first()
          .locator('td')
          .first()
          .textContent(),
      )
      .toBe('5');

    await goTo(page, `#/inspections/${INSPECTION}/settings`, '设置');
    await page.getByLabel('回头看间隔（月）').fill('3');
    await page.getByRole('form', { name: '回头看与复核' }).getByRole('button', { name: '保存' }).click();
    await page.getByText('已保存：销号后 3 个月回头看').waitFor();
    await page.getByLabel('星期', { exact: true }).selectOption('5');
    await page.getByRole('form', { name: '每周整改报告' }).getByRole('button', { name: '保存' }).click();
    await page.getByText('已保存：每星期五').waitFor();
    const webhook = page.getByRole('group', { name: '财务科' });
    await webhook.getByLabel('Webhook 地址').fill('http://example.com/hook');
    await webhook.getByRole('button', { name: '保存' }).click();
    // The server's refusal, next to the field it names.
    await webhook.locator('.field-error').waitFor();
    expect(await webhook.locator('.field-error').textContent()).toMatch(/https/);
    await webhook
      .getByLabel('Webhook 地址')
      .fill('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=test');
    await webhook.getByRole('button', { name: '保存' }).click();
    await webhook.getByText(/已保存（wecom/).waitFor();
    await ui.finish(page);
  });

  for (const viewport of [DESKTOP, PHONE]) {
    it(`every admin page passes axe and fits at ${viewport.width} px`, async () => {
      const page = await signIn(ADMIN_B.name, viewport);
      const pages: [string, string, string | RegExp, string][] = [
        ['import', '#/import', '导入台账', 'import'],
        ['board', `#/inspections/${INSPECTION}/board`, /整改看板/, 'board'],
        ['queue', `#/inspections/${INSPECTION}/queue`, '待销号', 'queue'],
        ['settings', `#/inspections/${INSPECTION}/settings`, '设置', 'settings'],
        ['outcomes', `#/inspections/${INSPECTION}/outcomes`, /整改成效/, 'outcomes'],
        ['summaries', `#/inspections/${INSPECTION}/summaries`, /整改报告/, 'summaries'],
      ];
      for (const [name, hash, heading, shot] of pages) {
        await goTo(page, hash, heading);
        // Wait for the page's data, not its loading line.
        await expect.poll(() => page.locator('[aria-busy="true"]').count()).toBe(0);
        await snap(page, `admin-${shot}`);
        await expectAccessible(page, `${name} at ${viewport.width} px`);
        if (viewport === PHONE) {
          expect(await page.evaluate('document.documentElement.scrollWidth'), name).toBeLessThanOrEqual(
            PHONE.width,
          );
        }
      }
      await ui.finish(page);
    });
  }

  it('filters a board of 2,000 items quickly', { timeout: 150_000 }, async () => {
    const page = await signIn(ADMIN_B.name);
    // Imported last, and after sign-in: no home page (which reads every ledger) reads these
    // 2,000 items, only the board.
    const imported = await ui.api.post('/inspections/import', ADMIN_A, {
      plan: generatePlan({ items: 2000, id: BIG }),
    });
    expect(imported.status, imported.text).toBe(201);
    const started = Date.now();
    await goTo(page, `#/inspections/${BIG}/board`, /整改看板/);
    // The ledger of 2,000 items is one large read; on a busy 2-core machine it takes a while.
    await page.locator('.admin-totals').waitFor({ timeout: 80_000 });
    const loadMs = Date.now() - started;
    expect(await total(page, 'total')).toBe('2000');
    // Time from the change to the next painted frame, in the page (the Performance API).
    const timings: number[] = [];
    for (const [label, value] of [
      ['状态', 'in_progress'],
      ['灯色', 'red'],
      ['状态', ''],
      ['灯色', ''],
    ] as const) {
      const select = page.getByLabel(label, { exact: true });
      await select.evaluate((element) => {
        (globalThis as { __t?: number }).__t = performance.now();
        void element;
      });
      await select.selectOption(value);
      timings.push(
        (await page.evaluate(
          'new Promise((done) => requestAnimationFrame(() => setTimeout(() => done(performance.now() - window.__t))))',
        )) as number,
      );
    }
    const typed = await page.evaluate(`(async () => {
      const input = document.getElementById('board-q');
      const start = performance.now();
      input.value = '医';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((done) => requestAnimationFrame(() => setTimeout(done)));
      return performance.now() - start;
    })()`);
    timings.push(typed as number);
    console.log(
      `board of 2,000 items: loaded in ${loadMs} ms; filter interactions ${timings.map((ms) => ms.toFixed(0)).join(', ')} ms`,
    );
    // Not a timed test (the bench measures it); a sanity bound far above the 200 ms goal.
    expect(Math.max(...timings)).toBeLessThan(2_000);
    await page.context().close();
  });
});
