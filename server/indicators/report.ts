import type { AgencyRow, IndicatorCell, IndicatorReport, IndicatorsQuery, OfficialRow, Q766Row } from '../../schema/indicators.js';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/types.js';
import type { Deps } from '../deps.js';
import { resolveReportPeriod, resolveReportScope, type ReportScope } from '../reporting/index.js';
import { D18, evaluateAgency, evaluateOfficial, indicatorScores, q766DossierSatisfaction, type DossierScores } from '../scoring/index.js';
import { vnLocalParts } from '../time.js';
import { complaintScore, complaintTally, dossierScores, isDisliked, isOverdue, type ComplaintTally } from './dossier.js';
import { readDossiers, readUnitScores, type DossierRow } from './read.js';

/**
 * The TT 01/2018 indicators per official and per agency for a quarter or year, and the QĐ 766 5.4
 * ratio, from the dossiers' facts and the citizens' answers (dossier.ts) through the one scoring
 * module (scoring/d18.ts, q766.ts). The dashboard tab, the summary workbook and the printed report
 * all read this.
 */

const DOSSIER_CODES = ['D18.1', 'D18.2', 'D18.3', 'D18.4', 'D18.6', 'D18.7'] as const;
const COMPLAINT_CODE = 'D18.8';
const Q766_MAX_POINTS = 6;

interface Scored {
  row: DossierRow;
  scores: DossierScores;
}

/** The per-dossier indicators of some dossiers: rounded means and how many dossiers each rests on. */
function dossierCells(scored: readonly Scored[], codes: readonly string[]): Record<string, IndicatorCell> {
  const means = indicatorScores(
    scored.map((s) => s.scores),
    codes,
  );
  const cells: Record<string, IndicatorCell> = {};
  for (const code of codes) {
    if (means[code] === undefined) continue;
    cells[code] = { score: means[code], dossiers: scored.filter((s) => s.scores[code] !== undefined).length, source: 'dossiers' };
  }
  return cells;
}

const omitted = (codes: readonly string[], cells: Record<string, IndicatorCell>) => codes.filter((c) => cells[c] === undefined);

function officialRow(staff: { id: string; code: string; name: string }, scored: readonly Scored[]): OfficialRow {
  const cells = dossierCells(scored, D18.officialIndicators);
  const result = evaluateOfficial(
    scored.map((s) => s.scores),
    D18,
  );
  const any = Object.keys(cells).length > 0;
  return {
    staffId: staff.id,
    code: staff.code,
    name: staff.name,
    indicators: cells,
    omitted: omitted(D18.officialIndicators, cells),
    total: any ? result.total : null,
    maxTotal: 2 * D18.officialIndicators.length,
    dossiers: scored.length,
    classification: any ? result.classification : null,
  };
}

export function q766Row(dossiers: readonly DossierRow[], today: string, dedupe: boolean): Q766Row {
  let overdue = 0;
  let disliked = 0;
  let both = 0;
  for (const d of dossiers) {
    const o = isOverdue(d.record, today);
    const x = isDisliked(d.record);
    if (o) overdue++;
    if (x) disliked++;
    if (o && x) both++;
  }
  const result = q766DossierSatisfaction({ dossiers: dossiers.length, overdue, disliked, overdueAndDisliked: both }, { dedupe, maxPoints: Q766_MAX_POINTS });
  return { dossiers: dossiers.length, overdue, disliked, overdueAndDisliked: both, rate: result.rate, points: result.points, maxPoints: result.maxPoints };
}

function agencyRow(
  unit: { id: string; kind: AgencyRow['unit']['kind']; code: string; name: string },
  scored: readonly Scored[],
  given: ReadonlyMap<string, number>,
  today: string,
  dedupe: boolean,
): AgencyRow {
  const cells = dossierCells(scored, DOSSIER_CODES);
  const reporting = scored.filter((s) => s.row.record.facts.complaints !== undefined);
  const tally: ComplaintTally = { onTime: 0, late: 0, prolonged: 0 };
  for (const s of reporting) {
    const t = complaintTally(s.row.record.facts, today);
    tally.onTime += t.onTime;
    tally.late += t.late;
    tally.prolonged += t.prolonged;
  }
  const complaints = complaintScore(reporting.length, tally);
  if (complaints !== undefined) cells[COMPLAINT_CODE] = { score: complaints, dossiers: reporting.length, source: 'complaints' };
  // A score the unit was given as a whole stands for its own figure.
  for (const [code, score] of given) cells[code] = { score, dossiers: null, source: 'unit' };
  const codes = D18.indicators.map((i) => i.code);
  const ordered = Object.fromEntries(codes.filter((c) => cells[c] !== undefined).map((c) => [c, cells[c]!]));
  const result = evaluateAgency(Object.fromEntries(Object.entries(ordered).map(([c, cell]) => [c, cell.score])), D18);
  const any = Object.keys(ordered).length > 0;
  return {
    unit: { id: unit.id, kind: unit.kind, code: unit.code, name: unit.name },
    indicators: ordered,
    omitted: omitted(codes, ordered),
    total: any ? result.total : null,
    maxTotal: 2 * codes.length,
    dossiers: scored.length,
    classification: any ? result.classification : null,
    q766: q766Row(
      scored.map((s) => s.row),
      today,
      dedupe,
    ),
  };
}

