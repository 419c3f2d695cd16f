import { useState } from 'preact/hooks';
import type { QrSize, SurveyPointView } from '../../../../schema/surveypoints.js';
import { api } from '../../api.js';
import { TableBox } from '../../components/TableBox.js';
import { UnitPicker, type PickedUnit } from '../../components/UnitPicker.js';
import { Await, fieldErrors, Form, PageTitle, SelectField, useLoad, useSubmit } from '../../components/ui.js';
import { useWords, type Words } from '../../i18n.js';
import { Link, navigate } from '../../router.js';
import { useSession } from '../../session.js';
import { pointWords, type PointWords } from './i18n.js';
import './surveypoints.css';

export const PRINT_SIZES: readonly QrSize[] = ['a4', 'a5', 'tent', 'receipt'];

type Status = '' | 'open' | 'closed';

/** Where a point is, in words: its counter, the whole centre, or a counter tablet. */
export function placeOf(point: SurveyPointView, pw: PointWords): string {
  const where = point.counterName ?? pw.t('wholeCentre');
  return point.kiosk ? `${where} · ${pw.t('kiosk')}` : where;
}

/** The survey points of the caller's area (or of one unit), with printing and assigning for a whole unit. */
export function SurveyPointsPage() {
  const w = useWords();
  const pw = pointWords(w.lang);
  const { can, info } = useSession();
  // A supervisor of one centre starts on it, so its print-all and assign-all are one click away.
  const [unit, setUnit] = useState<PickedUnit | null>(() => {
    const only = info.grants.length === 1 ? info.grants[0]! : null;
    return only?.unitId && only.unitName && (only.unitKind === 'centre' || only.unitKind === 'branch') ? { id: only.unitId, name: only.unitName } : null;
  });
  const [status, setStatus] = useState<Status>('');
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState('');
  const points = useLoad(() => api.surveyPoints.list({ unitId: unit?.id, status: status || undefined }), [unit?.id, status]);
  return (
    <section>
      <PageTitle title={pw.t('title')}>{pw.t('title')}</PageTitle>
      <p class="muted">{pw.t('intro')}</p>
      <div class="toolbar filters-box">
        <UnitPicker label={pw.t('unit')} value={unit} onChange={setUnit} />
        <SelectField<Status>
          name="status"
          label={pw.t('status')}
          value={status}
          onChange={setStatus}
          options={[
            { value: '', label: pw.t('anyStatus') },
            { value: 'open', label: pw.t('open') },
            { value: 'closed', label: pw.t('closed') },
          ]}
        />
      </div>
      {notice && (
        <p class="notice ok" role="status">
          {notice}
        </p>
      )}
      {can('surveys.write') &&
        (adding ? (
          <NewPointForm
            pw={pw}
            initialUnit={unit}
            onCancel={() => setAdding(false)}
            onDone={(point) => {
              setAdding(false);
              navigate(`/survey-points/${point.id}`);
            }}
          />
        ) : (
          <button type="button" onClick={() => setAdding(true)}>
            {pw.t('create')}
          </button>
        ))}
      <Await loaded={points}>{(data) => <PointTable points={data} w={w} pw={pw} />}</Await>
      {unit ? (
        <UnitActions unit={unit} pw={pw} canWrite={can('surveys.write')} onAssigned={(text) => (setNotice(text), points.reload())} />
      ) : (
        <p class="muted">{pw.t('chooseUnitFirst')}</p>
      )}
    </section>
  );
}

