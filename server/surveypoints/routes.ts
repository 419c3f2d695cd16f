import { Hono } from 'hono';
import {
  CreateSurveyPointInput,
  PostersQuery,
  QrQuery,
  SurveyPointListQuery,
  UpdateSurveyPointInput,
} from '../../schema/surveypoints.js';
import { requirePermission, type AuthEnv } from '../auth/middleware.js';
import type { Deps } from '../deps.js';
import { parseQuery, readJsonWith } from '../http.js';
import { pointPoster, pointQrPng, pointQrSvg, unitPosters } from '../qr/pointQr.js';
import { createSurveyPoint, getSurveyPoint, listSurveyPoints, rotateSurveyPointCode, updateSurveyPoint } from './points.js';

/** /api/admin/survey-points: the QR codes of counters and centres, their posters (one or a centre's all), and code rotation. */
export function surveyPointRoutes(deps: Deps) {
  const read = requirePermission('surveys.read');
  const write = requirePermission('surveys.write');
  const limit = deps.config.bodyLimitBytes;
  return new Hono<AuthEnv>()
    .get('/', read, async (c) => c.json(await listSurveyPoints(deps, c.get('actor'), parseQuery(c, SurveyPointListQuery))))
    .post('/', write, async (c) => {
      const input = await readJsonWith(c, limit, CreateSurveyPointInput);
      return c.json(await createSurveyPoint(deps, c.get('actor'), input), 201);
    })
    .get('/posters', read, async (c) => c.html(await unitPosters(deps, c.get('actor'), parseQuery(c, PostersQuery))))
    .get('/:id', read, async (c) => c.json(await getSurveyPoint(deps, c.get('actor'), c.req.param('id'))))
    .patch('/:id', write, async (c) => {
      const input = await readJsonWith(c, limit, UpdateSurveyPointInput);
      return c.json(await updateSurveyPoint(deps, c.get('actor'), c.req.param('id'), input));
    })
    .post('/:id/rotate', write, async (c) => c.json(await rotateSurveyPointCode(deps, c.get('actor'), c.req.param('id'))))
    .get('/:id/qr.svg', read, async (c) => {
      const qr = await pointQrSvg(deps, c.get('actor'), c.req.param('id'));
      return c.body(qr.body, 200, {
        'content-type': 'image/svg+xml; charset=utf-8',
        'content-disposition': `inline; filename="${qr.fileName}"`,
      });
    })
    .get('/:id/qr.png', read, async (c) => {
      const { size } = parseQuery(c, QrQuery);
      const qr = await pointQrPng(deps, c.get('actor'), c.req.param('id'), size);
      return c.body(new Uint8Array(qr.body), 200, {
        'content-type': 'image/png',
        'content-disposition': `inline; filename="${qr.fileName}"`,
      });
    })
    .get('/:id/poster', read, async (c) => {
      const { size } = parseQuery(c, QrQuery);
      const page = await pointPoster(deps, c.get('actor'), c.req.param('id'), size);
      return c.html(page);
    });
}
