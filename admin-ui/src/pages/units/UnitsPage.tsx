import { useState } from 'preact/hooks';
import type { Unit } from '../../../../schema/admin.js';
import { api } from '../../api.js';
import { Await, Checkbox, PageTitle, Pager, TextField, useLoad } from '../../components/ui.js';
import { useWords } from '../../i18n.js';
import { useSession } from '../../session.js';
import { NewUnitForm, UnitTable } from './shared.js';

const LIMIT = 100;

/** The top of the caller's part of the tree (every province for a system admin), or a search over all of it. */
export function UnitsPage() {
  const w = useWords();
  const { info } = useSession();
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const [includeInactive, setIncludeInactive] = useState(false);
  const [offset, setOffset] = useState(0);
  const [adding, setAdding] = useState(false);
  const units = useLoad(() => api.units.list({ q: search, includeInactive, limit: LIMIT, offset }), [search, includeInactive, offset]);
  const isSystemAdmin = info.grants.some((g) => g.role === 'system_admin');
  return (
    <section>
      <PageTitle title={w.t('unitsTitle')}>{w.t('unitsTitle')}</PageTitle>
      <p class="muted">{w.t('unitsIntro')}</p>
      <form
        class="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setSearch(q.trim());
        }}
      >
        <TextField type="search" name="q" label={w.t('search')} placeholder={w.t('searchPlaceholder')} value={q} onInput={setQ} />
        <button type="submit">{w.t('search')}</button>
        <Checkbox label={w.t('showInactive')} checked={includeInactive} onChange={setIncludeInactive} />
      </form>
      <Await loaded={units}>
        {(data) => (
          <>
            <UnitTable units={data.items} />
            <Pager offset={offset} limit={LIMIT} total={data.total} onPage={setOffset} />
          </>
        )}
      </Await>
      {isSystemAdmin &&
        (adding ? (
          <NewUnitForm
            parent={null}
            onDone={(_unit: Unit) => {
              setAdding(false);
              units.reload();
            }}
            onCancel={() => setAdding(false)}
          />
        ) : (
          <button type="button" class="primary" onClick={() => setAdding(true)}>
            {w.t('addProvince')}
          </button>
        ))}
    </section>
  );
}
