import { useState } from 'preact/hooks';
import type { ApiKey, ApiKeyCreated } from '../../../../schema/admin.js';
import { api } from '../../api.js';
import { UnitPicker, type PickedUnit } from '../../components/UnitPicker.js';
import { TableBox } from '../../components/TableBox.js';
import { Await, Checkbox, ErrorNotice, fieldErrors, Form, PageTitle, SecretOnce, TextField, useLoad, useSubmit } from '../../components/ui.js';
import { useWords } from '../../i18n.js';
import { useSession } from '../../session.js';

/** Keys for one-stop systems: list, create (shown once), revoke. */
export function ApiKeysPage() {
  const w = useWords();
  const { can } = useSession();
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const [adding, setAdding] = useState(false);
  const keys = useLoad(() => api.apiKeys.list({ includeRevoked, limit: 500 }), [includeRevoked]);
  return (
    <section>
      <PageTitle title={w.t('apiKeysTitle')}>{w.t('apiKeysTitle')}</PageTitle>
      <p class="muted">{w.t('apiKeysIntro')}</p>
      {created && <SecretOnce intro={w.t('keyShownOnce')} secret={created.key} />}
      {can('apikeys.write') &&
        (adding ? (
          <NewKeyForm
            onDone={(result) => {
              setAdding(false);
              setCreated(result);
              keys.reload();
            }}
            onCancel={() => setAdding(false)}
          />
        ) : (
          <button type="button" class="primary" onClick={() => setAdding(true)}>
            {w.t('newKey')}
          </button>
        ))}
      <Checkbox label={w.t('showRevoked')} checked={includeRevoked} onChange={setIncludeRevoked} />
      <Await loaded={keys}>{(data) => <KeyTable keys={data.items} onChange={keys.reload} />}</Await>
    </section>
  );
}

function KeyTable({ keys, onChange }: { keys: ApiKey[]; onChange(): void }) {
  const w = useWords();
  const { can } = useSession();
  const revoke = useSubmit((keyId: string) => api.apiKeys.revoke(keyId), onChange);
  if (keys.length === 0) return <p class="muted">{w.t('none')}</p>;
  return (
    <>
      {revoke.error && <ErrorNotice error={revoke.error} />}
      <TableBox label={w.t('apiKeysTitle')} cards>
        <table>
          <thead>
            <tr>
              <th scope="col">{w.t('keyName')}</th>
              <th scope="col">{w.t('keyPrefix')}</th>
              <th scope="col">{w.t('keyUnit')}</th>
              <th scope="col">{w.t('createdAt')}</th>
              <th scope="col">{w.t('status')}</th>
              {can('apikeys.write') && <th scope="col">{w.t('actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id}>
                <th scope="row">{k.name}</th>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{k.unitName}</td>
                <td>
                  {w.dateTime(k.createdAt)}
                  {k.createdBy && <span class="muted small"> · {k.createdBy}</span>}
                </td>
                <td>{k.revokedAt ? `${w.t('revokedAt')} ${w.dateTime(k.revokedAt)}` : <span class="badge ok">{w.t('active')}</span>}</td>
                {can('apikeys.write') && (
                  <td>
                    {!k.revokedAt && (
                      <button
                        type="button"
                        class="danger"
                        disabled={revoke.busy}
                        aria-label={`${w.t('revoke')} ${k.name}`}
                        onClick={() => {
                          if (window.confirm(w.t('confirmRevoke', { name: k.name }))) revoke.submit(k.id);
                        }}
                      >
                        {w.t('revoke')}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </TableBox>
    </>
  );
}

function NewKeyForm({ onDone, onCancel }: { onDone(result: ApiKeyCreated): void; onCancel(): void }) {
  const w = useWords();
  const [unit, setUnit] = useState<PickedUnit | null>(null);
  const [name, setName] = useState('');
  const { busy, error, submit } = useSubmit(() => api.apiKeys.create({ unitId: unit?.id ?? '', name: name.trim() }), onDone);
  const errors = fieldErrors(error);
  return (
    <Form label={w.t('newKey')} onSubmit={submit} submitLabel={w.t('create')} onCancel={onCancel} error={error} busy={busy}>
      <UnitPicker label={w.t('keyUnit')} value={unit} onChange={setUnit} error={errors.unitId} />
      <TextField name="name" label={w.t('keyName')} value={name} onInput={setName} error={errors.name} required />
    </Form>
  );
}
