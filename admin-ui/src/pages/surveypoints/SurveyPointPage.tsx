import { useRef, useState } from 'preact/hooks';
import type { SurveyPointView, UpdateSurveyPointInput } from '../../../../schema/surveypoints.js';
import { api } from '../../api.js';
import { Await, ErrorNotice, fieldErrors, Form, PageTitle, SelectField, useLoad, useSubmit } from '../../components/ui.js';
import { useWords } from '../../i18n.js';
import { Link } from '../../router.js';
import { useSession } from '../../session.js';
import { pointWords, type PointWords } from './i18n.js';
import { PhonePreview } from './PhonePreview.js';
import { placeOf, PRINT_SIZES, useQuestionnaireChoices } from './SurveyPointsPage.js';

/** One survey point: where its QR leads, its files to print, and (for those who manage it) its settings. */
export function SurveyPointPage({ id }: { id: string }) {
  const point = useLoad(() => api.surveyPoints.get(id), [id]);
  return <Await loaded={point}>{(data) => <PointView point={data} reload={point.reload} />}</Await>;
}

function PointView({ point, reload }: { point: SurveyPointView; reload(): void }) {
  const w = useWords();
  const pw = pointWords(w.lang);
  const { can } = useSession();
  const [notice, setNotice] = useState('');
  const title = `${point.unitName} – ${placeOf(point, pw)}`;
  const instrument = useLoad(() => api.instruments.get(point.instrumentId), [point.instrumentId]);
  const done = (text: string) => {
    setNotice(text);
    reload();
  };
  return (
    <section>
      <p>
        <Link to="/survey-points">← {pw.t('back')}</Link>
      </p>
      <PageTitle title={title}>{title}</PageTitle>
      {notice && (
        <p class="notice ok" role="status">
          {notice}
        </p>
      )}
      {point.status === 'closed' && <p class="notice">{pw.t('closedNote')}</p>}
      <dl class="facts point-facts">
        <dt>{pw.t('unit')}</dt>
        <dd>{point.unitName}</dd>
        <dt>{pw.t('place')}</dt>
        <dd>{placeOf(point, pw)}</dd>
        <dt>{pw.t('code')}</dt>
        <dd>
          <code>{point.code}</code>
        </dd>
        <dt>{pw.t('url')}</dt>
        <dd>
          <a href={point.url} target="_blank" rel="noopener">
            {point.url}
          </a>
        </dd>
        <dt>{pw.t('status')}</dt>
        <dd>
          <span class={point.status === 'open' ? 'badge ok' : 'badge'}>{pw.t(point.status)}</span>
        </dd>
        <dt>{pw.t('questionnaire')}</dt>
        <dd>
          <Link to={`/questionnaires/${encodeURIComponent(point.instrumentId)}`}>{point.instrumentTitle[w.lang]}</Link>{' '}
          <span class="muted small">({point.instrumentId})</span>
        </dd>
        <dt>{pw.t('callback')}</dt>
        <dd>{point.callbackOffered ? (point.kiosk ? pw.t('callbackKiosk') : pw.t('callbackOn')) : pw.t('callbackOff')}</dd>
        <dt>{pw.t('lastAnswer')}</dt>
        <dd>{point.lastAnswerAt ? w.dateTime(point.lastAnswerAt) : pw.t('never')}</dd>
        <dt>{pw.t('createdAt')}</dt>
        <dd>{w.dateTime(point.createdAt)}</dd>
      </dl>
      <div class="point-columns">
        <div>
          <Downloads point={point} pw={pw} />
          {can('surveys.write') && <Manage point={point} pw={pw} onDone={done} />}
        </div>
        <section class="panel preview-panel" aria-labelledby="preview-title">
          <h2 id="preview-title">{pw.t('preview')}</h2>
          <p class="hint">{pw.t('previewHint')}</p>
          {instrument.state === 'ready' ? (
            <PhonePreview
              id={instrument.data.id}
              definition={instrument.data.definition}
              context={{ unitName: point.unitName, counterName: point.counterName, kiosk: point.kiosk }}
              title={pw.t('previewFrame')}
              showLabel={pw.t('showPreview')}
            />
          ) : instrument.state === 'error' ? (
            <ErrorNotice error={instrument.error} retry={instrument.reload} />
          ) : null}
        </section>
      </div>
    </section>
  );
}

