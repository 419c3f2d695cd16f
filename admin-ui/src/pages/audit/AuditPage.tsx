import { useState } from 'preact/hooks';
import type { AuditEntry } from '../../../../schema/admin.js';
import { api } from '../../api.js';
import { TableBox } from '../../components/TableBox.js';
import { UnitPicker, type PickedUnit } from '../../components/UnitPicker.js';
import { asApiError, ErrorNotice, PageTitle, SelectField, TextField, useLoad } from '../../components/ui.js';
import type { ApiError } from '../../api.js';
import { useWords } from '../../i18n.js';
import { ANY, AUDIT_ACTIONS, AUDIT_ENTITIES, auditActionName, auditEntityName } from './names.js';

interface Filters {
  actor: string;
  action: string;
  entity: string;
  from: string;
  to: string;
  unit: PickedUnit | null;
}

const EMPTY: Filters = { actor: '', action: '', entity: '', from: '', to: '', unit: null };

/** The audit log, newest first, filterable; "show more" pages back by cursor. */
export function AuditPage() {
  const w = useWords();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [more, setMore] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<number | null>(null);
  const [moreError, setMoreError] = useState<ApiError | undefined>();
  const query = { actor: filters.actor, action: filters.action, entity: filters.entity, from: filters.from, to: filters.to, unitId: filters.unit?.id, limit: 50 };
  const first = useLoad(
    () =>
      api.audit.list(query).then((page) => {
        setMore([]);
        setCursor(page.nextCursor);
        return page;
      }),
    [JSON.stringify(query)],
  );
  const loadMore = () =>
    api.audit.list({ ...query, cursor }).then(
      (page) => {
        setMore([...more, ...page.items]);
        setCursor(page.nextCursor);
      },
      (err: unknown) => setMoreError(asApiError(err)),
    );
  const set = (key: keyof Filters) => (value: string) => setDraft({ ...draft, [key]: value });
  return (
    <section>
      <PageTitle title={w.t('auditTitle')}>{w.t('auditTitle')}</PageTitle>
      <p class="muted">{w.t('auditIntro')}</p>
      <form
        class="toolbar filters-box"
        aria-label={w.t('filter')}
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        <TextField name="actor" label={w.t('actor')} value={draft.actor} onInput={set('actor')} />
        <SelectField
          name="action"
          label={w.t('auditAction')}
          value={draft.action}
          onChange={set('action')}
          options={[{ value: '', label: ANY[w.lang] }, ...Object.keys(AUDIT_ACTIONS).map((a) => ({ value: a, label: auditActionName(a, w.lang) }))]}
        />
        <SelectField
          name="entity"
          label={w.t('entity')}
          value={draft.entity}
          onChange={set('entity')}
          options={[{ value: '', label: ANY[w.lang] }, ...Object.keys(AUDIT_ENTITIES).map((e) => ({ value: e, label: auditEntityName(e, w.lang) }))]}
        />
        <UnitPicker label={w.t('unit')} value={draft.unit} onChange={(unit) => setDraft({ ...draft, unit })} />
        <TextField name="from" type="date" label={w.t('from')} value={draft.from} onInput={set('from')} />
        <TextField name="to" type="date" label={w.t('to')} value={draft.to} onInput={set('to')} />
        <div class="form-actions">
          <button type="submit" class="primary">
            {w.t('filter')}
          </button>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setDraft(EMPTY);
              setFilters(EMPTY);
            }}
          >
            {w.t('clear')}
          </button>
        </div>
      </form>
      {first.state === 'error' ? (
        <ErrorNotice error={first.error} retry={first.reload} />
      ) : first.data === undefined ? (
        <p class="muted">{w.t('loading')}</p>
      ) : (
        <AuditTable entries={[...first.data.items, ...more]} />
      )}
      {moreError && <ErrorNotice error={moreError} />}
      {cursor !== null && first.state === 'ready' && (
        <button type="button" onClick={() => void loadMore()}>
          {w.t('more')}
        </button>
      )}
    </section>
  );
}

function AuditTable({ entries }: { entries: AuditEntry[] }) {
  const w = useWords();
  if (entries.length === 0) return <p class="muted">{w.t('none')}</p>;
  return (
    <TableBox label={w.t('auditTitle')} cards>
      <table class="audit">
        <thead>
          <tr>
            <th scope="col">{w.t('at')}</th>
            <th scope="col">{w.t('actor')}</th>
            <th scope="col">{w.t('auditAction')}</th>
            <th scope="col">{w.t('unit')}</th>
            <th scope="col">{w.t('details')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}>
              <td class="nowrap">{w.dateTime(e.at)}</td>
              <td>{e.actorLabel}</td>
              <td>{auditActionName(e.action, w.lang)}</td>
              <td>{e.unitName ?? '—'}</td>
              <td>
                <details>
                  <summary>
                    {auditEntityName(e.entity, w.lang)}
                    {e.entityName ? `: ${e.entityName}` : ''}
                  </summary>
                  <div class="diff">
                    {e.before !== null && (
                      <div>
                        <h4>{w.t('before')}</h4>
                        <pre>{JSON.stringify(e.before, null, 2)}</pre>
                      </div>
                    )}
                    {e.after !== null && (
                      <div>
                        <h4>{w.t('after')}</h4>
                        <pre>{JSON.stringify(e.after, null, 2)}</pre>
                      </div>
                    )}
                  </div>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}