function PointTable({ points, w, pw }: { points: SurveyPointView[]; w: Words; pw: PointWords }) {
  if (points.length === 0) return <p class="muted">{pw.t('none')}</p>;
  return (
    <>
      <p class="muted small">{pw.t('count', { n: w.int(points.length) })}</p>
      <TableBox label={pw.t('title')} cards>
        <table>
          <thead>
            <tr>
              <th scope="col">{pw.t('unit')}</th>
              <th scope="col">{pw.t('place')}</th>
              <th scope="col">{pw.t('code')}</th>
              <th scope="col">{pw.t('questionnaire')}</th>
              <th scope="col">{pw.t('status')}</th>
              <th scope="col">{pw.t('lastAnswer')}</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={p.id}>
                <th scope="row">
                  <Link to={`/survey-points/${p.id}`} label={pw.t('detailsOf', { name: `${p.unitName} – ${placeOf(p, pw)}` })}>
                    {p.unitName}
                  </Link>
                </th>
                <td>{placeOf(p, pw)}</td>
                <td>
                  <code>{p.code}</code>
                </td>
                <td>
                  {p.instrumentTitle[w.lang]} <span class="muted small">({p.instrumentId})</span>
                </td>
                <td>
                  <span class={p.status === 'open' ? 'badge ok' : 'badge'}>{pw.t(p.status)}</span>
                </td>
                <td class="nowrap">{p.lastAnswerAt ? w.dateTime(p.lastAnswerAt) : <span class="muted">{pw.t('never')}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableBox>
    </>
  );
}

/** For the chosen unit: one printable page set of every open point, and one questionnaire for every point. */
function UnitActions({ unit, pw, canWrite, onAssigned }: { unit: PickedUnit; pw: PointWords; canWrite: boolean; onAssigned(text: string): void }) {
  const [size, setSize] = useState<QrSize>('a4');
  return (
    <div class="unit-actions">
      <section class="panel" aria-labelledby="print-all">
        <h2 id="print-all">{pw.t('printAll')}</h2>
        <p class="hint">{pw.t('printAllHint')}</p>
        <div class="toolbar">
          <SelectField<QrSize> name="size" label={pw.t('printSize')} value={size} onChange={setSize} options={PRINT_SIZES.map((s) => ({ value: s, label: pw.t(`size_${s}`) }))} />
          <a class="button-link primary" href={api.surveyPoints.postersUrl({ unitId: unit.id, size })} target="_blank" rel="noopener">
            {pw.t('openPrint')}
          </a>
        </div>
      </section>
      {canWrite && <AssignAll unit={unit} pw={pw} onAssigned={onAssigned} />}
    </div>
  );
}

/** The published questionnaires the caller may choose, for a select. */
export function useQuestionnaireChoices() {
  return useLoad(() => api.instruments.list().then((list) => list.items.filter((i) => i.status === 'published')), []);
}

function AssignAll({ unit, pw, onAssigned }: { unit: PickedUnit; pw: PointWords; onAssigned(text: string): void }) {
  const w = useWords();
  const choices = useQuestionnaireChoices();
  const [instrumentId, setInstrumentId] = useState('');
  const { busy, error, submit } = useSubmit(
    (id: string) => api.instruments.assign(id, { unitId: unit.id }),
    (result) => onAssigned(pw.t('assigned', { id: result.instrumentId, changed: result.changed, unchanged: result.unchanged })),
  );
  const options = choices.state === 'ready' ? choices.data : [];
  const chosen = instrumentId || options[0]?.id || '';
  return (
    <section class="panel" aria-labelledby="assign-all">
      <h2 id="assign-all">{pw.t('assignAll')}</h2>
      <Form label={pw.t('assignAll')} onSubmit={() => submit(chosen)} submitLabel={pw.t('assign')} error={error} busy={busy}>
        <SelectField
          name="instrumentId"
          label={pw.t('questionnaire')}
          value={chosen}
          onChange={setInstrumentId}
          options={options.map((i) => ({ value: i.id, label: `${i.title[w.lang]} (${i.id})` }))}
          error={fieldErrors(error).instrumentId ?? fieldErrors(error).unitId}
          hint={pw.t('questionnaireHint')}
        />
      </Form>
    </section>
  );
}

type PointKind = 'counter' | 'centre' | 'kiosk';

function NewPointForm({ pw, initialUnit, onDone, onCancel }: { pw: PointWords; initialUnit: PickedUnit | null; onDone(point: SurveyPointView): void; onCancel(): void }) {
  const w = useWords();
  const [unit, setUnit] = useState<PickedUnit | null>(initialUnit);
  const [kind, setKind] = useState<PointKind>('counter');
  const [counterId, setCounterId] = useState('');
  const [instrumentId, setInstrumentId] = useState('');
  const counters = useLoad(() => (unit ? api.counters.list({ unitId: unit.id, limit: 500 }) : Promise.resolve({ items: [], total: 0 })), [unit?.id]);
  const choices = useQuestionnaireChoices();
  const instruments = choices.state === 'ready' ? choices.data : [];
  const chosenInstrument = instrumentId || instruments[0]?.id || '';
  const { busy, error, submit } = useSubmit(
    () =>
      api.surveyPoints.create({
        ...(unit && { unitId: unit.id }),
        counterId: kind === 'centre' ? null : counterId || null,
        instrumentId: chosenInstrument,
        kiosk: kind === 'kiosk',
      }),
    onDone,
  );
  const errors = fieldErrors(error);
  const counterList = counters.state === 'ready' ? counters.data.items : [];
  return (
    <Form label={pw.t('createTitle')} onSubmit={submit} submitLabel={pw.t('create')} onCancel={onCancel} error={error} busy={busy}>
      <h2>{pw.t('createTitle')}</h2>
      <UnitPicker label={pw.t('centre')} value={unit} onChange={(u) => (setUnit(u), setCounterId(''))} error={errors.unitId} />
      <SelectField<PointKind>
        name="kind"
        label={pw.t('kind')}
        value={kind}
        onChange={setKind}
        options={(['counter', 'centre', 'kiosk'] as const).map((k) => ({ value: k, label: pw.t(`kind_${k}`) }))}
      />
      {kind !== 'centre' &&
        (unit && counters.state === 'ready' && counterList.length === 0 ? (
          <p class="muted">{pw.t('noCounters')}</p>
        ) : (
          <SelectField
            name="counterId"
            label={pw.t('counter')}
            value={counterId}
            onChange={setCounterId}
            options={[{ value: '', label: pw.t('chooseCounter') }, ...counterList.map((c) => ({ value: c.id, label: `${c.name} (${c.code})` }))]}
            error={errors.counterId}
            required={kind === 'counter'}
          />
        ))}
      <SelectField
        name="instrumentId"
        label={pw.t('questionnaire')}
        value={chosenInstrument}
        onChange={setInstrumentId}
        options={instruments.map((i) => ({ value: i.id, label: `${i.title[w.lang]} (${i.id})` }))}
        error={errors.instrumentId}
        hint={pw.t('questionnaireHint')}
      />
    </Form>
  );
}
