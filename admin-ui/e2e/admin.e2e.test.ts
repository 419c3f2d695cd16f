import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startE2eServer, type E2eServer } from '../../server/testing/e2e.js';

/**
 * The admin shell in Chromium against the real server and the demo province: signing in through
 * the page, a centre supervisor who edits the URL to another centre's pages and gets a clear 403,
 * the pages of a system administrator (screenshots at desktop and tablet sizes), and accessibility.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const SHOTS = '/tmp/shots';
/** Sign-in runs scrypt at full cost on a busy machine: polls wait this long. */
const WAIT = { timeout: 20_000 };
const SIZES = { desktop: { width: 1280, height: 800 }, tablet: { width: 768, height: 1024 } } as const;

let server: E2eServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const account = (username: string) => server.demo.accounts.find((a) => a.username === username)!;

function row<T>(sql: string, ...params: unknown[]): T {
  const d = new Database(server.dbFile, { fileMustExist: true, readonly: true });
  try {
    return d.prepare(sql).get(...params) as T;
  } finally {
    d.close();
  }
}

beforeAll(async () => {
  // The server serves dist/admin: build it from the current sources.
  execFileSync('npx', ['vite', 'build', '--config', 'admin-ui/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  mkdirSync(SHOTS, { recursive: true });
  [server, browser] = await Promise.all([startE2eServer({ responses: 300 }), launchChromium()]);
}, 300_000);

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await server?.stop();
});

/** A page that fails the test on any script error or dialog it did not expect. */
async function newPage(size: keyof typeof SIZES = 'desktop'): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: SIZES[size], locale: 'vi-VN' });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}

async function signInThroughPage(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${server.url}/admin/`);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
}

async function expectAccessible(page: Page, where: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${where}: ${v.id} ${v.nodes[0]?.target.join(' ')}`)).toEqual([]);
}

describe('signing in', () => {
  it('answers a wrong password with the generic message and keeps the user on the sign-in page', async () => {
    const { page, errors } = await newPage();
    await signInThroughPage(page, 'camau.tinh', 'not-the-password');
    await expect.poll(() => page.getByRole('alert').textContent(), WAIT).toContain('Tên đăng nhập hoặc mật khẩu không đúng');
    await expectAccessible(page, 'login');
    await page.screenshot({ path: `${SHOTS}/admin-login-error-1280.png` });
    expect(errors).toEqual([]);
  });
});

describe('a centre supervisor', () => {
  it('signs in, sees their centre, and gets a clear 403 page for another centre’s pages reached by editing the URL', async () => {
    const mine = row<{ id: string; name: string }>("select id, name from units where code = ?", server.demo.centreCode);
    const theirsCode = account('baclieu.giamsat').unitCode!;
    const theirs = row<{ id: string; name: string }>("select id, name from units where code = ? and kind = 'centre'", theirsCode);
    const theirCounter = row<{ id: string; name: string }>('select id, name from counters where unit_id = ?', theirs.id);
    const { page, errors } = await newPage();
    const seen: string[] = [];
    page.on('response', async (res) => {
      if (res.url().includes('/api/') && res.status() < 300) seen.push(await res.text().catch(() => ''));
    });

    const me = account('giarai.giamsat');
    await signInThroughPage(page, me.username, me.password);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), WAIT).toContain('Xin chào');
    await page.getByRole('link', { name: new RegExp(mine.name) }).first().click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), WAIT).toBe(mine.name);
    await expect.poll(() => page.getByRole('heading', { name: 'Quầy' }).count(), WAIT).toBe(1);

    for (const url of [`/admin/units/${theirs.id}`, `/admin/counters/${theirCounter.id}`, '/admin/users', '/admin/audit']) {
      await page.goto(`${server.url}${url}`);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { ...WAIT, message: url }).toBe('403 – Không có quyền truy cập');
      await expect.poll(() => page.locator('main').textContent(), WAIT).not.toContain(theirs.name);
    }
    await page.screenshot({ path: `${SHOTS}/admin-403-1280.png` });
    await expectAccessible(page, '403');
    // Nothing about the other centre reached the browser in any successful answer either.
    expect(seen.filter((body) => body.includes(theirs.id) || body.includes(theirs.name))).toEqual([]);
    // The navigation offers only what the role allows.
    const nav = await page.getByRole('navigation', { name: 'Điều hướng chính' }).textContent();
    expect(nav).toContain('Đơn vị & quầy');
    expect(nav).not.toContain('Tài khoản và vai trò');
    expect(nav).not.toContain('Nhật ký thay đổi');
    expect(errors).toEqual([]);
  });
});

