import type { Actor } from '../auth/actor.js';
import type { Deps } from '../deps.js';
import { getSurveyPoint, listSurveyPoints } from '../surveypoints/points.js';
import type { PostersQuery, QrSize, SurveyPointView } from '../../schema/surveypoints.js';
import { posterHtml, postersHtml, type PosterContent } from './poster.js';
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

/** The name of the province above a unit (none for a province itself). */
async function provinceNameOf(deps: Deps, unitId: string): Promise<string | null> {
  const province = await deps.db.kysely
    .selectFrom('units as u')
    .innerJoin('units as p', 'p.id', 'u.province_id')
    .select('p.name')
    .where('u.id', '=', unitId)
    .where('p.id', '!=', unitId)
    .executeTakeFirst();
  return province?.name ?? null;
}

async function posterContent(point: SurveyPointView, provinceName: string | null): Promise<PosterContent> {
  return { provinceName, unitName: point.unitName, counterName: point.counterName, url: point.url, svg: await qrSvg(point.url) };
}

/** The printable poster page of a survey point, with the province's name above the centre's. */
export async function pointPoster(deps: Deps, actor: Actor, id: string, size: QrSize): Promise<string> {
  const point = await getSurveyPoint(deps, actor, id);
  const page = await posterHtml(await posterContent(point, await provinceNameOf(deps, point.unitId)), size);
  return page.toString();
}

/** Every (open) point of a unit's subtree on one printable page set, one sheet each, in list order. */
export async function unitPosters(deps: Deps, actor: Actor, query: PostersQuery): Promise<string> {
  const points = await listSurveyPoints(deps, actor, { unitId: query.unitId, ...(query.includeClosed ? {} : { status: 'open' }) });
  const provinceNames = new Map<string, string | null>();
  const contents: PosterContent[] = [];
  for (const point of points) {
    if (!provinceNames.has(point.unitId)) provinceNames.set(point.unitId, await provinceNameOf(deps, point.unitId));
    contents.push(await posterContent(point, provinceNames.get(point.unitId)!));
  }
  const unit = await deps.db.kysely.selectFrom('units').select('name').where('id', '=', query.unitId).executeTakeFirstOrThrow();
  const page = await postersHtml(contents, query.size, unit.name);
  return page.toString();
}
