import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { LocalizedText } from '../../../../schema/instrument.js';
import type { ReviewDecisionResult, ReviewGroup, ReviewItem, ReviewPage as ReviewData, ReviewState } from '../../../../schema/review.js';
import { api } from '../../api.js';
import { UnitPicker, type PickedUnit } from '../../components/UnitPicker.js';
import { Await, ErrorNotice, PageTitle, Pager, SelectField, useLoad, useSubmit } from '../../components/ui.js';
import { useWords } from '../../i18n.js';
import { useSession } from '../../session.js';
import { reviewWords, type ReviewWords } from './i18n.js';

const PAGE = 100;

/** One survey point's hour, picked from the groups to list its answers. */
interface GroupPick {
  surveyPointId: string;
  day: string;
  hour: number;
  label: string;
}

const hourLabel = (day: string, hour: number) => `${day.split('-').reverse().join('/')} ${String(hour).padStart(2, '0')}:00–${String(hour + 1).padStart(2, '0')}:00`;
const pointLabel = (g: Pick<ReviewGroup, 'unit' | 'counter' | 'pointCode'>) =>
  [g.unit.name, g.counter?.name, g.pointCode ? `(${g.pointCode})` : ''].filter(Boolean).join(' · ');

/** Answers the anti-abuse rules flagged: counts, the busiest hours, and accept/reject per answer or for a selection. */
export function ReviewPage() {
  const w = useWords();
  const rw = reviewWords(w.lang);
  const [unit, setUnit] = useState<PickedUnit | null>(null);
  const [status, setStatus] = useState<ReviewState>('pending');
  const [group, setGroup] = useState<GroupPick | null>(null);
  const [offset, setOffset] = useState(0);
  const [done, setDone] = useState<ReviewDecisionResult | null>(null);
  const query = {
    unitId: unit?.id,
    status,
    surveyPointId: group?.surveyPointId,
    day: group?.day,
    hour: group?.hour,
    limit: PAGE,
    offset,
  };
  const page = useLoad(() => api.review.list(query), [JSON.stringify(query)]);
  const refilter = (change: () => void) => {
    change();
    setOffset(0);
    setDone(null);
  };
  return (
    <section>
      <PageTitle title={rw.t('title')}>{rw.t('title')}</PageTitle>
      <p class="muted">{rw.t('intro')}</p>
      <div class="toolbar filters-box">
        <UnitPicker label={rw.t('unit')} value={unit} onChange={(u) => refilter(() => setUnit(u))} />
        <SelectField
          name="status"
          label={rw.t('status')}
          value={status}
          onChange={(s) => refilter(() => setStatus(s))}
          options={(['pending', 'accepted', 'rejected'] as const).map((s) => ({ value: s, label: rw.state(s) }))}
        />
      </div>
      {done && (
        <p class="notice ok" role="status">
          {rw.t('done', { changed: w.int(done.changed), unchanged: w.int(done.unchanged) })}
        </p>
      )}
      <Await loaded={page}>
        {(data) => (
          <>
            <Summary data={data} rw={rw} />
            <Groups groups={data.groups} status={status} rw={rw} onPick={(g) => refilter(() => setGroup(g))} />
            <h2>{rw.t('itemsTitle')}</h2>
            {group && (
              <p>
                {rw.t('showing', { point: group.label, when: hourLabel(group.day, group.hour) })}{' '}
                <button type="button" class="link-button" onClick={() => refilter(() => setGroup(null))}>
                  {rw.t('showAll')}
                </button>
              </p>
            )}
            <Items
              key={JSON.stringify(query)}
              items={data.items}
              labels={data.labels}
              rw={rw}
              onDecided={(result) => {
                setDone(result);
                page.reload();
              }}
            />
            <Pager offset={offset} limit={PAGE} total={data.total} onPage={setOffset} />
          </>
        )}
      </Await>
    </section>
  );
}

function Summary({ data, rw }: { data: ReviewData; rw: ReviewWords }) {
  const w = useWords();
  return (
    <dl class="facts" aria-label={rw.t('countsLabel')}>
      {(['pending', 'accepted', 'rejected'] as const).map((s) => (
        <Fragment key={s}>
          <dt>{rw.state(s)}</dt>
          <dd>{w.int(data.counts[s])}</dd>
        </Fragment>
      ))}
      <dt>{rw.t('reasonsLabel')}</dt>
      <dd>
        <ReasonList reasons={data.reasons} rw={rw} />
      </dd>
    </dl>
  );
}

function ReasonList({ reasons, rw }: { reasons: ReviewData['reasons']; rw: ReviewWords }) {
  const w = useWords();
  const present = (Object.entries(reasons) as [keyof ReviewData['reasons'], number][]).filter(([, n]) => n > 0);
  if (present.length === 0) return <>—</>;
  return <>{present.map(([reason, n]) => `${rw.reason(reason)}: ${w.int(n)}`).join('; ')}</>;
}

