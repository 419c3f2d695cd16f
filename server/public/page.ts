import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { ScoringSettings } from '../config.js';
import { formatDecimal, formatIndex } from '../scoring/index.js';
import type { PublicData, PublicFigure, PublicQuarter } from './data.js';

/**
 * The public transparency page and its embeddable variant: server-rendered HTML, no script, one
 * small stylesheet, the trend drawn as SVG (with the same figures in a table for screen readers).
 * Everything from the database goes through html``, which escapes it.
 */

export type PublicLang = 'vi' | 'en';
type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export const PUBLIC_CSS_PATH = '/public/assets/public.css';

const WORDS = {
  vi: {
    title: 'Mức độ hài lòng của người dân, tổ chức',
    intro:
      'Chỉ số hài lòng về sự phục vụ hành chính (SIPAS) của từng trung tâm phục vụ hành chính công theo quý, tính từ phiếu khảo sát người dân trả lời sau khi giải quyết thủ tục.',
    asOf: 'Số liệu đến ngày {day}.',
    latest: 'Kết quả {quarter}',
    latestTable: 'Bảng kết quả {quarter}',
    unit: 'Đơn vị',
    index: 'Chỉ số',
    interval: 'Khoảng tin cậy 95%',
    n: 'Số phiếu',
    trend: 'Xu hướng {count} quý gần nhất',
    province: 'Toàn tỉnh',
    target: 'Mục tiêu {value}',
    chartTitle: 'Chỉ số hài lòng toàn tỉnh theo quý, với mục tiêu của tỉnh',
    chartDesc: 'Đường chỉ số toàn tỉnh qua {count} quý; vùng tô là khoảng tin cậy 95%; đường gạch là mục tiêu {value}.',
    trendTable: 'Chỉ số theo quý của từng đơn vị',
    toDate: 'đến {day}',
    quarter: 'Quý {q}/{y}',
    notShown: '—',
    notShownNote: '— : chưa công bố vì có dưới {n} phiếu trả lời trong quý.',
    method:
      'Chỉ số là tỷ lệ câu trả lời “hài lòng” hoặc “rất hài lòng” trên các câu trả lời hợp lệ, gộp theo tiêu chí và nhân tố ({instrument}; phương pháp {version}). Khoảng tin cậy của chỉ số bình quân là ước lượng thận trọng (bình quân các cận Wilson của các tiêu chí).',
    privacy: 'Trang này không hiển thị ý kiến của người dân hay tên cán bộ, công chức.',
    openData: 'Dữ liệu mở',
    openDataText: 'Cùng số liệu, tải về tự do:',
    key: 'Khóa công khai để kiểm tra chữ ký của các tệp kết xuất (Ed25519)',
    full: 'Xem trang đầy đủ',
    noData: 'Chưa có đơn vị nào đủ {n} phiếu trả lời trong một quý.',
    switchLang: 'English',
    skip: 'Bỏ qua, đến nội dung chính',
  },
  en: {
    title: 'Citizen satisfaction with public services',
    intro: 'The satisfaction index (SIPAS) of each public administrative service centre per quarter, from the surveys citizens answer after their procedure.',
    asOf: 'Figures up to {day}.',
    latest: 'Results for {quarter}',
    latestTable: 'Table of results for {quarter}',
    unit: 'Unit',
    index: 'Index',
    interval: '95% interval',
    n: 'Responses',
    trend: 'Trend over the last {count} quarters',
    province: 'Whole province',
    target: 'Target {value}',
    chartTitle: "The province's satisfaction index per quarter, with its target",
    chartDesc: 'The province-wide index over {count} quarters; the shaded band is the 95% interval; the dashed line is the target {value}.',
    trendTable: 'Index per quarter of each unit',
    toDate: 'to {day}',
    quarter: 'Q{q} {y}',
    notShown: '—',
    notShownNote: '— : not published, fewer than {n} responses in the quarter.',
    method:
      'The index is the share of “satisfied” or “very satisfied” among valid answers, rolled up over criteria and factors ({instrument}; method {version}). The interval of a mean index is a conservative bound (the mean of the criteria’s Wilson bounds).',
    privacy: "This page shows no citizen's comment and no official's name.",
    openData: 'Open data',
    openDataText: 'The same figures, free to download:',
    key: 'Public key to check the signature of exported files (Ed25519)',
    full: 'See the full page',
    noData: 'No unit has had {n} responses in a quarter yet.',
    switchLang: 'Tiếng Việt',
    skip: 'Skip to the main content',
  },
} as const;

type Key = keyof (typeof WORDS)['vi'];

