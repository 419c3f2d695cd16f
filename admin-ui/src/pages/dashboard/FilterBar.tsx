import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { labelOnce } from '../../../../schema/labels.js';
import { CHANNELS, type Channel } from '../../../../schema/survey.js';
import type { DashboardOptions } from '../../../../schema/dashboard.js';
import { Link, useDash } from './shared.js';
import { hrefFor, NARROWING_KEYS } from './url.js';
import type { Words } from './i18n.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** The months, quarters or years to offer, newest first. */
export function anchors(kind: 'month' | 'quarter' | 'year', today: string, w: Words): { value: string; label: string }[] {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  if (kind === 'year') return Array.from({ length: 5 }, (_, i) => ({ value: String(year - i), label: String(year - i) }));
  if (kind === 'quarter') {
    const q = Math.floor((month - 1) / 3);
    return Array.from({ length: 8 }, (_, i) => {
      const index = year * 4 + q - i;
      const y = Math.floor(index / 4);
      const n = (index % 4) + 1;
      return { value: `${y}-Q${n}`, label: w.lang === 'vi' ? `Quý ${n}/${y}` : `Q${n} ${y}` };
    });
  }
  return Array.from({ length: 24 }, (_, i) => {
    const index = year * 12 + month - 1 - i;
    const y = Math.floor(index / 12);
    const m = (index % 12) + 1;
    return { value: `${y}-${pad(m)}`, label: `${pad(m)}/${y}` };
  });
}

function unitDepths(units: DashboardOptions['units']): Map<string, number> {
  const byId = new Map(units.map((u) => [u.id, u]));
  const depth = new Map<string, number>();
  const of = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    const parent = byId.get(id)?.parentId;
    const d = parent && byId.has(parent) ? of(parent) + 1 : 0;
    depth.set(id, d);
    return d;
  };
  for (const u of units) of(u.id);
  return depth;
}

/** Everything below a unit (itself included), by parent links. */
function subtree(units: DashboardOptions['units'], rootId: string | undefined): Set<string> {
  if (!rootId) return new Set(units.map((u) => u.id));
  const out = new Set([rootId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const u of units) {
      if (u.parentId && out.has(u.parentId) && !out.has(u.id)) {
        out.add(u.id);
        grew = true;
      }
    }
  }
  return out;
}

function Select({ id, label, value, onChange, children }: { id: string; label: string; value: string; onChange(value: string): void; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        {children}
      </select>
    </div>
  );
}

/** Phones fold the filters behind their summary, so the figures are on the first screen. */
const PHONE = '(max-width: 599px)';

