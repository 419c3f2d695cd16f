import { useEffect, useState } from 'preact/hooks';
import type { AlertList, AlertRules, AlertRulesView } from '../../../../schema/alerts.js';
import { ALERT_RULE_KINDS, type AlertRuleKind } from '../../../../schema/alerts-model.js';
import { api } from '../../api.js';
import { TableBox } from '../../components/TableBox.js';
import { Await, Checkbox, Form, PageTitle, Pager, SelectField, TextField, useLoad, useSubmit } from '../../components/ui.js';
import { useWords } from '../../i18n.js';
import { Link } from '../../router.js';
import { useSession } from '../../session.js';
import { caseWords, type CaseWords } from '../cases/i18n.js';
import '../cases/cases.css';

const PAGE = 50;
type State = 'open' | 'closed' | 'all';

/** /admin/alerts: what the rules raised in the caller's area, and (for provincial officers) the rules themselves. */
export function AlertsPage() {
  const w = useWords();
  const x = caseWords(w.lang);
  const { can, info } = useSession();
  const [state, setState] = useState<State>('open');
  const [rule, setRule] = useState<AlertRuleKind | ''>('');
  const [offset, setOffset] = useState(0);
  const alerts = useLoad<AlertList>(() => api.alerts.list({ state, rule, limit: PAGE, offset }), [state, rule, offset]);
  const units = info.grants.filter((g) => g.unitId !== null).map((g) => ({ value: g.unitId!, label: g.unitName ?? g.unitId! }));
  const provinces = info.grants.filter((g) => g.unitId !== null && g.unitKind === 'province').map((g) => ({ value: g.unitId!, label: g.unitName ?? g.unitId! }));
  return (
    <section>
      <PageTitle title={x.t('alertsTitle')}>{x.t('alertsTitle')}</PageTitle>
      <p class="muted">{x.t('alertsIntro')}</p>
      <div class="toolbar">
        <SelectField
          label={x.t('state')}
          value={state}
          onChange={(v) => {
            setState(v);
            setOffset(0);
          }}
          options={(['open', 'closed', 'all'] as const).map((s) => ({ value: s, label: x.t(`state_${s}`) }))}
        />
        <SelectField
          label={x.t('rule')}
          value={rule}
          onChange={(v) => {
            setRule(v);
            setOffset(0);
          }}
          options={[{ value: '' as const, label: x.t('state_all') }, ...ALERT_RULE_KINDS.map((r) => ({ value: r, label: x.rule(r) }))]}
        />
      </div>
      <Await loaded={alerts}>
        {(data) =>
          data.items.length === 0 ? (
            <p class="muted">{x.t('noAlerts')}</p>
          ) : (
            <>
              <TableBox label={x.t('alertsTitle')} cards>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{x.t('title')}</th>
                      <th scope="col">{x.t('unit')}</th>
                      <th scope="col">{x.t('rule')}</th>
                      <th scope="col">{x.t('opened')}</th>
                      <th scope="col">{x.t('caseLink')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.items.map((a) => (
                      <tr key={a.id}>
                        <th scope="row">{a.title}</th>
                        <td>{a.unit.name}</td>
                        <td>
                          <span class="badge">{x.rule(a.rule)}</span>
                          {a.detail.pValue !== undefined && <span class="muted small"> {x.t('pValue', { p: a.detail.pValue.toFixed(3) })}</span>}
                        </td>
                        <td>{w.dateTime(a.openedAt)}</td>
                        <td>{a.caseId ? <Link to={`/cases/${a.caseId}`}>{x.t('caseLink')}</Link> : '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableBox>
              <Pager offset={offset} limit={PAGE} total={data.total} onPage={setOffset} />
            </>
          )
        }
      </Await>
      {can('settings.write') && units.length > 0 && <RulesSettings units={units} x={x} />}
      {can('settings.write') && provinces.map((p) => <TagsSettings key={p.value} province={p} x={x} />)}
    </section>
  );
}

function RulesSettings({ units, x }: { units: { value: string; label: string }[]; x: CaseWords }) {
  const [unitId, setUnitId] = useState(units[0]!.value);
  const view = useLoad<AlertRulesView>(() => api.alerts.rules(unitId), [unitId]);
  return (
    <section aria-labelledby="rules-title">
      <h2 id="rules-title">{x.t('rulesTitle')}</h2>
      <SelectField label={x.t('rulesFor')} value={unitId} onChange={setUnitId} options={units} />
      <Await loaded={view}>{(data) => <RulesForm key={`${data.unitId}-${data.setOn?.id ?? ''}`} view={data} x={x} onSaved={view.reload} />}</Await>
    </section>
  );
}

const num = (text: string) => Number(text.replace(',', '.'));

function RulesForm({ view, x, onSaved }: { view: AlertRulesView; x: CaseWords; onSaved(): void }) {
  const [rules, setRules] = useState<AlertRules>(view.rules);
  useEffect(() => setRules(view.rules), [view]);
  const save = useSubmit(() => api.alerts.setRules(view.unitId, rules), onSaved);
  const reset = useSubmit(() => api.alerts.setRules(view.unitId, null), onSaved);
  const set = <K extends keyof AlertRules>(key: K, value: AlertRules[K]) => setRules({ ...rules, [key]: value });
  const numberField = <K extends 'lowScore' | 'drop' | 'silentPoint' | 'suspectBurst'>(key: K, field: keyof AlertRules[K] & string, label: string) => (
    <TextField
      name={`${key}-${field}`}
      label={label}
      value={String(rules[key][field])}
      onInput={(v) => set(key, { ...rules[key], [field]: num(v) })}
    />
  );
  const enabled = (key: 'lowScore' | 'drop' | 'lowComment' | 'silentPoint' | 'suspectBurst', kind: AlertRuleKind) => (
    <Checkbox label={`${x.rule(kind)}: ${x.t('enabled')}`} checked={rules[key].enabled} onChange={(on) => set(key, { ...rules[key], enabled: on })} />
  );
  return (
    <>
      <p class="muted">{view.setOn ? x.t('rulesFrom', { name: view.setOn.name }) : x.t('rulesDefault')}</p>
      <Form onSubmit={save.submit} submitLabel={x.t('saveRules')} busy={save.busy} error={save.error ?? reset.error} label={x.t('rulesTitle')}>
        <fieldset>
          <legend>{x.rule('low_score')}</legend>
          {enabled('lowScore', 'low_score')}
          {numberField('lowScore', 'windowDays', x.t('windowDays'))}
          {numberField('lowScore', 'minN', x.t('minN'))}
        </fieldset>
        <fieldset>
          <legend>{x.rule('drop')}</legend>
          {enabled('drop', 'drop')}
          {numberField('drop', 'windowDays', x.t('windowDays'))}
          {numberField('drop', 'pValue', x.t('pThreshold'))}
        </fieldset>
        <fieldset>
          <legend>{x.rule('low_comment')}</legend>
          {enabled('lowComment', 'low_comment')}
        </fieldset>
        <fieldset>
          <legend>{x.rule('silent_point')}</legend>
          {enabled('silentPoint', 'silent_point')}
          {numberField('silentPoint', 'workingDays', x.t('workingDays'))}
        </fieldset>
        <fieldset>
          <legend>{x.rule('suspect_burst')}</legend>
          {enabled('suspectBurst', 'suspect_burst')}
          {numberField('suspectBurst', 'count', x.t('burstCount'))}
          {numberField('suspectBurst', 'hours', x.t('burstHours'))}
        </fieldset>
        <Checkbox label={x.t('openCases')} checked={rules.openCases} onChange={(on) => set('openCases', on)} />
        <TextField name="caseDueDays" label={x.t('caseDueDays')} value={String(rules.caseDueDays)} onInput={(v) => set('caseDueDays', num(v))} />
      </Form>
      {view.setOn?.id === view.unitId && (
        <button type="button" class="secondary" disabled={reset.busy} onClick={() => reset.submit()}>
          {x.t('resetRules')}
        </button>
      )}
    </>
  );
}

/** The province's comment topics, one per line. */
function TagsSettings({ province, x }: { province: { value: string; label: string }; x: CaseWords }) {
  const loaded = useLoad(() => api.comments.tags(province.value), [province.value]);
  const [text, setText] = useState<string | null>(null);
  const save = useSubmit(
    () => api.comments.setTags(province.value, (text ?? '').split('\n').map((t) => t.trim()).filter(Boolean)),
    () => {
      setText(null);
      loaded.reload();
    },
  );
  return (
    <section aria-labelledby={`tags-${province.value}`}>
      <h2 id={`tags-${province.value}`}>
        {x.t('tagsTitle')}: {province.label}
      </h2>
      <Await loaded={loaded}>
        {(data) => (
          <Form onSubmit={save.submit} submitLabel={x.t('saveTags')} busy={save.busy} error={save.error} label={x.t('tagsTitle')}>
            <div class="form-field">
              <label for={`tags-text-${province.value}`}>{x.t('tags')}</label>
              <p class="hint small">{x.t('tagsHint')}</p>
              <textarea id={`tags-text-${province.value}`} rows={6} value={text ?? data.tags.join('\n')} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
            </div>
          </Form>
        )}
      </Await>
    </section>
  );
}
