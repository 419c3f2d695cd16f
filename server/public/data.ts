import type { Instrument } from '../../schema/instrument.js';
import type { CountsByItem } from '../../schema/scoring.js';
import type { Deps } from '../deps.js';
import type { Db, UnitKind } from '../db/types.js';
import { AppError } from '../http.js';
import { getInstrument } from '../instruments/store.js';
import { addMonths, lastDayOfMonth, quarterOf, targetIndexFor } from '../reporting/index.js';
import { readCounts, readResponseCounts } from '../rollups/index.js';
import { scoreInstrument, scoreUnits } from '../scoring/index.js';
import { indexInterval } from '../scoring/interval.js';
import { vnLocalParts } from '../time.js';

/**
 * What a province publishes without sign-in: each service centre's SIPAS index per quarter over the
 * last eight, with its 95% interval and number of responses, only where at least PUBLIC_MIN_N
 * responded; the province's own index and target line. Unit names and numbers only: no comment,
 * no official, no counter. A province can switch it off (setting `public_page` = off).
 */

export const PUBLIC_MIN_N = 30;
export const PUBLIC_QUARTERS = 8;
export const PUBLIC_PAGE_SETTING = 'public_page';

/** Units that serve citizens and so have an index of their own. */
const SERVICE_KINDS: readonly UnitKind[] = ['centre', 'branch', 'agency'];

export interface PublicFigure {
  index: number;
  lower: number | null;
  upper: number | null;
  /** Responses counted. */
  n: number;
}

export interface PublicQuarter {
  /** 2026-Q4 */
  quarter: string;
  from: string;
  to: string;
  /** The quarter is still running: its figures are to date. */
  toDate: boolean;
}

export interface PublicUnit {
  code: string;
  name: string;
  kind: UnitKind;
  /** By quarter; absent where fewer than PUBLIC_MIN_N responded (or the index rests on too few answers). */
  figures: Record<string, PublicFigure>;
}

export interface PublicData {
  province: { code: string; name: string };
  quarters: PublicQuarter[];
  units: PublicUnit[];
  provinceFigures: Record<string, PublicFigure>;
  target: number;
  instrument: { id: string; title: { vi: string; en: string }; methodologyVersion: string } | null;
  minN: number;
  /** The newest day counted. */
  asOf: string;
}

/** A province as the public URL names it (its two-digit code), if its page is on. */
export async function publicProvince(db: Db, code: string): Promise<{ id: string; code: string; name: string; path: string }> {
  const province = /^\d{2}$/.test(code)
    ? await db.selectFrom('units').select(['id', 'code', 'name', 'path']).where('kind', '=', 'province').where('code', '=', code).where('active', '=', 1).executeTakeFirst()
    : undefined;
  if (!province || !(await publicPageEnabled(db, province.id))) throw new AppError('not_found', 404, 'No public page for this province');
  return province;
}

export async function publicPageEnabled(db: Db, provinceId: string): Promise<boolean> {
  const row = await db.selectFrom('settings').select('value').where('unit_id', '=', provinceId).where('key', '=', PUBLIC_PAGE_SETTING).executeTakeFirst();
  return row?.value !== 'off';
}

export function lastQuarters(today: string, count = PUBLIC_QUARTERS): PublicQuarter[] {
  const current = quarterOf(today);
  const firstMonth = (q: string) => `${q.slice(0, 4)}-${String((Number(q.slice(6)) - 1) * 3 + 1).padStart(2, '0')}`;
  const quarters: PublicQuarter[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const q = quarterOf(`${addMonths(firstMonth(current), -3 * i)}-01`);
    const from = `${firstMonth(q)}-01`;
    const end = lastDayOfMonth(addMonths(firstMonth(q), 2));
    quarters.push({ quarter: q, from, to: end > today ? today : end, toDate: end > today });
  }
  return quarters;
}

/** A figure the page may show: enough responses, and an index the engine does not flag as resting on too few answers. */
function figure(report: ReturnType<typeof scoreInstrument>, responses: number, minN: number): PublicFigure | null {
  const overall = report.overall;
  if (overall.index === null || responses < minN || overall.reliability === 'insufficient') return null;
  const interval = indexInterval(report);
  return { index: overall.index, lower: interval?.lower ?? null, upper: interval?.upper ?? null, n: responses };
}

