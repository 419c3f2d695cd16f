import { mkdirSync, writeFileSync } from 'node:fs';
import jsQR from 'jsqr';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvitationIssued } from '../../schema/invitations.js';
import { QR_SIZES, SurveyPointView } from '../../schema/surveypoints.js';
import { launchChromium, startE2eServer, type E2eServer } from '../testing/e2e.js';

/** Where the screenshots are kept for a person to look at. */
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots';

let server: E2eServer;
let browser: Browser;
let context: BrowserContext;
let point: SurveyPointView;

function decode(png: Buffer): string | undefined {
  const img = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(img.data), img.width, img.height)?.data;
}

/** Collects CSP refusals and failed requests: a poster that silently lost its stylesheet must fail. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('requestfailed', (r) => problems.push(`failed ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  return problems;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startE2eServer({ responses: 50 });
  browser = await launchChromium();
  context = await browser.newContext({ deviceScaleFactor: 2 });
  const admin = server.demo.accounts.find((a) => a.role === 'system_admin')!;
  const login = await context.request.post(`${server.url}/api/auth/login`, {
    data: { username: admin.username, password: admin.password },
    headers: { origin: server.url },
  });
  expect(login.status()).toBe(200);
  const points = SurveyPointView.array().parse(await (await context.request.get(`${server.url}/api/admin/survey-points`)).json());
  point = points.find((p) => p.code === server.surveyCode)!;
  expect(point).toBeDefined();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('counter QR codes', () => {
  it('the SVG, rendered by Chromium, decodes to exactly the survey URL', async () => {
    expect(point.url).toBe(`${server.url}/s/${server.surveyCode}`);
    const page = await context.newPage();
    await page.setViewportSize({ width: 400, height: 400 });
    const res = await page.goto(`${server.url}/api/admin/survey-points/${point.id}/qr.svg`);
    expect(res?.headers()['content-type']).toMatch(/^image\/svg\+xml/);
    const shot = await page.screenshot();
    writeFileSync(`${SHOTS}/qr-svg.png`, shot);
    expect(decode(shot)).toBe(point.url);
    await page.close();
  });

  it.each(QR_SIZES)('the %s PNG decodes to exactly the survey URL', async (size) => {
    const res = await context.request.get(`${server.url}/api/admin/survey-points/${point.id}/qr.png?size=${size}`);
    expect(res.headers()['content-type']).toBe('image/png');
    expect(decode(await res.body())).toBe(point.url);
  });

  it('the 1-bit PNG, as Chromium draws it, decodes to exactly the survey URL', async () => {
    const page = await browser.newPage({ viewport: { width: 800, height: 800 } });
    await page.context().addCookies(await context.cookies());
    await page.goto(`${server.url}/api/admin/survey-points/${point.id}/qr.png?size=tent`);
    expect(decode(await page.screenshot())).toBe(point.url);
    await page.close();
  });

  it.each(QR_SIZES)('the printed %s poster shows the URL, keeps its stylesheet, fits one sheet, and its QR decodes', async (size) => {
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.emulateMedia({ media: 'print' });
    await page.goto(`${server.url}/api/admin/survey-points/${point.id}/poster?size=${size}`);
    await expect.poll(() => page.evaluate(() => document.fonts.status)).toBe('loaded');
    const sheetWidthMm = await page.locator('.sheet').evaluate((el) => el.getBoundingClientRect().width / (96 / 25.4));
    expect(Math.round(sheetWidthMm)).toBe({ a4: 210, a5: 148, tent: 297, receipt: 80 }[size]);
    expect(await page.locator('.url').first().textContent()).toBe(point.url);
    expect(await page.locator('.instruction').first().textContent()).toBe('Quét mã QR để đánh giá mức độ hài lòng');

    const shot = await page.locator('.sheet').screenshot();
    writeFileSync(`${SHOTS}/poster${size === 'a4' ? '' : `-${size}`}.png`, shot);
    const faces = size === 'tent' ? await page.locator('.tent-face').all() : [page.locator('.sheet')];
    for (const face of faces) expect(decode(await face.screenshot())).toBe(point.url);

    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)).toHaveLength(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the QR of a per-dossier invitation, rendered by Chromium from its SVG and read from its PNG, decodes to its link', async () => {
    const res = await context.request.post(`${server.url}/api/v1/invitations`, {
      data: { dossierCode: 'E2E-0001' },
      headers: { authorization: `Bearer ${server.demo.apiKey}` },
    });
    expect(res.status()).toBe(201);
    const issued = InvitationIssued.parse(await res.json());
    expect(decode(Buffer.from(issued.qrPngBase64, 'base64'))).toBe(issued.url);
    const page = await context.newPage();
    await page.setViewportSize({ width: 300, height: 300 });
    await page.setContent(`<body style="margin:0">${issued.qrSvg.replace('<svg ', '<svg width="300" height="300" ')}</body>`);
    expect(decode(await page.screenshot())).toBe(issued.url);
    await page.close();
  });
});
