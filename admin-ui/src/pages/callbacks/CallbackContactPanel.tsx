import { api } from '../../api.js';
import { ErrorNotice, useLoad } from '../../components/ui.js';
import { useWords } from '../../i18n.js';
import { callbackWords } from './i18n.js';

/**
 * The phone number or e-mail a citizen left for a call-back, on the case's page. The API answers it
 * to the case's assignee alone; everyone else sees one line saying so, never the value.
 */
export function CallbackContactPanel({ caseId }: { caseId: string }) {
  const w = useWords();
  const t = callbackWords(w.lang);
  const contact = useLoad(() => api.callbackContact(caseId, w.lang), [caseId, w.lang]);
  return (
    <section class="panel callback-contact" aria-labelledby="callback-contact-title">
      <h2 id="callback-contact-title">{t('title')}</h2>
      {contact.state === 'ready' ? (
        <>
          <dl class="facts">
            <dt>{t(contact.data.kind)}</dt>
            <dd>
              <a href={`${contact.data.kind === 'phone' ? 'tel' : 'mailto'}:${contact.data.value}`} class="callback-value">
                {contact.data.value}
              </a>
            </dd>
            <dt>{t('leftAt')}</dt>
            <dd>{w.dateTime(contact.data.createdAt)}</dd>
            <dt>{t('keptUntil')}</dt>
            <dd>{contact.data.deleteAfter ? w.dateTime(contact.data.deleteAfter) : t('keptOpen', { days: contact.data.retentionDays })}</dd>
          </dl>
          <details>
            <summary>{t('consent')}</summary>
            <p class="small">{contact.data.consentText}</p>
          </details>
          <p class="hint">{t('onlyYou')}</p>
        </>
      ) : contact.state === 'error' ? (
        contact.error.status === 403 ? (
          <p class="muted">{t('notAssignee')}</p>
        ) : contact.error.status === 404 ? (
          <p class="muted">{t('gone')}</p>
        ) : (
          <ErrorNotice error={contact.error} retry={contact.reload} />
        )
      ) : null}
    </section>
  );
}
