import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import AxeBuilder from '@axe-core/playwright';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUiBuilt, launchChromium, startE2eServer, type E2eServer } from '../../server/testing/e2e.js';

/**
 * Issue 19 in Chromium against the real server and the demo province: the Giá Rai supervisor reads
 * the TT 01/2018 indicators tab; an anonymous visitor on a small phone reads the province's public
 * page (and its embeddable variant): accessible, no official's name anywhere in the page, no figure
 * resting on fewer than 30 responses, and small.
 */

const SHOTS = '/tmp/shots';
const PHONE = { width: 360, height: 640 };

let server: E2eServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

function query<T>(sql: string, ...params: unknown[]): T[] {
  const d = new Database(server.dbFile, { fileMustExist: true, readonly: true });
  try {
    return d.prepare(sql).all(...params) as T[];
  } finally {
    d.close();
  }
}

function staffNames(): string[] {
  return query<{ name: string }>('select name from staff').map((r) => r.name);
}

/** The page's open data (same figures, same quarters): which questionnaire and quarters it counts. */
interface OpenData {
  instrument: { id: string } | null;
  quarters: { quarter: string; from: string; to: string }[];
  units: { name: string; figures: { quarter: string; n: number }[] }[];
}

/**
 * How many stored answers each service unit (centre, branch, agency) of the province has on the
 * page's questionnaire, by quarter of the page (quarters without any left out), counted from the
 * responses table: an upper bound of what the page counts, so a count under 30 here is under 30 there.
 */
function answersByQuarter(data: OpenData): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const q of data.quarters) {
    const from = new Date(`${q.from}T00:00:00+07:00`).toISOString();
    const to = new Date(new Date(`${q.to}T00:00:00+07:00`).getTime() + 86400_000).toISOString();
    const rows = query<{ name: string; n: number }>(
      `select u.name, count(*) as n from responses r join units u on u.id = r.unit_id
       where u.province_id = (select id from units where kind = 'province' and code = '96') and u.kind in ('centre', 'branch', 'agency') and u.active = 1
         and r.instrument_id = ? and r.submitted_at >= ? and r.submitted_at < ?
       group by u.id`,
      data.instrument!.id,
      from,
      to,
    );
    for (const r of rows) out.set(r.name, { ...out.get(r.name), [q.quarter]: r.n });
  }
  return out;
}

/**
 * A centre with some answers but fewer than 30: every demo centre gets dozens a quarter, so the
 * provincial officer adds one with a centre-wide survey point, as a province would, and imports
 * SMALL_CENTRE_FORMS paper forms dated in the last minutes (the current quarter) on the demo
 * questionnaire, the province's most answered (the one the public page counts).
 */
const SMALL_CENTRE = { code: 'E2E-IT-PHIEU', name: 'Trung tâm Phục vụ hành chính công xã Thử Nghiệm Ít Phiếu' };
const SMALL_CENTRE_FORMS = 12;

async function addSmallCentre(): Promise<void> {
  const context = await browser.newContext();
  try {
    const account = server.demo.accounts.find((a) => a.username === 'camau.tinh')!;
    const login = await context.request.post(`${server.url}/api/auth/login`, { data: { username: account.username, password: account.password }, headers: { origin: server.url } });
    expect(login.status(), await login.text()).toBe(200);
    const headers = { origin: server.url, 'x-csrf-token': ((await login.json()) as { csrfToken: string }).csrfToken };
    const provinceId = query<{ id: string }>("select id from units where kind = 'province' and code = '96'")[0]!.id;
    const created = await context.request.post(`${server.url}/api/admin/units`, { data: { kind: 'centre', ...SMALL_CENTRE, parentId: provinceId }, headers });
    expect(created.status(), await created.text()).toBe(201);
    const centreId = ((await created.json()) as { id: string }).id;
    const point = await context.request.post(`${server.url}/api/admin/survey-points`, { data: { unitId: centreId, instrumentId: 'QUAY@1' }, headers });
    expect(point.status(), await point.text()).toBe(201);
    // Local (UTC+7) times, one a minute going back from now.
    const local = (minutesAgo: number) => new Date(Date.now() + 7 * 3600_000 - minutesAgo * 60_000).toISOString().slice(0, 16).replace('T', ' ');
    const items = ['QUAY.1', 'QUAY.2', 'QUAY.3', 'QUAY.4', 'QUAY.ALL'];
    const csv = [
      ['unit_code', 'channel', 'submitted_at', 'instrument', ...items],
      ...Array.from({ length: SMALL_CENTRE_FORMS }, (_, i) => [SMALL_CENTRE.code, 'paper', local(i + 1), 'QUAY@1', ...items.map(() => '5')]),
    ]
      .map((r) => r.join(','))
      .join('\n');
    const imported = await context.request.post(`${server.url}/api/admin/imports/responses?unitId=${centreId}&mode=commit`, {
      data: csv,
      headers: { ...headers, 'content-type': 'text/csv' },
    });
    expect(imported.status(), await imported.text()).toBe(200);
    const result = (await imported.json()) as { imported: number; errorCount: number; errors: unknown[] };
    expect([result.imported, result.errorCount], JSON.stringify(result.errors)).toEqual([SMALL_CENTRE_FORMS, 0]);
  } finally {
    await context.close();
  }
}

