import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReviewPage } from '../../../../schema/review.js';
import { launchChromium, startE2eServer, type E2eServer } from '../../../../server/testing/e2e.js';

/**
 * The review page in Chromium against the real server and the demo province: a burst of answers
 * from one address to a Giá Rai counter is flagged past the address limit, and Giá Rai's supervisor
 * finds it as one hour at one point, rejects the burst and accepts one answer back.
 */

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots';
const WAIT = { timeout: 20_000 };
const LIMIT = 5;
const BURST = 20;

let server: E2eServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const errors: string[] = [];

const ALL_ONES = { 'QUAY.1': 1, 'QUAY.2': 1, 'QUAY.3': 1, 'QUAY.4': 1, 'QUAY.ALL': 1 };

beforeAll(async () => {
  // The server serves dist/admin: build it from the current sources.
  execFileSync('npx', ['vite', 'build', '--config', 'admin-ui/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  mkdirSync(SHOTS, { recursive: true });
  [server, browser] = await Promise.all([startE2eServer({ responses: 500, env: { ADDRESS_LIMIT_PER_HOUR: String(LIMIT) } }), launchChromium()]);
  for (let i = 0; i < BURST; i++) {
    const res = await fetch(`${server.url}/api/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': `phone-${randomUUID()}` },
      body: JSON.stringify({ id: randomUUID(), code: server.surveyCode, instrumentId: 'QUAY@1', answers: ALL_ONES, deviceMark: randomUUID() }),
    });
    expect(res.status).toBe(201);
  }
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
  const supervisor = server.demo.accounts.find((a) => a.username === 'giarai.giamsat')!;
  const login = await context.request.post(`${server.url}/api/auth/login`, {
    data: { username: supervisor.username, password: supervisor.password },
    headers: { origin: server.url },
  });
  expect(login.status()).toBe(200);
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  // The page confirms each decision: say yes.
  page.on('dialog', (d) => void d.accept());
  await page.goto(`${server.url}/admin/review`);
  await page.getByRole('heading', { level: 1, name: 'Duyệt phiếu nghi vấn' }).waitFor(WAIT);
}, 300_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
});

const reviewState = async (query = '') => (await (await context.request.get(`${server.url}/api/admin/review${query}`)).json()) as ReviewPage;

describe('review page', () => {
  it('is in the navigation, shows the burst as one hour at one point, and passes axe', async () => {
    await expect(page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Duyệt phiếu nghi vấn' }).count()).resolves.toBe(1);
    const groups = page.getByRole('region', { name: 'Theo điểm khảo sát và giờ' });
    const burstRow = groups.getByRole('row').filter({ hasText: 'Quá nhiều phiếu từ một địa chỉ mạng' });
    await burstRow.waitFor(WAIT);
    await expect(burstRow.getByRole('cell').nth(1).textContent()).resolves.toBe(String(BURST - LIMIT));
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.nodes.length}`)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'review-page.png'), fullPage: true });
  });

  it('rejects the whole burst, then accepts one answer back into the scores', async () => {
    const before = await reviewState();
    const burstRow = page.getByRole('region', { name: 'Theo điểm khảo sát và giờ' }).getByRole('row').filter({ hasText: 'Quá nhiều phiếu từ một địa chỉ mạng' });
    await burstRow.getByRole('button', { name: 'Xem các phiếu' }).click();
    const answers = page.getByRole('region', { name: 'Phiếu', exact: true });
    await page.getByText(/^Đang xem:/).waitFor(WAIT);
    await expect(answers.getByRole('row').count()).resolves.toBe(BURST - LIMIT + 1);
    await page.getByRole('checkbox', { name: 'Chọn mọi phiếu trên trang' }).check();
    await page.getByRole('button', { name: 'Loại phiếu đã chọn' }).click();
    await page.getByRole('status').filter({ hasText: `Đã cập nhật ${BURST - LIMIT} phiếu` }).waitFor(WAIT);
    const afterReject = await reviewState();
    expect(afterReject.counts).toEqual({ pending: before.counts.pending - (BURST - LIMIT), accepted: 0, rejected: BURST - LIMIT });

    await page.getByLabel('Trạng thái').selectOption('rejected');
    await answers.getByRole('button', { name: 'Chấp nhận', exact: true }).first().click();
    await page.getByRole('status').filter({ hasText: 'Đã cập nhật 1 phiếu' }).waitFor(WAIT);
    expect((await reviewState()).counts).toMatchObject({ accepted: 1, rejected: BURST - LIMIT - 1 });
    expect(errors).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'review-page-rejected.png'), fullPage: true });
  });
});
