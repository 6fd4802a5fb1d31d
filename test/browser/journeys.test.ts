import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, goTo, PHONE, SAMPLE, snap, useConsole, useScratch } from '../support/browser.ts';

/**
 * The whole path across roles, through the pages only: a 科室 clerk on a phone reports progress
 * by keyboard alone, uploads a real PDF and asks for the item to be marked rectified; a second
 * person, an admin at a desk, finds it in 待销号 with that evidence, closes it out, and the board
 * counts it. Then the same admin reads the console in English.
 */
const INSPECTION = SAMPLE.id;
const pdfPath = path.join(useScratch('journey'), '家庭医生签约服务整改佐证.pdf');

const ui = useConsole('journey');
beforeAll(() => ui.printPdf(pdfPath, '家庭医生签约服务整改佐证', '签约服务质量抽查覆盖12个乡镇'));

const figure = (page: Page, key: string) => page.locator(`.admin-totals .total-${key} dd`).textContent();

describe('from the 科室 to 销号', () => {
  it('a clerk reports and rectifies on a phone; another person closes out and the board counts it', async () => {
    const clerk = await ui.signIn({ role: '科室', department: '基层卫生科', name: '张三' }, PHONE);
    await clerk.getByRole('link', { name: '家庭医生签约服务质量不高' }).click();
    await clerk.getByRole('heading', { level: 1, name: /家庭医生签约服务质量不高/ }).waitFor();

    // Keyboard only: focus the progress text, type, then Tab to 提交 and press Enter.
    await clerk.getByLabel('工作进展').focus();
    await clerk.keyboard.type('已完成签约服务质量抽查，整改报告见佐证材料。');
    for (let presses = 0; presses < 20; presses += 1) {
      await clerk.keyboard.press('Tab');
      const focused = await clerk.evaluate('document.activeElement && document.activeElement.textContent');
      if (String(focused).trim() === '提交') break;
    }
    await clerk.keyboard.press('Enter');
    await clerk.getByText('已提交，已记入整改历史').waitFor();

    await clerk.getByLabel('上传佐证材料').setInputFiles(pdfPath);
    const upload = clerk.locator('.uploads li', { hasText: '家庭医生签约服务整改佐证.pdf' });
    await expect
      .poll(() => upload.getByRole('status').textContent(), { timeout: 70_000, interval: 500 })
      .toContain('已校验入库');
    await clerk.getByRole('button', { name: '申请整改完成' }).click();
    await clerk.getByText('状态已变更为“已整改”').waitFor();
    await snap(clerk, 'journey-clerk-rectified');
    await ui.finish(clerk);

    const office = await ui.signIn({ role: '管理员', name: '王五' });
    await office.getByRole('link', { name: SAMPLE.title }).click();
    await office.getByRole('heading', { level: 1, name: /整改看板/ }).waitFor({ timeout: 60_000 });
    await expect.poll(() => figure(office, 'rectified')).toBe('2');
    const closedBefore = Number(await figure(office, 'closed'));

    await goTo(office, `#/inspections/${INSPECTION}/queue`, '待销号');
    const card = office.getByRole('article', { name: /家庭医生签约服务质量不高/ });
    await card.getByRole('button', { name: /下载/ }).first().waitFor();
    expect(await card.textContent()).toContain('家庭医生签约服务整改佐证.pdf');
    expect(await card.textContent()).toContain('张三');
    await card.getByRole('button', { name: '销号', exact: true }).click();
    await office.getByRole('status').filter({ hasText: '已销号：1.1.2' }).waitFor();

    await goTo(office, `#/inspections/${INSPECTION}/board`, /整改看板/);
    await expect.poll(() => figure(office, 'closed')).toBe(String(closedBefore + 1));
    expect(await figure(office, 'rectified')).toBe('1');
    await ui.finish(office);
  });

  it('a leader sees the items they lead, an admin each inspection with its totals and desks', async () => {
    const leader = await ui.signIn({ role: '领导', name: '王强' }, PHONE);
    await leader.getByRole('link', { name: '乡镇卫生院全科医生配备不足' }).waitFor();
    expect(await leader.getByRole('link', { name: '家庭医生签约服务质量不高' }).count()).toBe(1);
    // 赵敏's and 李明's items are not his.
    expect(await leader.getByRole('link', { name: '民营医院监督检查覆盖面不足' }).count()).toBe(0);
    expect(await leader.getByRole('link', { name: '个别单位超标准列支差旅费' }).count()).toBe(0);
    await snap(leader, 'home-leader');
    await expectAccessible(leader, 'home (leader)');
    await leader.context().close();

    const office = await ui.signIn({ role: '管理员', name: '王五' });
    const card = office.getByRole('article', { name: SAMPLE.title });
    await card.getByText(/共4项：/).waitFor();
    for (const desk of ['整改看板', '待销号', '整改报告', '整改成效', '设置', '证据包']) {
      expect(await card.getByRole('link', { name: desk }).count(), desk).toBe(1);
    }
    await snap(office, 'home-admin');
    await expectAccessible(office, 'home (admin)');
    await ui.finish(office);
  });

  it('a clerk withdraws a file uploaded by mistake, with a reason, and it stops counting', async () => {
    const clerk = await ui.signIn({ role: '科室', department: '医政医管科', name: '赵医政' }, PHONE);
    await clerk.getByRole('link', { name: '民营医院监督检查覆盖面不足' }).click();
    await clerk.getByLabel('上传佐证材料').setInputFiles(pdfPath);
    const listed = clerk.locator('.evidence-list li', { hasText: '家庭医生签约服务整改佐证.pdf' });
    await expect.poll(() => listed.textContent(), { timeout: 70_000, interval: 500 }).toContain('已校验入库');
    await clerk.getByRole('heading', { name: /佐证材料\s*\(1\)/ }).waitFor();

    await listed.getByText('撤回…').click();
    // No reason: the browser's own required check stops it before anything is sent.
    await listed.getByRole('button', { name: /确认撤回/ }).click();
    expect(await listed.textContent()).toContain('已校验入库');
    await listed.getByLabel('撤回原因').fill('传错了文件，应为医政医管科的检查报告');
    await listed.getByRole('button', { name: /确认撤回/ }).click();
    await clerk.getByRole('heading', { name: /佐证材料\s*\(0\)/ }).waitFor();
    await expect.poll(() => listed.textContent()).toContain('已撤回');
    expect(await listed.getByRole('button', { name: '下载' }).count()).toBe(0);
    await expect
      .poll(() => clerk.locator('.timeline > li').filter({ hasText: '传错了文件' }).count())
      .toBe(1);
    await expectAccessible(clerk, 'item page after a withdrawal');
    await ui.finish(clerk);
  });

  it('switches to English and back, and keeps the choice across a reload', async () => {
    const page = await ui.signIn({ role: '管理员', name: '王五' });
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'My items' }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    await goTo(page, `#/inspections/${INSPECTION}/board`, /Board/);
    await page.locator('.admin-totals').waitFor({ timeout: 60_000 });
    const board = (await page.locator('main').textContent()) ?? '';
    expect(board).toMatch(/Closed/);
    expect(board).not.toMatch(/已销号|正在整改/);
    await snap(page, 'board-en');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: /Board/ }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('heading', { level: 1, name: /整改看板/ }).waitFor();
    await ui.finish(page);
  });
});