describe('a system administrator', () => {
  it('reaches every admin page, at desktop and tablet sizes, with no serious accessibility violation', async () => {
    const province = row<{ id: string }>("select id from units where kind = 'province' and code = '96'");
    const centre = row<{ id: string }>('select id from units where code = ?', server.demo.centreCode);
    const counter = row<{ id: string }>('select id from counters where unit_id = ?', centre.id);
    const officer = row<{ id: string }>("select id from users where username = 'giarai.giamsat'");
    const pages: [string, string, string][] = [
      ['home', '/admin/', 'Xin chào'],
      ['units', '/admin/units', 'Đơn vị và quầy'],
      ['province', `/admin/units/${province.id}`, 'Tỉnh Cà Mau'],
      ['centre', `/admin/units/${centre.id}`, 'Trung tâm'],
      ['counter', `/admin/counters/${counter.id}`, 'Quầy'],
      ['staff', '/admin/staff', 'Cán bộ tiếp nhận'],
      ['procedures', '/admin/procedures', 'Thủ tục hành chính'],
      ['import', '/admin/import', 'Nhập danh mục'],
      ['users', '/admin/users', 'Tài khoản và vai trò'],
      ['user', `/admin/users/${officer.id}`, 'Sửa tài khoản'],
      ['user-new', '/admin/users/new', 'Tạo tài khoản'],
      ['apikeys', '/admin/apikeys', 'Khóa API'],
      ['audit', '/admin/audit', 'Nhật ký thay đổi'],
      ['account', '/admin/account', 'Tài khoản của tôi'],
    ];
    const admin = account('admin');
    for (const size of ['desktop', 'tablet'] as const) {
      const { page, errors } = await newPage(size);
      await signInThroughPage(page, admin.username, admin.password);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), WAIT).toContain('Xin chào');
      for (const [name, url, heading] of pages) {
        await page.goto(`${server.url}${url}`);
        await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { ...WAIT, message: url }).toContain(heading);
        await page.waitForLoadState('networkidle');
        await page.screenshot({ path: `${SHOTS}/admin-${name}-${SIZES[size].width}.png`, fullPage: size === 'desktop' });
        if (size === 'desktop') await expectAccessible(page, name);
      }
      expect(errors).toEqual([]);
    }
  }, 240_000);

  it('previews an import with a bad row (nothing written), then imports the fixed file', async () => {
    const province = row<{ id: string }>("select id from units where kind = 'province' and code = '96'");
    const before = row<{ n: number }>('select count(*) as n from procedures').n;
    const { page, errors } = await newPage();
    const admin = account('admin');
    await signInThroughPage(page, admin.username, admin.password);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), WAIT).toContain('Xin chào');
    await page.goto(`${server.url}/admin/import?unitId=${province.id}`);
    await page.getByLabel('Loại danh mục').selectOption('procedures');
    await page.getByLabel('Nhập vào đơn vị').selectOption(province.id);
    const bad = path.join(SHOTS, 'e2e-procedures-bad.csv');
    writeFileSync(bad, 'Mã TTHC,Tên TTHC,Lĩnh vực\n9.900001,Thủ tục thử,Hộ tịch\n9.900002,,Hộ tịch\n');
    await page.locator('input[type=file]').setInputFiles(bad);
    await page.getByRole('button', { name: 'Xem trước' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent(), WAIT).toContain('Có 1 lỗi');
    await expect.poll(() => page.locator('table').first().textContent(), WAIT).toContain('Ô trống');
    await page.screenshot({ path: `${SHOTS}/admin-import-errors-1280.png`, fullPage: true });
    expect(row<{ n: number }>('select count(*) as n from procedures').n).toBe(before);

    const good = path.join(SHOTS, 'e2e-procedures-good.csv');
    writeFileSync(good, 'Mã TTHC,Tên TTHC,Lĩnh vực\n9.900001,Thủ tục thử,Hộ tịch\n9.900002,Thủ tục thử hai,Hộ tịch\n');
    await page.locator('input[type=file]').setInputFiles(good);
    await page.getByRole('button', { name: 'Xem trước' }).click();
    await page.getByRole('button', { name: 'Nhập dữ liệu' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent(), WAIT).toContain('Đã nhập: 2 thêm mới');
    expect(row<{ n: number }>('select count(*) as n from procedures').n).toBe(before + 2);
    expect(errors).toEqual([]);
  });

  it('says why a file past the upload bounds is refused, and how many errors a long list leaves out (issue #21)', async () => {
    const province = row<{ id: string }>("select id from units where kind = 'province' and code = '96'");
    const { page, errors } = await newPage();
    const admin = account('admin');
    await signInThroughPage(page, admin.username, admin.password);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), WAIT).toContain('Xin chào');
    await page.goto(`${server.url}/admin/import?unitId=${province.id}`);
    await page.getByLabel('Loại danh mục').selectOption('counters');
    await page.getByLabel('Nhập vào đơn vị').selectOption(province.id);

    const wide = path.join(SHOTS, 'e2e-counters-wide.csv');
    writeFileSync(wide, `unit_code,code,name,${Array.from({ length: 300 }, (_, i) => `extra${i}`).join(',')}\n`);
    await page.locator('input[type=file]').setInputFiles(wide);
    await page.getByRole('button', { name: 'Xem trước' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent(), WAIT).toContain('Dòng 1 có dữ liệu ở cột thứ 201: tệp nhập có tối đa 200 cột');
    await page.screenshot({ path: `${SHOTS}/admin-import-too-wide-1280.png`, fullPage: true });

    const wrong = path.join(SHOTS, 'e2e-counters-wrong.csv');
    writeFileSync(wrong, ['unit_code,code,name', ...Array.from({ length: 700 }, (_, i) => `,bad code ${i},Quầy ${i}`)].join('\n'));
    await page.locator('input[type=file]').setInputFiles(wrong);
    await page.getByRole('button', { name: 'Xem trước' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent(), WAIT).toContain('Có 1.400 lỗi');
    await expect.poll(() => page.getByText('… và 900 lỗi nữa không liệt kê ở đây').count(), WAIT).toBe(1);
    expect(await page.locator('table tbody tr').count()).toBe(500);
    await page.screenshot({ path: `${SHOTS}/admin-import-error-list-cut-1280.png` });
    expect(errors).toEqual([]);
  });
});
