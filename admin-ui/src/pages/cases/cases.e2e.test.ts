import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertList, CaseList } from '../../../../schema/alerts.js';
import { launchChromium, startE2eServer, type E2eServer } from '../../../../server/testing/e2e.js';

/**
 * Issue 18, acceptance 1, in Chromium against the real server on the demo province as `npm start`
 * seeds it (10 000 answers) with the default rules: the Giá Rai centre has an alert for staff
 * attitude (QUAY.2) at counter 3 and its case is in the supervisor's inbox on the home page; the
 * supervisor takes it from mới through đang xử lý to đã xử lý with notes; the provincial officer
 * sees it resolved with its time to resolution.
 */

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots';
const WAIT = { timeout: 20_000 };
const ATTITUDE_AT_COUNTER_3 = /^Thái độ công chức – Quầy 3/;

let server: E2eServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const errors: string[] = [];

async function signIn(username: string): Promise<{ context: BrowserContext; page: Page }> {
  const account = server.demo.accounts.find((a) => a.username === username)!;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
  contexts.push(context);
  const login = await context.request.post(`${server.url}/api/auth/login`, { data: { username, password: account.password }, headers: { origin: server.url } });
  expect(login.status()).toBe(200);
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page };
}

beforeAll(async () => {
  // The server serves dist/admin: build it from the current sources.
  execFileSync('npx', ['vite', 'build', '--config', 'admin-ui/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  mkdirSync(SHOTS, { recursive: true });
  [server, browser] = await Promise.all([startE2eServer({ responses: 10_000 }), launchChromium()]);
}, 300_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.stop();
});

describe('from an alert to a resolved case', () => {
  let caseId: string;

  it('the Giá Rai supervisor finds the staff-attitude alert at counter 3 and its case in the inbox, and takes it to đã xử lý with notes', async () => {
    const { context, page } = await signIn('giarai.giamsat');
    const alerts = (await (await context.request.get(`${server.url}/api/admin/alerts?rule=low_score`)).json()) as AlertList;
    const alert = alerts.items.find((a) => a.detail.criterion === 'QUAY.2' && a.detail.counter?.code === 'Q3');
    expect(alert, JSON.stringify(alerts.items.map((a) => a.title))).toBeDefined();
    expect(alert!.unit.name).toContain('Giá Rai');
    expect(alert!.detail.upper!).toBeLessThan(alert!.detail.target!);
    expect(alert!.detail.n!).toBeGreaterThanOrEqual(30);
    caseId = alert!.caseId!;

    await page.goto(`${server.url}/admin/`);
    const inbox = page.getByRole('region', { name: 'Hộp việc: hồ sơ xử lý phản ánh' });
    const link = inbox.getByRole('link', { name: alert!.title });
    await link.waitFor(WAIT);
    await link.click();
    await page.getByRole('heading', { level: 1, name: alert!.title }).waitFor(WAIT);
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.nodes.length}`)).toEqual([]);

    const form = page.getByRole('form', { name: 'Cập nhật hồ sơ' });
    await form.getByLabel('Chuyển trạng thái').selectOption({ label: 'Đang xử lý' });
    await form.getByLabel('Ghi chú').fill('Đã trao đổi với cán bộ quầy 3');
    await form.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã trao đổi với cán bộ quầy 3').waitFor(WAIT);
    await form.getByLabel('Chuyển trạng thái').selectOption({ label: 'Đã xử lý' });
    await form.getByLabel('Ghi chú').fill('Đã nhắc nhở, theo dõi thêm một tháng');
    await form.getByLabel('Kết quả xử lý').fill('Cán bộ quầy 3 được nhắc nhở về thái độ phục vụ');
    await form.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã nhắc nhở, theo dõi thêm một tháng').waitFor(WAIT);
    await expect(page.getByText('Đang xử lý → Đã xử lý').count()).resolves.toBe(1);
    await page.getByTestId('time-to-resolution').waitFor(WAIT);
    await page.screenshot({ path: path.join(SHOTS, 'case-resolved.png'), fullPage: true });
  });

  it('the provincial officer sees the case resolved, with its time to resolution, among the cases of the whole province', async () => {
    const { context, page } = await signIn('camau.tinh');
    const resolved = (await (await context.request.get(`${server.url}/api/admin/cases?status=resolved`)).json()) as CaseList;
    const seen = resolved.items.find((c) => c.id === caseId)!;
    expect(seen.hoursToResolution).not.toBeNull();
    expect(resolved.summary.meanHoursToResolution).not.toBeNull();
    await page.goto(`${server.url}/admin/cases`);
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ xử lý phản ánh' }).waitFor(WAIT);
    await page.getByRole('combobox', { name: 'Trạng thái' }).selectOption({ label: 'Đã xử lý' });
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: ATTITUDE_AT_COUNTER_3 }) });
    await row.waitFor(WAIT);
    await expect(row.getByRole('cell').last().textContent()).resolves.toBe(`${seen.hoursToResolution} giờ`);
    await expect(page.getByText(/^Thời gian xử lý trung bình: /).count()).resolves.toBe(1);
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.nodes.length}`)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
