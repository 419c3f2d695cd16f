import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startE2eServer, type E2eServer } from '../../server/testing/e2e.js';

/**
 * Every admin page on a phone (390×844): the test walks the app from the page itself (the main
 * navigation, the dashboard's tabs, and one of each kind of link inside the pages), so a page
 * added later is covered without touching this file. On each page: no horizontal scrolling of
 * the document, no axe violation, and a full-page screenshot in /tmp/shots to look at.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const SHOTS = '/tmp/shots';
const PHONE = { width: 390, height: 844 };
const WAIT = { timeout: 20_000 };
/** A row id (server/ids.ts): 16 characters of an unambiguous lowercase alphabet. */
const ID_SEGMENT = /^[a-km-np-z2-9]{16}$/;
/** Page names are lowercase words ("new", "weak"); anything else names one record ("QUAY@1"). */
const NOT_A_PAGE_NAME = /[^a-z-]/;

let server: E2eServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  // The server serves dist/admin: build it from the current sources.
  execFileSync('npx', ['vite', 'build', '--config', 'admin-ui/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  mkdirSync(SHOTS, { recursive: true });
  [server, browser] = await Promise.all([startE2eServer({ responses: 2000 }), launchChromium()]);
}, 300_000);

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await server?.stop();
});

async function phoneSignedIn(username: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: PHONE, locale: 'vi-VN', reducedMotion: 'reduce', isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const password = server.demo.accounts.find((a) => a.username === username)!.password;
  const res = await page.request.post(`${server.url}/api/auth/login`, { data: { username, password }, headers: { origin: server.url } });
  expect(res.status(), await res.text()).toBe(200);
  return { page, errors };
}

/** Waits until the page has its heading and nothing is loading any more. */
async function settled(page: Page): Promise<void> {
  await page.getByRole('heading', { level: 1 }).first().waitFor(WAIT);
  await page.waitForLoadState('networkidle');
  await page.getByRole('status').filter({ hasText: /^(Đang tải|Loading)/ }).waitFor({ state: 'detached', ...WAIT });
  await page.locator('[aria-busy="true"]').waitFor({ state: 'detached', ...WAIT });
  // Charts size themselves on the next frame.
  await page.waitForTimeout(150);
}

/** '/admin/units/abc…' → '/admin/units/:id': one visit per kind of page. */
function kindOf(href: string): string {
  const url = new URL(href, server.url);
  return url.pathname
    .replace(/\/+$/, '')
    .split('/')
    .map((s) => (ID_SEGMENT.test(s) || NOT_A_PAGE_NAME.test(decodeURIComponent(s)) ? ':id' : s))
    .join('/');
}

/** Same-origin admin links on the page: the main navigation's, then the rest in document order. */
async function adminLinks(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLAnchorElement>('nav a[href], main a[href]')]
      .map((a) => new URL(a.href, location.href))
      .filter((u) => u.origin === location.origin && u.pathname.startsWith('/admin/'))
      .map((u) => u.pathname + u.search),
  );
}

/** The page as a phone shows it, screen after screen (at most six), each scrolled into view and saved at CSS pixels. */
async function screenshots(page: Page, name: string): Promise<void> {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  for (let top = 0, screen = 1; top < height && screen <= 6; top += PHONE.height, screen++) {
    await page.evaluate((y) => window.scrollTo(0, y), top);
    await page.screenshot({ path: path.join(SHOTS, `${name}-${screen}.png`), scale: 'css' });
  }
  await page.evaluate(() => window.scrollTo(0, 0));
}

interface PageReport {
  kind: string;
  url: string;
  scrollWidth: number;
  violations: string[];
}

/** Visits the home page and every kind of page reachable from it, breadth first. */
async function walk(page: Page, who: string): Promise<PageReport[]> {
  const queue = ['/admin/'];
  const seen = new Set<string>();
  const reports: PageReport[] = [];
  while (queue.length > 0) {
    const href = queue.shift()!;
    const kind = kindOf(href);
    if (seen.has(kind)) continue;
    seen.add(kind);
    await page.goto(`${server.url}${href}`);
    await settled(page);
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    const { violations } = await new AxeBuilder({ page }).analyze();
    reports.push({
      kind,
      url: href,
      scrollWidth,
      violations: violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 100)}`).join(' | ')}`),
    });
    await screenshots(page, `phone-${who}-${kind.replace(/^\/admin\/?/, '').replace(/[/:]+/g, '-') || 'home'}`);
    queue.push(...(await adminLinks(page)));
  }
  return reports;
}

describe('every admin page at 390×844', () => {
  for (const [who, username, mustSee] of [
    ['admin', 'admin', ['/admin/users', '/admin/users/:id', '/admin/audit', '/admin/units/:id', '/admin/dashboard/weak']],
    ['supervisor', 'giarai.giamsat', ['/admin/units/:id', '/admin/counters/:id', '/admin/dashboard/weak', '/admin/dashboard/comments']],
  ] as const) {
    it(`as ${who}: no horizontal scrolling and no axe violation on any page`, async () => {
      const { page, errors } = await phoneSignedIn(username);
      const reports = await walk(page, who);
      console.log(`${who}: ${reports.map((r) => `${r.kind} ${r.scrollWidth}px, ${r.violations.length} axe`).join('; ')}`);
      // The walk really went through the app.
      expect(reports.map((r) => r.kind)).toEqual(expect.arrayContaining(['/admin', ...mustSee]));
      const problems = [
        ...reports.filter((r) => r.scrollWidth > PHONE.width).map((r) => `${r.url}: ${r.scrollWidth}px wide`),
        ...reports.flatMap((r) => r.violations.map((v) => `${r.url}: ${v}`)),
      ];
      expect(problems).toEqual([]);
      expect(errors).toEqual([]);
      // Some twenty pages with an axe run each: minutes on a busy machine.
    }, 900_000);
  }

  it('the folded menu opens and leads to a page', async () => {
    const { page } = await phoneSignedIn('giarai.giamsat');
    await page.goto(`${server.url}/admin/`);
    await settled(page);
    const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
    await expect.poll(() => nav.getByRole('link', { name: 'Bảng theo dõi' }).isVisible()).toBe(false);
    await nav.getByRole('button', { name: 'Danh mục' }).click();
    await nav.getByRole('link', { name: 'Bảng theo dõi' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/dashboard');
    await settled(page);
    await page.screenshot({ path: path.join(SHOTS, 'phone-supervisor-after-menu.png'), scale: 'css' });
  });
});
