import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, PHONE, SAMPLE, snap, useConsole, useScratch } from '../support/browser.ts';

/**
 * The 科室 clerk's journey through the UI only: open an item from the list, report progress (once,
 * though the first answer is lost on the way back), upload a real PDF and see the verifier store
 * it, mark the item rectified, verify the history's hash chain in the browser (and see a record
 * altered in transit named as broken); the inbox; another 科室's item typed by hand is not found.
 */
const INSPECTION = SAMPLE.id;
const ITEM = `${INSPECTION}.1.1.2`;
const OTHER_DEPT_ITEM = `${INSPECTION}.1.2.1`;
const CLERK = { role: '科室', department: '基层卫生科', name: '张三' } as const;
const PROGRESS = `完成家庭医生签约服务质量抽查，覆盖12个乡镇（${Date.now()}）`;

const work = useScratch('department');
const pdfPath = path.join(work, '签约服务质量抽查报告.pdf');
const ui = useConsole('department');

beforeAll(() => ui.printPdf(pdfPath, '家庭医生签约服务质量抽查报告', '基层卫生科 2024年'));

const history = (page: Page) => page.locator('.timeline > li');

describe('the 科室 clerk', () => {
  it('reports progress, uploads a PDF, marks the item rectified and verifies the chain', async () => {
    const page = await ui.signIn(CLERK);
    await page.getByRole('link', { name: '家庭医生签约服务质量不高' }).click();
    await page.getByRole('heading', { level: 1, name: /家庭医生签约服务质量不高/ }).waitFor();
    expect(page.url()).toContain(`#/items/${encodeURIComponent(ITEM)}`);
    await expect.poll(() => page.locator('.facts').textContent()).toContain('正在整改');

    // The answer to the first submit is lost (the server recorded it): the text stays, the
    // reason is shown, and the retry with the same Idempotency-Key is recorded once.
    await page.getByLabel('工作进展').fill(PROGRESS);
    await page.getByLabel('开展签约服务质量抽查').check();
    let keys: string[] = [];
    await page.route(
      '**/items/*/progress',
      async (route) => {
        keys.push(route.request().headers()['idempotency-key'] ?? '');
        await route.fetch();
        await route.abort('internetdisconnected');
      },
      { times: 1 },
    );
    await page.getByRole('button', { name: '提交', exact: true }).click();
    await page.getByText('未发送：网络连接失败').waitFor();
    expect(await page.getByLabel('工作进展').inputValue()).toBe(PROGRESS);
    expect(await page.getByLabel('开展签约服务质量抽查').isChecked()).toBe(true);
    await page.unroute('**/items/*/progress');
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/progress'))
        keys.push(request.headers()['idempotency-key'] ?? '');
    });
    await page.getByRole('button', { name: '提交', exact: true }).click();
    await page.getByText('已提交，已记入整改历史').waitFor();
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    keys = [];
    expect(await page.getByLabel('工作进展').inputValue()).toBe('');
    await expect.poll(() => history(page).filter({ hasText: PROGRESS }).count()).toBe(1);
    const reported = history(page).filter({ hasText: PROGRESS });
    expect(await reported.textContent()).toContain('报送工作进展');
    expect(await reported.textContent()).toContain('张三');
    await expect
      .poll(() => page.locator('.checklist').textContent())
      .toMatch(/开展签约服务质量抽查\s*（已完成）/);

    // A real PDF: hashed in the page while read, posted to storage, stored by the verifier.
    await page.getByLabel('上传佐证材料').setInputFiles(pdfPath);
    const upload = page.locator('.uploads li', { hasText: '签约服务质量抽查报告.pdf' });
    await expect
      .poll(() => upload.getByRole('status').textContent(), { timeout: 70_000, interval: 500 })
      .toContain('已校验入库');
    await page.getByRole('heading', { name: /佐证材料\s*\(1\)/ }).waitFor();
    const listed = page.locator('.evidence-list li', { hasText: '签约服务质量抽查报告.pdf' });
    await expect.poll(() => listed.textContent()).toContain('已校验入库');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      listed.getByRole('button', { name: '下载' }).click(),
    ]);
    const saved = path.join(work, 'downloaded.pdf');
    await download.saveAs(saved);
    expect(readFileSync(saved).equals(readFileSync(pdfPath))).toBe(true);

    await page.getByRole('button', { name: '申请整改完成' }).click();
    await page.getByText('状态已变更为“已整改”').waitFor();
    await expect.poll(() => page.locator('.facts').textContent()).toContain('已整改');
    await expect.poll(() => history(page).filter({ hasText: '已整改' }).count()).toBeGreaterThan(0);

    await page.getByRole('button', { name: '验证哈希链' }).click();
    const intact = (await page.getByText(/哈希链完整（\d+条）/).textContent()) ?? '';
    expect(Number(/（(\d+)条）/.exec(intact)?.[1])).toBe(await history(page).count());
    await snap(page, 'item');
    await expectAccessible(page, 'item page');

    // The same history with one record's data altered on its way to the page.
    let alteredSeq = 0;
    await page.route('**/items/*/history', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as {
        events: { seq: number; type: string; data: { text?: string } }[];
      };
      const record = body.events.find(
        (event) => event.type === 'ProgressReported' && event.data.text === PROGRESS,
      );
      if (!record) throw new Error('no ProgressReported record to alter');
      record.data.text = `${PROGRESS}（已全部完成）`;
      alteredSeq = record.seq;
      await route.fulfill({ response, json: body });
    });
    await page.reload();
    await page.getByRole('button', { name: '验证哈希链' }).click();
    const broken = await page.getByRole('alert').filter({ hasText: '哈希链在第' }).textContent();
    expect(alteredSeq).toBeGreaterThan(0);
    expect(broken).toContain(`哈希链在第${alteredSeq}条记录（报送工作进展）处断开`);
    expect(await page.locator('.timeline > li.broken').textContent()).toContain(`#${alteredSeq}`);
    await page.unroute('**/items/*/history');
    await ui.finish(page);
  }, 240_000);

  it('reads the inbox and marks the stored-evidence notice read', async () => {
    const page = await ui.signIn(CLERK);
    await page.getByRole('link', { name: /^消息/ }).click();
    await page.getByRole('heading', { level: 1, name: '消息' }).waitFor();
    const notice = page.locator('.inbox li', { hasText: '签约服务质量抽查报告.pdf' });
    await expect
      .poll(
        async () => {
          if ((await notice.count()) === 0) await page.getByRole('button', { name: '刷新' }).click();
          return notice.count();
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe(1);
    expect(await notice.textContent()).toContain('未读');
    expect(await notice.getByRole('link').getAttribute('href')).toBe(`#/items/${encodeURIComponent(ITEM)}`);
    const unreadBefore = await page.locator('.inbox li.unread').count();
    await snap(page, 'inbox');
    await expectAccessible(page, 'inbox');
    await notice.getByRole('button', { name: '标为已读' }).click();
    await expect.poll(() => notice.getAttribute('class')).toMatch(/\bread\b/);
    expect(await notice.textContent()).not.toContain('未读');
    await expect
      .poll(async () => {
        const count = page.locator('header .count');
        return (await count.count()) === 0 ? 0 : Number.parseInt((await count.textContent()) ?? '', 10);
      })
      .toBe(unreadBefore - 1);
    await ui.finish(page);
  });

  it('works at phone width (item page and inbox)', async () => {
    const page = await ui.signIn(CLERK, PHONE);
    await page.goto(`${ui.app.url}/#/items/${encodeURIComponent(ITEM)}`);
    await page.getByRole('heading', { level: 1, name: /家庭医生签约服务质量不高/ }).waitFor();
    await page.getByRole('heading', { name: '整改历史' }).waitFor();
    await expect.poll(() => history(page).count()).toBeGreaterThan(2);
    // Nothing wider than the phone: no sideways scrolling.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    await snap(page, 'item');
    await expectAccessible(page, 'item page (phone)');
    await page.goto(`${ui.app.url}/#/inbox`);
    await page.getByRole('heading', { level: 1, name: '消息' }).waitFor();
    await page.locator('.inbox li').first().waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    await snap(page, 'inbox');
    await expectAccessible(page, 'inbox (phone)');
    await ui.finish(page);
  });

  it('drops a file that is not what it claims and sees the verifier reject it, with the reason', async () => {
    const page = await ui.signIn(CLERK);
    await page.getByRole('link', { name: '乡镇卫生院全科医生配备不足' }).click();
    await page.getByRole('heading', { level: 1, name: /乡镇卫生院全科医生配备不足/ }).waitFor();
    // A drop, as the browser delivers one: a DataTransfer holding a File.
    await page.evaluate(`(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['这不是PDF文件'], '伪造的报告.pdf', { type: 'application/pdf' }));
      const zone = document.querySelector('.drop');
      for (const type of ['dragover', 'drop']) {
        zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }
    })()`);
    const upload = page.locator('.uploads li', { hasText: '伪造的报告.pdf' });
    await expect
      .poll(() => upload.getByRole('status').textContent(), { timeout: 70_000, interval: 500 })
      .toContain('未通过校验');
    expect(await upload.getByRole('status').textContent()).toContain('文件内容不是申报的类型');
    const listed = page.locator('.evidence-list li', { hasText: '伪造的报告.pdf' });
    await expect.poll(() => listed.textContent()).toContain('文件内容不是申报的类型');
    expect(await listed.getByRole('button', { name: '下载' }).count()).toBe(0);
    await ui.finish(page);
  }, 120_000);

  it("sees not-found for another 科室's item typed by hand, and nothing of it", async () => {
    const page = await ui.signIn(CLERK);
    await page.goto(`${ui.app.url}/#/items/${encodeURIComponent(OTHER_DEPT_ITEM)}`);
    await page.getByRole('heading', { level: 1, name: '未找到' }).waitFor();
    await page.getByText('未找到，或您无权查看').waitFor();
    const text = await page.locator('main').textContent();
    for (const leak of [
      '民营医院监督检查覆盖面不足',
      '医政医管科',
      '赵敏',
      '制定民营医院年度监督检查计划',
      '1.2.1',
    ]) {
      expect(text).not.toContain(leak);
    }
    expect(await page.getByLabel('工作进展').count()).toBe(0);
    expect(await page.getByLabel('上传佐证材料').count()).toBe(0);
    await expectAccessible(page, 'item not found');
    await ui.finish(page);
  });
});
