import { useState } from 'preact/hooks';
import type { TotpSetup } from '../../../../schema/auth.js';
import { api } from '../../api.js';
import { ErrorNotice, fieldErrors, Form, TextField, useSubmit } from '../../components/ui.js';
import { useWords } from '../../i18n.js';

/** Recovery codes, shown once, with a way to copy them all. */
export function RecoveryCodeList({ codes }: { codes: string[] }) {
  const w = useWords();
  const [copied, setCopied] = useState(false);
  return (
    <div class="notice secret" role="status">
      <p>{w.t('recoveryCodesShownOnce')}</p>
      <ul class="recovery-codes" aria-label={w.t('recoveryCode')}>
        {codes.map((code) => (
          <li key={code}>
            <code class="secret-value">{code}</code>
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => void navigator.clipboard?.writeText(codes.join('\n')).then(() => setCopied(true))}>
        {copied ? w.t('copied') : w.t('copy')}
      </button>
    </div>
  );
}

/**
 * TOTP enrolment: a secret offered by the server (QR code and the key to type), confirmed by a code
 * from the app; then the recovery codes, shown once, and `onEnrolled` when the user has kept them.
 */
export function TotpEnrol({ required, onEnrolled }: { required: boolean; onEnrolled(): void }) {
  const w = useWords();
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [code, setCode] = useState('');
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const start = useSubmit(() => api.auth.totpSetup(), setSetup);
  const confirm = useSubmit(
    () => api.auth.totpEnable({ code }),
    (result) => setRecoveryCodes(result.recoveryCodes),
  );
  if (recoveryCodes) {
    return (
      <>
        <RecoveryCodeList codes={recoveryCodes} />
        <div class="form-actions">
          <button type="button" class="primary" onClick={onEnrolled}>
            {w.t('recoveryCodesSaved')}
          </button>
        </div>
      </>
    );
  }
  if (!setup) {
    return (
      <>
        <p>{required ? w.t('enrolRequiredIntro') : w.t('enrolOptionalIntro')}</p>
        <button type="button" class="primary" disabled={start.busy} onClick={() => start.submit()}>
          {w.t('enrolStart')}
        </button>
        {start.error && <ErrorNotice error={start.error} />}
      </>
    );
  }
  const errors = fieldErrors(confirm.error);
  return (
    <>
      <p>{w.t('enrolScan')}</p>
      <img class="totp-qr" src={setup.qrDataUrl} alt={w.t('enrolQrAlt')} width={200} height={200} />
      <dl class="facts">
        <dt>{w.t('enrolSecret')}</dt>
        <dd>
          <code class="secret-value" data-testid="totp-secret">
            {setup.secret}
          </code>
        </dd>
      </dl>
      <Form label={w.t('enrolConfirm')} onSubmit={confirm.submit} submitLabel={w.t('enrolConfirm')} error={confirm.error} busy={confirm.busy}>
        <TextField name="code" label={w.t('totpCode')} value={code} onInput={setCode} error={errors.code} autoComplete="one-time-code" required />
      </Form>
    </>
  );
}
