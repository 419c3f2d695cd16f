import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { generate } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startE2eServer, type E2eServer } from '../../server/testing/e2e.js';

/**
 * Staff sign-in in Chromium against the real server, with TOTP required of system administrators as
 * in production (issue #20, acceptance 2): the administrator enrols TOTP (codes computed here with
 * otplib from the secret the page shows), signs out, cannot get past the password alone, signs in
 * with a code, and with a recovery code once (the same recovery code a second time fails).
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const WAIT = { timeout: 20_000 };

let server: E2eServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  execFileSync('npx', ['vite', 'build', '--config', 'admin-ui/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  [server, browser] = await Promise.all([
    startE2eServer({ responses: 200, env: { TOTP_REQUIRED_ROLES: 'system_admin,provincial_officer' } }),
    launchChromium(),
  ]);
}, 300_000);

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await server?.stop();
});

async function newPage(): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}

const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

async function signInWithPassword(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${server.url}/admin/`);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
}

/** An admin call made from the page with its cookie and CSRF token, as the app would make it. */
async function adminCall(page: Page, path: string): Promise<{ status: number; code: string | undefined }> {
  return page.evaluate(async (p) => {
    const res = await fetch(p, { headers: { accept: 'application/json' } });
    const body = (await res.json()) as { error?: { code: string } };
    return { status: res.status, code: body.error?.code };
  }, path);
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Đăng xuất' }).first().click();
  await expect.poll(() => page.getByLabel('Tên đăng nhập').count(), WAIT).toBe(1);
}

/** The code the app shows `ahead` steps from now (the server accepts the next step too). */
const codeFor = (secret: string, ahead = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + ahead * 30 });

describe('an administrator with TOTP required', () => {
  it('enrols, then signs in only with a code or a recovery code, each recovery code once', async () => {
    const admin = server.demo.accounts.find((a) => a.username === 'admin')!;
    const { page, errors } = await newPage();

    // 1. The password alone leads to enrolment and nothing else.
    await signInWithPassword(page, admin.username, admin.password);
    await expect.poll(() => heading(page), WAIT).toBe('Bật xác thực hai bước');
    await page.goto(`${server.url}/admin/users`);
    await expect.poll(() => heading(page), WAIT).toBe('Bật xác thực hai bước');
    expect(await page.getByRole('navigation', { name: 'Điều hướng chính' }).count()).toBe(0);
    expect(await adminCall(page, '/api/admin/users')).toEqual({ status: 403, code: 'totp_enrolment_required' });

    // 2. Enrol: the secret from the page, a code from it, the recovery codes shown once.
    await page.getByRole('button', { name: 'Bắt đầu' }).click();
    await expect.poll(() => page.getByRole('img', { name: /Mã QR/ }).count(), WAIT).toBe(1);
    const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await page.getByLabel('Mã xác thực (6 chữ số)').fill(await codeFor(secret));
    await page.getByRole('button', { name: 'Bật xác thực hai bước' }).click();
    await expect.poll(() => page.locator('.recovery-codes li').count(), WAIT).toBe(10);
    const recoveryCodes = (await page.locator('.recovery-codes code').allTextContents()).map((c) => c.trim());
    expect(recoveryCodes.every((c) => /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/.test(c))).toBe(true);
    await page.getByRole('button', { name: 'Tôi đã lưu các mã, tiếp tục' }).click();
    // Now the page asked for earlier opens.
    await expect.poll(() => heading(page), WAIT).toBe('Tài khoản và vai trò');
    expect((await adminCall(page, '/api/admin/users')).status).toBe(200);
    await signOut(page);

    // 3. Signed out: the password alone is not enough.
    await signInWithPassword(page, admin.username, admin.password);
    await expect.poll(() => heading(page), WAIT).toBe('Xác thực hai bước');
    await page.goto(`${server.url}/admin/dashboard`);
    await expect.poll(() => heading(page), WAIT).toBe('Xác thực hai bước');
    expect(await adminCall(page, '/api/admin/dashboard/options')).toEqual({ status: 403, code: 'second_factor_required' });
    const right = await codeFor(secret, 1);
    await page.getByLabel('Mã xác thực (6 chữ số)').fill(right === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Xác nhận' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), WAIT).toContain('Mã không đúng');

    // 4. With the code it signs in, on the page asked for.
    await page.getByLabel('Mã xác thực (6 chữ số)').fill(right);
    await page.getByRole('button', { name: 'Xác nhận' }).click();
    await expect.poll(() => heading(page), WAIT).toBe('Bảng theo dõi mức độ hài lòng');
    await signOut(page);

    // 5. With a recovery code, once.
    for (const attempt of ['first', 'again'] as const) {
      await signInWithPassword(page, admin.username, admin.password);
      await expect.poll(() => heading(page), WAIT).toBe('Xác thực hai bước');
      await page.getByRole('button', { name: /Dùng mã khôi phục/ }).click();
      await page.getByLabel('Mã khôi phục').fill(recoveryCodes[0]!);
      await page.getByRole('button', { name: 'Xác nhận' }).click();
      if (attempt === 'first') {
        await expect.poll(() => heading(page), WAIT).toContain('Xin chào');
        await signOut(page);
      } else {
        await expect.poll(() => page.getByRole('alert').textContent(), WAIT).toContain('Mã không đúng hoặc đã được dùng');
        expect(await heading(page)).toBe('Xác thực hai bước');
      }
    }
    // Another recovery code still works.
    await page.getByLabel('Mã khôi phục').fill(recoveryCodes[1]!);
    await page.getByRole('button', { name: 'Xác nhận' }).click();
    await expect.poll(() => heading(page), WAIT).toContain('Xin chào');

    // The account page lists this session and the two-step state.
    await page.goto(`${server.url}/admin/account`);
    await expect.poll(() => page.getByRole('heading', { name: 'Các phiên đăng nhập' }).count(), WAIT).toBe(1);
    await expect.poll(() => page.getByText('Phiên này').count(), WAIT).toBeGreaterThan(0);
    await expect.poll(() => page.getByText(/Còn 8 mã khôi phục/).count(), WAIT).toBe(1);
    expect(errors).toEqual([]);
  }, 180_000);
});
