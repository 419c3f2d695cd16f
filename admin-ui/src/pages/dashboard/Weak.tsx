import type { WeakItem, WeakList, WeakWhere } from '../../../../schema/dashboard.js';
import { labelOnce } from '../../../../schema/labels.js';
import { Chart } from '../../components/Chart.js';
import { TableBox } from '../../components/TableBox.js';
import { useApi } from './api.js';
import { COLORS } from './colors.js';
import type { Words } from './i18n.js';
import { ContextLine, Flags, IntervalText, Link, Status, useDash } from './shared.js';
import { apiQuery, hrefFor } from './url.js';

/**
 * "Trung tâm … · Quầy 3 – Đất đai, xây dựng · Lĩnh vực Đất đai · 1.012753 Đăng ký đất đai…": each part
 * says once what it is ("Quầy 3", not "Quầy: Quầy 3"); the view's own unit goes without saying.
 */
export function describeWhere(where: WeakWhere, w: Words, viewUnitId?: string): string[] {
  const parts: string[] = [];
  if (where.unit && where.unit.id !== viewUnitId) parts.push(where.unit.name);
  if (where.counter) parts.push(labelOnce(w.t('counter'), where.counter.name, ' '));
  if (where.field) parts.push(labelOnce(w.t('field'), where.field, ' '));
  if (where.procedure) parts.push(`${where.procedure.code} ${where.procedure.name}`);
  if (where.staff) parts.push(labelOnce(w.t('staff'), where.staff.name, ' '));
  if (where.channel) parts.push(labelOnce(w.t('channel'), w.channel(where.channel), ' '));
  return parts;
}

/** The filters that select a weak cell. */
export function drillFilters(where: WeakWhere): Record<string, string | undefined> {
  return {
    ...(where.unit && { unitId: where.unit.id }),
    ...(where.counter && { counterId: where.counter.id }),
    ...(where.staff && { staffId: where.staff.id }),
    ...(where.procedure && { procedureId: where.procedure.id }),
    ...(where.field && { field: where.field }),
    ...(where.channel && { channel: where.channel }),
  };
}

export function WeakView() {
  const { w, params, go } = useDash();
  const loaded = useApi<WeakList>(`/api/admin/dashboard/weak${apiQuery('weak', params)}`);
  return (
    <Status loaded={loaded}>
      {(data) => {
        const overviewHref = (item: WeakItem) => hrefFor('overview', params, { ...drillFilters(item.where), criterion: undefined });
        const commentsHref = (item: WeakItem) => hrefFor('comments', params, { ...drillFilters(item.where), criterion: item.criterion, maxScore: '2' });
        const top = data.items.slice(0, 10);
        const where = (item: WeakItem) => describeWhere(item.where, w, data.unit?.id);
        const clip = (text: string) => (text.length > 60 ? `${text.slice(0, 59)}…` : text);
        return (
          <>
            <ContextLine ctx={data} />
            <p class="rule" id="weak-rule">
              {w.t('weakRule', { minN: w.int(data.rule.minN), target: w.index(data.rule.target) })}
            </p>
            {data.items.length === 0 ? (
              <p class="notice">{w.t('noWeak')}</p>
            ) : (
              <div class="panel">
                <h3>{w.t('weakTable')}</h3>
                <Chart
                  kind="bar"
                  label={w.t('weakChart')}
                  height={Math.max(180, 52 * top.length + 60)}
                  reference={{ value: data.target, label: `${w.t('target')} ${w.index(data.target)}`, color: COLORS.target }}
                  onSelect={(i) => {
                    const item = top[i];
                    if (item) go(overviewHref(item));
                  }}
                  data={{
                    labels: top.map((item) => [`${item.rank}. ${w.text(item.label)}`, clip(where(item).join(' · '))]),
                    datasets: [
                      {
                        label: w.t('index'),
                        data: top.map((item) => item.score.index),
                        backgroundColor: top.map((item) => (item.clearlyBelow ? COLORS.below : COLORS.target)),
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
                <TableBox label={w.t('weakTable')} cards>
                  <table class="weak" aria-describedby="weak-rule">
                    <caption class="sr-only">{w.t('weakTable')}</caption>
                    <thead>
                      <tr>
                        <th scope="col" class="num">{w.t('rank')}</th>
                        <th scope="col">{`${w.t('criterion')} · ${w.t('where')}`}</th>
                        <th scope="col" class="num">{w.t('index')}</th>
                        <th scope="col">{w.t('interval')}</th>
                        <th scope="col" class="num">
                          <abbr title={w.t('nHint')}>{w.t('n')}</abbr>
                        </th>
                        <th scope="col">
                          <span class="sr-only">{w.t('showOverview')}</span>
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.items.map((item) => (
                        <tr key={`${item.rank}`} data-testid="weak-item">
                          <td class="num">{item.rank}</td>
                          <th scope="row" class="weak-cell">
                            <Link href={overviewHref(item)}>{w.text(item.label)}</Link>
                            <span class={`badge ${item.clearlyBelow ? 'below' : 'warn'}`}>{item.clearlyBelow ? w.t('clearlyBelow') : w.t('possiblyBelow')}</span>
                            <div class="where">
                              {where(item).map((part, i) => (
                                <span key={i} class="where-part">
                                  {part}
                                </span>
                              ))}
                            </div>
                          </th>
                          <td class="num strong">{w.index(item.score.index)}</td>
                          <td>
                            <IntervalText score={item.score} />
                          </td>
                          <td class="num">
                            {w.int(item.score.n)} <Flags score={item.score} />
                          </td>
                          <td class="actions">
                            <Link href={overviewHref(item)}>{w.t('showOverview')}</Link>
                            <Link href={commentsHref(item)}>{w.t('showComments')}</Link>
                          </td>
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
