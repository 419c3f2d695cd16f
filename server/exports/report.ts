import { readFileSync } from 'node:fs';
import path from 'node:path';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { ScoreReport } from '../../schema/scoring.js';
import type { ScoringSettings } from '../config.js';
import type { Db } from '../db/types.js';
import { formatChange, formatInterval } from '../../schema/display.js';
import { compareScores, formatDecimal, formatIndex } from '../scoring/index.js';
import { vnLocalParts } from '../time.js';
import { flagText, measureDefs, measureValue, methodNotes, type MeasureDef } from './measures.js';
import type { IndicatorReport } from '../../schema/indicators.js';
import { indicatorSection } from './indicators.js';
import { scopeUnitCondition, vnDate, type PeriodRange, type ReportPeriod, type ReportScope, type ScopeScores, type UnitScore } from '../reporting/index.js';

/**
 * The printable report "Báo cáo kết quả khảo sát mức độ hài lòng": an A4 HTML page laid out like a
 * Vietnamese administrative report (NĐ 30/2020/NĐ-CP: national motto, issuing body, place and date,
 * Roman-numbered sections, recipients and signature). No scripts and no inline styles (the CSP
 * forbids them): the stylesheet is a file and the factor chart is server-rendered SVG.
 * Citizens' comments and every name go through the html`` template, which escapes them.
 */

export const REPORT_CSS = readFileSync(path.join(import.meta.dirname, 'report.css'), 'utf8');
export const REPORT_CSS_PATH = '/api/admin/exports/report.css';

/** The print button's only behaviour; a file of its own, since the CSP forbids inline scripts. */
export const REPORT_JS = "document.querySelector('.print-button')?.addEventListener('click', () => window.print());\n";
export const REPORT_JS_PATH = '/api/admin/exports/report.js';

export const REPORT_TITLE = 'Báo cáo kết quả khảo sát mức độ hài lòng';

export interface ReportComment {
  text: string;
  unitName: string;
  day: string;
  dissatisfied: boolean;
}

export interface ReportData {
  scope: ReportScope;
  /** The province the scope lies in (for the heading and the place name), when there is one. */
  provinceName: string | null;
  period: ReportPeriod;
  previous: PeriodRange;
  current: ScopeScores;
  before: ScopeScores;
  comments: ReportComment[];
  settings: ScoringSettings;
  /** The target line (the province's own setting, else the configured default), as the dashboard draws it. */
  target: number;
  /** The TT 01/2018 indicators and the QĐ 766 5.4 ratio of the scope (their own section). */
  indicators?: IndicatorReport;
  generatedAt: Date;
}

const COMMENTS_SHOWN = 12;

/**
 * A selection of comments for the report: the most recent ones, half of them from dissatisfied
 * citizens (any answer 1–2) when there are enough. Suspect responses are left out.
 */
export async function selectComments(db: Db, scope: ReportScope, period: PeriodRange): Promise<ReportComment[]> {
  const rows = await db
    .selectFrom('responses as r')
    .innerJoin('units as u', 'u.id', 'r.unit_id')
    .select(['r.comment', 'r.answers', 'r.local_day', 'u.name'])
    .where('r.local_day', '>=', period.from)
    .where('r.local_day', '<=', period.to)
    .where('r.comment', 'is not', null)
    .where('r.suspect', '=', 0)
    .where(scopeUnitCondition(scope, 'r.unit_id'))
    .orderBy('r.local_day', 'desc')
    .orderBy('r.submitted_at', 'desc')
    .limit(400)
    .execute();
  const seen = new Set<string>();
  const all = rows.map(
    (r): ReportComment => ({
      text: r.comment!,
      unitName: r.name,
      day: r.local_day,
      dissatisfied: Object.values(JSON.parse(r.answers) as Record<string, number | null>).some((v) => v !== null && v <= 2),
    }),
  );
  // The same words from several citizens are shown once.
  const distinct = all.filter((c) => !seen.has(c.text) && seen.add(c.text));
  const unhappy = distinct.filter((c) => c.dissatisfied);
  const others = distinct.filter((c) => !c.dissatisfied);
  const half = COMMENTS_SHOWN / 2;
  const takeUnhappy = Math.min(unhappy.length, Math.max(half, COMMENTS_SHOWN - others.length));
  return [...unhappy.slice(0, takeUnhappy), ...others.slice(0, COMMENTS_SHOWN - takeUnhappy)];
}

