import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardOptions, Overview } from '../../schema/dashboard.js';
import { formatIndex } from '../../schema/display.js';
import { ensureUiBuilt, launchChromium, startE2eServer, type E2eServer } from '../../server/testing/e2e.js';

/**
 * Issue 16, acceptance 2, on the screen: with SCORE_DISPLAY=points10 the dashboards show every score
 * (index, interval, change, target, chart axis and target line) out of 10, in "điểm", and no percent
 * sign, in the real server and the built admin app in Chromium. The report and the workbook are
 * checked in server/reporting/points-display.test.ts.
 */

let server: E2eServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  ensureUiBuilt('admin');
  [server, browser] = await Promise.all([startE2eServer({ responses: 4000, env: { SCORE_DISPLAY: 'points10' } }), launchChromium()]);
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN', reducedMotion: 'reduce' });
  // Chart.js draws ticks, category labels and the target line on the canvas: keep what it writes there.
  await context.addInitScript(() => {
    const drawn: string[] = [];
    (window as unknown as { __canvasText: string[] }).__canvasText = drawn;
    const proto = CanvasRenderingContext2D.prototype;
    const fill = proto.fillText;
    const stroke = proto.strokeText;
    proto.fillText = function (text, ...rest) {
      drawn.push(String(text));
      return fill.call(this, text, ...rest);
    };
    proto.strokeText = function (text, ...rest) {
      drawn.push(String(text));
      return stroke.call(this, text, ...rest);
    };
  });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  // The provincial office sees every view, the ranking of its centres included. startE2eServer has
  // already replaced the account's first password (the forced change) and requires TOTP of no role.
  const account = server.demo.accounts.find((a) => a.username === 'camau.tinh')!;
  const res = await page.request.post(`${server.url}/api/auth/login`, {
    data: { username: account.username, password: account.password },
    headers: { origin: server.url },
  });
  expect(res.status(), await res.text()).toBe(200);
}, 300_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
});

async function open(pathAndQuery: string): Promise<void> {
  await page.goto(`${server.url}${pathAndQuery}`);
  await page.locator('.dash').waitFor();
  await page.locator('[aria-busy="true"]').waitFor({ state: 'detached' }).catch(() => undefined);
  await page.getByRole('status').filter({ hasText: /Đang tải|Loading/ }).waitFor({ state: 'detached' });
}

/** What Chart.js has written on the page's canvases since it loaded. */
const canvasText = () => page.evaluate(() => [...(window as unknown as { __canvasText: string[] }).__canvasText]);

/**
 * Every text of the view a reader can meet: the app's text (table captions for screen readers
 * included), its aria-label, title and alt attributes (a chart's label names the target), and what
 * the charts drew, less the shares that are not scores and so stay percentages:
 * - the response rate (invitations answered / issued), the value of its KPI card;
 * - the heat map's cells (the share of dissatisfied answers per weekday and hour), `td.heat-cell`;
 * - the confidence level "95%" of "Khoảng tin cậy 95%", a name of the interval, not a value.
 */
async function viewText(): Promise<string> {
  const app = await page.evaluate(() => {
    const root = document.querySelector('#app')!.cloneNode(true) as HTMLElement;
    for (const kpi of root.querySelectorAll('.kpi')) {
      if (kpi.querySelector('h3')?.textContent === 'Tỉ lệ phản hồi (phiếu mời)') kpi.querySelector('p.big')!.remove();
    }
    for (const cell of root.querySelectorAll('table.heat td.heat-cell')) cell.remove();
    const attributes = [...root.querySelectorAll('[aria-label], [title], [alt]')].flatMap((el) =>
      ['aria-label', 'title', 'alt'].map((name) => el.getAttribute(name) ?? ''),
    );
    return [root.textContent ?? '', ...attributes].join('\n');
  });
  return [app, ...(await canvasText())].join('\n').replace(/tin cậy 95%/gi, 'tin cậy');
}

/** The text around each percent sign, so a failure says where it was. */
const percentSigns = (text: string) => [...text.matchAll(/.{0,40}%.{0,10}/g)].map((m) => m[0]);

/** A score as the dashboard writes it out of 10: "8,46 điểm" (0–10, two decimals). */
const POINTS = /^(10|\d),\d{2} điểm$/;

