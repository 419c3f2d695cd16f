import { gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import type { Deps } from '../deps.js';
import { AppError, errorBody } from '../http.js';
import { sendStatic, type BuiltUi } from '../ui.js';
import { publicSurvey } from './routes.js';

/** JSON that is safe inside a <script type="application/json"> data block. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * /s/_preview: the survey page without a survey, for the admin's phone-frame preview, which sends it
 * the questionnaire to show by postMessage (survey-ui/src/api.ts PREVIEW_CODE). The only page that
 * may be framed, and only by this origin (app.ts).
 */
export const SURVEY_PREVIEW_PATH = '/s/_preview';

/**
 * /s/<code>: the survey page with its survey (or the error to show) embedded as a JSON data block,
 * so a phone on a slow network renders it without a second round trip. A data block is not a
 * script, so the CSP still forbids inline scripts.
 */
export function surveyPageRoutes(deps: Deps, ui: BuiltUi | undefined) {
  return new Hono().get('/s/:code{[^/]+}', async (c, next) => {
    const code = c.req.param('code');
    const file = ui?.file(code);
    if (!ui || file) return file ? sendStatic(c, file) : next();
    if (c.req.path === SURVEY_PREVIEW_PATH) {
      c.header('cache-control', 'no-store');
      return c.html(ui.indexHtml);
    }
    let data: unknown;
    let status: 200 | 404 | 409 | 410 = 200;
    try {
      data = await publicSurvey(deps, code);
    } catch (err) {
      if (!(err instanceof AppError) || ![404, 409, 410].includes(err.status)) throw err;
      data = errorBody(err.code, err.message);
      status = err.status as 404 | 409 | 410;
    }
    const html = ui.indexHtml.replace(
      '</head>',
      `<script type="application/json" id="survey-data">${scriptSafeJson(data)}</script></head>`,
    );
    c.header('content-type', 'text/html; charset=utf-8');
    c.header('cache-control', 'no-store');
    c.header('vary', 'accept-encoding');
    if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      c.header('content-encoding', 'gzip');
      return c.body(new Uint8Array(gzipSync(html)), status);
    }
    return c.body(html, status);
  });
}