beforeAll(async () => {
  ensureUiBuilt('admin');
  mkdirSync(SHOTS, { recursive: true });
  [server, browser] = await Promise.all([startE2eServer({ responses: 6000 }), launchChromium()]);
  await addSmallCentre();
}, 300_000);

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await server?.stop();
});

async function newPage(viewport: { width: number; height: number }): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, locale: 'vi-VN', reducedMotion: 'reduce' });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}

async function expectAccessible(page: Page, where: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const found = violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  expect(found, `axe on ${where}`).toEqual([]);
}

describe('the indicators tab', () => {
  it('shows the Giá Rai supervisor the nine indicators of the centre, its officials, the 766 ratio, and what has no data', async () => {
    const { page, errors } = await newPage({ width: 1280, height: 900 });
    const account = server.demo.accounts.find((a) => a.username === 'giarai.giamsat')!;
    const login = await page.request.post(`${server.url}/api/auth/login`, { data: { username: account.username, password: account.password }, headers: { origin: server.url } });
    expect(login.status(), await login.text()).toBe(200);
    await page.goto(`${server.url}/admin/dashboard/indicators`);
    const agencies = page.locator('table.indicators').first();
    await agencies.waitFor();
    const row = agencies.locator('tbody tr').first();
    expect(await row.locator('th').textContent()).toContain('Giá Rai');
    // The demo dossiers carry indicators 1–4, 6, 7 and 8 from their facts, 5 and 9 given for the quarter.
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(1, 10).filter((c) => /\d,\d/.test(c))).toHaveLength(9);
    expect(cells[10]).toMatch(/^\d{1,2},\d\/18$/);
    expect(cells[11]).toMatch(/Xuất sắc|Tốt|Khá|Trung bình|Yếu/);
    expect(cells[12]).toMatch(/^\d{1,3},\d{2}%$/);
    const officials = page.locator('table.indicators').nth(1);
    expect(await officials.locator('tbody tr').count()).toBeGreaterThan(3);
    expect(await officials.locator('tbody tr').first().locator('td').last().textContent()).toMatch(/Hoàn thành|chưa xếp loại/);
    await expect.poll(() => page.getByRole('note').textContent()).toContain('Điều 15');
    await page.getByText(/Tỷ lệ hài lòng trong tiếp nhận/).waitFor();
    await expectAccessible(page, 'indicators tab');
    await page.screenshot({ path: path.join(SHOTS, 'indicators-tab.png'), fullPage: true });
    // The dedupe switch is in the URL like every filter.
    await page.getByLabel('Đếm một lần hồ sơ vừa quá hạn vừa bị phản ánh').click();
    await expect.poll(() => page.url()).toContain('dedupe=true');
    expect(errors).toEqual([]);
  }, 120_000);
});

