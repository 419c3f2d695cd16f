import { useState } from 'preact/hooks';
import type { SessionEntry, TotpStatus } from '../../../../schema/auth.js';
import { api } from '../../api.js';
import { Await, ErrorNotice, fieldErrors, Form, PageTitle, TextField, useLoad, useSubmit } from '../../components/ui.js';
import { useWords } from '../../i18n.js';
import { useSession } from '../../session.js';
import { RecoveryCodeList, TotpEnrol } from './TotpEnrol.js';

/** My password, my two-step sign-in, my sessions, and signing out on every device. */
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
  const sessions = useLoad(() => api.auth.sessions(), [changed]);
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
      <TotpPanel />
      <div class="panel">
        <h2>{w.t('sessionsTitle')}</h2>
        <p class="muted">{w.t('sessionsIntro')}</p>
        <Await loaded={sessions}>{(data) => <SessionTable items={data.items} onChange={sessions.reload} onSignedOut={session.refresh} />}</Await>
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

function SessionTable({ items, onChange, onSignedOut }: { items: SessionEntry[]; onChange(): void; onSignedOut(): void }) {
  const w = useWords();
  const revoke = useSubmit(
    (sessionId: string) => api.auth.revokeSession(sessionId),
    (result) => (result.current ? onSignedOut() : onChange()),
  );
  return (
    <div class="table-box">
      <table>
        <thead>
          <tr>
            <th scope="col">{w.t('sessionBrowser')}</th>
            <th scope="col">{w.t('sessionStarted')}</th>
            <th scope="col">{w.t('sessionLastSeen')}</th>
            <th scope="col">{w.t('actions')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((s) => (
            <tr key={s.id}>
              <th scope="row">
                {s.userAgent ?? w.t('unknownBrowser')}
                {s.current && <span class="badge ok"> {w.t('sessionCurrent')}</span>}
              </th>
              <td>{w.dateTime(s.createdAt)}</td>
              <td>{w.dateTime(s.lastSeenAt)}</td>
              <td>
                <button type="button" class="danger" disabled={revoke.busy} onClick={() => revoke.submit(s.id)}>
                  {w.t('sessionRevoke')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {revoke.error && <ErrorNotice error={revoke.error} />}
    </div>
  );
}

/** Two-step sign-in: its state, turning it on (optional roles), new recovery codes, turning it off where allowed. */
function TotpPanel() {
  const w = useWords();
  const status = useLoad(() => api.auth.totp(), []);
  return (
    <div class="panel">
      <h2>{w.t('totpTitle')}</h2>
      <Await loaded={status}>{(data) => <TotpControls status={data} onChange={status.reload} />}</Await>
    </div>
  );
}

function TotpControls({ status, onChange }: { status: TotpStatus; onChange(): void }) {
  const w = useWords();
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [disabled, setDisabled] = useState(false);
  const regenerate = useSubmit(
    () => api.auth.recoveryCodes({ code }),
    (result) => {
      setCodes(result.recoveryCodes);
      setCode('');
    },
  );
  const disable = useSubmit(
    () => api.auth.totpDisable({ password }),
    () => {
      setPassword('');
      setDisabled(true);
      onChange();
    },
  );
  if (!status.enabled) {
    return (
      <>
        {disabled && (
          <p class="notice ok" role="status">
            {w.t('totpDisabled')}
          </p>
        )}
        <p>{w.t('totpOff')}</p>
        <TotpEnrol required={status.required} onEnrolled={onChange} />
      </>
    );
  }
  const regenerateErrors = fieldErrors(regenerate.error);
  const disableErrors = fieldErrors(disable.error);
  return (
    <>
      <p>{w.t('totpOn', { date: status.enabledAt ? w.dateTime(status.enabledAt) : '', n: status.recoveryCodesLeft })}</p>
      {codes && <RecoveryCodeList codes={codes} />}
      <h3>{w.t('newRecoveryCodes')}</h3>
      <p class="muted">{w.t('newRecoveryCodesHint')}</p>
      <Form label={w.t('newRecoveryCodes')} onSubmit={regenerate.submit} submitLabel={w.t('newRecoveryCodes')} error={regenerate.error} busy={regenerate.busy}>
        <TextField name="regenerateCode" label={w.t('totpCode')} value={code} onInput={setCode} error={regenerateErrors.code} autoComplete="one-time-code" required />
      </Form>
      <h3>{w.t('totpDisable')}</h3>
      {status.required ? (
        <p class="muted">{w.t('totpRequiredNote')}</p>
      ) : (
        <Form label={w.t('totpDisable')} onSubmit={disable.submit} submitLabel={w.t('totpDisable')} error={disable.error} busy={disable.busy}>
          <TextField name="disablePassword" type="password" label={w.t('totpDisablePassword')} value={password} onInput={setPassword} error={disableErrors.password} autoComplete="current-password" required />
        </Form>
      )}
    </>
  );
}
