import { execFileSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startE2eServer, type E2eServer } from '../../server/testing/e2e.js';

/**
 * Two pages people read every day, in Chromium against the real server and the demo province: a
 * centre supervisor's home page with their centre's headline figures, and the audit log in words.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const WAIT = { timeout: 20_000 };

let server: E2eServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  // The server serves dist/admin: build it from the current sources.
  execFileSync('npx', ['vite', 'build', '--config', 'admin-ui/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  [server, browser] = await Promise.all([startE2eServer({ responses: 2000 }), launchChromium()]);
}, 300_000);

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await server?.stop();
});

/** A page signed in through the real login endpoint; returns the CSRF token for API calls. */
async function signedIn(username: string): Promise<{ page: Page; csrf: string; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const password = server.demo.accounts.find((a) => a.username === username)!.password;
  const res = await page.request.post(`${server.url}/api/auth/login`, { data: { username, password }, headers: { origin: server.url } });
  expect(res.status(), await res.text()).toBe(200);
  return { page, csrf: ((await res.json()) as { csrfToken: string }).csrfToken, errors };
}

describe('a centre supervisor’s home page', () => {
  it('shows their centre’s headline figures, the same the dashboard shows', async () => {
    const { page, errors } = await signedIn('giarai.giamsat');
    await page.goto(`${server.url}/admin/dashboard`);
    const onDashboard = await page.getByTestId('overall-index').textContent(WAIT);

    await page.goto(`${server.url}/admin/`);
    const headline = page.getByRole('region', { name: 'Tổng quan' });
    await expect.poll(() => headline.getByTestId('overall-index').textContent(), WAIT).toBe(onDashboard);
    const text = (await headline.textContent())!;
    expect(text).toContain('Trung tâm Phục vụ hành chính công phường Giá Rai');
    for (const figure of ['Chỉ số hài lòng chung', 'Số phiếu', 'Tỉ lệ phản hồi', 'Mục tiêu']) expect(text).toContain(figure);
    await headline.getByRole('link', { name: 'Bảng theo dõi mức độ hài lòng' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/dashboard');
    expect(errors).toEqual([]);
  });
});

describe('the audit log', () => {
  it('says who did what in words: the username, the action’s name and what it was about, no ids or codes', async () => {
    const { page, csrf, errors } = await signedIn('admin');
    const db = new Database(server.dbFile, { readonly: true, fileMustExist: true });
    const province = db.prepare("select id from units where kind = 'province'").get() as { id: string };
    db.close();
    const created = await page.request.post(`${server.url}/api/admin/users`, {
      data: { username: 'e2e.nhatky', displayName: 'Nhật ký thử', password: 'a-long-enough-password', grants: [{ role: 'viewer', unitId: province.id }] },
      headers: { origin: server.url, 'x-csrf-token': csrf },
    });
    expect(created.status(), await created.text()).toBe(201);
    const userId = ((await created.json()) as { user: { id: string } }).user.id;

    await page.goto(`${server.url}/admin/audit`);
    const row = page.locator('table.audit tbody tr', { hasText: 'e2e.nhatky' }).first();
    await row.waitFor(WAIT);
    const text = (await row.textContent())!;
    expect(text).toContain('admin');
    expect(text).toContain('Tạo tài khoản');
    expect(text).toContain('Tài khoản: e2e.nhatky');
    // The codes and ids stay in the stored entry, not in what a person reads (the details are folded).
    const readable = await row.evaluate((tr) => (tr as HTMLElement).innerText);
    expect(readable).not.toContain('user.create');
    expect(readable).not.toContain(userId);
    // The action filter offers names too, and still filters by the recorded code.
    await page.getByLabel('Hành động').selectOption({ label: 'Tạo tài khoản' });
    await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    await expect.poll(() => page.locator('table.audit tbody tr').count(), WAIT).toBeGreaterThan(0);
    const actions = await page.locator('table.audit tbody tr td:nth-child(3)').allTextContents();
    expect(new Set(actions)).toEqual(new Set(['Tạo tài khoản']));
    expect(errors).toEqual([]);
  });
});
