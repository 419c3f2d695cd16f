import { useEffect, useRef, useState } from 'preact/hooks';
import { consentText, CONSENT_VERSION, looksLikeEmail, normalizeVietnamesePhone } from '../../schema/callback-rules.js';
import type { Lang } from '../../schema/survey.js';
import type { Translate } from './i18n.js';
import { backoffDelay, type Outcome } from './outbox.js';
import { Chips } from './widgets.js';

type Kind = 'phone' | 'email';
type Body = { kind: Kind; value: string; consent: true; consentVersion: typeof CONSENT_VERSION };
export type ContactSender = (responseId: string, body: Body) => Promise<Outcome>;

type Sending = { state: 'idle' } | { state: 'sending' } | { state: 'waiting' } | { state: 'sent' } | { state: 'rejected'; code: string };

/**
 * "Ông/Bà có muốn được liên hệ lại?" on the thank-you screen after a low rating: shown only once
 * the answer itself is stored, so nothing here can hold it up. The contact is kept in memory only,
 * never in the device's storage (a phone may be lent, a browser shared); a lost network is retried
 * while the page stays open.
 */
export function CallbackOffer({
  responseId,
  retentionDays,
  lang,
  t,
  send,
}: {
  responseId: string;
  retentionDays: number;
  lang: Lang;
  t: Translate;
  send: ContactSender;
}) {
  const [kind, setKind] = useState<Kind>('phone');
  const [value, setValue] = useState('');
  const [consent, setConsent] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [sending, setSending] = useState<Sending>({ state: 'idle' });
  const attempts = useRef(0);
  const retry = useRef<ReturnType<typeof setTimeout>>();

  // The contact still to be delivered, if the last attempt found no network or a busy server.
  const waiting = useRef<Body | null>(null);

  const attempt = async (body: Body) => {
    clearTimeout(retry.current);
    waiting.current = null;
    setSending({ state: 'sending' });
    const outcome = await send(responseId, body).catch((): Outcome => ({ kind: 'retry', reason: 'offline' }));
    if (outcome.kind === 'sent') setSending({ state: 'sent' });
    else if (outcome.kind === 'rejected') setSending({ state: 'rejected', code: outcome.code });
    else {
      attempts.current += 1;
      waiting.current = body;
      setSending({ state: 'waiting' });
      retry.current = setTimeout(() => void attempt(body), backoffDelay(attempts.current, Math.random(), outcome.retryAfterMs));
    }
  };

  useEffect(() => {
    const again = () => {
      if (waiting.current) void attempt(waiting.current);
    };
    addEventListener('online', again);
    return () => {
      removeEventListener('online', again);
      clearTimeout(retry.current);
    };
  }, []);

  const submit = (event: Event) => {
    event.preventDefault();
    const normalized = kind === 'phone' ? normalizeVietnamesePhone(value) : looksLikeEmail(value) ? value.trim() : null;
    if (normalized === null) return setProblem(t(kind === 'phone' ? 'callbackBadPhone' : 'callbackBadEmail'));
    if (!consent) return setProblem(t('callbackNeedConsent'));
    setProblem(null);
    void attempt({ kind, value: normalized, consent: true, consentVersion: CONSENT_VERSION });
  };

  if (sending.state === 'sent') {
    return (
      <p class="notice callback-done" role="status">
        {t('callbackSent')}
      </p>
    );
  }
  const busy = sending.state === 'sending' || sending.state === 'waiting';
  return (
    <form class="callback" onSubmit={submit} noValidate>
      <h2>{t('callbackTitle')}</h2>
      <p>{t('callbackLead')}</p>
      <Chips
        legend={t('callbackHow')}
        name="callbackKind"
        options={[
          { value: 'phone' as const, label: t('callbackPhone') },
          { value: 'email' as const, label: t('callbackEmail') },
        ]}
        value={kind}
        onChoose={(next) => {
          setKind(next);
          setProblem(null);
        }}
      />
      <label for="callback-value">{t(kind === 'phone' ? 'callbackPhone' : 'callbackEmail')}</label>
      <p class="hint" id="callback-hint">
        {t(kind === 'phone' ? 'callbackPhoneHint' : 'callbackEmailHint')}
      </p>
      <input
        id="callback-value"
        type={kind === 'phone' ? 'tel' : 'email'}
        inputMode={kind === 'phone' ? 'tel' : 'email'}
        autoComplete={kind === 'phone' ? 'tel' : 'email'}
        maxLength={kind === 'phone' ? 40 : 254}
        aria-describedby="callback-hint"
        aria-invalid={problem !== null}
        disabled={busy}
        value={value}
        onInput={(event) => {
          setValue(event.currentTarget.value);
          setProblem(null);
        }}
      />
      <label class="consent">
        <input type="checkbox" checked={consent} disabled={busy} onChange={(event) => {
            setConsent(event.currentTarget.checked);
            setProblem(null);
          }} />
        <span>{consentText(lang, retentionDays)}</span>
      </label>
      <div role="status">
        {problem && <p class="error">{problem}</p>}
        {sending.state === 'sending' && <p>{t('callbackSending')}</p>}
        {sending.state === 'waiting' && <p class="notice">{t('callbackWaiting')}</p>}
        {sending.state === 'rejected' && <p class="error">{t('callbackRejected', { code: sending.code })}</p>}
      </div>
      {sending.state !== 'rejected' && (
        <button type="submit" class="primary" disabled={busy}>
          {t('callbackSend')}
        </button>
      )}
    </form>
  );
}
