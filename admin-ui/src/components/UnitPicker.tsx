import { useState } from 'preact/hooks';
import type { Unit } from '../../../schema/admin.js';
import { api } from '../api.js';
import { useWords } from '../i18n.js';
import { useLoad } from './ui.js';

export interface PickedUnit {
  id: string;
  name: string;
}

let pickerSerial = 0;

/** Chooses a unit in the caller's area by searching its name or code (the API only offers those). */
export function UnitPicker({ label, value, onChange, error }: { label: string; value: PickedUnit | null; onChange(unit: PickedUnit | null): void; error?: string }) {
  const w = useWords();
  const [id] = useState(() => `unit-picker-${++pickerSerial}`);
  const [q, setQ] = useState('');
  const found = useLoad(() => (q.trim().length >= 2 ? api.units.list({ q: q.trim(), limit: 8 }) : Promise.resolve({ items: [] as Unit[], total: 0 })), [q]);
  return (
    <div class={`form-field${error ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      {value ? (
        <div class="picked">
          <span id={id}>{value.name}</span>
          <button type="button" class="secondary" onClick={() => onChange(null)}>
            {w.t('change')}
          </button>
        </div>
      ) : (
        <>
          <input id={id} type="search" value={q} placeholder={w.t('searchPlaceholder')} autoComplete="off" onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)} />
          {found.state === 'ready' && found.data.items.length > 0 && (
            <ul class="picker-results" aria-label={label}>
              {found.data.items.map((u) => (
                <li key={u.id}>
                  <button type="button" class="link-button" onClick={() => onChange({ id: u.id, name: u.name })}>
                    {u.name} <span class="muted small">({w.kind(u.kind)} {u.code})</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      {error && <p class="field-error">{error}</p>}
    </div>
  );
}
