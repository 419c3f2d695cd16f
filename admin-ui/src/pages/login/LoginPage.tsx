import { useState } from 'preact/hooks';
import type { SessionInfo } from '../../../../schema/admin.js';
import { api, type ApiError } from '../../api.js';
import { ErrorNotice, PageTitle, TextField, useSubmit } from '../../components/ui.js';
import { useWords } from '../../i18n.js';

/** Sign-in. Any refusal reads the same ("wrong username or password"), as the server answers. */
export function LoginPage({ expired, onSignedIn }: { expired: boolean; onSignedIn(info: SessionInfo): void }) {
  const w = useWords();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, submit } = useSubmit(() => api.auth.login({ username, password }), onSignedIn);
  const message = (e: ApiError) => {
    if (e.code === 'rate_limited') return w.t('rateLimited', { min: Math.max(1, Math.ceil((e.retryAfterSeconds ?? 900) / 60)) });
    if (e.status === 401 || e.status === 400) return w.t('wrongLogin');
    return undefined;
  };
  return (
    <main id="main" class="login">
      <div class="login-card">
        <PageTitle title={w.t('loginTitle')}>{w.t('appTitle')}</PageTitle>
        <p class="muted">{w.t('loginIntro')}</p>
        {expired && (
          <p class="notice" role="status">
            {w.t('sessionExpired')}
          </p>
        )}
        <form
          class="form"
          aria-label={w.t('loginTitle')}
          onSubmit={(e) => {
            e.preventDefault();
            if (!busy) submit();
          }}
        >
          <TextField name="username" label={w.t('username')} value={username} onInput={setUsername} autoComplete="username" required />
          <TextField name="password" type="password" label={w.t('password')} value={password} onInput={setPassword} autoComplete="current-password" required />
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
              {busy ? w.t('signingIn') : w.t('signIn')}
            </button>
          </div>
        </form>
      </div>
    </main>
  );
}