describe('two admins at once', () => {
  it('a close-out based on a stale read is refused, the page reloads the item, and the next press closes it', async () => {
    const { api } = ui;
    const office = await ui.signIn({ role: '管理员', name: '王五' });
    await goTo(office, `#/inspections/${INSPECTION}/queue`, '待销号');
    const card = office.getByRole('article', { name: /乡镇卫生院全科医生配备不足/ });
    await card.getByRole('button', { name: '销号', exact: true }).waitFor();

    // Meanwhile another admin reports progress on it: the version this page read is now old.
    const itemId = `${INSPECTION}.1.1.1`;
    const reported = await api.post(
      `/items/${itemId}/progress`,
      { role: 'admin', name: '李四' },
      { text: '补充说明：全科医生已全部到岗。' },
    );
    expect(reported.status, reported.text).toBe(201);

    await card.getByRole('button', { name: '销号', exact: true }).click();
    await office
      .getByRole('status')
      .filter({ hasText: '已被他人更新，已重新载入' })
      .waitFor({ timeout: 8000 })
      .catch(async (e) => {
        console.log(
          'DEBUG',
          await card.textContent(),
          await office.getByRole('status').allTextContents(),
          await office.locator('main').textContent(),
        );
        throw e;
      });
    await card.getByRole('button', { name: '销号', exact: true }).click();
    await office.getByRole('status').filter({ hasText: '已销号：1.1.1' }).waitFor();
    const item = await api.get(`/items/${itemId}`, { role: 'admin', name: '王五' });
    expect(item.json.status).toBe('closed');
    await ui.finish(office);
  });
});
