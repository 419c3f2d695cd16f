import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from 'otplib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../server/testing/e2e.js';
import { freePort } from '../server/testing/ports.js';
import { tempDir } from '../server/testing/harness.js';

/**
 * The README's promise: on an empty DATA_DIR, `npm start` (the real npm script) runs the compiled
 * server under plain node, answers /readyz 503 while it seeds the demo and 200 once ready, and only
 * then prints the links and a working login.
 */
const root = path.resolve(import.meta.dirname, '..');
const dataDir = tempDir('sipas-start-');
let child: ChildProcess;
let browser: Browser;
let printed = '';
let base = '';
let healthyAfterMs = 0;
/** /readyz answers seen while /healthz already said ok. */
const readyzWhileLive: number[] = [];
/** /readyz asked the moment the login line appeared. */
let readyzWhenPrinted: Promise<number> | undefined;

const status = (url: string) => fetch(url).then((r) => r.status, () => 0);

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const started = Date.now();
  child = spawn('npm', ['start'], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), PUBLIC_BASE_URL: base, LOG_REQUESTS: 'false' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout!.on('data', (d: Buffer) => {
    printed += d.toString();
    if (!readyzWhenPrinted && /^API key: /m.test(printed)) readyzWhenPrinted = status(`${base}/readyz`);
  });
  for (;;) {
    if ((await status(`${base}/healthz`)) === 200) break;
    if (Date.now() - started > 60_000) throw new Error(`not healthy within 60 s:\n${printed}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  healthyAfterMs = Date.now() - started;
  while (!readyzWhenPrinted) {
    readyzWhileLive.push(await status(`${base}/readyz`));
    if (Date.now() - started > 120_000) throw new Error(`start-up lines missing:\n${printed}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  child?.kill('SIGTERM');
});

const line = (label: string) => new RegExp(`^${label}: (.+)$`, 'm').exec(printed)?.[1]?.trim();

describe('npm start on an empty data directory', () => {
  it('serves requests from node running the compiled server, with no tsx loader', () => {
    const pid = Number(readFileSync(path.join(dataDir, 'server.pid'), 'utf8'));
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const nodeOptions = /(?:^|\0)NODE_OPTIONS=([^\0]*)/.exec(readFileSync(`/proc/${pid}/environ`, 'utf8'))?.[1] ?? '';
    expect(path.basename(argv[0]!)).toBe('node');
    expect(path.resolve(root, argv.at(-1)!)).toBe(path.join(root, 'dist/node/scripts/start.js'));
    expect(argv.join(' ')).not.toMatch(/tsx|--import|--loader|--require/);
    expect(nodeOptions).not.toMatch(/tsx|--import|--loader|--require/);
  });

  it('answers /readyz 503 while seeding though /healthz is ok, then 200, and prints the links only once ready', async () => {
    expect(readyzWhileLive).toContain(503);
    expect(readyzWhileLive.filter((s) => s !== 503 && s !== 200)).toEqual([]);
    expect(await readyzWhenPrinted).toBe(200);
  });

  it('is healthy within 60 s and prints the survey link, admin link, login and API key', () => {
    expect(healthyAfterMs).toBeLessThan(60_000);
    expect(line('Survey')).toMatch(new RegExp(`^${base}/s/[a-z2-9]{10}$`));
    expect(line('Admin')).toBe(`${base}/admin/`);
    expect(line('Login')).toMatch(/^admin \/ \S{20}$/);
    expect(line('API key')).toMatch(/^sipas_\S+$/);
  });

  it('serves the survey and the admin app with no console errors; the printed login must be changed at first sign-in, then TOTP set up, before the dashboard', async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 640 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('response', (r) => {
      if (r.status() >= 400) errors.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });

    await page.goto(line('Survey')!);
    await expect.poll(() => page.locator('h1').first().textContent()).toBeTruthy();
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');

    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(line('Admin')!);
    const [username, password] = line('Login')!.split(' / ') as [string, string];
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    const heading = () => page.getByRole('heading', { level: 1 }).textContent();
    const WAIT = { timeout: 20_000 };

    // The printed password is the system's, not the administrator's: nothing but changing it.
    await expect.poll(heading, WAIT).toBe('Đặt mật khẩu mới');
    await page.goto(`${base}/admin/dashboard`);
    await expect.poll(heading, WAIT).toBe('Đặt mật khẩu mới');
    expect(await page.getByRole('navigation', { name: 'Điều hướng chính' }).count()).toBe(0);
    const refused = await page.request.get(`${base}/api/admin/units`);
    expect(refused.status()).toBe(403);
    expect((await refused.json()).error.code).toBe('password_change_required');
    await page.getByLabel('Mật khẩu hiện tại').fill(password);
    await page.getByLabel('Mật khẩu mới (ít nhất 10 ký tự)').fill('mat-khau-cua-quan-tri-vien');
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();

    // A system administrator must then set up two-step sign-in (TOTP_REQUIRED_ROLES by default).
    await expect.poll(heading, WAIT).toBe('Bật xác thực hai bước');
    expect((await (await page.request.get(`${base}/api/admin/units`)).json()).error.code).toBe('totp_enrolment_required');
    await page.getByRole('button', { name: 'Bắt đầu' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent({ timeout: 20_000 }))!.trim();
    await page.getByLabel('Mã xác thực (6 chữ số)').fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Bật xác thực hai bước' }).click();
    await page.getByRole('button', { name: 'Tôi đã lưu các mã, tiếp tục' }).click();

    // Done: the dashboard asked for earlier opens.
    await expect.poll(heading, WAIT).toBe('Bảng theo dõi mức độ hài lòng');
    expect((await page.request.get(`${base}/api/admin/units`)).status()).toBe(200);
    await expect.poll(() => page.getByRole('button', { name: /Đăng xuất/ }).count(), WAIT).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  }, 120_000);
});
