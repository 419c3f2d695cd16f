import type { Actor } from '../auth/actor.js';
import type { Deps } from '../deps.js';
import { getSurveyPoint } from '../surveypoints/points.js';
import type { QrSize } from '../../schema/surveypoints.js';
import { posterHtml } from './poster.js';
import { qrPng, qrSvg } from './qr.js';

/** A file name for downloads: the unit and counter codes, never free text that could break the header. */
function fileStem(point: { unitCode: string; counterCode: string | null; code: string }): string {
  const parts = ['qr', point.unitCode, point.counterCode ?? 'centre', point.code];
  return parts.map((p) => p.replace(/[^A-Za-z0-9._-]+/g, '_')).join('-');
}

export async function pointQrSvg(deps: Deps, actor: Actor, id: string) {
  const point = await getSurveyPoint(deps, actor, id);
  return { body: await qrSvg(point.url), fileName: `${fileStem(point)}.svg` };
}

export async function pointQrPng(deps: Deps, actor: Actor, id: string, size: QrSize) {
  const point = await getSurveyPoint(deps, actor, id);
  return { body: await qrPng(point.url, size), fileName: `${fileStem(point)}-${size}.png` };
}

/** The printable poster page of a survey point, with the province's name above the centre's. */
export async function pointPoster(deps: Deps, actor: Actor, id: string, size: QrSize): Promise<string> {
  const point = await getSurveyPoint(deps, actor, id);
  const province = await deps.db.kysely
    .selectFrom('units as u')
    .innerJoin('units as p', 'p.id', 'u.province_id')
    .select('p.name')
    .where('u.id', '=', point.unitId)
    .where('p.id', '!=', point.unitId)
    .executeTakeFirst();
  const page = await posterHtml(
    {
      provinceName: province?.name ?? null,
      unitName: point.unitName,
      counterName: point.counterName,
      url: point.url,
      svg: await qrSvg(point.url),
    },
    size,
  );
  return page.toString();
}
