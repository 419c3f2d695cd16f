import { useState } from 'preact/hooks';
import type { InstrumentDetail, InstrumentSummary, TemplateCode } from '../../../../schema/questionnaires.js';
import { api } from '../../api.js';
import { TableBox } from '../../components/TableBox.js';
import { Await, fieldErrors, Form, PageTitle, SelectField, TextField, useLoad, useSubmit } from '../../components/ui.js';
import { useWords, type Words } from '../../i18n.js';
import { Link, navigate } from '../../router.js';
import { useSession } from '../../session.js';
import '../surveypoints/surveypoints.css';
import { questionnaireWords, type QuestionnaireWords } from './i18n.js';
import './questionnaires.css';

const TEMPLATES: readonly TemplateCode[] = ['QUAY', 'S17', 'S23S', 'S23', 'EMPTY'];

export const questionnairePath = (id: string) => `/questionnaires/${encodeURIComponent(id)}`;

/** Every questionnaire version the caller may see, and a form to start a new one from a template. */
export function QuestionnairesPage() {
  const w = useWords();
  const qw = questionnaireWords(w.lang);
  const { can } = useSession();
  const [creating, setCreating] = useState(false);
  const list = useLoad(() => api.instruments.list(), []);
  return (
    <section>
      <PageTitle title={qw.t('title')}>{qw.t('title')}</PageTitle>
      <p class="muted">{qw.t('intro')}</p>
      {!can('instruments.write') && <p class="notice">{qw.t('readOnly')}</p>}
      {can('instruments.write') &&
        (creating ? (
          <CreateForm qw={qw} onCancel={() => setCreating(false)} onDone={(created) => navigate(questionnairePath(created.id))} />
        ) : (
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            {qw.t('createTitle')}
          </button>
        ))}
      <Await loaded={list}>{(data) => <VersionTable items={data.items} w={w} qw={qw} />}</Await>
    </section>
  );
}

export function StatusBadge({ status, qw }: { status: InstrumentSummary['status']; qw: QuestionnaireWords }) {
  return <span class={status === 'published' ? 'badge ok' : 'badge draft'}>{qw.t(status)}</span>;
}

function VersionTable({ items, w, qw }: { items: InstrumentSummary[]; w: Words; qw: QuestionnaireWords }) {
  if (items.length === 0) return <p class="muted">{qw.t('none')}</p>;
  return (
    <TableBox label={qw.t('title')} cards>
      <table>
        <thead>
          <tr>
            <th scope="col">{qw.t('questionnaire')}</th>
            <th scope="col">{qw.t('version')}</th>
            <th scope="col">{qw.t('status')}</th>
            <th scope="col">{qw.t('owner')}</th>
            <th scope="col" class="num">
              {qw.t('parts')}
            </th>
            <th scope="col" class="num">
              {qw.t('criteria')}
            </th>
            <th scope="col" class="num">
              {qw.t('answers')}
            </th>
            <th scope="col" class="num">
              {qw.t('surveyPoints')}
            </th>
            <th scope="col">{qw.t('updated')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr key={i.id}>
              <th scope="row">
                <Link to={questionnairePath(i.id)} label={qw.t('open', { id: `${i.title[w.lang]} (${i.id})` })}>
                  {i.title[w.lang]}
                </Link>
              </th>
              <td>
                <code>{i.id}</code>
              </td>
              <td>
                <StatusBadge status={i.status} qw={qw} />
              </td>
              <td>{i.owner?.name ?? qw.t('builtIn')}</td>
              <td class="num">{w.int(i.parts)}</td>
              <td class="num">{w.int(i.criteria)}</td>
              <td class="num">{w.int(i.answers)}</td>
              <td class="num">{w.int(i.surveyPoints)}</td>
              <td class="nowrap">{w.dateTime(i.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}

function CreateForm({ qw, onDone, onCancel }: { qw: QuestionnaireWords; onDone(created: InstrumentDetail): void; onCancel(): void }) {
  const [code, setCode] = useState('');
  const [template, setTemplate] = useState<TemplateCode>('QUAY');
  const [titleVi, setTitleVi] = useState('');
  const [titleEn, setTitleEn] = useState('');
  const { busy, error, submit } = useSubmit(
    () =>
      api.instruments.create({
        code: code.trim().toUpperCase(),
        template,
        ...(titleVi.trim() || titleEn.trim() ? { title: { vi: titleVi.trim(), en: titleEn.trim() } } : {}),
      }),
    onDone,
  );
  const errors = fieldErrors(error);
  return (
    <Form label={qw.t('createTitle')} onSubmit={submit} submitLabel={qw.t('create')} onCancel={onCancel} error={error} busy={busy}>
      <h2>{qw.t('createTitle')}</h2>
      <TextField name="code" label={qw.t('code')} hint={qw.t('codeHint')} value={code} onInput={setCode} error={errors.code ?? errors.ownerUnitId} required />
      <SelectField<TemplateCode>
        name="template"
        label={qw.t('template')}
        value={template}
        onChange={setTemplate}
        options={TEMPLATES.map((t) => ({ value: t, label: qw.t(`template_${t}`) }))}
      />
      <TextField name="titleVi" label={qw.t('titleVi')} hint={qw.t('titleHint')} value={titleVi} onInput={setTitleVi} error={errors.title} />
      <TextField name="titleEn" label={qw.t('titleEn')} value={titleEn} onInput={setTitleEn} />
    </Form>
  );
}