function Downloads({ point, pw }: { point: SurveyPointView; pw: PointWords }) {
  const file = (kind: 'qr.svg' | 'qr.png' | 'poster', size?: string) => api.surveyPoints.fileUrl(point.id, kind, size ? { size } : {});
  return (
    <section class="panel" aria-labelledby="downloads-title">
      <h2 id="downloads-title">{pw.t('downloads')}</h2>
      <p class="hint">{pw.t('downloadsIntro')}</p>
      <ul class="download-list">
        {PRINT_SIZES.map((size) => (
          <li key={`poster-${size}`}>
            <a href={file('poster', size)} target="_blank" rel="noopener">
              {pw.t('poster', { size: pw.t(`size_${size}`) })}
            </a>
          </li>
        ))}
        <li>
          <a href={file('qr.svg')} target="_blank" rel="noopener">
            {pw.t('qrSvg')}
          </a>
        </li>
        {PRINT_SIZES.map((size) => (
          <li key={`png-${size}`}>
            <a href={file('qr.png', size)} target="_blank" rel="noopener">
              {pw.t('qrPng', { size: pw.t(`size_${size}`) })}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Manage({ point, pw, onDone }: { point: SurveyPointView; pw: PointWords; onDone(text: string): void }) {
  const w = useWords();
  const choices = useQuestionnaireChoices();
  const [instrumentId, setInstrumentId] = useState(point.instrumentId);
  const dialog = useRef<HTMLDialogElement>(null);
  const change = useSubmit((input: UpdateSurveyPointInput) => api.surveyPoints.update(point.id, input), () => onDone(pw.t('saved')));
  const rotate = useSubmit(
    () => api.surveyPoints.rotate(point.id),
    (rotated) => {
      dialog.current?.close();
      onDone(pw.t('rotated', { code: rotated.code }));
    },
  );
  const options = choices.state === 'ready' ? choices.data : [];
  return (
    <section class="panel" aria-labelledby="manage-title">
      <h2 id="manage-title">{pw.t('manage')}</h2>
      <div class="form-actions">
        <button type="button" class="secondary" disabled={change.busy} onClick={() => change.submit({ status: point.status === 'open' ? 'closed' : 'open' })}>
          {point.status === 'open' ? pw.t('close') : pw.t('reopen')}
        </button>
        <button type="button" class="secondary" disabled={change.busy} onClick={() => change.submit({ kiosk: !point.kiosk })}>
          {point.kiosk ? pw.t('makeQr') : pw.t('makeKiosk')}
        </button>
        <button type="button" class="secondary" disabled={change.busy} onClick={() => change.submit({ callbackOffered: !point.callbackOffered })}>
          {point.callbackOffered ? pw.t('callbackStop') : pw.t('callbackStart')}
        </button>
        <button type="button" class="danger" onClick={() => dialog.current?.showModal()}>
          {pw.t('rotate')}
        </button>
      </div>
      <Form
        label={pw.t('chooseQuestionnaire')}
        onSubmit={() => change.submit({ instrumentId })}
        submitLabel={pw.t('saveQuestionnaire')}
        error={change.error}
        busy={change.busy}
      >
        <SelectField
          name="instrumentId"
          label={pw.t('chooseQuestionnaire')}
          value={instrumentId}
          onChange={setInstrumentId}
          options={[
            ...(options.some((i) => i.id === point.instrumentId) ? [] : [{ value: point.instrumentId, label: `${point.instrumentTitle[w.lang]} (${point.instrumentId})` }]),
            ...options.map((i) => ({ value: i.id, label: `${i.title[w.lang]} (${i.id})` })),
          ]}
          hint={pw.t('questionnaireHint')}
          error={fieldErrors(change.error).instrumentId}
        />
      </Form>
      <dialog ref={dialog} class="confirm" aria-labelledby="rotate-title" aria-describedby="rotate-body">
        <h2 id="rotate-title">{pw.t('rotateTitle')}</h2>
        <p id="rotate-body">{pw.t('rotateBody', { code: point.code })}</p>
        {rotate.error && <ErrorNotice error={rotate.error} />}
        <div class="form-actions">
          <button type="button" class="primary" disabled={rotate.busy} onClick={() => rotate.submit()}>
            {pw.t('rotateConfirm')}
          </button>
          <button type="button" class="secondary" onClick={() => dialog.current?.close()}>
            {w.t('cancel')}
          </button>
        </div>
      </dialog>
    </section>
  );
}