const numberVi = new Intl.NumberFormat('vi-VN');
const count = (n: number) => numberVi.format(n);

function pct(value: number | null, settings: ScoringSettings): string {
  return formatIndex(value, settings, 'vi');
}

function rateText(rate: number | null, settings: ScoringSettings): string {
  return rate === null ? '—' : `${formatDecimal(rate * 100, 1, settings.rounding, 'vi')}%`;
}

/** "+1,25 điểm %" / "−0,04 điểm" (points out of 10), or "—". */
const diffText = (diff: number | null, settings: ScoringSettings) => formatChange(diff, settings, 'vi');

const intervalText = (lower: number | null, upper: number | null, settings: ScoringSettings) => formatInterval(lower, upper, settings, 'vi');

const isWeak = (index: number | null, target: number) => index !== null && index < target;

/** Horizontal bars, one per factor plus the overall index, with the target as a dashed line. */
function factorChart(report: ScoreReport, defs: MeasureDef[], settings: ScoringSettings, target: number) {
  const bars = defs.filter((d) => d.kind === 'overall' || d.kind === 'part' || d.kind === 'factor');
  const width = 640;
  const labelHeight = 18;
  const barHeight = 18;
  const rowHeight = labelHeight + barHeight + 12;
  const plotLeft = 0;
  const plotWidth = 540;
  const height = bars.length * rowHeight + 24;
  const x = (percent: number) => plotLeft + (plotWidth * percent) / 100;
  const targetX = x(target);
  const rows = bars.map((def, i) => {
    const v = measureValue(report, def);
    const top = i * rowHeight;
    const barWidth = v.index === null ? 0 : Math.max(1, x(v.index));
    const cls = def.kind === 'overall' ? 'bar bar-overall' : isWeak(v.index, target) ? 'bar bar-weak' : 'bar';
    return html`<g>
      <text class="bar-label" x="${plotLeft}" y="${top + 13}">${def.label}</text>
      <rect class="bar-track" x="${plotLeft}" y="${top + labelHeight}" width="${plotWidth}" height="${barHeight}"></rect>
      <rect class="${cls}" x="${plotLeft}" y="${top + labelHeight}" width="${barWidth.toFixed(1)}" height="${barHeight}"></rect>
      <text class="bar-value" x="${plotWidth + 8}" y="${top + labelHeight + 14}">${pct(v.index, settings)}</text>
    </g>`;
  });
  // Ticks at quarters of the scale, labelled in the display unit (0–100% or 0–10 điểm).
  const ticks = [0, 25, 50, 75, 100].map(
    (t) =>
      html`<text class="tick" x="${x(t)}" y="${height - 4}" text-anchor="${t === 0 ? 'start' : t === 100 ? 'end' : 'middle'}">${formatIndex(t, { ...settings, decimals: t % 50 === 0 || settings.display === 'percent' ? 0 : 1 }, 'vi')}</text>`,
  );
  return html`<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img"
    aria-label="Biểu đồ chỉ số hài lòng theo yếu tố">
    ${rows}
    <line class="target" x1="${targetX}" x2="${targetX}" y1="0" y2="${height - 18}"></line>
    <text class="target-label" x="${targetX + 4}" y="${height - 18}">Mục tiêu ${pct(target, settings)}</text>
    ${ticks}
  </svg>`;
}

