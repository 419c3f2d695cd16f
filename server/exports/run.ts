import { FORMATS_OF, type ExportFormat, type ExportKind, type ExportOptions, type ExportQuery } from '../../schema/exports.js';
import type { Actor } from '../auth/actor.js';
import { recordAudit } from '../audit/record.js';
import type { Deps } from '../deps.js';
import { AppError } from '../http.js';
import { METHODOLOGY_VERSION } from '../instruments/catalogue.js';
import type { ManifestSubject } from '../integrity/manifest.js';
import { indicatorsForScope } from '../indicators/index.js';
import { indicatorPeriod } from './indicators.js';
import { listInstruments, requireInstrument } from '../instruments/store.js';
import {
  chooseInstrument,
  resolveFilter,
  resolveReportPeriod,
  resolveReportScope,
  scoreScope,
  targetIndexFor,
  type ReportPeriod,
  type ReportScope,
} from '../reporting/index.js';
import { vnLocalParts } from '../time.js';
import { countRaw, rawCsvStream, rawXlsxStream, type RawExportPlan } from './raw.js';
import { REPORT_CSS, REPORT_CSS_PATH, REPORT_JS, REPORT_JS_PATH, reportHtml, selectComments, type ReportData } from './report.js';
import type { ExportCaller } from './scope.js';
import { summaryCsv, summaryWorkbook } from './summary.js';

