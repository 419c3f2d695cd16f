import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startE2eServer, type E2eServer } from '../../../../server/testing/e2e.js';

/**
 * The exports page in Chromium against the real server and the demo province: a provincial officer
 * downloads the summary workbook and the raw CSV, opens the printable report, and imports a paper
 * file (a bad one refused with its row errors, then a good one previewed and confirmed).
 */

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots';
const WAIT = { timeout: 20_000 };

let server: E2eServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  // The server serves dist/admin: build it from the current sources.
  execFileSync('npx', ['vite', 'build', '--config', 'admin-ui/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  mkdirSync(SHOTS, { recursive: true });
  [server, browser] = await Promise.all([startE2eServer({ responses: 1500 }), launchChromium()]);
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN', acceptDownloads: true });
  const officer = server.demo.accounts.find((a) => a.role === 'provincial_officer')!;
  const login = await context.request.post(`${server.url}/api/auth/login`, {
    data: { username: officer.username, password: officer.password },
    headers: { origin: server.url },
  });
  expect(login.status()).toBe(200);
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => {
    errors.push(`dialog ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(`${server.url}/admin/exports`);
  await page.getByRole('heading', { level: 1, name: 'Xuất báo cáo và nhập phiếu giấy' }).waitFor(WAIT);
}, 300_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
});

async function download(name: RegExp): Promise<{ file: string; suggested: string }> {
  const [event] = await Promise.all([page.waitForEvent('download', WAIT), page.getByRole('link', { name }).click()]);
  const file = path.join(SHOTS, `download-${event.suggestedFilename()}`);
  await event.saveAs(file);
  return { file, suggested: event.suggestedFilename() };
}

describe('exports page', () => {
  it('is in the navigation and passes axe', async () => {
    await expect(page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Xuất, nhập dữ liệu' }).count()).resolves.toBe(1);
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.nodes.length}`)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'exports-page.png'), fullPage: true });
  });

  it('downloads the summary workbook and the raw CSV for the chosen unit', async () => {
    await page.getByLabel('Đơn vị', { exact: true }).selectOption({ label: '\u2003Phường Giá Rai (31942)' });
    const summary = await download(/^Tải xuống: Tổng hợp SIPAS/);
    expect(summary.suggested).toMatch(/^sipas-tong-hop_31942_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(summary.file);
    expect(workbook.worksheets.map((s) => s.name)).toContain('Phương pháp');

    await page.getByLabel('Loại dữ liệu').selectOption('raw-csv');
    const raw = await download(/^Tải xuống: Phiếu khảo sát thô \(CSV\)/);
    const bytes = readFileSync(raw.file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('31942-TTPVHCC');
    expect(bytes.toString('utf8')).not.toContain('31825-TTPVHCC');
  });

  it('opens the printable report in a new tab', async () => {
    await page.getByLabel('Loại dữ liệu').selectOption('report');
    const [tab] = await Promise.all([context.waitForEvent('page', WAIT), page.getByRole('link', { name: 'Mở báo cáo' }).click()]);
    await tab.getByRole('heading', { level: 1 }).waitFor(WAIT);
    expect(await tab.getByRole('heading', { level: 1 }).textContent()).toBe('Báo cáo kết quả khảo sát mức độ hài lòng');
    await tab.close();
  });

  it('refuses a paper file with a bad row, listing it, then imports a good one after a preview', async () => {
    const header = 'Mã phiếu,Mã đơn vị,Mã quầy,Thời điểm (giờ Việt Nam),Bộ câu hỏi,QUAY.1,QUAY.2,QUAY.3,QUAY.4,QUAY.ALL,Góp ý';
    const good = [',31942-TTPVHCC,Q1,02/11/2026 09:30,QUAY@1,5,4,4,KYK,5,Phiếu giấy 1', ',31942-TTPVHCC,Q2,02/11/2026 10:15,QUAY@1,3,2,3,,2,"Chờ lâu, <b>không</b> rõ"'];
    const panel = page.getByRole('form', { name: 'Nhập phiếu khảo sát giấy' });
    await panel.getByLabel('Nhập vào đơn vị').selectOption({ label: '\u2003\u2003Trung tâm Phục vụ hành chính công phường Giá Rai (31942-TTPVHCC)' });

    await panel.getByLabel('Tệp phiếu (CSV hoặc Excel)').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from([header, good[0], ',31942-TTPVHCC,Q1,02/11/2026,QUAY@1,9,,,,,'].join('\r\n')) });
    await panel.getByRole('button', { name: 'Kiểm tra' }).click();
    await page.getByRole('alert').filter({ hasText: 'Có 1 lỗi' }).waitFor(WAIT);
    const errorRow = page.getByRole('region', { name: /lỗi/ }).getByRole('row').nth(1);
    expect(await errorRow.textContent()).toContain('3');
    expect(await errorRow.textContent()).toContain('QUAY.1');
    expect(await panel.getByRole('button', { name: 'Xác nhận nhập' }).count()).toBe(0);

    await panel.getByLabel('Tệp phiếu (CSV hoặc Excel)').setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from([header, ...good].join('\r\n')) });
    await panel.getByRole('button', { name: 'Kiểm tra' }).click();
    await page.getByRole('status').filter({ hasText: '2 dòng hợp lệ: 2 phiếu mới' }).waitFor(WAIT);
    expect(await page.getByRole('region', { name: 'Kiểm tra' }).textContent()).toContain('Chờ lâu, <b>không</b> rõ');
    await page.screenshot({ path: path.join(SHOTS, 'exports-import-preview.png'), fullPage: true });
    await panel.getByRole('button', { name: 'Xác nhận nhập' }).click();
    await page.getByRole('status').filter({ hasText: 'Đã nhập 2 phiếu mới' }).waitFor(WAIT);
    expect(errors).toEqual([]);
  });
});
