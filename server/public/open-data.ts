import { csvText, UTF8_BOM } from '../exports/cells.js';
import { roundDecimal } from '../scoring/index.js';
import type { PublicData, PublicFigure } from './data.js';

/**
 * The public page's figures as open data, at stable URLs (/public/<province>/sipas.json and .csv):
 * the same units, quarters and threshold as the page, numbers to two decimals (half away from zero).
 * The fields are listed in README.md (Public page and open data); new ones are only ever appended.
 */

export const OPEN_DATA_FORMAT = 'sipas-open-data/1';

const two = (v: number | null) => (v === null ? null : roundDecimal(v, 2, 'half_away_from_zero'));

export interface OpenFigure {
  quarter: string;
  index: number;
  lower: number | null;
  upper: number | null;
  n: number;
}

const openFigures = (figures: Record<string, PublicFigure>, quarters: readonly string[]): OpenFigure[] =>
  quarters.flatMap((q) => {
    const f = figures[q];
    return f ? [{ quarter: q, index: two(f.index)!, lower: two(f.lower), upper: two(f.upper), n: f.n }] : [];
  });

export function openDataJson(data: PublicData) {
  const quarters = data.quarters.map((q) => q.quarter);
  return {
    format: OPEN_DATA_FORMAT,
    province: data.province,
    asOf: data.asOf,
    minResponses: data.minN,
    target: data.target,
    instrument: data.instrument,
    quarters: data.quarters,
    provinceFigures: openFigures(data.provinceFigures, quarters),
    units: data.units.map((u) => ({ code: u.code, name: u.name, kind: u.kind, figures: openFigures(u.figures, quarters) })),
  };
}

export const OPEN_DATA_COLUMNS = [
  'province_code',
  'unit_code',
  'unit_name',
  'unit_kind',
  'quarter',
  'from',
  'to',
  'to_date',
  'index',
  'lower',
  'upper',
  'n',
  'target',
  'instrument_id',
  'methodology_version',
] as const;

export function openDataCsv(data: PublicData): string {
  const json = openDataJson(data);
  const period = new Map(data.quarters.map((q) => [q.quarter, q]));
  const lines = [OPEN_DATA_COLUMNS.join(',')];
  const rows = [
    { code: data.province.code, name: data.province.name, kind: 'province', figures: json.provinceFigures },
    ...json.units.map((u) => ({ code: u.code, name: u.name, kind: u.kind as string, figures: u.figures })),
  ];
  for (const unit of rows) {
    for (const f of unit.figures) {
      const q = period.get(f.quarter)!;
      lines.push(
        [
          csvText(data.province.code),
          csvText(unit.code),
          csvText(unit.name),
          unit.kind,
          f.quarter,
          q.from,
          q.to,
          q.toDate ? 'true' : 'false',
          f.index,
          f.lower ?? '',
          f.upper ?? '',
          f.n,
          data.target,
          csvText(data.instrument?.id ?? ''),
          csvText(data.instrument?.methodologyVersion ?? ''),
        ].join(','),
      );
    }
  }
  return `${UTF8_BOM}${lines.join('\r\n')}\r\n`;
}
