import type { Ranking as RankingData, RankingSort } from '../../../../schema/dashboard.js';
import { Chart } from '../../components/Chart.js';
import { TableBox } from '../../components/TableBox.js';
import { useApi } from './api.js';
import { COLORS } from './colors.js';
import { ContextLine, Flags, IntervalText, Link, Status, useDash } from './shared.js';
import { apiQuery, hrefFor } from './url.js';

function SortHeader({ column, label, data, num }: { column: RankingSort; label: string; data: RankingData; num?: boolean }) {
  const { w, params, go } = useDash();
  const active = data.sort === column;
  const nextDir = active && data.dir === 'desc' ? 'asc' : 'desc';
  return (
    <th scope="col" class={num ? 'num' : undefined} aria-sort={active ? (data.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button
        type="button"
        class="sort"
        aria-label={w.t('sortBy', { column: label })}
        onClick={() => go(hrefFor('ranking', params, { sort: column, dir: column === 'name' && !active ? 'asc' : nextDir }))}
      >
        {label}
        <span aria-hidden="true">{active ? (data.dir === 'asc' ? ' ▲' : ' ▼') : ' ↕'}</span>
      </button>
    </th>
  );
}

export function RankingView() {
  const { w, params, go, options } = useDash();
  const hasCommunes = options?.units.some((u) => u.kind === 'commune') ?? false;
  const loaded = useApi<RankingData>(`/api/admin/dashboard/ranking${apiQuery('ranking', params)}`);
  return (
    <Status loaded={loaded}>
      {(data) => {
        const measure = data.measures.find((m) => m.code === data.measure);
        const measureLabel = measure ? w.text(measure.label) : data.measure;
        const drill = (unitId: string) => hrefFor('overview', params, { unitId, counterId: undefined });
        return (
          <>
            <ContextLine ctx={data} />
            <div class="filter-row">
              <div class="field">
                <label for="r-measure">{w.t('measure')}</label>
                <select id="r-measure" value={data.measure} onChange={(e) => go(hrefFor('ranking', params, { measure: (e.currentTarget as HTMLSelectElement).value }))}>
                  {data.measures.map((m) => (
                    <option key={m.code} value={m.code}>
                      {w.text(m.label)}
                    </option>
                  ))}
                </select>
              </div>
              {hasCommunes && (
                <div class="field">
                  <label for="r-level">{w.t('level')}</label>
                  <select id="r-level" value={data.level} onChange={(e) => go(hrefFor('ranking', params, { level: (e.currentTarget as HTMLSelectElement).value }))}>
                    <option value="unit">{w.t('levelUnit')}</option>
                    <option value="commune">{w.t('levelCommune')}</option>
                  </select>
                </div>
              )}
              <div class="field checkbox">
                <input
                  id="r-insufficient"
                  type="checkbox"
                  checked={data.includeInsufficient}
                  onChange={(e) => go(hrefFor('ranking', params, { includeInsufficient: (e.currentTarget as HTMLInputElement).checked ? 'true' : undefined }))}
                />
                <label for="r-insufficient">{w.t('includeInsufficient')}</label>
              </div>
            </div>
            {data.excluded > 0 && <p class="small muted">{w.t('excluded', { n: w.int(data.excluded) })}</p>}
            {data.rows.length === 0 ? (
              <p class="notice">{w.t('noData')}</p>
            ) : (
              <div class="panel">
                <h3>{w.t('rankingTable')}</h3>
                <p class="small muted">{w.t('rankingDrill')}</p>
                <Chart
                  kind="bar"
                  label={w.t('rankingChart', { measure: measureLabel })}
                  height={Math.max(160, 36 * data.rows.length + 40)}
                  reference={{ value: data.target, label: `${w.t('target')} ${w.index(data.target)}`, color: COLORS.target }}
                  onSelect={(i) => {
                    const row = data.rows[i];
                    if (row) go(drill(row.unit.id));
                  }}
                  data={{
                    labels: data.rows.map((r) => r.unit.name),
                    datasets: [
                      {
                        label: measureLabel,
                        data: data.rows.map((r) => r.score.index),
                        backgroundColor: data.rows.map((r) => (r.score.index !== null && r.score.index < data.target ? COLORS.below : COLORS.bar)),
                      },
                    ],
                  }}
                  options={{
                    indexAxis: 'y',
                    layout: { padding: { top: 18 } },
                    scales: { x: { min: 0, max: 100, ticks: { callback: (v) => w.axis(v) } }, y: { ticks: { autoSkip: false } } },
                    plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => w.index(c.parsed.x) } } },
                  }}
                />
                <TableBox label={w.t('rankingTable')} cards>
                  <table class="ranking sortable">
                    <caption class="sr-only">{`${w.t('rankingTable')} — ${measureLabel}`}</caption>
                    <thead>
                      <tr>
                        <th scope="col" class="num">{w.t('rank')}</th>
                        <SortHeader column="name" label={w.t('name')} data={data} />
                        <SortHeader column="index" label={measureLabel} data={data} num />
                        <SortHeader column="lower" label={w.t('lower')} data={data} num />
                        <SortHeader column="upper" label={w.t('upper')} data={data} num />
                        <SortHeader column="n" label={w.t(data.level === 'commune' ? 'responsesInCommune' : 'responsesOwnCounters')} data={data} num />
                        <th scope="col">{w.t('method')}</th>
                        {data.measure !== 'overall' && <th scope="col" class="num">{w.t('overallIndex')}</th>}
                      </tr>
                    </thead>
                    <tbody>
                      {data.rows.map((row) => (
                        <tr key={row.unit.id} class={row.score.index !== null && row.score.index < data.target ? 'below' : undefined}>
                          <td class="num">{row.rank ?? '—'}</td>
                          <th scope="row">
                            <Link href={drill(row.unit.id)}>{row.unit.name}</Link>
                          </th>
                          <td class="num strong">{w.index(row.score.index)}</td>
                          <td class="num">{row.score.wilson ? w.index(row.score.wilson.lower) : '—'}</td>
                          <td class="num">{row.score.wilson ? w.index(row.score.wilson.upper) : '—'}</td>
                          <td class="num">
                            {w.int(row.responses)} <Flags score={row.score} />
                            {!row.score.wilson && (
                              <div>
                                <IntervalText score={row.score} />
                              </div>
                            )}
                          </td>
                          <td class="small">{w.methodOf(row.score, data.scoring)}</td>
                          {data.measure !== 'overall' && <td class="num">{w.index(row.overall.index)}</td>}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableBox>
              </div>
            )}
          </>
        );
      }}
    </Status>
  );
}