function useFoldedOnPhones(): [boolean, (open: boolean) => void] {
  const [open, setOpen] = useState(() => !window.matchMedia(PHONE).matches);
  useEffect(() => {
    const media = window.matchMedia(PHONE);
    // Wider screens have no summary to open them with.
    const onChange = () => !media.matches && setOpen(true);
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, []);
  return [open, setOpen];
}

export function FilterBar() {
  const { w, view, params, options, go } = useDash();
  const [open, setOpen] = useFoldedOnPhones();
  const set = (key: string, value: string | undefined, extra: Record<string, string | undefined> = {}) => go(hrefFor(view, params, { [key]: value, ...extra }));
  const period = params.period ?? 'quarter';
  const [from, setFrom] = useState(params.from ?? '');
  const [to, setTo] = useState(params.to ?? '');
  if (!options) return null;
  const depth = unitDepths(options.units);
  const inView = subtree(options.units, params.unitId);
  const holders = options.units.filter((u) => u.holdsResponses && inView.has(u.id));
  const unitName = new Map(options.units.map((u) => [u.id, u.name]));
  const counters = options.counters.filter((c) => inView.has(c.unitId));
  const fields = [...new Set(options.procedures.map((p) => p.field))];
  const chipName = (key: string): string | undefined => {
    const value = params[key];
    if (!value) return undefined;
    if (key === 'counterId') return options.counters.find((c) => c.id === value)?.name;
    if (key === 'staffId') return options.staff.find((s) => s.id === value)?.name;
    if (key === 'procedureId') {
      const p = options.procedures.find((x) => x.id === value);
      return p ? `${p.code} ${p.name}` : undefined;
    }
    if (key === 'channel') return w.channel(value as Channel);
    if (key === 'criterion') {
      for (const i of options.instruments) {
        const item = i.items.find((x) => x.code === value);
        if (item) return w.text(item.label);
      }
    }
    return value;
  };
  const chips = NARROWING_KEYS.filter((k) => params[k]).map((k) => ({ key: k, name: chipName(k) ?? params[k]! }));
  const labelOf = (key: string) => ({ counterId: w.t('counter'), staffId: w.t('staff'), procedureId: w.t('procedure'), field: w.t('field'), channel: w.t('channel'), criterion: w.t('criterion') })[key] ?? key;

  return (
    <section class="filters" aria-label={w.t('filters')}>
      <details class="filter-fold" open={open} onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
        <summary>{chips.length > 0 ? `${w.t('filters')} (${chips.length})` : w.t('filters')}</summary>
        <div class="filter-row">
          <Select id="f-period" label={w.t('period')} value={period} onChange={(v) => set('period', v, { at: undefined, from: undefined, to: undefined })}>
            <option value="month">{w.t('month')}</option>
            <option value="quarter">{w.t('quarter')}</option>
            <option value="year">{w.t('year')}</option>
            <option value="custom">{w.t('custom')}</option>
          </Select>
          {period !== 'custom' ? (
            <Select
              id="f-at"
              label={w.t(period as 'month' | 'quarter' | 'year')}
              value={params.at ?? anchors(period as 'month', options.today, w)[0]!.value}
              onChange={(v) => set('at', v)}
            >
              {anchors(period as 'month' | 'quarter' | 'year', options.today, w).map((a) => (
                <option key={a.value} value={a.value}>
                  {a.label}
                </option>
              ))}
            </Select>
          ) : (
            <form
              class="custom-range"
              onSubmit={(e) => {
                e.preventDefault();
                if (from && to) go(hrefFor(view, params, { from, to }));
              }}
            >
              <div class="field">
                <label for="f-from">{w.t('from')}</label>
                <input id="f-from" type="date" value={from} max={options.today} onInput={(e) => setFrom((e.currentTarget as HTMLInputElement).value)} />
              </div>
              <div class="field">
                <label for="f-to">{w.t('to')}</label>
                <input id="f-to" type="date" value={to} onInput={(e) => setTo((e.currentTarget as HTMLInputElement).value)} />
              </div>
              <button type="submit" class="secondary">
                {w.t('apply')}
              </button>
            </form>
          )}
          {options.units.length > 1 && (
            <Select id="f-unit" label={w.t('unit')} value={params.unitId ?? ''} onChange={(v) => set('unitId', v, { counterId: undefined })}>
              <option value="">{options.unit ? options.unit.name : w.t('allUnits')}</option>
              {options.units
                .filter((u) => u.id !== options.unit?.id)
                .map((u) => (
                  <option key={u.id} value={u.id}>
                    {`${'\u00a0\u00a0'.repeat(depth.get(u.id) ?? 0)}${u.name}`}
                  </option>
                ))}
            </Select>
          )}
          <Select id="f-instrument" label={w.t('instrument')} value={params.instrumentId ?? ''} onChange={(v) => set('instrumentId', v, { criterion: undefined, measure: undefined })}>
            <option value="">{w.t('autoInstrument')}</option>
            {options.instruments.map((i) => (
              <option key={i.id} value={i.id}>
                {w.text(i.title)}
              </option>
            ))}
          </Select>
          <Select id="f-counter" label={w.t('counter')} value={params.counterId ?? ''} onChange={(v) => set('counterId', v)}>
            <option value="">{w.t('all')}</option>
            {counters.map((c) => (
              <option key={c.id} value={c.id}>
                {holders.length > 1 ? `${unitName.get(c.unitId) ?? ''} · ${c.name}` : c.name}
              </option>
            ))}
          </Select>
          <Select id="f-field" label={w.t('field')} value={params.field ?? ''} onChange={(v) => set('field', v)}>
            <option value="">{w.t('all')}</option>
            {fields.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </Select>
          <Select id="f-procedure" label={w.t('procedure')} value={params.procedureId ?? ''} onChange={(v) => set('procedureId', v)}>
            <option value="">{w.t('all')}</option>
            {fields.map((f) => (
              <optgroup key={f} label={f}>
                {options.procedures
                  .filter((p) => p.field === f)
                  .map((p) => (
                    <option key={p.id} value={p.id}>
                      {`${p.code} ${p.name}`}
                    </option>
                  ))}
              </optgroup>
            ))}
          </Select>
          <Select id="f-staff" label={w.t('staff')} value={params.staffId ?? ''} onChange={(v) => set('staffId', v)}>
            <option value="">{w.t('all')}</option>
            {options.staff.map((s) => (
              <option key={s.id} value={s.id}>
                {`${s.name} (${s.code})`}
              </option>
            ))}
          </Select>
          <Select id="f-channel" label={w.t('channel')} value={params.channel ?? ''} onChange={(v) => set('channel', v)}>
            <option value="">{w.t('all')}</option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {w.channel(c)}
              </option>
            ))}
          </Select>
        </div>
      </details>
      {chips.length > 0 && (
        <div class="chips">
          <span class="muted">{w.t('activeFilters')}:</span>
          {chips.map((chip) => (
            <Link key={chip.key} class="chip" href={hrefFor(view, params, { [chip.key]: undefined })} label={w.t('removeFilter', { name: labelOnce(labelOf(chip.key), chip.name, ' ') })}>
              {labelOnce(labelOf(chip.key), chip.name)} <span aria-hidden="true">×</span>
            </Link>
          ))}
          <Link class="chip clear" href={hrefFor(view, params, Object.fromEntries(NARROWING_KEYS.map((k) => [k, undefined])))}>
            {w.t('clearFilters')}
          </Link>
        </div>
      )}
    </section>
  );
}
