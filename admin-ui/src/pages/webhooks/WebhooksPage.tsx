import { useState } from 'preact/hooks';
import { WEBHOOK_EVENT_TYPES, type WebhookDelivery, type WebhookEventType, type WebhookSubscription, type WebhookSubscriptionCreated } from '../../../../schema/notifications.js';
import { api } from '../../api.js';
import { TableBox } from '../../components/TableBox.js';
import { Await, Checkbox, ErrorNotice, fieldErrors, Form, PageTitle, SecretOnce, TextField, useLoad, useSubmit } from '../../components/ui.js';
import { useWords } from '../../i18n.js';
import { useSession } from '../../session.js';
import { webhookWords } from './i18n.js';

/** Webhook subscriptions (system administrators) and the log of recent deliveries. */
export function WebhooksPage() {
  const w = useWords();
  const x = webhookWords(w.lang);
  const { info } = useSession();
  const [created, setCreated] = useState<WebhookSubscriptionCreated | null>(null);
  const [adding, setAdding] = useState(false);
  const [queued, setQueued] = useState(false);
  const isAdmin = info.grants.some((g) => g.role === 'system_admin');
  const subscriptions = useLoad(() => (isAdmin ? api.webhooks.list() : Promise.resolve({ items: [] })), [isAdmin]);
  const deliveries = useLoad(() => (isAdmin ? api.webhooks.deliveries({ limit: 100 }) : Promise.resolve({ items: [] })), [isAdmin]);
  const reload = () => {
    subscriptions.reload();
    deliveries.reload();
  };
  return (
    <section>
      <PageTitle title={x.t('title')}>{x.t('title')}</PageTitle>
      <p class="muted">{x.t('intro')}</p>
      {!isAdmin ? (
        <p class="notice">{x.t('adminOnly')}</p>
      ) : (
        <>
          {created && <SecretOnce intro={x.t('secretOnce')} secret={created.secret} />}
          {queued && (
            <p class="notice ok" role="status">
              {x.t('testQueued')}
            </p>
          )}
          {adding ? (
            <NewSubscriptionForm
              onDone={(result) => {
                setAdding(false);
                setCreated(result);
                reload();
              }}
              onCancel={() => setAdding(false)}
            />
          ) : (
            <button type="button" class="primary" onClick={() => setAdding(true)}>
              {x.t('newSubscription')}
            </button>
          )}
          <h2>{x.t('subscriptions')}</h2>
          <Await loaded={subscriptions}>
            {(data) => (
              <SubscriptionTable
                items={data.items}
                onChange={reload}
                onTest={() => {
                  setQueued(true);
                  reload();
                }}
              />
            )}
          </Await>
          <h2>{x.t('deliveries')}</h2>
          <button type="button" class="secondary" onClick={reload}>
            {x.t('refresh')}
          </button>
          <Await loaded={deliveries}>{(data) => <DeliveryTable items={data.items} />}</Await>
        </>
      )}
    </section>
  );
}

function SubscriptionTable({ items, onChange, onTest }: { items: WebhookSubscription[]; onChange(): void; onTest(): void }) {
  const w = useWords();
  const x = webhookWords(w.lang);
  const remove = useSubmit((subscriptionId: string) => api.webhooks.remove(subscriptionId), onChange);
  const test = useSubmit((subscriptionId: string) => api.webhooks.test(subscriptionId), onTest);
  if (items.length === 0) return <p class="muted">{x.t('none')}</p>;
  return (
    <>
      {remove.error && <ErrorNotice error={remove.error} />}
      {test.error && <ErrorNotice error={test.error} />}
      <TableBox label={x.t('subscriptions')} cards>
        <table>
          <thead>
            <tr>
              <th scope="col">{x.t('url')}</th>
              <th scope="col">{x.t('events')}</th>
              <th scope="col">{x.t('createdAt')}</th>
              <th scope="col">{x.t('waiting')}</th>
              <th scope="col">{x.t('failed')}</th>
              <th scope="col">{x.t('actions')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.id}>
                <th scope="row">
                  <code>{s.url}</code>
                </th>
                <td>{s.eventTypes.map((t) => x.t(t)).join(', ')}</td>
                <td>{w.dateTime(s.createdAt)}</td>
                <td>{w.int(s.pending)}</td>
                <td>{w.int(s.failed)}</td>
                <td>
                  <button type="button" class="secondary" disabled={test.busy} aria-label={`${x.t('sendTest')} ${s.url}`} onClick={() => test.submit(s.id)}>
                    {x.t('sendTest')}
                  </button>{' '}
                  <button
                    type="button"
                    class="danger"
                    disabled={remove.busy}
                    aria-label={`${x.t('remove')} ${s.url}`}
                    onClick={() => {
                      if (window.confirm(x.t('confirmRemove', { url: s.url }))) remove.submit(s.id);
                    }}
                  >
                    {x.t('remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableBox>
    </>
  );
}

const STATUS_WORD = { pending: 'pending', delivered: 'delivered', failed: 'failedStatus', cancelled: 'cancelled' } as const;

function DeliveryTable({ items }: { items: WebhookDelivery[] }) {
  const w = useWords();
  const x = webhookWords(w.lang);
  if (items.length === 0) return <p class="muted">{x.t('noDeliveries')}</p>;
  return (
    <TableBox label={x.t('deliveries')} cards>
      <table>
        <thead>
          <tr>
            <th scope="col">{x.t('time')}</th>
            <th scope="col">{x.t('event')}</th>
            <th scope="col">{x.t('subject')}</th>
            <th scope="col">{x.t('url')}</th>
            <th scope="col">{x.t('status')}</th>
            <th scope="col">{x.t('attempts')}</th>
            <th scope="col">{x.t('nextRetry')}</th>
            <th scope="col">{x.t('lastError')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <tr key={d.seq}>
              <th scope="row">{w.dateTime(d.createdAt)}</th>
              <td>{d.type}</td>
              <td>
                <code>{d.subject}</code>
              </td>
              <td>
                <code>{d.url}</code>
              </td>
              <td>
                <span class={d.status === 'delivered' ? 'badge ok' : 'badge'}>{x.t(STATUS_WORD[d.status])}</span>
              </td>
              <td>{w.int(d.attempts)}</td>
              <td>{d.nextAttemptAt ? w.dateTime(d.nextAttemptAt) : '–'}</td>
              <td>{d.lastError ?? '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}

function NewSubscriptionForm({ onDone, onCancel }: { onDone(result: WebhookSubscriptionCreated): void; onCancel(): void }) {
  const w = useWords();
  const x = webhookWords(w.lang);
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState<WebhookEventType[]>(['alert.opened', 'case.updated']);
  const { busy, error, submit } = useSubmit(() => api.webhooks.create({ url: url.trim(), eventTypes: types }), onDone);
  const errors = fieldErrors(error);
  return (
    <Form label={x.t('newSubscription')} onSubmit={submit} submitLabel={x.t('create')} onCancel={onCancel} error={error} busy={busy}>
      <TextField name="url" label={x.t('url')} value={url} onInput={setUrl} error={errors.url} required />
      <fieldset>
        <legend>{x.t('events')}</legend>
        {WEBHOOK_EVENT_TYPES.map((type) => (
          <Checkbox
            key={type}
            label={`${x.t(type)} (${type})`}
            checked={types.includes(type)}
            onChange={(on) => setTypes(on ? [...types, type] : types.filter((t) => t !== type))}
          />
        ))}
        {errors.eventTypes && (
          <p class="field-error" role="alert">
            {errors.eventTypes}
          </p>
        )}
      </fieldset>
    </Form>
  );
}
