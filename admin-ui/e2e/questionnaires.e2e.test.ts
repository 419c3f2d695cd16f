import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import Database from 'better-sqlite3';
import jsQR from 'jsqr';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SurveyPointView } from '../../schema/surveypoints.js';
import { launchChromium, startE2eServer, type E2eServer } from '../../server/testing/e2e.js';

/**
 * Issue #17 as people do it, in Chromium against the real server and the demo province: a
 * provincial officer writes a questionnaire of the province from the QUAY template with a
 * criterion of its own, publishes it, assigns it to one counter's point, prints that point's A4
 * poster, and a citizen who scans the printed QR answers on a 360×640 phone; the new criterion's
 * score is then in the dashboard and in the summary export. A centre supervisor changes a point's
 * code and the old link is refused with a clear page. Every new page: axe at 1280×800 and 390×844.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const SHOTS = '/tmp/shots';
const WAIT = { timeout: 30_000 };
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const OWN_CRITERION = 'Cán bộ hướng dẫn nộp hồ sơ trực tuyến tận tình';

let server: E2eServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

function row<T>(sql: string, ...params: unknown[]): T {
  const d = new Database(server.dbFile, { fileMustExist: true, readonly: true });
  try {
    return d.prepare(sql).get(...params) as T;
  } finally {
    d.close();
  }
}

beforeAll(async () => {
  // The server serves dist/: build both apps from the current sources (the preview frames the survey page).
  for (const app of ['survey', 'admin']) {
    execFileSync('npx', ['vite', 'build', '--config', `${app}-ui/vite.config.ts`, '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  }
  mkdirSync(SHOTS, { recursive: true });
  // Two-step sign-in has its own tests; here the officer signs in with the password alone.
  [server, browser] = await Promise.all([startE2eServer({ responses: 300, env: { TOTP_REQUIRED_ROLES: 'none' } }), launchChromium()]);
}, 300_000);

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await server?.stop();
});

/** A signed-in page (the printed demo password, changed at the first sign-in as the server asks). */
async function signedIn(username: string, viewport = DESKTOP): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, locale: 'vi-VN' });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => errors.push(`unexpected dialog: ${d.message()}`));
  const password = server.demo.accounts.find((a) => a.username === username)!.password;
  const res = await page.request.post(`${server.url}/api/auth/login`, { data: { username, password }, headers: { origin: server.url } });
  expect(res.status(), await res.text()).toBe(200);
  const info = (await res.json()) as { csrfToken: string; pending: string | null };
  if (info.pending === 'password_change') {
    const changed = await page.request.post(`${server.url}/api/auth/password`, {
      data: { currentPassword: password, newPassword: `${password}-changed` },
      headers: { origin: server.url, 'x-csrf-token': info.csrfToken },
    });
    expect(changed.status(), await changed.text()).toBe(200);
    server.demo.accounts.find((a) => a.username === username)!.password = `${password}-changed`;
  }
  return { page, errors };
}

async function heading(page: Page): Promise<string> {
  return (await page.getByRole('heading', { level: 1 }).first().textContent()) ?? '';
}

/** The page has its heading and nothing is loading (network idleness is not waited for: the preview frames another page). */
async function settled(page: Page): Promise<void> {
  await page.getByRole('heading', { level: 1 }).first().waitFor(WAIT);
  await page.getByRole('status').filter({ hasText: /^(Đang tải|Loading)/ }).waitFor({ state: 'detached', ...WAIT });
  await page.locator('.stale').waitFor({ state: 'detached', ...WAIT });
  await page.waitForTimeout(300);
}

async function expectAccessible(page: Page, where: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  expect(result.violations.map((v) => `${where}: ${v.id} ${v.nodes[0]?.target.join(' ')}`)).toEqual([]);
}

/**
 * Axe and a screenshot of the page as it is, at desktop and phone widths. A poster page shows sheets
 * of paper at their printed size (an A4 sheet is 210 mm wide), so it may scroll sideways on a phone:
 * `paper` skips that one check, never axe.
 */
