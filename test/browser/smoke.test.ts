import { describe, expect, it } from 'vitest';
import { DESKTOP, devLogin, expectAccessible, PHONE, snap, useConsole } from '../support/browser.ts';

const ui = useConsole('smoke');

describe('console start-up', () => {
  for (const viewport of [DESKTOP, PHONE]) {
    it(`a 科室 clerk signs in and sees only their 科室's items (${viewport.width} px)`, async () => {
      const page = await ui.open(viewport);
      await snap(page, 'login');
      await expectAccessible(page, 'dev login');
      await devLogin(page, { role: '科室', department: '基层卫生科', name: '张三' });
      await expect.poll(() => page.getByRole('link', { name: '乡镇卫生院全科医生配备不足' }).count()).toBe(1);
      expect(await page.getByRole('link', { name: '民营医院监督检查覆盖面不足' }).count()).toBe(0);
      await snap(page, 'my-items');
      await expectAccessible(page, 'my items');
      await ui.finish(page);
    });
  }
});

describe('hash navigation', () => {
  it('follows a link taken the moment the first page is drawn (before the router listens)', async () => {
    const page = await ui.open(DESKTOP);
    // The instant the signed-in app first draws 我的事项, the hash moves (as a fast click on a
    // link would); the router must end on that page, not stay where it started.
    await page.evaluate(`new MutationObserver((_, observer) => {
      if (!document.querySelector('h1')?.textContent?.includes('我的事项')) return;
      observer.disconnect();
      window.location.hash = '#/inbox';
    }).observe(document.getElementById('app'), { childList: true, subtree: true })`);
    await devLogin(page, { role: '科室', department: '基层卫生科', name: '张三' }).catch(() => {});
    await page.getByRole('heading', { level: 1, name: '消息' }).waitFor({ timeout: 10_000 });
    await ui.finish(page);
  });
});