/** One export as a file: what the route sends and the command line writes. */
export interface ExportFile {
  fileName: string;
  contentType: string;
  body: Uint8Array<ArrayBuffer> | string | ReadableStream<Uint8Array>;
  /** What the signed manifest says the file covers (server/integrity/manifest.ts). */
  subject: ManifestSubject;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

const FILE_STEMS: Record<ExportKind, string> = { summary: 'sipas-tong-hop', raw: 'sipas-phieu-khao-sat', report: 'bao-cao-sipas' };

/** ASCII file names (Content-Disposition and cron jobs alike): codes keep only letters, digits, dot and dash. */
function fileName(kind: ExportKind, scope: ReportScope, period: ReportPeriod, format: ExportFormat): string {
  const unit = scope.root ? scope.root.code.replace(/[^A-Za-z0-9.-]+/g, '_') : 'tat-ca';
  return `${FILE_STEMS[kind]}_${unit}_${period.from}_${period.to}.${format}`;
}

export interface ExportRequest {
  kind: ExportKind;
  query: ExportQuery;
  /** Who ran it, as the methodology sheet shows it. */
  generatedBy: string;
  /** A file to keep (command line): the report carries its stylesheet instead of linking the server's. */
  standalone?: boolean;
}

function filterText(scope: ReportScope, period: ReportPeriod, instrumentId: string | undefined): string {
  return [`đơn vị: ${scope.name}${scope.root ? ` (${scope.root.code})` : ''}`, `từ ${period.from} đến ${period.to}`, instrumentId ? `bộ câu hỏi ${instrumentId}` : 'mọi bộ câu hỏi'].join('; ');
}

/**
 * Runs one export for a caller: resolves scope, period, filters and questionnaire through the
 * reporting core (as the dashboards do), records the export in the audit log (before any data
 * leaves, so an interrupted download is still on record), and builds the file.
 */
export async function runExport(deps: Deps, caller: ExportCaller, request: ExportRequest): Promise<ExportFile> {
  const { kind, query } = request;
  const format = query.format ?? FORMATS_OF[kind][0]!;
  if (!FORMATS_OF[kind].includes(format)) {
    throw new AppError('validation_failed', 400, `The ${kind} export is available as ${FORMATS_OF[kind].join(' or ')}, not ${format}`);
  }
  const db = deps.db.kysely;
  if (query.instrumentId !== undefined) await requireInstrument(db, query.instrumentId);
  const scope = await resolveReportScope(db, caller.actor, query.unitId, 'exports.run');
  const period = resolveReportPeriod(query, vnLocalParts(deps.clock.now()).day);
  const filter = await resolveFilter(db, scope, query);
  const instrument = kind === 'raw' ? null : (await chooseInstrument(db, scope, period, filter, query.instrumentId)).chosen;
  if (kind !== 'raw' && !instrument) throw new AppError('not_found', 404, 'Nothing to report: no questionnaire is used in this scope');
  const instrumentId = kind === 'raw' ? query.instrumentId : instrument!.id;
  const rawPlan: RawExportPlan = { scope, from: period.from, to: period.to, instrumentId };
  const rows = kind === 'raw' ? await countRaw(deps.db, rawPlan) : null;

  await deps.db.write((tx) =>
    recordAudit(tx, {
      actor: caller.audit,
      action: 'export.run',
      entity: 'export',
      entityId: kind,
      unitId: scope.root?.id ?? null,
      after: { kind, format, from: period.from, to: period.to, unitId: scope.root?.id ?? null, instrumentId: instrumentId ?? null, ...(rows !== null && { rows }) },
      at: deps.clock.now(),
    }),
  );

  const name = fileName(kind, scope, period, format);
  const subject: ManifestSubject = {
    fileName: name,
    kind,
    scope: { unitId: scope.root?.id ?? null, unitCode: scope.root?.code ?? null, name: scope.name },
    period: { from: period.from, to: period.to },
    instrumentId: instrumentId ?? null,
    methodologyVersion: instrument?.definition.methodologyVersion ?? METHODOLOGY_VERSION,
    generatedBy: request.generatedBy,
  };
  const file = { fileName: name, contentType: CONTENT_TYPES[format], subject };
  if (kind === 'raw') {
    return { ...file, body: format === 'csv' ? await rawCsvStream(deps.db, rawPlan, rows!) : await rawXlsxStream(deps.db, rawPlan) };
  }
  const [scores, before] = await Promise.all([
    scoreScope(deps, caller.actor, scope, period, filter, instrument!),
    scoreScope(deps, caller.actor, scope, period.previous, filter, instrument!),
  ]);
  const generatedAt = deps.clock.now();
  const today = vnLocalParts(generatedAt).day;
  // The TT 01/2018 indicators of the same scope, for the quarter or year the period is (or falls in).
  const indicators = await indicatorsForScope(db, scope, indicatorPeriod(period, today), {
    today,
    dedupe: false,
    counterId: query.counterId,
    staffId: query.staffId,
    procedureId: query.procedureId,
  });
  if (kind === 'summary') {
    const summary = { scope, period, scores, before, indicators, settings: deps.config.scoring, generatedAt, generatedBy: request.generatedBy, filters: filterText(scope, period, instrumentId) };
    if (format === 'csv') return { ...file, body: summaryCsv(summary) };
    return { ...file, body: new Uint8Array(await summaryWorkbook(summary)) };
  }
  const data: ReportData = {
    scope,
    provinceName: await provinceNameOf(deps, scope),
    period,
    previous: period.previous,
    current: scores,
    before,
    comments: await selectComments(db, scope, period),
    settings: deps.config.scoring,
    target: (await targetIndexFor(db, deps.config, scope.provinceId)).target,
    indicators,
    generatedAt,
  };
  const assets = request.standalone ? { inline: REPORT_CSS, script: REPORT_JS } : { href: REPORT_CSS_PATH, scriptSrc: REPORT_JS_PATH };
  return { ...file, body: String(await reportHtml(data, assets)) };
}

async function provinceNameOf(deps: Deps, scope: ReportScope): Promise<string | null> {
  const provinceId = scope.root?.lineage[0];
  if (!provinceId) return null;
  const row = await deps.db.kysely.selectFrom('units').select(['name', 'kind']).where('id', '=', provinceId).executeTakeFirst();
  return row?.kind === 'province' ? row.name : null;
}

/** What the export page offers the caller: their units (top levels first) and the instruments. */
export async function exportOptions(deps: Deps, actor: Actor): Promise<ExportOptions> {
  const scope = await resolveReportScope(deps.db.kysely, actor, undefined, 'exports.run');
  const topDepth = Math.min(...scope.units.map((u) => u.lineage.length));
  const units = scope.units
    .filter((u) => u.kind !== 'agency' || u.lineage.length === topDepth)
    .map((u) => ({ id: u.id, code: u.code, name: u.name, kind: u.kind, depth: u.lineage.length - topDepth }));
  const instruments = (await listInstruments(deps.db.kysely, { visibleTo: actor })).map((i) => ({ id: i.id, title: i.definition.title.vi }));
  const period = resolveReportPeriod({}, vnLocalParts(deps.clock.now()).day);
  return { units, instruments, defaultPeriod: { from: period.from, to: period.to, label: period.label } };
}
