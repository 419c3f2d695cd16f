import { useState } from 'preact/hooks';
import type { CaseItem, CaseList, CaseSummary } from '../../../../schema/alerts.js';
import { CASE_STATUSES, type CaseStatus } from '../../../../schema/alerts-model.js';
import { api } from '../../api.js';
import { TableBox } from '../../components/TableBox.js';
import { Await, Checkbox, PageTitle, Pager, SelectField, useLoad } from '../../components/ui.js';
import { useWords } from '../../i18n.js';
import { Link } from '../../router.js';
import { caseWords, type CaseWords } from './i18n.js';
import './cases.css';

const PAGE = 50;

/** Counts by status, overdue and the mean time to resolution: the inbox's head and the list's. */
export function CaseCounts({ summary, x }: { summary: CaseSummary; x: CaseWords }) {
  return (
    <ul class="case-counts" aria-label={x.t('status')}>
      {CASE_STATUSES.map((s) => (
        <li key={s}>
          <span class={`badge case-${s}`}>{x.status(s)}</span> <strong>{summary.byStatus[s]}</strong>
        </li>
      ))}
      <li>
        <span class={summary.overdue > 0 ? 'badge warn' : 'badge'}>{x.t('overdueCount', { n: summary.overdue })}</span>
      </li>
      {summary.meanHoursToResolution !== null && <li>{x.t('meanResolution', { hours: summary.meanHoursToResolution })}</li>}
    </ul>
  );
}

/** Rows of cases: subject (link), unit, status, assignee, due day, time to resolution. */
export function CaseTable({ items, x, caption }: { items: CaseItem[]; x: CaseWords; caption: string }) {
  return (
    <TableBox label={caption} cards>
      <table>
        <thead>
          <tr>
            <th scope="col">{x.t('title')}</th>
            <th scope="col">{x.t('unit')}</th>
            <th scope="col">{x.t('status')}</th>
            <th scope="col">{x.t('assignee')}</th>
            <th scope="col">{x.t('due')}</th>
            <th scope="col">{x.t('timeToResolution')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.id}>
              <th scope="row">
                <Link to={`/cases/${c.id}`}>{c.title}</Link>
              </th>
              <td>{c.unit.name}</td>
              <td>
                <span class={`badge case-${c.status}`}>{x.status(c.status)}</span>
              </td>
              <td>{c.assignee?.name ?? x.t('unassigned')}</td>
              <td>
                {c.dueDay ?? '—'} {c.overdue && <span class="badge warn">{x.t('overdue')}</span>}
              </td>
              <td>{c.hoursToResolution === null ? '—' : x.t('hours', { hours: c.hoursToResolution })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}

/** /admin/cases: every case of the caller's area, filtered by status, overdue or "mine". */
export function CasesPage() {
  const w = useWords();
  const x = caseWords(w.lang);
  const [status, setStatus] = useState<CaseStatus | ''>('');
  const [overdue, setOverdue] = useState(false);
  const [mine, setMine] = useState(false);
  const [offset, setOffset] = useState(0);
  const cases = useLoad<CaseList>(() => api.cases.list({ status, overdue: overdue || undefined, mine: mine || undefined, limit: PAGE, offset }), [status, overdue, mine, offset]);
  return (
    <section>
      <PageTitle title={x.t('casesTitle')}>{x.t('casesTitle')}</PageTitle>
      <p class="muted">{x.t('casesIntro')}</p>
      <div class="toolbar">
        <SelectField
          label={x.t('status')}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setOffset(0);
          }}
          options={[{ value: '' as const, label: x.t('allStatuses') }, ...CASE_STATUSES.map((s) => ({ value: s, label: x.status(s) }))]}
        />
        <Checkbox label={x.t('onlyOverdue')} checked={overdue} onChange={setOverdue} />
        <Checkbox label={x.t('onlyMine')} checked={mine} onChange={setMine} />
      </div>
      <Await loaded={cases}>
        {(data) => (
          <>
            <CaseCounts summary={data.summary} x={x} />
            {data.items.length === 0 ? <p class="muted">{x.t('none')}</p> : <CaseTable items={data.items} x={x} caption={x.t('casesTitle')} />}
            <Pager offset={offset} limit={PAGE} total={data.total} onPage={setOffset} />
          </>
        )}
      </Await>
    </section>
  );
}

/** The home page's inbox: counts of the caller's area and the open cases assigned to them. */
export function CaseInbox() {
  const w = useWords();
  const x = caseWords(w.lang);
  const all = useLoad(() => api.cases.list({ limit: 1 }), []);
  const mine = useLoad(() => api.cases.list({ mine: true, limit: 100 }), []);
  return (
    <section class="case-inbox" aria-labelledby="case-inbox-title">
      <h2 id="case-inbox-title">{x.t('inboxTitle')}</h2>
      <Await loaded={all}>{(data) => <CaseCounts summary={data.summary} x={x} />}</Await>
      <Await loaded={mine}>
        {(data) => {
          const open = data.items.filter((c) => c.status === 'new' || c.status === 'in_progress');
          return open.length === 0 ? <p class="muted">{x.t('inboxNone')}</p> : <CaseTable items={open} x={x} caption={x.t('inboxMine')} />;
        }}
      </Await>
      <Link to="/cases">{x.t('inboxAll')}</Link>
    </section>
  );
}
