import { useState } from 'preact/hooks';
import { ROLES } from '../../../../schema/admin-model.js';
import type { Role, UserSummary, UserWithPassword } from '../../../../schema/admin.js';
import { api } from '../../api.js';
import { UnitPicker, type PickedUnit } from '../../components/UnitPicker.js';
import { Await, Checkbox, ErrorNotice, fieldErrors, Form, PageTitle, SecretOnce, SelectField, TextField, useLoad, useSubmit } from '../../components/ui.js';
import { useWords } from '../../i18n.js';
import { Link } from '../../router.js';
import { useSession } from '../../session.js';

interface GrantDraft {
  role: Role;
  unit: PickedUnit | null;
}

/** /users/new creates an account; /users/:id edits one (name, roles, active) or resets its password. */
export function UserPage({ id }: { id: string | null }) {
  const w = useWords();
  const [created, setCreated] = useState<UserWithPassword | null>(null);
  if (id === null) {
    return (
      <section>
        <PageTitle title={w.t('newUser')}>{w.t('newUser')}</PageTitle>
        {created ? (
          <CreatedNotice created={created} />
        ) : (
          <UserForm user={null} onDone={(result) => result && 'password' in result && setCreated(result)} />
        )}
      </section>
    );
  }
  return <ExistingUser id={id} />;
}

function CreatedNotice({ created }: { created: UserWithPassword }) {
  const w = useWords();
  return (
    <>
      {created.password && <SecretOnce intro={w.t('passwordShownOnce', { user: created.user.username })} secret={created.password} />}
      <p>
        <Link to={`/users/${created.user.id}`}>{created.user.username}</Link>
      </p>
    </>
  );
}

function ExistingUser({ id }: { id: string }) {
  const w = useWords();
  const { can } = useSession();
  const user = useLoad(() => api.users.get(id), [id]);
  const [reset, setReset] = useState<UserWithPassword | null>(null);
  const resetting = useSubmit(() => api.users.resetPassword(id), setReset);
  const [totpReset, setTotpReset] = useState(false);
  const resettingTotp = useSubmit(
    () => api.users.resetTotp(id),
    () => {
      setTotpReset(true);
      user.reload();
    },
  );
  return (
    <Await loaded={user}>
      {(data) => (
        <section>
          <PageTitle title={data.username}>{w.t('editUser', { user: data.username })}</PageTitle>
          <p>
            <span class="badge">{data.totpEnabled ? w.t('totpStateOn') : w.t('totpStateOff')}</span>
            {data.mustChangePassword && <span class="badge"> {w.t('mustChangeBadge')}</span>}
          </p>
          {can('users.write') ? <UserForm user={data} onDone={() => user.reload()} /> : <GrantList user={data} />}
          {can('users.write') && (
            <div class="panel">
              <h2>{w.t('resetPassword')}</h2>
              {reset ? (
                <SecretOnce intro={w.t('passwordShownOnce', { user: data.username })} secret={reset.password!} />
              ) : (
                <button
                  type="button"
                  disabled={resetting.busy}
                  onClick={() => {
                    if (window.confirm(w.t('confirmReset', { user: data.username }))) resetting.submit();
                  }}
                >
                  {w.t('resetPassword')}
                </button>
              )}
              {resetting.error && <ErrorNotice error={resetting.error} />}
            </div>
          )}
          {can('users.write') && (data.totpEnabled || totpReset) && (
            <div class="panel">
              <h2>{w.t('resetTotp')}</h2>
              {totpReset ? (
                <p class="notice ok" role="status">
                  {w.t('resetTotpDone')}
                </p>
              ) : (
                <button
                  type="button"
                  disabled={resettingTotp.busy}
                  onClick={() => {
                    if (window.confirm(w.t('confirmResetTotp', { user: data.username }))) resettingTotp.submit();
                  }}
                >
                  {w.t('resetTotp')}
                </button>
              )}
              {resettingTotp.error && <ErrorNotice error={resettingTotp.error} />}
            </div>
          )}
        </section>
      )}
    </Await>
  );
}

