import { mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUiBuilt, launchChromium, startE2eServer, type E2eServer } from '../../server/testing/e2e.js';

/**
 * The dashboards in Chromium against the real server and the demo province: what the Giá Rai
 * supervisor sees first, the drill-down to the counter and its comments, accessibility of every
 * view, and an XSS corpus in comments and names that must stay text.
 */

const SHOTS = '/tmp/shots';
const DESKTOP = { width: 1280, height: 800 };
const TABLET = { width: 1024, height: 768 };

/** Payloads that set window.__xss (or open a dialog) if they ever run. */
const XSS = [
  '<img src=x onerror="window.__xss=1;alert(1)">',
  '<svg onload="window.__xss=1;alert(1)">',
  '"><script>window.__xss=1;alert(1)</script>',
  'javascript:window.__xss=1;alert(1)',
  '<a href="javascript:window.__xss=1">bấm</a>',
  "<iframe srcdoc=\"<script>parent.__xss=1</script>\"></iframe>",
  '<svg><animate onbegin="window.__xss=1" attributeName="x" dur="1s"/></svg>',
  "'-alert(1)-'{{constructor.constructor('window.__xss=1')()}}",
];

let server: E2eServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const account = (username: string) => server.demo.accounts.find((a) => a.username === username)!;

function db<T>(fn: (d: Database.Database) => T): T {
  const d = new Database(server.dbFile, { fileMustExist: true });
  d.pragma('busy_timeout = 5000');
  try {
    return fn(d);
  } finally {
    d.close();
  }
}

beforeAll(async () => {
  ensureUiBuilt('admin');
  mkdirSync(SHOTS, { recursive: true });
  [server, browser] = await Promise.all([startE2eServer({ responses: 20_000 }), launchChromium()]);
}, 300_000);

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await server?.stop();
});

interface Watched {
  page: Page;
  errors: string[];
  dialogs: string[];
}

/** A signed-in page (the session cookie set through the real login endpoint) that records script errors and dialogs. */
async function signedIn(username: string, viewport = DESKTOP): Promise<Watched> {
  const context = await browser.newContext({ viewport, locale: 'vi-VN', reducedMotion: 'reduce' });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const res = await page.request.post(`${server.url}/api/auth/login`, {
    data: { username, password: account(username).password },
    headers: { origin: server.url },
  });
  expect(res.status(), await res.text()).toBe(200);
  return { page, errors, dialogs };
}

async function open(page: Page, pathAndQuery: string): Promise<void> {
  await page.goto(`${server.url}${pathAndQuery}`);
  await page.locator('.dash').waitFor();
  await page.locator('[aria-busy="true"]').waitFor({ state: 'detached' }).catch(() => undefined);
  await page.getByRole('status').filter({ hasText: /Đang tải|Loading/ }).waitFor({ state: 'detached' });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `dash-${name}.png`), fullPage: false });
}

async function expectAccessible(page: Page, where: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const found = violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  expect(found, `axe on ${where}`).toEqual([]);
}

