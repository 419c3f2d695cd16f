import { useState } from 'preact/hooks';
import { api } from '../../api.js';
import { TableBox } from '../../components/TableBox.js';
import { Await, PageTitle, Pager, StatusBadge, TextField, useLoad } from '../../components/ui.js';
import { useWords } from '../../i18n.js';
import { Link } from '../../router.js';
import { useSession } from '../../session.js';

const LIMIT = 100;

/** Accounts with a role in the caller's area, and the roles they hold there. */
export function UsersPage() {
  const w = useWords();
  const { can } = useSession();
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const users = useLoad(() => api.users.list({ q: search, limit: LIMIT, offset }), [search, offset]);
  return (
    <section>
      <PageTitle title={w.t('usersTitle')}>{w.t('usersTitle')}</PageTitle>
      <form
        class="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setSearch(q.trim());
        }}
      >
        <TextField type="search" name="q" label={w.t('search')} value={q} onInput={setQ} />
        <button type="submit">{w.t('search')}</button>
        {can('users.write') && (
          <Link to="/users/new" class="button-link primary">
            {w.t('newUser')}
          </Link>
        )}
      </form>
      <Await loaded={users}>
        {(data) => (
          <>
            <TableBox label={w.t('usersTitle')} cards>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{w.t('username')}</th>
                    <th scope="col">{w.t('displayName')}</th>
                    <th scope="col">{w.t('roles')}</th>
                    <th scope="col">{w.t('status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((u) => (
                    <tr key={u.id}>
                      <th scope="row">
                        <Link to={`/users/${u.id}`}>{u.username}</Link>
                      </th>
                      <td>{u.displayName}</td>
                      <td>
                        {u.grants.map((g) => (
                          <div key={`${g.role}${g.unitId}`}>
                            {w.role(g.role)}
                            {g.unitName ? ` – ${g.unitName}` : ''}
                          </div>
                        ))}
                      </td>
                      <td>
                        <StatusBadge active={u.active} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableBox>
            <Pager offset={offset} limit={LIMIT} total={data.total} onPage={setOffset} />
          </>
        )}
      </Await>
    </section>
  );
}