function GrantList({ user }: { user: UserSummary }) {
  const w = useWords();
  return (
    <ul>
      {user.grants.map((g) => (
        <li key={`${g.role}${g.unitId}`}>
          {w.role(g.role)} {g.unitName ? `– ${g.unitName}` : ''}
        </li>
      ))}
    </ul>
  );
}

function UserForm({ user, onDone }: { user: UserSummary | null; onDone(result: UserWithPassword | UserSummary): void }) {
  const w = useWords();
  const [username, setUsername] = useState(user?.username ?? '');
  const [displayName, setDisplayName] = useState(user?.displayName ?? '');
  const [email, setEmail] = useState(user?.email ?? '');
  const [password, setPassword] = useState('');
  const [active, setActive] = useState(user?.active ?? true);
  const [grants, setGrants] = useState<GrantDraft[]>(
    user ? user.grants.map((g) => ({ role: g.role, unit: g.unitId ? { id: g.unitId, name: g.unitName ?? g.unitId } : null })) : [{ role: 'viewer', unit: null }],
  );
  const grantInput = grants.map((g) => ({ role: g.role, unitId: g.role === 'system_admin' ? null : (g.unit?.id ?? null) }));
  const { busy, error, submit } = useSubmit<UserWithPassword | UserSummary>(
    () =>
      user
        ? api.users.update(user.id, {
            ...(displayName.trim() !== user.displayName ? { displayName: displayName.trim() } : {}),
            ...(email.trim() !== (user.email ?? '') ? { email: email.trim() || null } : {}),
            ...(active !== user.active ? { active } : {}),
            grants: grantInput,
          })
        : api.users.create({ username: username.trim(), displayName: displayName.trim(), ...(email.trim() ? { email: email.trim() } : {}), ...(password ? { password } : {}), grants: grantInput }),
    onDone,
  );
  const errors = fieldErrors(error);
  const setGrant = (i: number, change: Partial<GrantDraft>) => setGrants(grants.map((g, j) => (j === i ? { ...g, ...change } : g)));
  return (
    <Form label={user ? w.t('editUser', { user: user.username }) : w.t('newUser')} onSubmit={submit} submitLabel={user ? w.t('save') : w.t('create')} error={error} busy={busy}>
      {!user && <TextField name="username" label={w.t('username')} value={username} onInput={setUsername} error={errors.username} autoComplete="off" required />}
      <TextField name="displayName" label={w.t('displayName')} value={displayName} onInput={setDisplayName} error={errors.displayName} required />
      <TextField name="email" label={w.t('userEmail')} value={email} onInput={setEmail} error={errors.email} autoComplete="email" />
      {!user && <TextField name="password" type="password" label={w.t('passwordOptional')} value={password} onInput={setPassword} error={errors.password} autoComplete="new-password" />}
      <fieldset class="grants">
        <legend>{w.t('roles')}</legend>
        {grants.map((g, i) => (
          <div class="grant-row" key={i}>
            <SelectField name={`role-${i}`} label={w.t('role')} value={g.role} onChange={(role) => setGrant(i, { role })} options={ROLES.map((r) => ({ value: r, label: w.role(r) }))} />
            {g.role !== 'system_admin' && <UnitPicker label={w.t('unit')} value={g.unit} onChange={(unit) => setGrant(i, { unit })} />}
            {grants.length > 1 && (
              <button type="button" class="secondary" onClick={() => setGrants(grants.filter((_, j) => j !== i))}>
                {w.t('removeRole')}
              </button>
            )}
          </div>
        ))}
        <button type="button" class="secondary" onClick={() => setGrants([...grants, { role: 'viewer', unit: null }])}>
          {w.t('addRole')}
        </button>
      </fieldset>
      {user && <Checkbox label={w.t('active')} checked={active} onChange={setActive} />}
    </Form>
  );
}
