import { useState } from 'preact/hooks';
import type { Counter } from '../../../../schema/admin.js';
import { api } from '../../api.js';
import { Await, Checkbox, fieldErrors, Form, PageTitle, StatusBadge, TextField, useLoad, useSubmit } from '../../components/ui.js';
import { useWords } from '../../i18n.js';
import { Link } from '../../router.js';
import { useSession } from '../../session.js';

/** One counter: its centre, its details, and an edit form for those who manage the centre. */
export function CounterPage({ id }: { id: string }) {
  const counter = useLoad(() => api.counters.get(id), [id]);
  return <Await loaded={counter}>{(data) => <CounterView counter={data} reload={counter.reload} />}</Await>;
}

function CounterView({ counter, reload }: { counter: Counter; reload(): void }) {
  const w = useWords();
  const { can } = useSession();
  const [editing, setEditing] = useState(false);
  const unit = useLoad(() => api.units.get(counter.unitId), [counter.unitId]);
  return (
    <section>
      <PageTitle title={counter.name}>{counter.name}</PageTitle>
      <dl class="facts">
        <dt>{w.t('unitOfCounter')}</dt>
        <dd>{unit.state === 'ready' ? <Link to={`/units/${unit.data.id}`}>{unit.data.name}</Link> : '…'}</dd>
        <dt>{w.t('code')}</dt>
        <dd>
          <code>{counter.code}</code>
        </dd>
        <dt>{w.t('status')}</dt>
        <dd>
          <StatusBadge active={counter.active} />
        </dd>
      </dl>
      {can('units.write') &&
        (editing ? (
          <EditCounterForm
            counter={counter}
            onDone={() => {
              setEditing(false);
              reload();
            }}
            onCancel={() => setEditing(false)}
          />
        ) : (
          <button type="button" onClick={() => setEditing(true)}>
            {w.t('editCounter')}
          </button>
        ))}
    </section>
  );
}

function EditCounterForm({ counter, onDone, onCancel }: { counter: Counter; onDone(): void; onCancel(): void }) {
  const w = useWords();
  const [name, setName] = useState(counter.name);
  const [code, setCode] = useState(counter.code);
  const [active, setActive] = useState(counter.active);
  const { busy, error, submit } = useSubmit(
    () =>
      api.counters.update(counter.id, {
        ...(name.trim() !== counter.name ? { name: name.trim() } : {}),
        ...(code.trim() !== counter.code ? { code: code.trim() } : {}),
        ...(active !== counter.active ? { active } : {}),
      }),
    onDone,
  );
  const errors = fieldErrors(error);
  return (
    <Form label={w.t('editCounter')} onSubmit={submit} submitLabel={w.t('save')} onCancel={onCancel} error={error} busy={busy}>
      <TextField name="name" label={w.t('name')} value={name} onInput={setName} error={errors.name} required />
      <TextField name="code" label={w.t('code')} value={code} onInput={setCode} error={errors.code} required />
      <Checkbox label={w.t('active')} checked={active} onChange={setActive} />
    </Form>
  );
}