function measureRows(data: ReportData, defs: MeasureDef[]) {
  const { settings, target } = data;
  return defs.map((def) => {
    const v = measureValue(data.current.total.report, def);
    const weak = def.kind !== 'overall' && isWeak(v.index, target);
    return html`<tr class="${weak ? 'weak' : ''}">
      <td class="code">${def.code ?? ''}</td>
      <td>${def.kind === 'criterion' || def.kind === 'overall_question' || def.kind === 'factor_sat' ? def.text : def.kind === 'part' ? html`<strong>${def.label}</strong>` : def.label}${weak
        ? html` <span class="weak-mark">▼ Cần cải thiện</span>`
        : ''}</td>
      <td class="num">${pct(v.index, settings)}</td>
      <td class="num">${count(v.n)}</td>
      <td class="num">${intervalText(v.lower, v.upper, settings)}</td>
      <td class="note">${flagText(v.flags, settings)}</td>
    </tr>`;
  });
}

function comparisonRows(data: ReportData, defs: MeasureDef[]) {
  const { settings } = data;
  return defs.map((def) => {
    const now = measureValue(data.current.total.report, def);
    const then = measureValue(data.before.total.report, def);
    const diff = now.index !== null && then.index !== null ? now.index - then.index : null;
    const test = compareScores({ x: now.x, n: now.n }, { x: then.x, n: then.n });
    const trend = diff === null ? '' : diff > 0 ? 'up' : diff < 0 ? 'down' : '';
    return html`<tr>
      <td>${def.label}</td>
      <td class="num">${pct(now.index, settings)}</td>
      <td class="num">${pct(then.index, settings)}</td>
      <td class="num diff ${trend}">${diffText(diff, settings)}</td>
      <td class="center">${test === null ? '—' : test.significant ? 'Có' : 'Không'}</td>
    </tr>`;
  });
}

/** Units that serve citizens (centres, branches), best first; those without enough answers after, unranked. */
function rankingRows(data: ReportData) {
  const { settings } = data;
  const candidates = data.current.units.filter((u) => (u.unit.kind === 'centre' || u.unit.kind === 'branch') && u.responses > 0);
  const ranked = candidates
    .filter((u) => u.report.overall.reliability !== 'insufficient' && u.report.overall.index !== null)
    .sort((a, b) => b.report.overall.index! - a.report.overall.index!);
  const unranked = candidates.filter((u) => !ranked.includes(u));
  const previousIndex = new Map(data.before.units.map((u) => [u.unit.id, u.report.overall.index]));
  const row = (u: UnitScore, rank: string) => {
    const before = previousIndex.get(u.unit.id) ?? null;
    const diff = u.report.overall.index !== null && before !== null ? u.report.overall.index - before : null;
    return html`<tr class="${isWeak(u.report.overall.index, data.target) ? 'weak' : ''}">
      <td class="center">${rank}</td>
      <td>${u.unit.name}${isWeak(u.report.overall.index, data.target) ? html` <span class="weak-mark">▼ Dưới mục tiêu</span>` : ''}</td>
      <td class="num">${count(u.responses)}</td>
      <td class="num">${pct(u.report.overall.index, settings)}</td>
      <td class="num">${diffText(diff, settings)}</td>
      <td class="num rate">${rateText(u.responseRate.rate, settings)}</td>
      <td class="note">${flagText(u.report.overall.flags, settings)}</td>
    </tr>`;
  };
  return { rows: [...ranked.map((u, i) => row(u, String(i + 1))), ...unranked.map((u) => row(u, '—'))], total: candidates.length };
}

/** "Quý IV/2026, từ ngày 01/10/2026 đến ngày 20/11/2026", or the days alone for a custom range: the period said once. */
function periodLine(period: ReportPeriod): string {
  const days = `từ ngày ${vnDate(period.from)} đến ngày ${vnDate(period.to)}`;
  return period.kind === 'custom' ? days : `${period.label.replace(/ \(đến [^)]*\)$/, '')}, ${days}`;
}