/** A year takes the scores given for the year itself, else the mean of those given for its quarters. */
function givenScores(rows: readonly { unitId: string; period: string; code: string; score: number }[], at: string): Map<string, Map<string, number>> {
  const byUnit = new Map<string, Map<string, number[]>>();
  const exact = new Map<string, Map<string, number>>();
  for (const r of rows) {
    if (r.period === at) {
      if (!exact.has(r.unitId)) exact.set(r.unitId, new Map());
      exact.get(r.unitId)!.set(r.code, r.score);
    } else {
      if (!byUnit.has(r.unitId)) byUnit.set(r.unitId, new Map());
      const codes = byUnit.get(r.unitId)!;
      codes.set(r.code, [...(codes.get(r.code) ?? []), r.score]);
    }
  }
  const out = new Map<string, Map<string, number>>();
  for (const [unitId, codes] of byUnit) {
    out.set(unitId, new Map([...codes].map(([code, scores]) => [code, scores.reduce((a, b) => a + b, 0) / scores.length])));
  }
  for (const [unitId, codes] of exact) out.set(unitId, new Map([...(out.get(unitId) ?? []), ...codes]));
  return out;
}

/** The indicators over a resolved scope: what the route, the workbook and the report share. */
export async function indicatorsForScope(
  db: Db,
  scope: ReportScope,
  period: { kind: 'quarter' | 'year'; at: string; from: string; to: string },
  options: { today: string; dedupe: boolean; counterId?: string | undefined; staffId?: string | undefined; procedureId?: string | undefined },
): Promise<IndicatorReport> {
  const dossiers = await readDossiers(db, { unitIds: scope.unitIds, from: period.from, to: period.to, counterId: options.counterId, staffId: options.staffId, procedureId: options.procedureId });
  const scored: Scored[] = dossiers.map((row) => ({ row, scores: dossierScores(row.record, options.today) }));
  const periods = period.kind === 'quarter' ? [period.at] : [period.at, ...[1, 2, 3, 4].map((q) => `${period.at}-Q${q}`)];
  const given = givenScores(await readUnitScores(db, scope.unitIds, periods), period.at);

  const staffIds = [...new Set(dossiers.flatMap((d) => (d.staffId ? [d.staffId] : [])))];
  const staff = staffIds.length ? await db.selectFrom('staff').select(['id', 'code', 'name']).where('id', 'in', staffIds).execute() : [];
  const officials = staff
    .map((s) => officialRow(s, scored.filter((x) => x.row.staffId === s.id)))
    .sort((a, b) => a.name.localeCompare(b.name, 'vi') || a.code.localeCompare(b.code));

  const unitIds = new Set([...dossiers.map((d) => d.unitId), ...given.keys()]);
  const agencies = scope.units
    .filter((u) => unitIds.has(u.id))
    .map((u) => agencyRow(u, scored.filter((x) => x.row.unitId === u.id), given.get(u.id) ?? new Map(), options.today, options.dedupe));

  const withData = new Set([...officials, ...agencies].flatMap((r) => Object.keys(r.indicators)));
  return {
    set: D18.code,
    period: { kind: period.kind, at: period.at, from: period.from, to: period.to },
    unit: scope.root ? { id: scope.root.id, kind: scope.root.kind, code: scope.root.code, name: scope.root.name } : null,
    definitions: D18.indicators.map((i) => ({ code: i.code, title: i.title, level: i.level, source: i.source, official: D18.officialIndicators.includes(i.code) })),
    officials,
    agencies,
    q766: q766Row(dossiers, options.today, options.dedupe),
    dedupe: options.dedupe,
    withoutData: D18.indicators.map((i) => i.code).filter((c) => !withData.has(c)),
  };
}

/** GET /api/admin/indicators for a signed-in caller: scoped to their units as every dashboard is. */
export async function indicatorReport(deps: Deps, actor: Actor, query: IndicatorsQuery): Promise<IndicatorReport> {
  const db = deps.db.kysely;
  const today = vnLocalParts(deps.clock.now()).day;
  const scope = await resolveReportScope(db, actor, query.unitId, 'dashboard.read');
  const period = resolveReportPeriod({ period: query.period, at: query.at }, today);
  return indicatorsForScope(db, scope, { kind: query.period, at: period.at!, from: period.from, to: period.to }, {
    today,
    dedupe: query.dedupe,
    counterId: query.counterId,
    staffId: query.staffId,
    procedureId: query.procedureId,
  });
}
