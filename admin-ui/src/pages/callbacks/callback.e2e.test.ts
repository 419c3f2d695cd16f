import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUiBuilt, launchChromium, startE2eServer, type E2eServer } from '../../../../server/testing/e2e.js';
import { answerScreen, readDb } from '../../../../survey-ui/e2e/helpers.js';

/**
 * Call-back with consent in Chromium against the real server and the demo province: Giá Rai's
 * supervisor turns the offer on for the Q1 point, a citizen on a 360×640 phone rates the counter
 * badly and leaves a phone number with consent (once through a lost network), and the supervisor,
 * to whom the case is assigned, finds the number on the case.
 */

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots';
const WAIT = { timeout: 20_000 };
const PHONE_SIZE = { viewport: { width: 360, height: 640 }, reducedMotion: 'reduce' as const, locale: 'vi-VN' };
const TYPED = '0912 345 678';
const STORED = '0912345678';

let server: E2eServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const errors: string[] = [];
let responseId = '';

async function signedIn(username: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'vi-VN' });
  contexts.push(context);
  const account = server.demo.accounts.find((a) => a.username === username)!;
  const login = await context.request.post(`${server.url}/api/auth/login`, {
    data: { username: account.username, password: account.password },
    headers: { origin: server.url },
  });
  expect(login.status()).toBe(200);
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  return page;
}

beforeAll(async () => {
  execFileSync('npx', ['vite', 'build', '--config', 'admin-ui/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  ensureUiBuilt('survey');
  mkdirSync(SHOTS, { recursive: true });
  [server, browser] = await Promise.all([startE2eServer({ responses: 50 }), launchChromium()]);
}, 300_000);

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await server?.stop();
});

