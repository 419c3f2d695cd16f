import { useState } from 'preact/hooks';
import { PARENT_KINDS, UNIT_KINDS } from '../../../../schema/admin-model.js';
import type { Counter, Unit, UnitKind } from '../../../../schema/admin.js';
import { api } from '../../api.js';
import { TableBox } from '../../components/TableBox.js';
import { fieldErrors, Form, SelectField, StatusBadge, TextField, useSubmit } from '../../components/ui.js';
import { useWords } from '../../i18n.js';
import { Link } from '../../router.js';

export function UnitTable({ units }: { units: Unit[] }) {
  const w = useWords();
  if (units.length === 0) return <p class="muted">{w.t('none')}</p>;
  return (
    <TableBox label={w.t('unitsTitle')} cards>
      <table>
        <thead>
          <tr>
            <th scope="col">{w.t('name')}</th>
            <th scope="col">{w.t('kind')}</th>
            <th scope="col">{w.t('code')}</th>
            <th scope="col">{w.t('status')}</th>
          </tr>
        </thead>
        <tbody>
          {units.map((u) => (
            <tr key={u.id}>
              <th scope="row">
                <Link to={`/units/${u.id}`}>{u.name}</Link>
              </th>
              <td>{w.kind(u.kind)}</td>
              <td>
                <code>{u.code}</code>
              </td>
              <td>
                <StatusBadge active={u.active} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}

export function CounterTable({ counters }: { counters: Counter[] }) {
  const w = useWords();
  if (counters.length === 0) return <p class="muted">{w.t('none')}</p>;
  return (
    <div class="table-box" role="region" aria-label={w.t('counters')} tabIndex={0}>
      <table>
        <thead>
          <tr>
            <th scope="col">{w.t('name')}</th>
            <th scope="col">{w.t('code')}</th>
            <th scope="col">{w.t('status')}</th>
          </tr>
        </thead>
        <tbody>
          {counters.map((c) => (
            <tr key={c.id}>
              <th scope="row">
                <Link to={`/counters/${c.id}`}>{c.name}</Link>
              </th>
              <td>
                <code>{c.code}</code>
              </td>
              <td>
                <StatusBadge active={c.active} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Kinds that may sit under a unit of this kind (null: the top of the tree). */
export function childKinds(parent: UnitKind | null): UnitKind[] {
  return UNIT_KINDS.filter((k) => (parent === null ? PARENT_KINDS[k].length === 0 : PARENT_KINDS[k].includes(parent)));
}

export function codeHint(kind: UnitKind, w: ReturnType<typeof useWords>): string {
  if (kind === 'province') return w.t('codeHintProvince');
  if (kind === 'commune') return w.t('codeHintCommune');
  return w.t('codeHintOther');
}

export function NewUnitForm({ parent, onDone, onCancel }: { parent: Unit | null; onDone(unit: Unit): void; onCancel(): void }) {
  const w = useWords();
  const kinds = childKinds(parent?.kind ?? null);
  const [kind, setKind] = useState<UnitKind>(kinds[0]!);
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const { busy, error, submit } = useSubmit(() => api.units.create({ kind, code: code.trim(), name: name.trim(), parentId: parent?.id ?? null }), onDone);
  const errors = fieldErrors(error);
  return (
    <Form label={parent ? w.t('addChild') : w.t('addProvince')} onSubmit={submit} submitLabel={w.t('create')} onCancel={onCancel} error={error} busy={busy}>
      <h3>{parent ? w.t('addChild') : w.t('addProvince')}</h3>
      {kinds.length > 1 && (
        <SelectField<UnitKind> name="kind" label={w.t('kind')} value={kind} onChange={setKind} options={kinds.map((k) => ({ value: k, label: w.kind(k) }))} error={errors.kind} required />
      )}
      <TextField name="code" label={w.t('code')} hint={codeHint(kind, w)} value={code} onInput={setCode} error={errors.code} required />
      <TextField name="name" label={w.t('name')} value={name} onInput={setName} error={errors.name} required />
    </Form>
  );
}
