import { useState } from 'preact/hooks';
import type { CaseDetail } from '../../../../schema/alerts.js';
import { CASE_TRANSITIONS, type CaseStatus } from '../../../../schema/alerts-model.js';
import { api } from '../../api.js';
import { Await, Form, PageTitle, SelectField, TextField, fieldErrors, useLoad, useSubmit } from '../../components/ui.js';
import { useWords } from '../../i18n.js';
import { Link } from '../../router.js';
import { useSession } from '../../session.js';
import { CallbackContactPanel } from '../callbacks/CallbackContactPanel.js';
import { caseWords, type CaseWords } from './i18n.js';
import './cases.css';

/** /admin/cases/:id: the case, its answers and alert, its history, and the form that moves it on. */
export function CasePage({ id }: { id: string }) {
  const w = useWords();
  const x = caseWords(w.lang);
  const loaded = useLoad(() => api.cases.get(id), [id]);
  return (
    <section>
      <p>
        <Link to="/cases">{x.t('back')}</Link>
      </p>
      <Await loaded={loaded}>
        {(c) => (
          <>
            <PageTitle title={x.t('caseTitle', { title: c.title })}>{c.title}</PageTitle>
            <dl class="facts">
              <dt>{x.t('status')}</dt>
              <dd>
                <span class={`badge case-${c.status}`}>{x.status(c.status)}</span> {c.overdue && <span class="badge warn">{x.t('overdue')}</span>}
              </dd>
              <dt>{x.t('unit')}</dt>
              <dd>{c.unit.name}</dd>
              <dt>{x.t('source')}</dt>
              <dd>{x.t(`source_${c.source}`)}</dd>
              <dt>{x.t('assignee')}</dt>
              <dd>{c.assignee?.name ?? x.t('unassigned')}</dd>
              <dt>{x.t('due')}</dt>
              <dd>{c.dueDay ?? '—'}</dd>
              <dt>{x.t('opened')}</dt>
              <dd>
                {w.dateTime(c.openedAt)} · {x.t('openedBy', { who: c.openedBy })}
              </dd>
              {c.closedAt && (
                <>
                  <dt>{x.t('closed')}</dt>
                  <dd>{w.dateTime(c.closedAt)}</dd>
                  <dt>{x.t('timeToResolution')}</dt>
                  <dd data-testid="time-to-resolution">{x.t('hours', { hours: c.hoursToResolution ?? 0 })}</dd>
                </>
              )}
              {c.resolution && (
                <>
                  <dt>{x.t('resolution')}</dt>
                  <dd>{c.resolution}</dd>
                </>
              )}
            </dl>
            {c.alert && (
              <>
                <h2>{x.t('alertTitle')}</h2>
                <p>
                  <span class="badge">{x.rule(c.alert.rule)}</span> {c.alert.title}
                </p>
              </>
            )}
            {c.source === 'callback' && <CallbackContactPanel caseId={c.id} />}
            <CaseForm c={c} x={x} onSaved={loaded.reload} />
            <h2>{x.t('history')}</h2>
            {c.notes.length === 0 ? (
              <p class="muted">{x.t('noNotes')}</p>
            ) : (
              <ol class="case-notes">
                {c.notes.map((n, i) => (
                  <li key={i}>
                    <span class="muted small">
                      {w.dateTime(n.at)} · {n.author}
                      {n.statusFrom && n.statusTo && ` · ${x.t('statusChange', { from: x.status(n.statusFrom), to: x.status(n.statusTo) })}`}
                    </span>
                    <br />
                    {n.text}
                  </li>
                ))}
              </ol>
            )}
            {c.answers.length > 0 && (
              <>
                <h2>{x.t('answersTitle')}</h2>
                <ul>
                  {c.answers.map((a) => (
                    <li key={a.id}>
                      <span class="muted small">{w.dateTime(a.submittedAt)}</span> · {x.t('scores')}:{' '}
                      {Object.entries(a.answers)
                        .map(([code, v]) => `${code} ${v ?? '–'}`)
                        .join(', ')}
                      {a.comment && (
                        <>
                          <br />
                          <q>{a.comment}</q>
                        </>
                      )}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </>
        )}
      </Await>
    </section>
  );
}

function CaseForm({ c, x, onSaved }: { c: CaseDetail; x: CaseWords; onSaved(): void }) {
  const { can } = useSession();
  const [status, setStatus] = useState<CaseStatus | ''>('');
  const [note, setNote] = useState('');
  const [assigneeId, setAssigneeId] = useState(c.assignee?.id ?? '');
  const [dueDay, setDueDay] = useState(c.dueDay ?? '');
  const [resolution, setResolution] = useState(c.resolution ?? '');
  const save = useSubmit(
    () =>
      api.cases.update(c.id, {
        ...(status ? { status } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(assigneeId !== (c.assignee?.id ?? '') ? { assigneeId: assigneeId || null } : {}),
        ...(dueDay !== (c.dueDay ?? '') ? { dueDay: dueDay || null } : {}),
        ...(resolution !== (c.resolution ?? '') ? { resolution: resolution || null } : {}),
      }),
    () => {
      setStatus('');
      setNote('');
      onSaved();
    },
  );
  if (!can('surveys.write')) return null;
  const errors = fieldErrors(save.error);
  return (
    <>
      <h2>{x.t('changeTitle')}</h2>
      <Form onSubmit={save.submit} submitLabel={x.t('save')} busy={save.busy} error={save.error} label={x.t('changeTitle')}>
        <SelectField
          name="status"
          label={x.t('newStatus')}
          value={status}
          onChange={(v: CaseStatus | '') => setStatus(v)}
          options={[{ value: '' as CaseStatus | '', label: x.t('keepStatus') }, ...CASE_TRANSITIONS[c.status].map((s) => ({ value: s as CaseStatus | '', label: x.status(s) }))]}
        />
        <TextField name="note" label={x.t('note')} hint={x.t('noteHint')} value={note} onInput={setNote} error={errors.note} />
        <SelectField
          name="assignee"
          label={x.t('assignee')}
          value={assigneeId}
          onChange={setAssigneeId}
          options={[{ value: '', label: x.t('unassigned') }, ...c.assignable.map((u) => ({ value: u.id, label: u.name }))]}
        />
        <TextField name="due" type="date" label={x.t('due')} value={dueDay} onInput={setDueDay} error={errors.dueDay} />
        <TextField name="resolution" label={x.t('resolution')} value={resolution} onInput={setResolution} error={errors.resolution} />
      </Form>
    </>
  );
}