/** The questionnaire most answered in the province over the window: one index per unit and quarter, comparable. */
async function mainInstrument(db: Db, path: string, from: string, to: string): Promise<Instrument | null> {
  const rows = await readResponseCounts(db, { unitPathPrefix: path, from, to });
  const top = [...rows].sort((a, b) => b.n - a.n || (a.instrumentId < b.instrumentId ? -1 : 1))[0];
  return top ? ((await getInstrument(db, top.instrumentId)) ?? null) : null;
}

/** How long a province's figures are reused: the page is public, framed by portals, and reads 16 rollup queries. */
export const PUBLIC_DATA_TTL_MS = 60_000;

/**
 * A province's figures, computed at most once a minute per app (the switch and the province are
 * checked on every request, so switching off takes effect at once).
 */
export function publicDataCache(deps: Deps): (provinceCode: string) => Promise<PublicData> {
  const cache = new Map<string, { until: number; data: Promise<PublicData> }>();
  return async (provinceCode) => {
    const province = await publicProvince(deps.db.kysely, provinceCode);
    const now = deps.clock.now().getTime();
    const hit = cache.get(province.id);
    if (hit && hit.until > now) return hit.data;
    const data = computePublicData(deps, province);
    cache.set(province.id, { until: now + PUBLIC_DATA_TTL_MS, data });
    // A failed computation is not kept.
    data.catch(() => cache.delete(province.id));
    return data;
  };
}

async function computePublicData(deps: Deps, province: { id: string; code: string; name: string; path: string }): Promise<PublicData> {
  const db = deps.db.kysely;
  const today = vnLocalParts(deps.clock.now()).day;
  const quarters = lastQuarters(today);
  const minN = Math.max(PUBLIC_MIN_N, deps.config.scoring.lowNMin);
  const units = await db
    .selectFrom('units')
    .select(['id', 'code', 'name', 'kind'])
    .where('province_id', '=', province.id)
    .where('kind', 'in', [...SERVICE_KINDS])
    .where('active', '=', 1)
    .orderBy('path')
    .execute();
  const instrument = await mainInstrument(db, province.path, quarters[0]!.from, today);
  const target = (await targetIndexFor(db, deps.config, province.id)).target;
  const out: PublicData = {
    province: { code: province.code, name: province.name },
    quarters,
    units: [],
    provinceFigures: {},
    target,
    instrument: instrument ? { id: instrument.id, title: instrument.definition.title, methodologyVersion: instrument.definition.methodologyVersion } : null,
    minN,
    asOf: today,
  };
  const byUnit = new Map(units.map((u) => [u.id, { code: u.code, name: u.name, kind: u.kind, figures: {} } satisfies PublicUnit as PublicUnit]));
  if (instrument) {
    const settings = deps.config.scoring;
    for (const q of quarters) {
      const filter = { unitPathPrefix: province.path, from: q.from, to: q.to, instrumentId: instrument.id, groupBy: 'unit' as const };
      const [counts, responses] = await Promise.all([readCounts(db, filter), readResponseCounts(db, filter)]);
      const responsesOf = new Map(responses.map((r) => [r.group, r.n]));
      const children: CountsByItem[] = [];
      for (const group of counts) {
        const unit = byUnit.get(group.group);
        if (!unit) continue;
        children.push(group.counts);
        const f = figure(scoreInstrument(instrument, group.counts, settings), responsesOf.get(group.group) ?? 0, minN);
        if (f) unit.figures[q.quarter] = f;
      }
      const total = [...byUnit.keys()].reduce((sum, id) => sum + (responsesOf.get(id) ?? 0), 0);
      const f = figure(scoreUnits(instrument, children, settings), total, minN);
      if (f) out.provinceFigures[q.quarter] = f;
    }
  }
  // A unit that never had enough responses is not listed at all; the rest in the order of their names.
  out.units = [...byUnit.values()].filter((u) => Object.keys(u.figures).length > 0).sort((a, b) => a.name.localeCompare(b.name, 'vi') || (a.code < b.code ? -1 : 1));
  return out;
}
