import { Hono } from 'hono';
import { POSTER_CSS } from './poster.js';

/** /api/qr: the poster stylesheet, a file because the CSP (style-src 'self') forbids inline styles. */
export function qrRoutes() {
  return new Hono().get('/poster.css', (c) =>
    c.body(POSTER_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }),
  );
}
