import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startE2eServer, type E2eServer } from '../../server/testing/e2e.js';
import { startReceiver, type Receiver } from '../../server/testing/webhook-receiver.js';

/** The webhooks page in Chromium against the real server: subscribe, keep the secret, send a test event, read the log. */

const ROOT = path.resolve(import.meta.dirname, '../..');
const WAIT = { timeout: 20_000 };

let server: E2eServer;
let browser: Browser;
let receiver: Receiver;
let secret = '';
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  execFileSync('npx', ['vite', 'build', '--config', 'admin-ui/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  [server, browser, receiver] = await Promise.all([startE2eServer({ responses: 100 }), launchChromium(), startReceiver(() => secret)]);
}, 300_000);

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await server?.stop();
  await receiver?.close();
});

describe('the webhooks page', () => {
  it('a system administrator subscribes an address, sees the secret once, sends a test event and reads it delivered in the log', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const password = server.demo.accounts.find((a) => a.username === 'admin')!.password;
    const login = await page.request.post(`${server.url}/api/auth/login`, { data: { username: 'admin', password }, headers: { origin: server.url } });
    expect(login.status()).toBe(200);

    await page.goto(`${server.url}/admin/webhooks`);
    await page.getByRole('heading', { name: 'Webhook và nhật ký gửi' }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Thêm địa chỉ nhận' }).click();
    await page.getByLabel('Địa chỉ nhận (http:// hoặc https://)').fill(receiver.url);
    await page.getByRole('button', { name: 'Thêm', exact: true }).click();
    secret = (await page.locator('.secret-value').textContent(WAIT))!;
    expect(secret).toMatch(/^whsec_/);
    const subscriptions = page.getByRole('region', { name: 'Địa chỉ nhận' });
    await subscriptions.getByRole('row', { name: receiver.url }).getByRole('button', { name: /Gửi sự kiện thử/ }).click();
    await page.getByText('Đã xếp sự kiện thử vào hàng gửi.').waitFor(WAIT);
    await expect.poll(() => receiver.received.length, WAIT).toBe(1);
    expect(receiver.received[0]!.signatureOk).toBe(true);
    expect(receiver.received[0]!.body.data).toEqual({ test: true });
    await page.getByRole('button', { name: 'Tải lại' }).click();
    const log = page.getByRole('region', { name: 'Nhật ký gửi gần đây' });
    await expect.poll(() => log.getByText('Đã gửi').count(), WAIT).toBe(1);

    // A reload no longer shows the secret.
    await page.reload();
    await subscriptions.getByRole('row', { name: receiver.url }).waitFor(WAIT);
    expect(await page.locator('.secret-value').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 120_000);
});
