import { useState } from 'preact/hooks';
import { COUNTER_HOLDER_KINDS } from '../../../../schema/admin-model.js';
import type { UnitDetail } from '../../../../schema/admin.js';
import { api } from '../../api.js';
import { Await, Checkbox, fieldErrors, Form, PageTitle, StatusBadge, TextField, useLoad, useSubmit } from '../../components/ui.js';
import { useWords } from '../../i18n.js';
import { Link, navigate } from '../../router.js';
import { useSession } from '../../session.js';
import { childKinds, codeHint, CounterTable, NewUnitForm, UnitTable } from './shared.js';

/** One unit: where it sits, its details (editable), the units under it and its counters. */
export function UnitPage({ id }: { id: string }) {
  const unit = useLoad(() => api.units.get(id), [id]);
  return <Await loaded={unit}>{(data) => <UnitView unit={data} reload={unit.reload} />}</Await>;
}

function UnitView({ unit, reload }: { unit: UnitDetail; reload(): void }) {
  const w = useWords();
  const { info, can } = useSession();
  const [editing, setEditing] = useState(false);
  const [addingChild, setAddingChild] = useState(false);
  const [addingCounter, setAddingCounter] = useState(false);
  const [includeInactive, setIncludeInactive] = useState(false);
  const children = useLoad(() => api.units.list({ parentId: unit.id, includeInactive, limit: 500 }), [unit.id, includeInactive, unit.updatedAt]);
  const holdsCounters = COUNTER_HOLDER_KINDS.includes(unit.kind);
  const counters = useLoad(
    () => (holdsCounters ? api.counters.list({ unitId: unit.id, includeInactive, limit: 500 }) : Promise.resolve({ items: [], total: 0 })),
    [unit.id, includeInactive, holdsCounters],
  );
  const canWrite = can('units.write');
  // Ancestors are links only where the caller's roles reach; above that they are just names.
  const everywhere = info.grants.some((g) => g.role === 'system_admin');
  const ids = unit.path.split('/').filter(Boolean);
  const reachable = (index: number) => {
    const path = `/${ids.slice(0, index + 1).join('/')}/`;
    return everywhere || info.grants.some((g) => g.unitPath !== null && path.startsWith(g.unitPath));
  };
  return (
    <section>
      <nav class="breadcrumb" aria-label={w.t('unitPath')}>
        <ol>
          <li>
            <Link to="/units">{w.t('unitsTitle')}</Link>
          </li>
          {unit.ancestors.map((a, i) => (
            <li key={a.id}>{reachable(i) ? <Link to={`/units/${a.id}`}>{a.name}</Link> : <span>{a.name}</span>}</li>
          ))}
        </ol>
      </nav>
      <PageTitle title={unit.name}>{unit.name}</PageTitle>
      <dl class="facts">
        <dt>{w.t('kind')}</dt>
        <dd>{w.kind(unit.kind)}</dd>
        <dt>{w.t('code')}</dt>
        <dd>
          <code>{unit.code}</code>
        </dd>
        <dt>{w.t('status')}</dt>
        <dd>
          <StatusBadge active={unit.active} />
        </dd>
      </dl>
      {canWrite &&
        (editing ? (
          <EditUnitForm
            unit={unit}
            onDone={(moved) => {
              setEditing(false);
              if (moved) navigate(`/units/${unit.id}`, { replace: true });
              reload();
            }}
            onCancel={() => setEditing(false)}
          />
        ) : (
          <button type="button" onClick={() => setEditing(true)}>
            {w.t('editUnit')}
          </button>
        ))}

      <Checkbox label={w.t('showInactive')} checked={includeInactive} onChange={setIncludeInactive} />
      {childKinds(unit.kind).length > 0 && (
        <>
          <h2>{w.t('children')}</h2>
          <Await loaded={children}>{(data) => <UnitTable units={data.items} />}</Await>
          {canWrite &&
            (addingChild ? (
              <NewUnitForm
                parent={unit}
                onDone={() => {
                  setAddingChild(false);
                  children.reload();
                }}
                onCancel={() => setAddingChild(false)}
              />
            ) : (
              <button type="button" class="primary" onClick={() => setAddingChild(true)}>
                {w.t('addChild')}
              </button>
            ))}
        </>
      )}
      {holdsCounters && (
        <>
          <h2>{w.t('counters')}</h2>
          <Await loaded={counters}>{(data) => <CounterTable counters={data.items} />}</Await>
          {canWrite &&
            (addingCounter ? (
              <NewCounterForm
                unitId={unit.id}
                onDone={() => {
                  setAddingCounter(false);
                  counters.reload();
                }}
                onCancel={() => setAddingCounter(false)}
              />
            ) : (
              <button type="button" class="primary" onClick={() => setAddingCounter(true)}>
                {w.t('addCounter')}
              </button>
            ))}
        </>
      )}
    </section>
  );
}

function EditUnitForm({ unit, onDone, onCancel }: { unit: UnitDetail; onDone(moved: boolean): void; onCancel(): void }) {
  const w = useWords();
  const [name, setName] = useState(unit.name);
  const [code, setCode] = useState(unit.code);
  const [active, setActive] = useState(unit.active);
  const [parentId, setParentId] = useState('');
  const { busy, error, submit } = useSubmit(
    () =>
      api.units.update(unit.id, {
        ...(name.trim() !== unit.name ? { name: name.trim() } : {}),
        ...(code.trim() !== unit.code ? { code: code.trim() } : {}),
        ...(active !== unit.active ? { active } : {}),
        ...(parentId.trim() ? { parentId: parentId.trim() } : {}),
      }),
    () => onDone(parentId.trim() !== ''),
  );
  const errors = fieldErrors(error);
  return (
    <Form label={w.t('editUnit')} onSubmit={submit} submitLabel={w.t('save')} onCancel={onCancel} error={error} busy={busy}>
      <TextField name="name" label={w.t('name')} value={name} onInput={setName} error={errors.name} required />
      <TextField name="code" label={w.t('code')} hint={codeHint(unit.kind, w)} value={code} onInput={setCode} error={errors.code} required />
      {unit.kind !== 'province' && (
        <TextField name="parentId" label={w.t('moveTo')} hint={w.t('moveHint')} value={parentId} onInput={setParentId} error={errors.parentId} />
      )}
      <Checkbox label={w.t('active')} checked={active} onChange={setActive} />
    </Form>
  );
}

function NewCounterForm({ unitId, onDone, onCancel }: { unitId: string; onDone(): void; onCancel(): void }) {
  const w = useWords();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const { busy, error, submit } = useSubmit(() => api.counters.create({ unitId, code: code.trim(), name: name.trim() }), onDone);
  const errors = fieldErrors(error);
  return (
    <Form label={w.t('addCounter')} onSubmit={submit} submitLabel={w.t('create')} onCancel={onCancel} error={error} busy={busy}>
      <h3>{w.t('addCounter')}</h3>
      <TextField name="code" label={w.t('code')} hint={w.t('codeHintOther')} value={code} onInput={setCode} error={errors.code} required />
      <TextField name="name" label={w.t('name')} value={name} onInput={setName} error={errors.name} required />
    </Form>
  );
}