/** "Cà Mau, ngày 20 tháng 11 năm 2026" */
function placeAndDate(provinceName: string | null, at: Date): string {
  const day = vnLocalParts(at).day;
  const place = provinceName ? provinceName.replace(/^(Tỉnh|Thành phố)\s+/i, '') : '';
  const date = `ngày ${day.slice(8, 10)} tháng ${day.slice(5, 7)} năm ${day.slice(0, 4)}`;
  return place ? `${place}, ${date}` : date.replace(/^n/, 'N');
}

function issuingBody(data: ReportData) {
  const root = data.scope.root;
  if (root?.kind === 'province') {
    return { superior: 'ỦY BAN NHÂN DÂN', body: root.name.toLocaleUpperCase('vi') };
  }
  return {
    superior: data.provinceName ? `ỦY BAN NHÂN DÂN ${data.provinceName.toLocaleUpperCase('vi')}` : '',
    body: (root?.name ?? data.scope.name).toLocaleUpperCase('vi'),
  };
}

function summaryParagraph(data: ReportData) {
  const { settings } = data;
  const now = data.current.total.report.overall.index;
  const then = data.before.total.report.overall.index;
  const diff = now !== null && then !== null ? now - then : null;
  const trend =
    diff === null
      ? html`Kỳ trước (${data.previous.label}) chưa có đủ dữ liệu để so sánh.`
      : html`So với ${data.previous.label} (${pct(then, settings)}), chỉ số ${diff > 0 ? 'tăng' : diff < 0 ? 'giảm' : 'không đổi'}
          ${diff === 0 ? '' : formatChange(Math.abs(diff), settings, 'vi').slice(1)}.`;
  const named = data.period.kind !== 'custom';
  return html`<p>
    Trong ${named ? data.period.label.replace(/^\S+/, (w) => w.toLocaleLowerCase('vi')) : `kỳ từ ${vnDate(data.period.from)} đến ${vnDate(data.period.to)}`},
    ${data.scope.name} đã nhận được <strong>${count(data.current.total.responses)}</strong> phiếu khảo sát hợp lệ.
    Chỉ số hài lòng chung đạt <strong>${pct(now, settings)}</strong>. ${trend}
  </p>`;
}

/** Where the stylesheet and the print script come from: the server's files, or inline in a file kept on disk. */
export type ReportAssets = { href: string; scriptSrc: string } | { inline: string; script: string };

