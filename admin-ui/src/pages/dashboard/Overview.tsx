import type { Overview as OverviewData, OverviewRow } from '../../../../schema/dashboard.js';
import { Chart } from '../../components/Chart.js';
import { TableBox } from '../../components/TableBox.js';
import { useApi } from './api.js';
import { COLORS } from './colors.js';
import { ContextLine, Flags, IntervalText, Link, Status, useDash } from './shared.js';
import { apiQuery, hrefFor } from './url.js';

function Change({ row }: { row: OverviewRow }) {
  const { w } = useDash();
  if (row.diff === null) return <span class="muted">—</span>;
  const shown = w.pp(row.diff);
  const arrow = shown.startsWith('+') ? '▲' : shown.startsWith('−') ? '▼' : '';
  const verdict = row.test === null ? w.t('notTested') : row.test.significant ? w.t('significant') : w.t('notSignificant');
  return (
    <span class={`change ${row.test?.significant ? (row.diff > 0 ? 'up' : 'down') : ''}`}>
      <span aria-hidden="true">{arrow} </span>
      {shown}
      <span class="small muted"> ({verdict}{row.test ? `, p = ${w.lang === 'vi' ? row.test.pValue.toFixed(3).replace('.', ',') : row.test.pValue.toFixed(3)}` : ''})</span>
    </span>
  );
}

export function Kpis({ data }: { data: OverviewData }) {
  const { w } = useDash();
  const overall = data.overall!;
  return (
    <div class="kpis">
      <div class={`kpi main ${overall.belowTarget ? 'below' : ''}`}>
        <h3>{w.t('overallIndex')}</h3>
        <p class="big" data-testid="overall-index">
          {w.index(overall.score.index)}
        </p>
        <p class="small">
          {w.t('method')}: {w.methodOf(overall.score, data.scoring)}
        </p>
        <p class="small">
          <IntervalText score={overall.score} /> <Flags score={overall.score} />
          {overall.belowTarget && <span class="badge below">{w.t('belowTarget')}</span>}
        </p>
        <p class="small">
          <Change row={overall} />
        </p>
      </div>
      <div class="kpi">
        <h3>{w.t('responses')}</h3>
        <p class="big">{w.int(data.responses)}</p>
      </div>
      <div class="kpi">
        <h3>{w.t('responseRate')}</h3>
        <p class="big">{data.responseRate.issued ? w.percent(data.responseRate.rate) : '—'}</p>
        <p class="small">
          {data.responseRate.issued
            ? w.t('responseRateDetail', { answered: w.int(data.responseRate.answered), issued: w.int(data.responseRate.issued) })
            : w.t('noInvitations')}
        </p>
      </div>
      <div class="kpi">
        <h3>{w.t('target')}</h3>
        <p class="big">{w.index(data.target)}</p>
        <p class="small">{data.targetSource === 'province' ? w.t('targetProvince') : w.t('targetDefault')}</p>
      </div>
    </div>
  );
}

export function OverviewView() {
  const { w, params, go } = useDash();
  const loaded = useApi<OverviewData>(`/api/admin/dashboard/overview${apiQuery('overview', params)}`);
  return (
    <Status loaded={loaded}>
      {(data) => {
        const weakHref = (code: string) => hrefFor('weak', params, { criterion: code });
        const criteria = data.rows.filter((r) => r.level === 'criterion' || r.level === 'overall_question');
        return (
          <>
            <ContextLine ctx={data} />
            <p class="small muted">{w.t('comparedWith', { from: w.day(data.period.previous.from), to: w.day(data.period.previous.to) })}</p>
            {!data.overall ? (
              <p class="notice">{w.t('noData')}</p>
            ) : (
              <>
                <Kpis data={data} />
                <p class="small muted">
                  {w.t('rollupNote', {
                    factor: w.method(data.scoring.factorRollup),
                    part: w.method(data.scoring.partRollup),
                    unit: w.t(`u_${data.scoring.unitRollup}`),
                  })}
                  {data.rows.some((r) => r.level === 'part') && ` ${w.t('partsNote')}`}
                </p>
                <div class="panel">
                  <h3>{w.t('scoresTable')}</h3>
                  <p class="small muted">{w.t('drillHint')}</p>
                  <Chart
                    kind="bar"
                    label={w.t('scoresChart', { target: w.index(data.target) })}
                    height={Math.max(160, 44 * criteria.length + 40)}
                    reference={{ value: data.target, label: `${w.t('target')} ${w.index(data.target)}`, color: COLORS.target }}
                    onSelect={(i) => {
                      const row = criteria[i];
                      if (row) go(weakHref(row.code));
                    }}
                    data={{
                      labels: criteria.map((r) => w.text(r.label)),
                      datasets: [
                        {
                          label: w.t('index'),
                          data: criteria.map((r) => r.score.index),
                          backgroundColor: criteria.map((r) => (r.belowTarget ? COLORS.below : COLORS.bar)),
                        },
                      ],
                    }}
                    options={{
                      indexAxis: 'y',
                      layout: { padding: { top: 18 } },
                      scales: { x: { min: 0, max: 100, ticks: { callback: (v) => w.axis(v) } } },
                      plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => w.index(c.parsed.x) } } },
                    }}
                  />
                  <TableBox label={w.t('scoresTable')} cards>
                    <table class="scores">
                      <caption class="sr-only">{w.t('scoresTable')}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{w.t('criterion')}</th>
                          <th scope="col" class="num">{w.t('index')}</th>
                          <th scope="col">{w.t('interval')}</th>
                          <th scope="col" class="num">
                            <abbr title={w.t('nHint')}>{w.t('n')}</abbr>
                          </th>
                          <th scope="col">{w.t('change')}</th>
                          <th scope="col">{w.t('method')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {data.rows.map((row) => (
                          <tr key={row.code} class={`${row.level} ${row.belowTarget ? 'below' : ''}`}>
                            <th scope="row">
                              {row.level === 'factor' || row.level === 'part' ? (
                                w.text(row.label)
                              ) : (
                                <Link href={weakHref(row.code)}>{w.text(row.label)}</Link>
                              )}
                              {row.belowTarget && <span class="badge below">{w.t('belowTarget')}</span>}
                            </th>
                            <td class="num strong">{w.index(row.score.index)}</td>
                            <td>
                              <IntervalText score={row.score} />
                            </td>
                            <td class="num">
                              {w.int(row.score.n)} <Flags score={row.score} />
                            </td>
                            <td>
                              <Change row={row} />
                            </td>
                            <td class="small">{w.methodOf(row.score, data.scoring)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </TableBox>
                </div>
              </>
            )}
          </>
        );
      }}
    </Status>
  );
}