function words(lang: PublicLang) {
  return (key: Key, values: Record<string, string | number> = {}) => WORDS[lang][key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}

const dmy = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

export interface PageOptions {
  lang: PublicLang;
  embed: boolean;
  scoring: Pick<ScoringSettings, 'decimals' | 'rounding' | 'display'>;
}

/** Where a province's page lives; the English page adds ?lang=en. */
export const publicPath = (code: string, lang: PublicLang, embed = false) => `/public/${code}${embed ? '/embed' : ''}${lang === 'en' ? '?lang=en' : ''}`;

function quarterName(t: ReturnType<typeof words>, q: PublicQuarter, day = true): string {
  const name = t('quarter', { q: q.quarter.slice(6), y: q.quarter.slice(0, 4) });
  return q.toDate && day ? `${name} (${t('toDate', { day: dmy(q.to) })})` : name;
}

function intervalText(f: PublicFigure, options: PageOptions): string {
  if (f.lower === null || f.upper === null) return '—';
  const scale = options.scoring.display === 'points10' ? 10 : 1;
  return `${formatDecimal(f.lower / scale, options.scoring.decimals, options.scoring.rounding, options.lang)} – ${formatIndex(f.upper, options.scoring, options.lang)}`;
}

const CHART = { width: 400, height: 240, left: 40, right: 8, top: 12, bottom: 34 };

/** The province's index per quarter as a line in its interval band, with the target line. */
function trendChart(data: PublicData, options: PageOptions, t: ReturnType<typeof words>): Html {
  const points = data.quarters.map((q, i) => ({ i, q, f: data.provinceFigures[q.quarter] }));
  const values = points.flatMap((p) => (p.f ? [p.f.lower ?? p.f.index, p.f.index] : [])).concat(data.target);
  const yMin = Math.max(0, Math.floor((Math.min(...values) - 5) / 10) * 10);
  const plotW = CHART.width - CHART.left - CHART.right;
  const plotH = CHART.height - CHART.top - CHART.bottom;
  const x = (i: number) => CHART.left + (plotW * (i + 0.5)) / data.quarters.length;
  const y = (v: number) => CHART.top + plotH * (1 - (v - yMin) / (100 - yMin));
  const fmt = (v: number) => formatIndex(v, { ...options.scoring, decimals: 0 }, options.lang);
  const withData = points.filter((p) => p.f);
  const band = withData.filter((p) => p.f!.lower !== null && p.f!.upper !== null);
  const bandPath =
    band.length > 1
      ? `${band.map((p) => `${x(p.i).toFixed(1)},${y(p.f!.upper!).toFixed(1)}`).join(' ')} ${[...band]
          .reverse()
          .map((p) => `${x(p.i).toFixed(1)},${y(p.f!.lower!).toFixed(1)}`)
          .join(' ')}`
      : '';
  const ticks = Array.from({ length: Math.round((100 - yMin) / 10) + 1 }, (_, k) => yMin + k * 10);
  const targetText = t('target', { value: formatIndex(data.target, options.scoring, options.lang) });
  return html`<svg class="chart" viewBox="0 0 ${CHART.width} ${CHART.height}" role="img" aria-labelledby="chart-title chart-desc">
  <title id="chart-title">${t('chartTitle')}</title>
  <desc id="chart-desc">${t('chartDesc', { count: data.quarters.length, value: formatIndex(data.target, options.scoring, options.lang) })}</desc>
  ${ticks.map(
    (v) => html`<line class="grid" x1="${CHART.left}" x2="${CHART.width - CHART.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"></line>
  <text class="axis" x="${CHART.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${fmt(v)}</text>`,
  )}
  ${points.map(
    (p) => html`<text class="axis" x="${x(p.i).toFixed(1)}" y="${CHART.height - 14}" text-anchor="middle">${`Q${p.q.quarter.slice(6)}/${p.q.quarter.slice(2, 4)}`}</text>`,
  )}
  ${bandPath ? html`<polygon class="band" points="${bandPath}"></polygon>` : ''}
  <line class="target" x1="${CHART.left}" x2="${CHART.width - CHART.right}" y1="${y(data.target).toFixed(1)}" y2="${y(data.target).toFixed(1)}"></line>
  <text class="target-label" x="${CHART.left + 4}" y="${(y(data.target) + 15).toFixed(1)}">${targetText}</text>
  ${withData.length > 1 ? html`<polyline class="line" points="${withData.map((p) => `${x(p.i).toFixed(1)},${y(p.f!.index).toFixed(1)}`).join(' ')}"></polyline>` : ''}
  ${withData.map((p) => html`<circle class="dot" cx="${x(p.i).toFixed(1)}" cy="${y(p.f!.index).toFixed(1)}" r="4"></circle>`)}
</svg>`;
}

function latestTable(data: PublicData, quarter: PublicQuarter, options: PageOptions, t: ReturnType<typeof words>): Html {
  const rows = data.units.filter((u) => u.figures[quarter.quarter]);
  const provinceFigure = data.provinceFigures[quarter.quarter];
  const row = (name: string, f: PublicFigure, head: boolean) => html`<tr${raw(head ? ' class="total"' : '')}>
  <th scope="row">${name}</th>
  <td class="num strong" data-label="${t('index')}">${formatIndex(f.index, options.scoring, options.lang)}</td>
  <td class="num" data-label="${t('interval')}">${intervalText(f, options)}</td>
  <td class="num" data-label="${t('n')}">${f.n.toLocaleString(options.lang === 'vi' ? 'vi-VN' : 'en-GB')}</td>