describe('the Giá Rai supervisor', () => {
  it('sees staff attitude at counter 3, land procedures, at the top of weak criteria, and drills into the counter and its comments', async () => {
    const { page, errors } = await signedIn('giarai.giamsat');
    await open(page, '/admin/dashboard/weak');
    const first = page.getByTestId('weak-item').first();
    await expect.poll(() => first.textContent()).toContain('Thái độ công chức');
    const text = (await first.textContent())!;
    expect(text).toContain('Quầy 3 – Đất đai, xây dựng');
    expect(text).toContain('Chắc chắn dưới mục tiêu');
    // Where a weak criterion is says each word once ("Kênh Mã QR", not "Kênh: Kênh Mã QR").
    const everyWhere = (await page.getByTestId('weak-item').allTextContents()).join('\n');
    expect(everyWhere).not.toMatch(/Quầy: Quầy|Kênh: Kênh|Lĩnh vực: .*Lĩnh vực|Cán bộ: Cán bộ/);
    expect(everyWhere).toContain('Kênh Mã QR');
    // Counter 3 × land procedures is among the very first cells too.
    const landCell = page.getByTestId('weak-item').filter({ hasText: 'Lĩnh vực Đất đai' }).first();
    expect(await landCell.locator('td').first().textContent()).toMatch(/^[1-3]$/);
    expect(await landCell.textContent()).toContain('Thái độ công chức');
    await expect.poll(() => page.locator('#weak-rule').textContent()).toContain('cận trên của khoảng tin cậy 95%');
    await shot(page, 'weak-1280');

    const q3 = db((d) =>
      d
        .prepare(`select c.id from counters c join units u on u.id = c.unit_id where u.code = '31942-TTPVHCC' and c.code = 'Q3'`)
        .get() as { id: string },
    );
    await first.getByRole('link', { name: 'Xem tổng quan' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/dashboard' && url.searchParams.get('counterId') === q3.id);
    await page.locator('.kpis').waitFor();
    expect(await page.locator('#f-counter option:checked').textContent()).toBe('Quầy 3 – Đất đai, xây dựng');
    const attitude = page.locator('table.scores tr', { hasText: 'Thái độ công chức' });
    await expect.poll(() => attitude.getAttribute('class')).toContain('below');
    // Each chip says what it filters by once: "Quầy 3 – …", not "Quầy: Quầy 3 – …".
    expect(await page.locator('.chips').textContent()).toContain('Quầy 3 – Đất đai, xây dựng');
    expect(await page.locator('.chips').textContent()).not.toContain('Quầy: Quầy');
    await shot(page, 'overview-drill-1280');

    await page.goBack();
    await page.getByTestId('weak-item').filter({ hasText: 'Lĩnh vực Đất đai' }).first().getByRole('link', { name: 'Xem ý kiến' }).click();
    await page.waitForURL(
      (url) =>
        url.pathname === '/admin/dashboard/comments' &&
        url.searchParams.get('criterion') === 'QUAY.2' &&
        url.searchParams.get('counterId') === q3.id &&
        url.searchParams.get('field') === 'Đất đai',
    );
    await page.getByTestId('comment').first().waitFor();
    const counters = await page.getByTestId('comment-counter').allTextContents();
    expect(counters.length).toBeGreaterThan(0);
    expect(new Set(counters)).toEqual(new Set(['Quầy 3 – Đất đai, xây dựng']));
    const attitudes = await page.locator('.comment .ratings li', { hasText: 'Thái độ công chức' }).allTextContents();
    expect(attitudes.length).toBe(counters.length);
    for (const rating of attitudes) expect(rating).toMatch(/^Thái độ công chức: [12]$/);
    await shot(page, 'comments-drill-1280');
    expect(errors).toEqual([]);
  });

  it('every view: screenshots at 1280×800 and 1024×768, and no axe violations', async () => {
    for (const viewport of [DESKTOP, TABLET]) {
      const { page, errors } = await signedIn('giarai.giamsat', viewport);
      for (const view of ['', '/weak', '/trends', '/ranking?includeInsufficient=true', '/comments']) {
        await open(page, `/admin/dashboard${view}`);
        const name = (view.replace(/^\//, '').replace(/\?.*/, '') || 'overview') + `-${viewport.width}`;
        await page.waitForTimeout(150);
        await shot(page, name);
        await expectAccessible(page, name);
      }
      // Wider content than the tablet's width scrolls inside its own region, not the page.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      expect(errors).toEqual([]);
    }
    // Ten pages with an axe run each: on a busy machine that is more than the default two minutes.
  }, 300_000);

  it('filters live in the URL: a shared link opens the same view, and English is available', async () => {
    const { page } = await signedIn('giarai.giamsat');
    await open(page, '/admin/dashboard/trends?interval=quarter&period=year&series=criteria');
    expect(await page.locator('table.trend thead th').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^Quý [1-4]\/\d{4}$/)]));
    await page.getByRole('button', { name: 'Chuyển sang tiếng Anh' }).click();
    await page.getByRole('heading', { name: 'Trends', level: 2 }).waitFor();
    expect(page.url()).toContain('interval=quarter');
    await page.locator('table.trend thead th', { hasText: /^Q[1-4] \d{4}$/ }).first().waitFor();
    await page.getByRole('button', { name: 'Switch to Vietnamese' }).click();
    await page.getByRole('heading', { name: 'Xu hướng', level: 2 }).waitFor();
  });
});

describe('the provincial office', () => {
  it('ranks centres: Giá Rai last on staff attitude; clicking it drills into its overview', async () => {
    const { page, errors } = await signedIn('camau.tinh');
    await open(page, '/admin/dashboard/ranking?measure=QUAY.2&period=year&sort=index&dir=asc');
    const firstRow = page.locator('table.ranking tbody tr').first();
    await expect.poll(() => firstRow.textContent()).toContain('Giá Rai');
    await shot(page, 'ranking-province-1280');
    await firstRow.getByRole('link').click();
    await page.waitForURL((url) => url.pathname === '/admin/dashboard' && url.searchParams.has('unitId'));
    await page.locator('.kpis').waitFor();
    expect(await page.locator('.context-line').textContent()).toContain('Trung tâm Phục vụ hành chính công phường Giá Rai');
    await open(page, '/admin/dashboard/weak?period=year');
    await expect.poll(() => page.getByTestId('weak-item').first().textContent()).toContain('Giá Rai');
    await shot(page, 'weak-province-1280');
    expect(errors).toEqual([]);
  });
});

describe('citizens’ text and names are data, never markup', () => {
  it('an XSS corpus in comments, unit, counter, staff and procedure names runs nothing', async () => {
    db((d) => {
      const giarai = d.prepare(`select id from units where code = '31942-TTPVHCC'`).get() as { id: string };
      const recent = d
        .prepare(`select id from responses where unit_id = ? and suspect = 0 order by submitted_at desc limit ?`)
        .all(giarai.id, XSS.length) as { id: string }[];
      const setComment = d.prepare('update responses set comment = ?, answers = ? where id = ?');
      recent.forEach((r, i) => setComment.run(`Ý kiến ${i}: ${XSS[i]}`, JSON.stringify({ 'QUAY.1': 1, 'QUAY.2': 1, 'QUAY.3': 2, 'QUAY.4': null, 'QUAY.ALL': 1 }), r.id));
      d.prepare(`update units set name = ? where code = '31951-TTPVHCC'`).run(`TT Láng Tròn ${XSS[0]}`);
      d.prepare(`update units set name = ? where code = '31942'`).run(`Phường Giá Rai ${XSS[1]}`);
      d.prepare(`update counters set name = ? where code = 'Q4' and unit_id = ?`).run(`Quầy 4 ${XSS[2]}`, giarai.id);
      d.prepare(`update staff set name = ? where id = (select min(id) from staff)`).run(`Cán bộ ${XSS[3]}`);
      d.prepare(`update procedures set name = ? where code = '1.012753'`).run(`Đăng ký đất đai ${XSS[6]}`);
    });
    for (const username of ['giarai.giamsat', 'camau.tinh']) {
      const { page, errors, dialogs } = await signedIn(username);
      const views = ['/comments', '/comments?maxScore=2&criterion=QUAY.2', '', '/weak?period=year', '/trends', '/ranking?includeInsufficient=true&level=commune', '/ranking?includeInsufficient=true'];
      for (const view of views) {
        await open(page, `/admin/dashboard${view}`);
        await page.waitForTimeout(100);
      }
      await open(page, '/admin/dashboard/comments');
      const shown = await page.getByTestId('comment-text').allTextContents();
      // The payloads are on the page as text…
      if (username === 'giarai.giamsat') {
        for (const payload of XSS) expect(shown.some((t) => t.includes(payload)), payload).toBe(true);
        await shot(page, 'xss-comments-1280');
      }
      // …and nothing was turned into markup, whatever the CSP would also have stopped.
      const injected = await page.evaluate(
        () => document.querySelectorAll('#app [onerror], #app [onload], #app [onbegin], #app iframe, #app script, #app a[href^="javascript:"], #app img[src="x"]').length,
      );
      expect(injected).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
    }
  });
});
