import { execFile } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DESKTOP,
  expectAccessible,
  PHONE,
  SAMPLE,
  snap,
  useConsole,
  useScratch,
} from '../support/browser.ts';
import { storeEvidence } from '../support/evidence.ts';

/**
 * The auditor's journey, through the UI only: pick the inspection, request an archive of one
 * 科室, watch it build, download it and the public key, and `rectify verify` (the real CLI, as a
 * separate process) accepts the downloaded file; the fingerprint on the page is the API's.
 */
const root = path.resolve(import.meta.dirname, '../..');
const INSPECTION = SAMPLE.id;
const TITLE = SAMPLE.title;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const pdf = Buffer.from('%PDF-1.7\n% 签约服务整改报告\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');

const work = useScratch('auditor');
const ui = useConsole('auditor');
let publicKeySha256 = '';
let archiveFile = '';
let keyFile = '';

beforeAll(async () => {
  const { api } = ui;
  const clerk = { role: 'department', department: '基层卫生科', name: '张三' } as const;
  // One stored file in the 科室 the archive asks for, one in another (left out by the filter).
  await storeEvidence(api, clerk, `${INSPECTION}.1.1.2`, {
    bytes: pdf,
    fileName: '签约服务整改报告.pdf',
    contentType: 'application/pdf',
  });
  await storeEvidence(api, { role: 'admin', name: '整改办' }, `${INSPECTION}.2.1.1`, {
    bytes: pdf,
    fileName: '清退凭证.pdf',
    contentType: 'application/pdf',
  });
  const key = await api.get('/archives/public-key', { role: 'auditor', name: '王审计' });
  expect(key.status).toBe(200);
  publicKeySha256 = key.json.publicKeySha256;
  expect(publicKeySha256).toMatch(/^[0-9a-f]{64}$/);
}, 120_000);

async function rectifyVerify(file: string, pem: string) {
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(root, 'cli/rectify.ts'), 'verify', file, '--public-key', pem],
      { cwd: root, env: process.env },
    );
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: `${failed.stdout}${failed.stderr}` };
  }
}

/** The fingerprint as the page shows it: the groups, without the line numbers beside them. */
async function shownFingerprint(page: Page): Promise<string> {
  const groups = await page.locator('.fingerprint .fp-group').allTextContents();
  return groups.join('').replace(/\s+/g, '');
}

async function signInAsAuditor(viewport: typeof DESKTOP | typeof PHONE): Promise<Page> {
  const page = await ui.signIn({ role: '审计', name: '王审计' }, viewport);
  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '证据包' }).click();
  await page.getByRole('heading', { name: '证据包', exact: true }).waitFor();
  return page;
}

describe('the auditor’s archive desk', () => {
  it('requests an archive of one 科室, downloads it, and rectify verify accepts the file', async () => {
    const page = await signInAsAuditor(DESKTOP);
    // The chooser: the inspections, read-only, and the key's fingerprint as the API gives it.
    await page.locator('.fingerprint').waitFor();
    expect(await shownFingerprint(page)).toBe(publicKeySha256);
    await snap(page, 'archives-choose');
    await expectAccessible(page, 'archives: choose an inspection');

    await page.getByRole('link', { name: TITLE }).click();
    await page.getByRole('heading', { name: '申请证据包' }).waitFor();
    await page.getByLabel('责任科室').selectOption('基层卫生科');
    await page.getByRole('button', { name: '申请证据包' }).click();

    const current = page.getByRole('region', { name: '当前证据包' });
    const downloadLink = current.getByRole('link', { name: '下载' });
    await downloadLink.waitFor({ timeout: 60_000 });
    await expect.poll(() => current.getByRole('status').textContent()).toMatch(/已生成/);
    expect(await current.textContent()).toContain('基层卫生科');
    // The list shows it too, with its filter.
    const list = page.getByRole('region', { name: '已申请的证据包' });
    await expect.poll(() => list.getByRole('row').count()).toBe(2);
    expect(await list.getByRole('row').nth(1).textContent()).toMatch(/基层卫生科.*已生成/);
    await snap(page, 'archives-ready');
    await expectAccessible(page, 'archives: ready');

    // A real download: the link's presigned URL answers Content-Disposition: attachment.
    const [download] = await Promise.all([page.waitForEvent('download'), downloadLink.click()]);
    archiveFile = path.join(work, 'archive.zip');
    await download.saveAs(archiveFile);
    const shownHash = await current.locator('dd.hash').textContent();
    expect(sha256(readFileSync(archiveFile))).toBe(shownHash);

    const [keyDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '下载公钥（PEM）' }).click(),
    ]);
    keyFile = path.join(work, 'key.pem');
    await keyDownload.saveAs(keyFile);
    // The fingerprint is the key file's own (what the page's openssl line computes).
    const der = createPublicKey(readFileSync(keyFile, 'utf8')).export({ type: 'spki', format: 'der' });
    expect(sha256(der)).toBe(publicKeySha256);
    expect(await shownFingerprint(page)).toBe(publicKeySha256);

    const verified = await rectifyVerify(archiveFile, keyFile);
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toMatch(/核验通过：签名有效/);
    // Only the 科室's one evidence file: the filter reached the archive.
    expect(verified.stdout).toMatch(/1 份佐证材料/);
    await ui.finish(page);
  });

  it('works at phone width: the desk, the earlier archive, its download link', async () => {
    const page = await signInAsAuditor(PHONE);
    await page.locator('.fingerprint').waitFor();
    await snap(page, 'archives-choose');
    await expectAccessible(page, 'archives: choose (phone)');
    await page.getByRole('link', { name: TITLE }).click();
    const list = page.getByRole('region', { name: '已申请的证据包' });
    await list.getByRole('button', { name: /查看/ }).first().click();
    const current = page.getByRole('region', { name: '当前证据包' });
    await current.getByRole('link', { name: '下载' }).waitFor();
    // Nothing wider than the phone: no sideways scrolling of the page itself.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    await snap(page, 'archives-ready');
    await expectAccessible(page, 'archives: ready (phone)');
    await ui.finish(page);
  });
});