async function checkBothSizes(page: Page, name: string, { paper = false } = {}): Promise<void> {
  for (const [label, size] of [['1280', DESKTOP], ['390', PHONE]] as const) {
    await page.setViewportSize(size);
    await page.waitForTimeout(200);
    await page.screenshot({ path: `${SHOTS}/q17-${name}-${label}.png`, fullPage: true });
    await expectAccessible(page, `${name} at ${label}`);
    if (label === '390' && !paper) {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${name} scrolls sideways at 390`).toBeLessThanOrEqual(0);
    }
  }
  await page.setViewportSize(DESKTOP);
}

function decodeQr(png: Buffer): string | undefined {
  const img = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(img.data), img.width, img.height)?.data;
}

describe('a provincial officer', () => {
  it('writes a questionnaire with a criterion of the province, publishes and assigns it, prints the poster; a citizen answers from the printed QR; the score shows in the dashboard and the summary export', async () => {
    const centre = row<{ id: string }>('select id from units where code = ?', server.demo.centreCode);
    const counter = row<{ id: string; name: string }>("select id, name from counters where unit_id = ? and code = 'Q2'", centre.id);
    const point = row<{ id: string; code: string }>('select id, code from survey_points where counter_id = ?', counter.id);
    const { page, errors } = await signedIn('camau.tinh');

    await page.goto(`${server.url}/admin/questionnaires`);
    await settled(page);
    expect(await heading(page)).toBe('Bảng hỏi khảo sát');
    await checkBothSizes(page, 'questionnaires');

    await page.getByRole('button', { name: 'Tạo bảng hỏi mới' }).click();
    await page.getByLabel('Mã bảng hỏi').fill('CMQUAY');
    await page.getByLabel('Bắt đầu từ').selectOption('QUAY');
    await page.getByRole('button', { name: 'Tạo bảng hỏi', exact: true }).click();
    await expect.poll(() => heading(page), WAIT).toContain('(CMQUAY@1)');
    await settled(page);

    // The province's own criterion, in the civil-servants factor, with its wording in both languages.
    await page.getByLabel('Vào yếu tố').selectOption('QUAY.F3');
    await page.getByRole('button', { name: 'Thêm tiêu chí riêng' }).click();
    const own = page.locator('.editor-row').filter({ hasText: 'Câu 6: CMQUAY.1' });
    await own.getByLabel('Nội dung (tiếng Việt)').fill(OWN_CRITERION);
    await own.getByLabel('Nội dung (tiếng Anh)').fill('The official guided online filing attentively');
    await page.getByRole('button', { name: 'Lưu bản nháp' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Đã lưu.' }).count(), WAIT).toBe(1);
    // The phone preview shows the questionnaire being edited, the province's criterion on its second screen.
    await page.getByRole('button', { name: 'Mở khung xem trước' }).click();
    const preview = page.frameLocator('iframe[title="Xem trước bảng hỏi trên điện thoại"]');
    await preview.getByRole('button', { name: 'Bắt đầu' }).click();
    for (const name of ['QUAY.1', 'QUAY.2', 'QUAY.3']) await preview.locator(`input[name="${name}"][value="4"]`).check();
    await preview.getByRole('button', { name: 'Tiếp tục' }).click();
    await expect.poll(() => preview.locator('main').textContent(), WAIT).toContain(OWN_CRITERION);
    await checkBothSizes(page, 'questionnaire-draft');

    await page.getByRole('button', { name: 'Công bố' }).first().click();
    await page.getByRole('dialog').getByRole('button', { name: 'Công bố' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Đã công bố CMQUAY@1' }).count(), WAIT).toBe(1);
    await settled(page);

    // Assign it to the point of one counter.
    await page.getByRole('checkbox', { name: new RegExp(`\\(${point.code}\\)`) }).check();
    await page.getByRole('button', { name: 'Gán cho các điểm đã chọn' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Đã gán cho 1 điểm' }).count(), WAIT).toBe(1);
    await checkBothSizes(page, 'questionnaire-published');
    expect(row<{ instrument_id: string }>('select instrument_id from survey_points where id = ?', point.id).instrument_id).toBe('CMQUAY@1');

    // The point's page: its A4 poster, printed, and the QR on it read back.
    await page.goto(`${server.url}/admin/survey-points/${point.id}`);
    await settled(page);
    await expect.poll(() => page.locator('main').textContent(), WAIT).toContain('CMQUAY@1');
    await page.getByRole('button', { name: 'Mở khung xem trước' }).click();
    await expect.poll(() => page.frameLocator('iframe[title="Xem trước khảo sát trên điện thoại"]').locator('main').textContent(), WAIT).toContain('Bắt đầu');
    await checkBothSizes(page, 'survey-point');
    const posterHref = await page.getByRole('link', { name: 'Áp phích A4 (dán tường)' }).getAttribute('href');
    const poster = await page.context().newPage();
    await poster.emulateMedia({ media: 'print' });
    await poster.goto(`${server.url}${posterHref}`);
    await expect.poll(() => poster.evaluate(() => document.fonts.status)).toBe('loaded');
    const printed = await poster.locator('.sheet').screenshot();
    await poster.screenshot({ path: `${SHOTS}/q17-poster-a4.png`, fullPage: true });
    const scanned = decodeQr(printed);
    expect(scanned).toBe(`${server.url}/s/${point.code}`);
    await poster.close();

    // Each of the point's four posters (A4, A5, table tent, receipt strip) as opened from this page, on screen.
    const posterLinks = page.locator('.download-list a').filter({ hasText: /^Áp phích / });
    expect(await posterLinks.allTextContents()).toEqual([
      'Áp phích A4 (dán tường)',
      'Áp phích A5',
      'Áp phích Biển để bàn (A4 gấp đôi)',
      'Áp phích Dải giấy in hóa đơn 80 mm',
    ]);
    for (const href of await posterLinks.evaluateAll((links) => links.map((a) => a.getAttribute('href')!))) {
      const size = new URL(href, server.url).searchParams.get('size');
      const sheet = await page.context().newPage();
      const res = await sheet.goto(`${server.url}${href}`);
      expect(res?.status(), href).toBe(200);
      await expect.poll(() => sheet.evaluate(() => document.fonts.status)).toBe('loaded');
      expect(await sheet.locator(`.sheet-${size}`).count(), href).toBe(1);
      await checkBothSizes(sheet, `poster-${size}`, { paper: true });
      await sheet.close();
    }

    // A citizen scans it and answers on a small phone.
    const phone = await browser.newContext({ viewport: { width: 360, height: 640 }, locale: 'vi-VN', isMobile: true, hasTouch: true });
    contexts.push(phone);
    const citizen = await phone.newPage();
    const citizenErrors: string[] = [];
    citizen.on('pageerror', (e) => citizenErrors.push(e.message));
    await citizen.goto(scanned!);
    await citizen.getByRole('button', { name: 'Bắt đầu' }).click();
    for (let screen = 0; screen < 3; screen++) {
      const names = await citizen.locator('fieldset.question input[type=radio]').evaluateAll((inputs) => [...new Set(inputs.map((i) => (i as HTMLInputElement).name))]);
      for (const name of names) await citizen.locator(`input[name="${name}"][value="5"]`).check();
      if (screen === 1) await citizen.screenshot({ path: `${SHOTS}/q17-citizen-360.png`, fullPage: true });
      const submit = citizen.getByRole('button', { name: 'Gửi đánh giá' });
      if (await submit.count()) {
        await submit.click();
        break;
      }
      await citizen.getByRole('button', { name: 'Tiếp tục' }).click();
    }
    await expect.poll(() => citizen.getByRole('heading', { level: 1 }).textContent(), WAIT).toBe('Cảm ơn Ông/Bà!');
    expect(citizenErrors).toEqual([]);
    const stored = row<{ answers: string; instrument_id: string }>('select answers, instrument_id from responses where survey_point_id = ? order by submitted_at desc limit 1', point.id);
    expect(stored.instrument_id).toBe('CMQUAY@1');
    expect(JSON.parse(stored.answers)).toMatchObject({ 'CMQUAY.1': 5 });

    // The dashboard of the centre on this questionnaire shows the new criterion with its score.
    await page.goto(`${server.url}/admin/dashboard?unitId=${centre.id}&period=month&instrumentId=${encodeURIComponent('CMQUAY@1')}`);
    await settled(page);
    const criterionRow = page.locator('tr').filter({ hasText: OWN_CRITERION });
    await expect.poll(() => criterionRow.count(), WAIT).toBeGreaterThan(0);
    await expect.poll(() => criterionRow.first().textContent(), WAIT).toContain('100,00');
    await page.screenshot({ path: `${SHOTS}/q17-dashboard-1280.png`, fullPage: true });

    // And so does the summary export.
    const csv = await page.request.get(`${server.url}/api/admin/exports/summary?format=csv&unitId=${centre.id}&period=month&instrumentId=${encodeURIComponent('CMQUAY@1')}`);
    expect(csv.status()).toBe(200);
    const lines = (await csv.text()).split(/\r?\n/).filter((l) => l.includes(OWN_CRITERION));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]).toMatch(/100,00|100\.00|"100"/);
    expect(errors).toEqual([]);
  }, 300_000);
});

describe('a centre supervisor', () => {
  it("changes a point's code after a confirmation that says the old QR stops working; the old link is refused with a clear page", async () => {
    const { page, errors } = await signedIn('giarai.giamsat');
    await page.goto(`${server.url}/admin/survey-points`);
    await settled(page);
    expect(await heading(page)).toBe('Điểm khảo sát và mã QR');
    await checkBothSizes(page, 'survey-points');

    const points = (await (await page.request.get(`${server.url}/api/admin/survey-points`)).json()) as SurveyPointView[];

    // "Print all posters of this centre", in each paper size: one page set, a sheet per open point.
    const open = points.filter((p) => p.status === 'open').length;
    expect(open).toBeGreaterThan(1);
    for (const size of ['a4', 'a5', 'tent', 'receipt']) {
      await page.getByLabel('Khổ in').selectOption(size);
      const printLink = page.getByRole('link', { name: 'Mở trang in' });
      await expect.poll(() => printLink.getAttribute('href'), WAIT).toContain(`size=${size}`);
      const all = await page.context().newPage();
      const res = await all.goto(`${server.url}${await printLink.getAttribute('href')}`);
      expect(res?.status()).toBe(200);
      await expect.poll(() => all.evaluate(() => document.fonts.status)).toBe('loaded');
      expect(await all.locator(`.sheet-${size}`).count()).toBe(open);
      await checkBothSizes(all, `print-all-${size}`, { paper: true });
      await all.close();
    }
    const target = points.find((p) => p.counterCode === 'Q3')!;
    await page.getByRole('link', { name: new RegExp(`${target.counterName}`) }).first().click();
    await expect.poll(() => heading(page), WAIT).toContain(target.counterName!);
    await settled(page);

    await page.getByRole('button', { name: 'Đổi mã QR…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Đổi mã QR của điểm này?' });
    await expect.poll(() => dialog.textContent(), WAIT).toContain(`Mã QR cũ (${target.code}) sẽ ngừng hoạt động ngay`);
    await checkBothSizes(page, 'rotate-confirm');
    expect(await dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Đổi mã, ngừng mã cũ' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Đã đổi mã' }).count(), WAIT).toBe(1);
    const rotated = row<{ code: string }>('select code from survey_points where id = ?', target.id).code;
    expect(rotated).not.toBe(target.code);
    await expect.poll(() => page.locator('main').textContent(), WAIT).toContain(rotated);

    const phone = await browser.newContext({ viewport: { width: 360, height: 640 }, locale: 'vi-VN', isMobile: true });
    contexts.push(phone);
    const citizen = await phone.newPage();
    const old = await citizen.goto(`${server.url}/s/${target.code}`);
    expect(old?.status()).toBe(410);
    await expect.poll(() => citizen.getByRole('heading', { level: 1 }).textContent(), WAIT).toBe('Mã QR này không còn được sử dụng');
    expect(await citizen.locator('main').textContent()).toContain('Ông/Bà vui lòng quét mã QR mới đặt tại quầy.');
    await citizen.screenshot({ path: `${SHOTS}/q17-old-code-360.png` });
    const fresh = await citizen.goto(`${server.url}/s/${rotated}`);
    expect(fresh?.status()).toBe(200);

    // The supervisor reads the questionnaires but may not write them.
    await page.goto(`${server.url}/admin/questionnaires/${encodeURIComponent('S23@1')}`);
    await settled(page);
    expect(await page.getByRole('button', { name: 'Lưu bản nháp' }).count()).toBe(0);
    await expect.poll(() => page.locator('main').textContent(), WAIT).toContain('Xây dựng, tổ chức thực hiện chính sách');
    await checkBothSizes(page, 'questionnaire-read-only');
    expect(errors).toEqual([]);
  }, 240_000);
});
