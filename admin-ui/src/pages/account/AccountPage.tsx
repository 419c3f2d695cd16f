import { useState } from 'preact/hooks';
import { api } from '../../api.js';
import { ErrorNotice, fieldErrors, Form, PageTitle, TextField, useSubmit } from '../../components/ui.js';
import { useWords } from '../../i18n.js';
import { useSession } from '../../session.js';

/** My password, and signing out on every device. */
export function AccountPage() {
  const w = useWords();
  const session = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [changed, setChanged] = useState<number | null>(null);
  const change = useSubmit(
    () => api.auth.changePassword({ currentPassword: current, newPassword: next }),
    (result) => {
      setChanged(result.revokedSessions);
      setCurrent('');
      setNext('');
    },
  );
  const everywhere = useSubmit(() => api.auth.logoutAll(), () => session.refresh());
  const errors = fieldErrors(change.error);
  return (
    <section>
      <PageTitle title={w.t('accountTitle')}>{w.t('accountTitle')}</PageTitle>
      <dl class="facts">
        <dt>{w.t('username')}</dt>
        <dd>{session.info.user.username}</dd>
        <dt>{w.t('displayName')}</dt>
        <dd>{session.info.user.displayName}</dd>
      </dl>
      <div class="panel">
        <h2>{w.t('changePassword')}</h2>
        {changed !== null && (
          <p class="notice ok" role="status">
            {w.t('passwordChanged', { n: changed })}
          </p>
        )}
        <Form label={w.t('changePassword')} onSubmit={change.submit} submitLabel={w.t('changePassword')} error={change.error} busy={change.busy}>
          <TextField name="currentPassword" type="password" label={w.t('currentPassword')} value={current} onInput={setCurrent} error={errors.currentPassword} autoComplete="current-password" required />
          <TextField name="newPassword" type="password" label={w.t('newPassword')} value={next} onInput={setNext} error={errors.newPassword} autoComplete="new-password" required />
        </Form>
      </div>
      <div class="panel">
        <h2>{w.t('signOutEverywhere')}</h2>
        <p class="muted">{w.t('signOutEverywhereHint')}</p>
        <button type="button" class="danger" disabled={everywhere.busy} onClick={everywhere.submit}>
          {w.t('signOutEverywhere')}
        </button>
        {everywhere.error && <ErrorNotice error={everywhere.error} />}
      </div>
    </section>
  );
}