describe('SCORE_DISPLAY=points10 on the dashboards', () => {
  it('overview, weak criteria, trends and ranking show scores in points out of 10, never with a percent sign', async () => {
    // The demo's responses run over the year to the real today (the server's clock), its invitations
    // over the last eight weeks: the overview's own period (this quarter to date) has a response rate
    // and a period before to compare with; the other views look at the whole last year.
    const api = (await (await page.request.get(`${server.url}/api/admin/dashboard/overview`)).json()) as Overview;
    expect(api.scoring.display).toBe('points10');
    expect(api.overall!.diff).not.toBeNull();
    expect(api.responseRate.rate).not.toBeNull();
    const { today } = (await (await page.request.get(`${server.url}/api/admin/dashboard/options`)).json()) as DashboardOptions;
    const yearAgo = new Date(Date.parse(today) - 364 * 86_400_000).toISOString().slice(0, 10);
    const lastYear = `period=custom&from=${yearAgo}&to=${today}`;
    const target = formatIndex(api.target, api.scoring, 'vi');
    expect(target).toMatch(POINTS);

    // Overview: the overall index and its change, the target card, the table (index, interval, change), the chart.
    await open('/admin/dashboard');
    await page.locator('.kpis').waitFor();
    expect(await page.getByTestId('overall-index').textContent()).toBe(formatIndex(api.overall!.score.index, api.scoring, 'vi'));
    expect(await page.getByTestId('overall-index').textContent()).toMatch(POINTS);
    expect(await page.locator('.kpi', { hasText: 'Mục tiêu' }).locator('p.big').textContent()).toBe(target);
    expect(await page.locator('.kpi.main .change').textContent()).toMatch(/^[▲▼]? ?[+−±]\d,\d{2} điểm \(/); // points, not "điểm %"
    const indices = await page.locator('table.scores tbody td.num.strong').allTextContents();
    expect(indices.length).toBeGreaterThan(5);
    for (const index of indices) expect(index === '—' || POINTS.test(index), index).toBe(true);
    const intervals = await page.locator('table.scores tbody .nowrap').allTextContents();
    expect(intervals.length).toBeGreaterThan(3);
    for (const interval of intervals) expect(interval).toMatch(/^(10|\d),\d{2} – (10|\d),\d{2} điểm$/);
    const changes = await page.locator('table.scores tbody .change').allTextContents();
    expect(changes.length).toBeGreaterThan(5);
    for (const change of changes) expect(change).toMatch(/^(▲ |▼ )?[+−±]\d,\d{2} điểm \(/);
    await expect.poll(canvasText).toContain('10 điểm'); // the axis, 0–10
    expect(await canvasText()).toContain(`Mục tiêu ${target}`); // the target line
    // The response rate is a share of invitations, not a score: it keeps its percent sign.
    expect(await page.locator('.kpi', { hasText: 'Tỉ lệ phản hồi' }).locator('p.big').textContent()).toMatch(/^\d{1,3},\d%$/);
    expect(percentSigns(await viewText()), 'overview').toEqual([]);

    // Weak criteria: the rule's target, each cell's index and interval, the chart.
    await open(`/admin/dashboard/weak?${lastYear}`);
    await page.getByTestId('weak-item').first().waitFor();
    expect(await page.locator('#weak-rule').textContent()).toContain(`mục tiêu ${target}`);
    for (const index of await page.locator('[data-testid="weak-item"] td.num.strong').allTextContents()) expect(index).toMatch(POINTS);
    await expect.poll(canvasText).toContain('10 điểm');
    expect(await canvasText()).toContain(`Mục tiêu ${target}`);
    expect(percentSigns(await viewText()), 'weak criteria').toEqual([]);

    // Trends, by factors and by criteria: the table's indices, the axis (5–10) and the target line; the heat map keeps its shares.
    for (const series of ['', '&series=criteria']) {
      await open(`/admin/dashboard/trends?${lastYear}&interval=quarter${series}`);
      await page.locator('table.trend').waitFor();
      const cells = await page.locator('table.trend tbody tr:not(:first-child) td').allTextContents();
      expect(cells.length).toBeGreaterThan(3);
      for (const cell of cells) expect(cell === '—' || /^(10|\d),\d{2} điểm/.test(cell), cell).toBe(true);
      await expect.poll(canvasText).toContain('10 điểm');
      expect(await canvasText()).toContain(`Mục tiêu ${target}`);
      // The heat map's shares of dissatisfied answers are not scores: they keep their percent sign.
      expect((await page.locator('table.heat td.heat-cell').allTextContents()).some((t) => /^\d{1,3},\d%$/.test(t))).toBe(true);
      expect(percentSigns(await viewText()), `trends${series}`).toEqual([]);
    }

    // Ranking, on the overall and on a criterion (with the overall column): index, bounds, the chart.
    for (const measure of ['', '&measure=QUAY.2']) {
      await open(`/admin/dashboard/ranking?${lastYear}&includeInsufficient=true${measure}`);
      await page.locator('table.ranking tbody tr').first().waitFor();
      const numbers = await page.locator('table.ranking tbody td.num').allTextContents();
      const scores = numbers.filter((t) => /điểm/.test(t));
      expect(scores.length).toBeGreaterThan(5);
      for (const score of scores) expect(score, score).toMatch(POINTS);
      await expect.poll(canvasText).toContain('10 điểm');
      expect(await canvasText()).toContain(`Mục tiêu ${target}`);
      expect(percentSigns(await viewText()), `ranking${measure}`).toEqual([]);
    }
    expect(errors).toEqual([]);
  });
});