export function reportHtml(data: ReportData, assets: ReportAssets): HtmlEscapedString | Promise<HtmlEscapedString> {
  const { settings, current } = data;
  const defs = measureDefs(current.instrument);
  // Parts (S23) are listed with the factors, each above its own.
  const factorDefs = defs.filter((d) => d.kind === 'overall' || d.kind === 'part' || d.kind === 'factor');
  const itemDefs = defs.filter((d) => d.kind !== 'overall' && d.kind !== 'part' && d.kind !== 'factor');
  const overall = current.total.report.overall;
  const weakCount = itemDefs.filter((d) => isWeak(measureValue(current.total.report, d).index, data.target)).length;
  const unscoredCount = itemDefs.filter((d) => measureValue(current.total.report, d).index === null).length;
  const ranking = rankingRows(data);
  const heading = issuingBody(data);
  const lowN = current.units.filter((u) => u.responses > 0 && u.report.overall.reliability === 'insufficient');
  const css = 'href' in assets ? html`<link rel="stylesheet" href="${assets.href}" />` : html`<style>${raw(assets.inline)}</style>`;
  const script = 'href' in assets ? html`<script src="${assets.scriptSrc}" defer></script>` : html`<script>${raw(assets.script)}</script>`;

  return html`<!doctype html>
<html lang="vi">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${REPORT_TITLE} — ${data.scope.name} — ${data.period.label}</title>
    <link rel="icon" href="data:," />
    ${css}
    ${script}
  </head>
  <body>
    <main class="page">
      <header class="doc-head">
        <div class="issuer">
          ${heading.superior ? html`<p class="superior">${heading.superior}</p>` : ''}
          <p class="body">${heading.body}</p>
          <p class="rule" aria-hidden="true"></p>
          <p class="number">Số: &nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;/BC</p>
        </div>
        <div class="motto">
          <p class="nation">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p>
          <p class="slogan">Độc lập - Tự do - Hạnh phúc</p>
          <p class="rule" aria-hidden="true"></p>
          <p class="place">${placeAndDate(data.provinceName, data.generatedAt)}</p>
        </div>
      </header>

      <h1>${REPORT_TITLE}</h1>
      <p class="subtitle">của người dân, tổ chức đối với sự phục vụ của ${data.scope.name}</p>
      <p class="period">Kỳ báo cáo: ${periodLine(data.period)}</p>
      <p class="no-print actions"><button type="button" class="print-button">In / Lưu PDF</button></p>

      <section>
        <h2>I. Kết quả chung</h2>
        <div class="figures">
          <div class="figure figure-main">
            <p class="figure-value">${pct(overall.index, settings)}</p>
            <p class="figure-label">Chỉ số hài lòng chung</p>
          </div>
          <div class="figure">
            <p class="figure-value">${count(current.total.responses)}</p>
            <p class="figure-label">Phiếu khảo sát hợp lệ</p>
          </div>
          <div class="figure">
            <p class="figure-value">${diffText(
              overall.index !== null && data.before.total.report.overall.index !== null
                ? overall.index - data.before.total.report.overall.index
                : null,
              settings,
            )}</p>
            <p class="figure-label">So với ${data.previous.label}</p>
          </div>
          <div class="figure">
            <p class="figure-value rate">${rateText(current.total.responseRate.rate, settings)}</p>
            <p class="figure-label">Tỷ lệ phản hồi phiếu mời${current.total.responseRate.issued ? ` (${count(current.total.responseRate.answered)}/${count(current.total.responseRate.issued)})` : ''}</p>
          </div>
        </div>
        ${summaryParagraph(data)}
        ${overall.flags.length ? html`<p class="caution">Lưu ý: ${flagText(overall.flags, settings)}.</p>` : ''}
      </section>

      <section>
        <h2>II. Kết quả theo yếu tố</h2>
        <figure class="chart-block">
          ${factorChart(current.total.report, factorDefs, settings, data.target)}
          <figcaption>Hình 1. Chỉ số hài lòng theo yếu tố, ${data.period.label} (đường đứt nét: mục tiêu ${pct(data.target, settings)})</figcaption>
        </figure>
        <table class="data">
          <thead>
            <tr><th>Mã</th><th>Yếu tố</th><th>Chỉ số</th><th>n</th><th>Khoảng tin cậy 95%</th><th>Ghi chú</th></tr>
          </thead>
          <tbody>${measureRows(data, factorDefs)}</tbody>
        </table>
      </section>

      <section>
        <h2>III. Kết quả theo tiêu chí</h2>
        <p>
          ${current.total.responses === 0
            ? html`Chưa có phiếu khảo sát trong kỳ nên chưa đánh giá được tiêu chí nào so với mục tiêu ${pct(data.target, settings)}.`
            : weakCount
              ? html`Có <strong>${weakCount}</strong> tiêu chí có chỉ số dưới mục tiêu ${pct(data.target, settings)} (đánh dấu ▼), cần tập trung cải thiện.`
              : unscoredCount
                ? html`Các tiêu chí có dữ liệu đều đạt mục tiêu ${pct(data.target, settings)}; ${unscoredCount} tiêu chí chưa có câu trả lời hợp lệ.`
                : html`Tất cả tiêu chí đều đạt mục tiêu ${pct(data.target, settings)}.`}
        </p>
        <table class="data">
          <thead>
            <tr><th>Mã</th><th>Tiêu chí</th><th>Chỉ số</th><th>n</th><th>Khoảng tin cậy 95%</th><th>Ghi chú</th></tr>
          </thead>
          <tbody>${measureRows(data, itemDefs)}</tbody>
        </table>
      </section>

      <section>
        <h2>IV. So sánh với kỳ trước</h2>
        <p>Kỳ trước: ${data.previous.label} (từ ${vnDate(data.previous.from)} đến ${vnDate(data.previous.to)}),
          ${count(data.before.total.responses)} phiếu. Chênh lệch tính bằng ${settings.display === 'points10' ? 'điểm (thang 10)' : 'điểm phần trăm'}; "có ý nghĩa" theo kiểm định hai tỷ lệ ở mức 95%.</p>
        <table class="data">
          <thead>
            <tr><th>Nội dung</th><th>Kỳ này</th><th>Kỳ trước</th><th>Chênh lệch</th><th>Có ý nghĩa thống kê</th></tr>
          </thead>
          <tbody>${comparisonRows(data, defs)}</tbody>
        </table>
      </section>

      <section>
        <h2>V. Xếp hạng các đơn vị</h2>
        ${ranking.total === 0
          ? html`<p>Không có đơn vị trực thuộc có phiếu khảo sát trong kỳ.</p>`
          : html`<p>Xếp theo chỉ số hài lòng chung; đơn vị chưa đủ mẫu (n &lt; ${settings.lowNMin}) không xếp hạng.</p>
              <table class="data">
                <thead>
                  <tr><th>Hạng</th><th>Đơn vị</th><th>Số phiếu</th><th>Chỉ số</th><th>So với kỳ trước</th><th>Tỷ lệ phản hồi</th><th>Ghi chú</th></tr>
                </thead>
                <tbody>${ranking.rows}</tbody>
              </table>`}
      </section>

      <section>
        <h2>VI. Ý kiến của người dân, tổ chức</h2>
        ${data.comments.length === 0
          ? html`<p>Không có ý kiến góp ý trong kỳ.</p>`
          : html`<p>Một số ý kiến tiêu biểu (trích nguyên văn, ưu tiên ý kiến của người chưa hài lòng):</p>
              <ul class="comments">
                ${data.comments.map(
                  (c) => html`<li class="${c.dissatisfied ? 'unhappy' : ''}">
                    <q>${c.text}</q>
                    <span class="source">— ${c.unitName}, ${vnDate(c.day)}</span>
                  </li>`,
                )}
              </ul>`}
      </section>

      ${data.indicators ? indicatorSection(data.indicators, 'VII') : ''}

      <section>
        <h2>${data.indicators ? 'VIII' : 'VII'}. Phương pháp và lưu ý về cỡ mẫu</h2>
        <ul class="method">
          <li>Bộ câu hỏi: ${current.instrument.id} – ${current.instrument.definition.title.vi}; phiên bản phương pháp ${current.instrument.definition.methodologyVersion}.</li>
          ${methodNotes(settings, current.instrument.definition.parts.length).map((n) => html`<li><strong>${n.label}:</strong> ${n.value}.</li>`)}
          <li><strong>Cỡ mẫu:</strong> chỉ số chung tính từ ${count(current.total.responses)} phiếu${overall.minN !== null
              ? `; tiêu chí ít câu trả lời hợp lệ nhất có ${count(overall.minN)} câu trả lời`
              : ''}.
            ${lowN.length
              ? html`Các đơn vị chưa đủ mẫu, cần thận trọng khi sử dụng kết quả: ${lowN.map((u) => u.unit.name).join('; ')}.`
              : 'Tất cả đơn vị có phiếu đều đủ mẫu.'}</li>
        </ul>
      </section>

      <footer class="doc-foot">
        <div class="recipients">
          <p class="label">Nơi nhận:</p>
          <p>- Như trên;</p>
          <p>- Lãnh đạo đơn vị;</p>
          <p>- Lưu: VT.</p>
        </div>
        <div class="signature">
          <p class="role">THỦ TRƯỞNG ĐƠN VỊ</p>
          <p class="hint">(Ký, ghi rõ họ tên và đóng dấu)</p>
        </div>
      </footer>
    </main>
  </body>
</html>`;
}
