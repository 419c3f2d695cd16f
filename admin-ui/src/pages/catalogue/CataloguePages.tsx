import { useState } from 'preact/hooks';
import type { Staff } from '../../../../schema/admin.js';
import { api } from '../../api.js';
import { TableBox } from '../../components/TableBox.js';
import { Await, Checkbox, fieldErrors, Form, PageTitle, Pager, SelectField, StatusBadge, TextField, useLoad, useSubmit } from '../../components/ui.js';
import { useWords } from '../../i18n.js';
import { useSession } from '../../session.js';

type Kind = 'staff' | 'procedures';
type Entry = Staff & { field?: string };

const LIMIT = 100;

export function StaffPage() {
  return <CataloguePage kind="staff" />;
}

export function ProceduresPage() {
  return <CataloguePage kind="procedures" />;
}

/** Provinces the caller can pick: their province-level roles, or every province for a system admin. */
function useProvinces() {
  const { info } = useSession();
  const everywhere = info.grants.some((g) => g.role === 'system_admin');
  const all = useLoad(() => (everywhere ? api.units.list({ kind: 'province', limit: 100 }) : Promise.resolve({ items: [], total: 0 })), [everywhere]);
  const own = info.grants.filter((g) => g.unitKind === 'province' && g.unitId).map((g) => ({ id: g.unitId!, name: g.unitName ?? '' }));
  const listed = all.state === 'ready' ? all.data.items.map((u) => ({ id: u.id, name: u.name })) : [];
  const seen = new Set<string>();
  return [...own, ...listed].filter((p) => !seen.has(p.id) && seen.add(p.id));
}

/** Staff or procedures of a province: list, search, add, edit, deactivate. */
function CataloguePage({ kind }: { kind: Kind }) {
  const w = useWords();
  const { can } = useSession();
  const provinces = useProvinces();
  const [provinceId, setProvinceId] = useState('');
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const [includeInactive, setIncludeInactive] = useState(false);
  const [offset, setOffset] = useState(0);
  const [editing, setEditing] = useState<Entry | 'new' | null>(null);
  const list = useLoad<{ items: Entry[]; total: number }>(
    () => (kind === 'staff' ? api.staff : api.procedures).list({ provinceId, q: search, includeInactive, limit: LIMIT, offset }),
    [kind, provinceId, search, includeInactive, offset],
  );
  const title = kind === 'staff' ? w.t('staffTitle') : w.t('proceduresTitle');
  const canWrite = can('units.write') && provinces.length > 0;
  return (
    <section>
      <PageTitle title={title}>{title}</PageTitle>
      <form
        class="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setSearch(q.trim());
        }}
      >
        {provinces.length > 0 && (
          <SelectField
            name="provinceId"
            label={w.t('province')}
            value={provinceId}
            onChange={(v) => {
              setProvinceId(v);
              setOffset(0);
            }}
            options={[{ value: '', label: w.t('allProvinces') }, ...provinces.map((p) => ({ value: p.id, label: p.name }))]}
          />
        )}
        <TextField type="search" name="q" label={w.t('search')} placeholder={w.t('searchPlaceholder')} value={q} onInput={setQ} />
        <button type="submit">{w.t('search')}</button>
        <Checkbox label={w.t('showInactive')} checked={includeInactive} onChange={setIncludeInactive} />
      </form>
      {canWrite && editing === null && (
        <button type="button" class="primary" onClick={() => setEditing('new')}>
          {kind === 'staff' ? w.t('addStaff') : w.t('addProcedure')}
        </button>
      )}
      {editing !== null && (
        <EntryForm
          kind={kind}
          entry={editing === 'new' ? null : editing}
          provinces={provinces}
          defaultProvince={provinceId || provinces[0]?.id || ''}
          onDone={() => {
            setEditing(null);
            list.reload();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      <Await loaded={list}>
        {(data) =>
          data.items.length === 0 ? (
            <p class="muted">{w.t('none')}</p>
          ) : (
            <>
              <TableBox label={title} cards={kind === 'procedures'}>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{kind === 'staff' ? w.t('code') : w.t('procedureCode')}</th>
                      <th scope="col">{kind === 'staff' ? w.t('staffName') : w.t('procedureName')}</th>
                      {kind === 'procedures' && <th scope="col">{w.t('field')}</th>}
                      <th scope="col">{w.t('status')}</th>
                      {canWrite && <th scope="col">{w.t('actions')}</th>}
                    </tr>
                  </thead>
                  <tbody>
                    {data.items.map((e) => (
                      <tr key={e.id}>
                        <td>
                          <code>{e.code}</code>
                        </td>
                        <th scope="row">{e.name}</th>
                        {kind === 'procedures' && <td>{e.field}</td>}
                        <td>
                          <StatusBadge active={e.active} />
                        </td>
                        {canWrite && (
                          <td>
                            <button type="button" class="secondary" aria-label={`${w.t('edit')} ${e.name}`} onClick={() => setEditing(e)}>
                              {w.t('edit')}
                            </button>
                          </td>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableBox>
              <Pager offset={offset} limit={LIMIT} total={data.total} onPage={setOffset} />
            </>
          )
        }
      </Await>
    </section>
  );
}

function EntryForm(props: {
  kind: Kind;
  entry: Entry | null;
  provinces: { id: string; name: string }[];
  defaultProvince: string;
  onDone(): void;
  onCancel(): void;
}) {
  const { kind, entry } = props;
  const w = useWords();
  const [provinceId, setProvinceId] = useState(props.defaultProvince);
  const [code, setCode] = useState(entry?.code ?? '');
  const [name, setName] = useState(entry?.name ?? '');
  const [field, setField] = useState(entry?.field ?? '');
  const [active, setActive] = useState(entry?.active ?? true);
  const run = () => {
    const base = { code: code.trim(), name: name.trim() };
    if (entry) {
      const change = { ...base, ...(entry.active !== active ? { active } : {}) };
      return kind === 'staff' ? api.staff.update(entry.id, change) : api.procedures.update(entry.id, { ...change, field: field.trim() });
    }
    return kind === 'staff' ? api.staff.create({ ...base, provinceId }) : api.procedures.create({ ...base, provinceId, field: field.trim() });
  };
  const { busy, error, submit } = useSubmit<unknown>(run, props.onDone);
  const errors = fieldErrors(error);
  const label = entry ? `${w.t('edit')} ${entry.name}` : kind === 'staff' ? w.t('addStaff') : w.t('addProcedure');
  return (
    <Form label={label} onSubmit={submit} submitLabel={entry ? w.t('save') : w.t('create')} onCancel={props.onCancel} error={error} busy={busy}>
      <h2>{label}</h2>
      {!entry && (
        <SelectField name="provinceId" label={w.t('province')} value={provinceId} onChange={setProvinceId} options={props.provinces.map((p) => ({ value: p.id, label: p.name }))} error={errors.provinceId} required />
      )}
      <TextField name="code" label={kind === 'staff' ? w.t('code') : w.t('procedureCode')} value={code} onInput={setCode} error={errors.code} required />
      <TextField name="name" label={kind === 'staff' ? w.t('staffName') : w.t('procedureName')} value={name} onInput={setName} error={errors.name} required />
      {kind === 'procedures' && <TextField name="field" label={w.t('field')} value={field} onInput={setField} error={errors.field} required />}
      {entry && <Checkbox label={w.t('active')} checked={active} onChange={setActive} />}
    </Form>
  );
}