function Groups({ groups, status, rw, onPick }: { groups: ReviewGroup[]; status: ReviewState; rw: ReviewWords; onPick(g: GroupPick): void }) {
  const w = useWords();
  if (groups.length === 0) return null;
  return (
    <>
      <h2>{rw.t('groupsTitle')}</h2>
      <p class="muted small">{rw.t('groupsIntro')}</p>
      <div class="table-box" role="region" aria-label={rw.t('groupsTitle')} tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">{rw.t('point')}</th>
              <th scope="col">{rw.t('when')}</th>
              <th scope="col" class="num">
                {rw.t('flagged')} ({rw.state(status)})
              </th>
              <th scope="col" class="num">
                {rw.t('counted')}
              </th>
              <th scope="col">{rw.t('reasons')}</th>
              <th scope="col">{w.t('actions')}</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr key={`${g.surveyPointId}|${g.day}|${g.hour}`}>
                <th scope="row">{pointLabel(g)}</th>
                <td class="nowrap">{hourLabel(g.day, g.hour)}</td>
                <td class="num">{w.int(g[status])}</td>
                <td class="num">{w.int(g.counted)}</td>
                <td>
                  <ReasonList reasons={g.reasons} rw={rw} />
                </td>
                <td>
                  {g.surveyPointId !== null && (
                    <button type="button" class="secondary" onClick={() => onPick({ surveyPointId: g.surveyPointId!, day: g.day, hour: g.hour, label: pointLabel(g) })}>
                      {rw.t('show')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function Items({
  items,
  labels,
  rw,
  onDecided,
}: {
  items: ReviewItem[];
  labels: Record<string, LocalizedText>;
  rw: ReviewWords;
  onDecided(result: ReviewDecisionResult): void;
}) {
  const w = useWords();
  const { can } = useSession();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const decide = useSubmit(
    (ids: string[], decision: 'accept' | 'reject') => api.review.decide({ ids, decision }),
    (result) => {
      // The decided answers leave this list; a later bulk action must not carry them along.
      setSelected(new Set());
      onDecided(result);
    },
  );
  if (items.length === 0) return <p class="muted">{rw.t('noneFlagged')}</p>;
  const writer = can('surveys.write');
  const run = (ids: string[], decision: 'accept' | 'reject') => {
    if (window.confirm(rw.t(decision === 'accept' ? 'confirmAccept' : 'confirmReject', { n: ids.length }))) decide.submit(ids, decision);
  };
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };
  const chosen = [...selected];
  return (
    <>
      {decide.error && <ErrorNotice error={decide.error} />}
      {writer && (
        <div class="toolbar">
          <span class="muted small" role="status">
            {rw.t('selected', { n: w.int(chosen.length) })}
          </span>
          <button type="button" class="primary" disabled={decide.busy || chosen.length === 0} onClick={() => run(chosen, 'accept')}>
            {rw.t('acceptSelected')}
          </button>
          <button type="button" class="danger" disabled={decide.busy || chosen.length === 0} onClick={() => run(chosen, 'reject')}>
            {rw.t('rejectSelected')}
          </button>
        </div>
      )}
      <div class="table-box" role="region" aria-label={rw.t('itemsTitle')} tabIndex={0}>
        <table>
          <thead>
            <tr>
              {writer && (
                <th scope="col">
                  <input
                    type="checkbox"
                    aria-label={rw.t('selectPage')}
                    checked={chosen.length === items.length}
                    onChange={(e) => setSelected((e.currentTarget as HTMLInputElement).checked ? new Set(items.map((i) => i.id)) : new Set())}
                  />
                </th>
              )}
              <th scope="col">{rw.t('submittedAt')}</th>
              <th scope="col">{rw.t('point')}</th>
              <th scope="col">{rw.t('reasons')}</th>
              <th scope="col">{rw.t('answers')}</th>
              <th scope="col">{rw.t('comment')}</th>
              <th scope="col">{rw.t('status')}</th>
              {writer && <th scope="col">{w.t('actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id}>
                {writer && (
                  <td>
                    <input
                      type="checkbox"
                      aria-label={rw.t('select', { at: w.dateTime(item.submittedAt) })}
                      checked={selected.has(item.id)}
                      onChange={(e) => toggle(item.id, (e.currentTarget as HTMLInputElement).checked)}
                    />
                  </td>
                )}
                <td class="nowrap">{w.dateTime(item.submittedAt)}</td>
                <td>{pointLabel(item)}</td>
                <td>{rw.reason(item.reason ?? 'other')}</td>
                <td>
                  {Object.entries(item.ratings).map(([code, value]) => (
                    <span key={code} class="badge" title={labels[code]?.[w.lang] ?? code}>
                      {code}: {value ?? '–'}
                    </span>
                  ))}
                </td>
                <td>{item.comment ?? rw.t('noComment')}</td>
                <td>
                  {rw.state(item.status)}
                  {item.reviewedAt && <span class="muted small"> · {rw.t('reviewedAt', { at: w.dateTime(item.reviewedAt) })}</span>}
                </td>
                {writer && (
                  <td class="nowrap">
                    {item.status !== 'accepted' && (
                      <button type="button" class="secondary" disabled={decide.busy} onClick={() => run([item.id], 'accept')}>
                        {rw.t('accept')}
                      </button>
                    )}{' '}
                    {item.status !== 'rejected' && (
                      <button type="button" class="danger" disabled={decide.busy} onClick={() => run([item.id], 'reject')}>
                        {rw.t('reject')}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
