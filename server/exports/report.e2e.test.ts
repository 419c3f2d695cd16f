import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Overview } from '../../schema/dashboard.js';
import { formatIndex } from '../scoring/index.js';
import { launchChromium, startE2eServer, type E2eServer } from '../testing/e2e.js';
import { tempDir } from '../testing/harness.js';

/**
 * The printable report, served by the real server under its CSP, printed to PDF by Chromium with
 * page numbers in the footer: poppler's pdftotext finds the title, every factor and the overall
 * score; no table row is split across pages and table headers repeat; citizens' XSS attempts stay
 * text. Page 1 is kept as a PNG for a person to look at.
 */

const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots';
const FACTORS = ['Thủ tục hành chính', 'Công chức trực tiếp giải quyết công việc', 'Kết quả cung ứng dịch vụ hành chính công'];
const XSS = [
  '<script>window.__xss = 1</script>',
  '<img src=x onerror="window.__xss = 2">',
  '"><svg onload="window.__xss = 3">',
  "javascript:alert('x') </q><script>window.__xss = 4</script>",
];

let server: E2eServer;
let browser: Browser;
let context: BrowserContext;
let dir: string;

/** Collects CSP refusals and failed requests: a report that silently lost its stylesheet must fail. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('requestfailed', (r) => problems.push(`failed ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  page.on('dialog', (d) => {
    problems.push(`dialog ${d.message()}`);
    void d.dismiss();
  });
  return problems;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = tempDir('sipas-report-pdf-');
  // Four submissions from one test client would trip the per-device hourly limit (and be left out as suspect).
  server = await startE2eServer({ responses: 6000, env: { DEVICE_LIMIT_PER_HOUR: '100' } });
  // Citizens' comments that try to run script, from dissatisfied citizens (shown first in the report).
  for (const comment of XSS) {
    const res = await fetch(`${server.url}/api/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: randomUUID(),
        code: server.surveyCode,
        instrumentId: 'QUAY@1',
        answers: { 'QUAY.1': 1, 'QUAY.2': 2, 'QUAY.ALL': 1 },
        comment,
        lang: 'vi',
        kiosk: false,
        deviceMark: randomUUID(),
      }),
    });
    expect(res.status).toBeLessThan(300);
  }
  browser = await launchChromium();
  context = await browser.newContext();
  const admin = server.demo.accounts.find((a) => a.role === 'system_admin')!;
  const login = await context.request.post(`${server.url}/api/auth/login`, {
    data: { username: admin.username, password: admin.password },
    headers: { origin: server.url },
  });
  expect(login.status()).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('printable report', () => {
  it('prints to clean A4 pages with page numbers, the title, every factor and the overall score', async () => {
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${server.url}/api/admin/exports/report`);
    await page.waitForLoadState('networkidle');
    expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toContain('Times New Roman');

    const pdfFile = path.join(dir, 'report.pdf');
    await page.pdf({
      path: pdfFile,
      preferCSSPageSize: true,
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate:
        '<div style="width:100%;text-align:center;font-size:9pt;font-family:\'Liberation Serif\',serif">Trang <span class="pageNumber"></span>/<span class="totalPages"></span></div>',
    });
    const pages = execFileSync('pdftotext', [pdfFile, '-'], { encoding: 'utf8' }).split('\f').filter((p) => p.trim() !== '');
    const all = squash(pages.join(' '));
    expect(pages.length).toBeGreaterThan(1);
    pages.forEach((text, i) => expect(text).toContain(`Trang ${i + 1}/${pages.length}`));

    expect(all).toContain('BÁO CÁO KẾT QUẢ KHẢO SÁT MỨC ĐỘ HÀI LÒNG');
    expect(all).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    for (const factor of FACTORS) expect(all).toContain(factor);
    const overview = (await (await context.request.get(`${server.url}/api/admin/dashboard/overview`)).json()) as Overview;
    const overall = formatIndex(overview.overall!.score.index, { decimals: 2, rounding: 'half_away_from_zero', display: 'percent' }, 'vi');
    expect(all).toContain(`Chỉ số hài lòng chung đạt ${overall}`);
    expect(all).toContain(`Chỉ số hài lòng chung ${overall}`);

    // Every row of the ranking keeps its unit name and its index on one page; pages that carry
    // ranking rows repeat the table's header.
    const ranking = await page.$$eval('table.data', (tables) => {
      const table = tables.find((t) => t.querySelector('th')?.textContent === 'Hạng')!;
      return [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''));
    });
    expect(ranking.length).toBeGreaterThan(3);
    for (const [, name, , index] of ranking) {
      const tail = name!.split(' ').slice(-2).join(' ');
      const holding = pages.filter((p) => squash(p).includes(tail) && squash(p).includes(index!));
      expect(holding.length, `${name} ${index}`).toBeGreaterThan(0);
      for (const p of holding) {
        // pdftotext interleaves the header cells with the first row when the table starts low on
        // a page, so each header cell is looked for on its own.
        for (const header of ['Hạng', 'Đơn vị', 'Số phiếu', 'So với kỳ trước', 'Tỷ lệ phản hồi']) expect(squash(p)).toContain(header);
      }
    }

    // The XSS attempts are shown as the citizens wrote them, and none ran.
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    const quoted = await page.$$eval('.comments q', (qs) => qs.map((q) => q.textContent));
    expect(quoted).toEqual(expect.arrayContaining(XSS));
    expect(problems).toEqual([]);

    execFileSync('pdftoppm', ['-png', '-r', '110', '-f', '1', '-l', '1', '-singlefile', pdfFile, path.join(SHOTS, 'report-p1')]);
    writeFileSync(path.join(SHOTS, 'report.pdf'), execFileSync('cat', [pdfFile]));
  });
});
