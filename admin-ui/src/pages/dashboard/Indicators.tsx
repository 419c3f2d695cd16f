import type { AgencyRow, IndicatorCell, IndicatorReport, OfficialRow, Q766Row } from '../../../../schema/indicators.js';
import { TableBox } from '../../components/TableBox.js';
import { useApi } from './api.js';
import { indicatorWords, type IndicatorWords } from './indicators-i18n.js';
import { Status, useDash } from './shared.js';
import { hrefFor, type Params } from './url.js';
import './indicators.css';

/**
 * The TT 01/2018/TT-VPCP indicators per agency and per official for a quarter or year, with the
 * QĐ 766 5.4 satisfaction ratio (/admin/dashboard/indicators). A month or custom range chosen in
 * the filters is read as the quarter it falls in (of its last day), the periods the rules know.
 */

export function indicatorPeriod(params: Params): { period: 'quarter' | 'year'; at?: string } {
  const quarterOf = (day: string) => `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
  if (params.period === 'year') return { period: 'year', ...(params.at && { at: params.at }) };
  if (params.period === 'month' && params.at) return { period: 'quarter', at: quarterOf(`${params.at}-01`) };
  if (params.period === 'custom' && params.to) return { period: 'quarter', at: quarterOf(params.to) };
  return { period: 'quarter', ...(params.period !== 'month' && params.period !== 'custom' && params.at && { at: params.at }) };
}

const LEVEL_WORDS = { dossier: 'level_dossier', unit: 'level_unit', both: 'level_both' } as const;

function apiPath(params: Params): string {
  const query = new URLSearchParams(Object.entries(indicatorPeriod(params)) as [string, string][]);
  for (const k of ['unitId', 'counterId', 'staffId', 'procedureId', 'dedupe'] as const) if (params[k]) query.set(k, params[k]!);
  return `/api/admin/indicators?${query.toString()}`;
}

function periodLabel(x: IndicatorWords, period: IndicatorReport['period']): string {
  return period.kind === 'year' ? x.t('yearLabel', { y: period.at }) : x.t('quarterLabel', { q: period.at.slice(6), y: period.at.slice(0, 4) });
}

function Cell({ cell, x }: { cell: IndicatorCell | undefined; x: IndicatorWords }) {
  if (!cell) {
    return (
      <td class="num muted">
        <span aria-hidden="true">—</span>
        <span class="sr-only">{x.t('omittedCell')}</span>
      </td>
    );
  }
  return (
    <td class="num">
      <span class="strong">{x.score(cell.score)}</span>
      <div class="small muted">{cell.dossiers === null ? x.t('givenCell') : x.t('nDossiers', { n: cell.dossiers })}</div>
    </td>
  );
}

function Total({ row, x }: { row: AgencyRow | OfficialRow; x: IndicatorWords }) {
  return (
    <td class="num">
      {row.total === null ? '—' : <span class="strong">{x.score(row.total)}</span>}
      <span class="muted">{x.t('outOf', { max: row.maxTotal })}</span>
    </td>
  );
}

function Q766Cells({ q, x }: { q: Q766Row; x: IndicatorWords }) {
  return (
    <>
      <td class="num">{q.rate === null ? <span class="muted">{x.t('na')}</span> : `${x.two(q.rate)}%`}</td>
      <td class="num">{q.points === null ? '—' : x.two(q.points)}</td>
    </>
  );
}

export function IndicatorsView() {
  const { w, params, go } = useDash();
  const x = indicatorWords(w.lang);
  const loaded = useApi<IndicatorReport>(apiPath(params));
  return (
    <Status loaded={loaded}>
      {(data) => {
        const codes = data.definitions.map((d) => d.code);
        const officialCodes = data.definitions.filter((d) => d.official).map((d) => d.code);
        const head = (code: string) => (
          <th scope="col" class="num" key={code}>
            <abbr title={w.text(data.definitions.find((d) => d.code === code)!.title)}>{code.replace('D18.', '')}</abbr>
            <span class="sr-only"> {x.t('indicatorShort', { n: code.replace('D18.', '') })}</span>
          </th>
        );
        const label = periodLabel(x, data.period);
        return (
          <>
            <p class="context-line">
              <strong>{data.unit?.name ?? w.t('allUnits')}</strong> · {label}
            </p>
            <p class="small muted">{x.t('periodNote', { label })}</p>
            <p class="notice" role="note">
              {x.t('art15')}
              {data.withoutData.length > 0 && data.withoutData.length < codes.length && (
                <>
                  {' '}
                  {x.t('withoutData', { list: data.withoutData.map((c) => c.replace('D18.', '')).join(', ') })}
                </>
              )}
            </p>
            {data.agencies.length === 0 && data.officials.length === 0 ? (
              <p class="notice">{x.t('noDossiers')}</p>
            ) : (
              <>
                <div class="panel">
                  <h3 id="ind-agencies">{x.t('agencies')}</h3>
                  <TableBox label={x.t('agencies')}>
                    <table class="indicators">
                      <thead>
                        <tr>
                          <th scope="col">{x.t('unit')}</th>
                          <th scope="col" class="num">{x.t('dossiers')}</th>
                          {codes.map(head)}
                          <th scope="col" class="num">{x.t('total')}</th>
                          <th scope="col">{x.t('classification')}</th>
                          <th scope="col" class="num">{`766 – ${x.t('q766Rate')}`}</th>
                          <th scope="col" class="num">{x.t('q766Points', { max: data.q766.maxPoints })}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {data.agencies.map((a) => (
                          <tr key={a.unit.id}>
                            <th scope="row">{a.unit.name}</th>
                            <td class="num">{w.int(a.dossiers)}</td>
                            {codes.map((c) => (
                              <Cell key={c} cell={a.indicators[c]} x={x} />
                            ))}
                            <Total row={a} x={x} />
                            <td>{a.classification ? x.t(a.classification) : <span class="muted">{x.t('noClass')}</span>}</td>
                            <Q766Cells q={a.q766} x={x} />
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </TableBox>
                </div>
                <div class="panel">
                  <h3>{x.t('officials')}</h3>
                  <TableBox label={x.t('officials')}>
                    <table class="indicators">
                      <thead>
                        <tr>
                          <th scope="col">{x.t('official')}</th>
                          <th scope="col" class="num">{x.t('dossiers')}</th>
                          {officialCodes.map(head)}
                          <th scope="col" class="num">{x.t('total')}</th>
                          <th scope="col">{x.t('completion')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {data.officials.map((o) => (
                          <tr key={o.staffId}>
                            <th scope="row">
                              {o.name} <span class="small muted">{o.code}</span>
                            </th>
                            <td class="num">{w.int(o.dossiers)}</td>
                            {officialCodes.map((c) => (
                              <Cell key={c} cell={o.indicators[c]} x={x} />
                            ))}
                            <Total row={o} x={x} />
                            <td>{o.classification ? x.t(o.classification) : <span class="muted">{x.t('noClass')}</span>}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </TableBox>
                </div>
              </>
            )}
            <div class="panel">
              <h3>{x.t('q766Title')}</h3>
              <p class="small">{x.t('q766Rule')}</p>
              <dl class="facts">
                <dt>{x.t('dossiers')}</dt>
                <dd>{w.int(data.q766.dossiers)}</dd>
                <dt>{x.t('q766Overdue')}</dt>
                <dd>{w.int(data.q766.overdue)}</dd>
                <dt>{x.t('q766Disliked')}</dt>
                <dd>
                  {w.int(data.q766.disliked)} <span class="small muted">({x.t('q766Both')} {w.int(data.q766.overdueAndDisliked)})</span>
                </dd>
                <dt>{`${x.t('q766Rate')} (${x.t('q766Scope')})`}</dt>
                <dd class="strong">{data.q766.rate === null ? x.t('na') : `${x.two(data.q766.rate)}%`}</dd>
                <dt>{x.t('q766Points', { max: data.q766.maxPoints })}</dt>
                <dd class="strong">{data.q766.points === null ? '—' : x.two(data.q766.points)}</dd>
              </dl>
              <div class="field checkbox">
                <input
                  id="ind-dedupe"
                  type="checkbox"
                  checked={data.dedupe}
                  onChange={(e) => go(hrefFor('indicators', params, { dedupe: (e.currentTarget as HTMLInputElement).checked ? 'true' : undefined }))}
                />
                <label for="ind-dedupe">{x.t('dedupe')}</label>
              </div>
            </div>
            <details class="panel">
              <summary>{x.t('legend')}</summary>
              <ol class="small">
                {data.definitions.map((d) => (
                  <li key={d.code}>
                    {w.text(d.title)} <span class="muted">({x.t(LEVEL_WORDS[d.level])})</span>
                  </li>
                ))}
              </ol>
            </details>
          </>
        );
      }}
    </Status>
  );
}