</tr>`;
  return html`<div class="table-box" role="region" aria-label="${t('latestTable', { quarter: quarterName(t, quarter) })}" tabindex="0">
<table class="cards">
  <caption class="sr-only">${t('latest', { quarter: quarterName(t, quarter) })}</caption>
  <thead><tr><th scope="col">${t('unit')}</th><th scope="col" class="num">${t('index')}</th><th scope="col" class="num">${t('interval')}</th><th scope="col" class="num">${t('n')}</th></tr></thead>
  <tbody>
  ${provinceFigure ? row(t('province'), provinceFigure, true) : ''}
  ${rows.map((u) => row(u.name, u.figures[quarter.quarter]!, false))}
  </tbody>
</table>
</div>`;
}

/** Newest quarter first: on a phone the first columns are the ones read. */
function trendTable(data: PublicData, options: PageOptions, t: ReturnType<typeof words>): Html {
  const quarters = [...data.quarters].reverse();
  const cell = (f: PublicFigure | undefined) => (f ? html`<td class="num">${formatIndex(f.index, options.scoring, options.lang)}</td>` : html`<td class="num muted">${t('notShown')}</td>`);
  return html`<div class="table-box" role="region" aria-label="${t('trendTable')}" tabindex="0">
<table class="trend">
  <caption>${t('trendTable')}</caption>
  <thead><tr><th scope="col">${t('unit')}</th>${quarters.map((q) => html`<th scope="col" class="num">${quarterName(t, q, false)}</th>`)}</tr></thead>
  <tbody>
  <tr class="total"><th scope="row">${t('province')}</th>${quarters.map((q) => cell(data.provinceFigures[q.quarter]))}</tr>
  ${data.units.map((u) => html`<tr><th scope="row">${u.name}</th>${quarters.map((q) => cell(u.figures[q.quarter]))}</tr>`)}
  </tbody>
</table>
</div>
<p class="small muted">${t('notShownNote', { n: data.minN })}</p>`;
}

export function publicPage(data: PublicData, options: PageOptions): Html {
  const t = words(options.lang);
  const other: PublicLang = options.lang === 'vi' ? 'en' : 'vi';
  const code = data.province.code;
  const latest = [...data.quarters].reverse().find((q) => data.provinceFigures[q.quarter] || data.units.some((u) => u.figures[q.quarter]));
  const title = `${t('title')} – ${data.province.name}`;
  const body = latest
    ? html`<section aria-labelledby="latest-title">
  <h2 id="latest-title">${t('latest', { quarter: quarterName(t, latest) })}</h2>
  ${latestTable(data, latest, options, t)}
</section>
<section aria-labelledby="trend-title">
  <h2 id="trend-title">${t('trend', { count: data.quarters.length })}</h2>
  <figure>${trendChart(data, options, t)}</figure>
  ${options.embed ? '' : trendTable(data, options, t)}
</section>`
    : html`<p class="notice">${t('noData', { n: data.minN })}</p>`;
  const method = data.instrument
    ? html`<p class="small">${t('method', { instrument: data.instrument.title[options.lang], version: data.instrument.methodologyVersion })}</p>`
    : '';
  return html`<!doctype html>
<html lang="${options.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="${PUBLIC_CSS_PATH}">
<link rel="alternate" hreflang="${other}" href="${publicPath(code, other, options.embed)}">
<link rel="alternate" type="application/json" href="/public/${code}/sipas.json">
</head>
<body${raw(options.embed ? ' class="embed"' : '')}>
${options.embed ? '' : html`<a class="skip" href="#main">${t('skip')}</a>`}
<header>
  <p class="lang"><a href="${publicPath(code, other, options.embed)}" lang="${other}" hreflang="${other}">${t('switchLang')}</a></p>
  <h1>${title}</h1>
  ${options.embed ? '' : html`<p>${t('intro')}</p>`}
  <p class="small muted">${t('asOf', { day: dmy(data.asOf) })}</p>
</header>
<main id="main">
${body}
${
  options.embed
    ? html`<p><a href="${publicPath(code, options.lang)}" target="_blank" rel="noopener">${t('full')}</a></p>`
    : html`<section aria-labelledby="about-title">
  <h2 id="about-title">${t('openData')}</h2>
  <p>${t('openDataText')} <a href="/public/${code}/sipas.csv">CSV</a> · <a href="/public/${code}/sipas.json">JSON</a></p>
  <p><a href="/public/signing-key.pem">${t('key')}</a></p>
  ${method}
  <p class="small">${t('privacy')}</p>
</section>`
}
</main>
</body>
</html>`;
}