describe('call-back with consent', () => {
  it('the supervisor turns the offer off and on again at the Q1 point from its survey-point screen', async () => {
    const pointId = readDb(server.dbFile, (db) => (db.prepare('SELECT id FROM survey_points WHERE code = ?').get(server.surveyCode) as { id: string }).id);
    const offered = () => readDb(server.dbFile, (db) => db.prepare('SELECT callback_offered AS on_ FROM survey_points WHERE id = ?').get(pointId));
    const page = await signedIn('giarai.giamsat');
    await page.goto(`${server.url}/admin/survey-points/${pointId}`);
    // The demo's documented point offers it already.
    await page.getByText('Có: sau đánh giá 1 hoặc 2 điểm').waitFor(WAIT);
    await page.getByRole('button', { name: 'Thôi hỏi liên hệ lại' }).click(WAIT);
    await page.getByText('Không hỏi', { exact: true }).waitFor(WAIT);
    expect(offered()).toEqual({ on_: 0 });
    await page.getByRole('button', { name: 'Hỏi người dân có muốn được liên hệ lại' }).click(WAIT);
    await page.getByText('Có: sau đánh giá 1 hoặc 2 điểm').waitFor(WAIT);
    expect(offered()).toEqual({ on_: 1 });
  });

  it('a citizen at phone size rates badly and leaves a phone number with consent; a lost network delays it, never the answer', async () => {
    const context = await browser.newContext(PHONE_SIZE);
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    // The survey-point lookup is cached for two seconds: the offer may take that long to show.
    await page.waitForTimeout(2100);
    await page.goto(`${server.url}/s/${server.surveyCode}`);
    await page.getByRole('button', { name: 'Bắt đầu' }).click(WAIT);
    await answerScreen(page, '1');
    await page.getByRole('button', { name: 'Tiếp tục' }).click();
    await answerScreen(page, '2');
    await page.getByRole('button', { name: 'Tiếp tục' }).click();
    await page.getByRole('heading', { level: 1, name: 'Góp ý thêm' }).waitFor(WAIT);
    const posted = page.waitForRequest((r) => r.url().endsWith('/api/responses') && r.method() === 'POST');
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    responseId = ((await posted).postDataJSON() as { id: string }).id;
    await page.getByRole('heading', { level: 1, name: 'Cảm ơn Ông/Bà!' }).waitFor(WAIT);
    // The answer is stored before the offer even shows.
    expect(readDb(server.dbFile, (db) => db.prepare('SELECT id FROM responses WHERE id = ?').get(responseId))).toEqual({ id: responseId });

    await page.getByRole('heading', { level: 2, name: 'Ông/Bà có muốn được liên hệ lại?' }).waitFor(WAIT);
    await page.getByRole('textbox', { name: 'Số điện thoại' }).fill('0912 345');
    await page.getByRole('button', { name: 'Gửi thông tin liên hệ' }).click();
    await page.getByText('Số điện thoại chưa đúng').waitFor(WAIT);
    await page.getByRole('textbox', { name: 'Số điện thoại' }).fill(TYPED);
    await page.getByRole('button', { name: 'Gửi thông tin liên hệ' }).click();
    await page.getByText('Vui lòng đánh dấu đồng ý để gửi.').waitFor(WAIT);
    const consent = page.getByRole('checkbox', { name: /Nghị định 13\/2023\/NĐ-CP/ });
    await consent.check();
    await page.screenshot({ path: path.join(SHOTS, 'callback-offer.png'), fullPage: true });
    const { violations } = await new AxeBuilder({ page }).analyze();
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);

    await context.setOffline(true);
    await page.getByRole('button', { name: 'Gửi thông tin liên hệ' }).click();
    await page.getByText('Chưa gửi được thông tin liên hệ (mất kết nối)').waitFor(WAIT);
    expect(readDb(server.dbFile, (db) => db.prepare('SELECT count(*) AS n FROM callback_contacts').get())).toEqual({ n: 0 });
    await context.setOffline(false);
    await page.getByText('Đã nhận thông tin liên hệ.').waitFor(WAIT);
    await page.screenshot({ path: path.join(SHOTS, 'callback-sent.png'), fullPage: true });

    const row = readDb(server.dbFile, (db) => db.prepare('SELECT kind, sealed FROM callback_contacts WHERE response_id = ?').get(responseId)) as { kind: string; sealed: string };
    expect(row.kind).toBe('phone');
    expect(row.sealed).not.toContain(STORED);
    // Nothing of the contact stays on the phone, in any format: its digits are not among what is kept.
    // (Not a fragment of them: the page's random device marker once held '912', which failed this test.)
    const kept = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    expect(kept.replace(/\D/g, '')).not.toContain(STORED);
  });

  it('the case is assigned to the supervisor, who finds the number on it; the provincial officer does not', async () => {
    expect(responseId).not.toBe('');
    const caseId = readDb(server.dbFile, (db) =>
      (db.prepare("SELECT c.id FROM cases c JOIN case_responses r ON r.case_id = c.id WHERE r.response_id = ? AND c.source = 'callback'").get(responseId) as { id: string }).id,
    );
    const page = await signedIn('giarai.giamsat');
    await page.goto(`${server.url}/admin/cases/${caseId}`);
    await page.getByRole('heading', { level: 2, name: 'Người dân đề nghị liên hệ lại' }).waitFor(WAIT);
    await page.locator('.callback-value').filter({ hasText: STORED }).waitFor(WAIT);
    expect(await page.locator('.callback-value').getAttribute('href')).toBe(`tel:${STORED}`);
    await page.screenshot({ path: path.join(SHOTS, 'callback-case.png'), fullPage: true });

    const officer = server.demo.accounts.find((a) => a.role === 'provincial_officer')!;
    const other = await signedIn(officer.username);
    await other.goto(`${server.url}/admin/cases/${caseId}`);
    await other.getByText('Thông tin liên hệ chỉ hiển thị cho cán bộ được giao xử lý vụ việc.').waitFor(WAIT);
    expect(await other.content()).not.toContain(STORED);
    expect(errors).toEqual([]);
  });
});
