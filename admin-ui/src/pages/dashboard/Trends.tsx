import type { Trends as TrendsData } from '../../../../schema/dashboard.js';
import { Chart } from '../../components/Chart.js';
import { TableBox } from '../../components/TableBox.js';
import { useApi } from './api.js';
import { COLORS, heatColors } from './colors.js';
import type { Words } from './i18n.js';
import { ContextLine, Link, Status, useDash, WEEKDAYS } from './shared.js';
import { apiQuery, hrefFor } from './url.js';

function periodLabel(period: string, w: Words): string {
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
  if (quarter) return w.lang === 'vi' ? `Quý ${quarter[2]}/${quarter[1]}` : `Q${quarter[2]} ${quarter[1]}`;
  return `${period.slice(5, 7)}/${period.slice(0, 4)}`;
}

function Heatmap({ data }: { data: TrendsData }) {
  const { w } = useDash();
  const cells = new Map(data.heat.cells.map((c) => [`${c.weekday}-${c.hour}`, c]));
  const hours = [...new Set(data.heat.cells.map((c) => c.hour))].sort((a, b) => a - b);
  const span = hours.length ? Array.from({ length: hours.at(-1)! - hours[0]! + 1 }, (_, i) => hours[0]! + i) : [];
  const days = WEEKDAYS.filter((d) => data.heat.cells.some((c) => c.weekday === d));
  return (
    <div class="panel">
      <h3 id="heat-title">{w.t('heatTitle')}</h3>
      <p class="small muted">{w.t('heatNote', { from: periodLabel(data.heat.fromMonth, w), to: periodLabel(data.heat.toMonth, w) })}</p>
      {span.length === 0 ? (
        <p class="notice">{w.t('noData')}</p>
      ) : (
        <TableBox label={w.t('heatTitle')}>
          <table class="heat" aria-labelledby="heat-title">
            <thead>
              <tr>
                <th scope="col">{w.t('weekday')}</th>
                {span.map((h) => (
                  <th key={h} scope="col" class="num">{`${h}h`}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {days.map((d) => (
                <tr key={d}>
                  <th scope="row">{w.t(`wd${d}` as 'wd1')}</th>
                  {span.map((h) => {
                    const cell = cells.get(`${d}-${h}`);
                    const share = cell?.share ?? null;
                    const { background, color } = heatColors(share);
                    return (
                      <td
                        key={h}
                        class="num heat-cell"
                        style={{ background, color }}
                        title={cell ? `${w.t(`wd${d}` as 'wd1')} ${h}h: ${w.int(cell.nDissatisfied)}/${w.int(cell.nValid)}` : undefined}
                      >
                        {share === null ? '—' : w.percent(share / 100)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      )}
    </div>
  );
}

export function TrendsView() {
  const { w, params, go } = useDash();
  const loaded = useApi<TrendsData>(`/api/admin/dashboard/trends${apiQuery('trends', params)}`);
  const interval = params.interval === 'quarter' ? 'quarter' : 'month';
  const seriesKind = params.series === 'criteria' ? 'criteria' : 'factors';
  return (
    <Status loaded={loaded}>
      {(data) => {
        const series = data.series.filter((s) => (seriesKind === 'criteria' ? s.level === 'criterion' || s.level === 'overall_question' : s.level === 'overall' || s.level === 'part' || s.level === 'factor'));
        const drill = (i: number) => {
          const point = data.points[i];
          if (!point) return;
          go(hrefFor('overview', params, { period: interval, at: point.period, from: undefined, to: undefined }));
        };
        return (
          <>
            <ContextLine ctx={data} />
            <div class="toggles">
              <div class="segmented" role="group" aria-label={w.t('period')}>
                <Link href={hrefFor('trends', params, { interval: undefined })} class={interval === 'month' ? 'on' : ''}>
                  {w.t('byMonth')}
                </Link>
                <Link href={hrefFor('trends', params, { interval: 'quarter' })} class={interval === 'quarter' ? 'on' : ''}>
                  {w.t('byQuarter')}
                </Link>
              </div>
              <div class="segmented" role="group" aria-label={w.t('series')}>
                <Link href={hrefFor('trends', params, { series: undefined })} class={seriesKind === 'factors' ? 'on' : ''}>
                  {w.t('seriesFactors')}
                </Link>
                <Link href={hrefFor('trends', params, { series: 'criteria' })} class={seriesKind === 'criteria' ? 'on' : ''}>
                  {w.t('seriesCriteria')}
                </Link>
              </div>
            </div>
            {data.points.length === 0 ? (
              <p class="notice">{w.t('noData')}</p>
            ) : (
              <div class="panel">
                <h3>{w.t('trendsTable')}</h3>
                <p class="small muted">{w.t('trendDrill')}</p>
                <Chart
                  kind="line"
                  label={w.t('trendsChart', { interval: interval === 'month' ? w.t('month') : w.t('quarter') })}
                  height={300}
                  reference={{ value: data.target, label: `${w.t('target')} ${w.index(data.target)}`, color: COLORS.target }}
                  onSelect={drill}
                  data={{
                    labels: data.points.map((p) => periodLabel(p.period, w)),
                    datasets: series.map((s, i) => ({
                      label: w.text(s.label),
                      data: data.points.map((p) => p.scores[s.code]?.index ?? null),
                      borderColor: COLORS.series[i % COLORS.series.length],
                      backgroundColor: COLORS.series[i % COLORS.series.length],
                      borderWidth: s.level === 'overall' ? 3 : 2,
                      spanGaps: false,
                    })),
                  }}
                  options={{
                    interaction: { mode: 'nearest', intersect: false },
                    layout: { padding: { top: 18 } },
                    scales: { y: { suggestedMin: 50, max: 100, ticks: { callback: (v) => w.axis(v) } } },
                    plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${w.index(c.parsed.y)}` } } },
                  }}
                />
                <TableBox label={w.t('trendsTable')}>
                  <table class="trend">
                    <caption class="sr-only">{w.t('trendsTable')}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{w.t('criterion')}</th>
                        {data.points.map((p) => (
                          <th key={p.period} scope="col" class="num">
                            <Link href={hrefFor('overview', params, { period: interval, at: p.period, from: undefined, to: undefined })}>{periodLabel(p.period, w)}</Link>
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      <tr>
                        <th scope="row">{w.t('responses')}</th>
                        {data.points.map((p) => (
                          <td key={p.period} class="num">
                            {w.int(p.responses)}
                          </td>
                        ))}
                      </tr>
                      {series.map((s) => (
                        <tr key={s.code} class={s.level}>
                          <th scope="row">{w.text(s.label)}</th>
                          {data.points.map((p) => {
                            const score = p.scores[s.code];
                            const below = score?.index != null && score.index < data.target;
                            return (
                              <td key={p.period} class={`num ${below ? 'below-cell' : ''}`}>
                                {score ? w.index(score.index) : '—'}
                                {score?.index != null && score.flags.includes('insufficient') && <span class="badge warn">{w.t('lowN')}</span>}
                              </td>
                            );
                          })}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableBox>
              </div>
            )}
            <Heatmap data={data} />
          </>
        );
      }}
    </Status>
  );
}