describe('the public page', () => {
  it('on a 360×640 phone: accessible, no official named, no figure on fewer than 30 responses, under 50 KB gzipped', async () => {
    const { page, errors } = await newPage(PHONE);
    const res = await page.goto(`${server.url}/public/96`);
    expect(res?.status()).toBe(200);
    await page.locator('h1').waitFor();
    expect(await page.locator('h1').textContent()).toContain('Tỉnh Cà Mau');
    await expectAccessible(page, 'public page');
    await page.screenshot({ path: path.join(SHOTS, 'public-360.png'), fullPage: true });

    const dom = await page.content();
    const named = staffNames().filter((name) => dom.includes(name));
    expect(named).toEqual([]);
    const counts = (await page.locator('section[aria-labelledby="latest-title"] tbody td:nth-child(4)').allTextContents()).map((t) => Number(t.replace(/\D/g, '')));
    expect(counts.length).toBeGreaterThan(3);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(30);

    // Units that have answers but fewer than 30 are not shown: not in the latest quarter's table,
    // and a unit under 30 in every quarter of the window not anywhere in the page.
    const open = (await (await fetch(`${server.url}/public/96/sipas.json`)).json()) as OpenData;
    const latest = [...open.quarters].reverse().find((q) => open.units.some((u) => u.figures.some((f) => f.quarter === q.quarter)))!;
    expect(await page.locator('#latest-title').textContent()).toContain(`Quý ${latest.quarter.slice(6)}/${latest.quarter.slice(0, 4)}`);
    const answers = answersByQuarter(open);
    const fewInLatest = [...answers].filter(([, n]) => (n[latest.quarter] ?? 0) > 0 && n[latest.quarter]! < 30).map(([name]) => name);
    const fewThroughout = [...answers].filter(([, n]) => Object.values(n).every((v) => v < 30)).map(([name]) => name);
    expect(Object.values(answers.get(SMALL_CENTRE.name) ?? {}).reduce((a, b) => a + b, 0)).toBe(SMALL_CENTRE_FORMS);
    expect(fewInLatest).toContain(SMALL_CENTRE.name);
    expect(fewThroughout).toContain(SMALL_CENTRE.name);
    const latestRows = (await page.locator('section[aria-labelledby="latest-title"] tbody th').allTextContents()).map((t) => t.trim());
    expect(latestRows.filter((name) => fewInLatest.includes(name))).toEqual([]);
    expect(fewThroughout.filter((name) => dom.includes(name))).toEqual([]);
    // Nothing overflows the phone's width but the tables' own scrolling boxes.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

    const bytes = await Promise.all(
      ['/public/96', '/public/assets/public.css'].map(async (p) => gzipSync(Buffer.from(await (await fetch(`${server.url}${p}`)).arrayBuffer())).length),
    );
    expect(bytes.reduce((a, b) => a + b, 0)).toBeLessThan(50 * 1024);

    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/lang=en/);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await expectAccessible(page, 'public page (en)');

    await page.goto(`${server.url}/public/96/embed`);
    await expectAccessible(page, 'embed');
    const embedDom = await page.content();
    expect(fewThroughout.filter((name) => embedDom.includes(name))).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'public-embed-360.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 120_000);

  it("a provincial officer switches the province's page off and on from the admin", async () => {
    const { page, errors } = await newPage({ width: 390, height: 844 });
    const account = server.demo.accounts.find((a) => a.username === 'camau.tinh')!;
    const login = await page.request.post(`${server.url}/api/auth/login`, { data: { username: account.username, password: account.password }, headers: { origin: server.url } });
    expect(login.status(), await login.text()).toBe(200);
    await page.goto(`${server.url}/admin/public-pages`);
    const off = page.getByRole('button', { name: 'Tắt trang công khai của Tỉnh Cà Mau' });
    await off.waitFor();
    await expectAccessible(page, 'public pages admin');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await off.click();
    await page.getByRole('button', { name: 'Bật trang công khai của Tỉnh Cà Mau' }).waitFor();
    expect((await fetch(`${server.url}/public/96`)).status).toBe(404);
    await page.getByRole('button', { name: 'Bật trang công khai của Tỉnh Cà Mau' }).click();
    await off.waitFor();
    expect((await fetch(`${server.url}/public/96`)).status).toBe(200);
    expect(errors).toEqual([]);
  }, 120_000);

  it('the embed can be framed by another site; the full page cannot', async () => {
    const embed = await fetch(`${server.url}/public/96/embed`);
    expect(embed.headers.get('content-security-policy')).toContain('frame-ancestors *');
    expect(embed.headers.get('x-frame-options')).toBeNull();
    const full = await fetch(`${server.url}/public/96`);
    expect(full.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});
