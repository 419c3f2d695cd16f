import { useState } from 'preact/hooks';
import type { SessionInfo } from '../../../../schema/admin.js';
import { api, type ApiError } from '../../api.js';
import { ErrorNotice, fieldErrors, Form, PageTitle, TextField, useSubmit } from '../../components/ui.js';
import { useWords } from '../../i18n.js';
import { TotpEnrol } from '../account/TotpEnrol.js';

/**
 * The steps of sign-in after the password, shown instead of the admin until done (the API refuses
 * everything else meanwhile): the second factor, a password that must be changed, TOTP enrolment.
 */
export function SignInStepPage({ info, onSignedIn, onRefresh, onSignOut }: { info: SessionInfo; onSignedIn(info: SessionInfo): void; onRefresh(): void; onSignOut(): void }) {
  const w = useWords();
  const title = info.pending === 'second_factor' ? w.t('secondFactorTitle') : info.pending === 'password_change' ? w.t('mustChangeTitle') : w.t('enrolTitle');
  return (
    <main id="main" class="login">
      <div class="login-card">
        <PageTitle title={title}>{title}</PageTitle>
        <p class="muted">{w.t('signedInAs', { name: info.user.displayName })}</p>
        {info.pending === 'second_factor' && <SecondFactorStep onSignedIn={onSignedIn} />}
        {info.pending === 'password_change' && <PasswordStep onChanged={onRefresh} />}
        {info.pending === 'totp_enrolment' && <TotpEnrol required onEnrolled={onRefresh} />}
        <p>
          <button type="button" class="secondary" onClick={onSignOut}>
            {w.t('signOut')}
          </button>
        </p>
      </div>
    </main>
  );
}

function SecondFactorStep({ onSignedIn }: { onSignedIn(info: SessionInfo): void }) {
  const w = useWords();
  const [recovery, setRecovery] = useState(false);
  const [code, setCode] = useState('');
  const { busy, error, submit } = useSubmit(() => api.auth.secondFactor(recovery ? { recoveryCode: code } : { code }), onSignedIn);
  const message = (e: ApiError) => {
    if (e.code === 'rate_limited') return w.t('tooManyCodes', { min: Math.max(1, Math.ceil((e.retryAfterSeconds ?? 900) / 60)) });
    if (e.status === 400) return w.t('wrongCode');
    return undefined;
  };
  return (
    <>
      <p>{recovery ? w.t('recoveryIntro') : w.t('secondFactorIntro')}</p>
      <form
        class="form"
        aria-label={w.t('secondFactorTitle')}
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy) submit();
        }}
      >
        {recovery ? (
          <TextField name="recoveryCode" label={w.t('recoveryCode')} value={code} onInput={setCode} autoComplete="off" required />
        ) : (
          <TextField name="code" label={w.t('totpCode')} value={code} onInput={setCode} autoComplete="one-time-code" required />
        )}
        {error &&
          (message(error) ? (
            <p class="notice error" role="alert">
              {message(error)}
            </p>
          ) : (
            <ErrorNotice error={error} />
          ))}
        <div class="form-actions">
          <button type="submit" class="primary wide" disabled={busy}>
            {busy ? w.t('verifying') : w.t('verify')}
          </button>
        </div>
      </form>
      <p>
        <button
          type="button"
          class="link-button"
          onClick={() => {
            setRecovery(!recovery);
            setCode('');
          }}
        >
          {recovery ? w.t('useTotpCode') : w.t('useRecoveryCode')}
        </button>
      </p>
    </>
  );
}

function PasswordStep({ onChanged }: { onChanged(): void }) {
  const w = useWords();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const change = useSubmit(() => api.auth.changePassword({ currentPassword: current, newPassword: next }), onChanged);
  const errors = fieldErrors(change.error);
  return (
    <>
      <p>{w.t('mustChangeIntro')}</p>
      <Form label={w.t('changePassword')} onSubmit={change.submit} submitLabel={w.t('changePassword')} error={change.error} busy={change.busy}>
        <TextField name="currentPassword" type="password" label={w.t('currentPassword')} value={current} onInput={setCurrent} error={errors.currentPassword} autoComplete="current-password" required />
        <TextField name="newPassword" type="password" label={w.t('newPassword')} value={next} onInput={setNext} error={errors.newPassword} autoComplete="new-password" required />
      </Form>
    </>
  );
}
