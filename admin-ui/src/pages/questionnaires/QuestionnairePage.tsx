import { useEffect, useRef, useState } from 'preact/hooks';
import type { Factor, InstrumentDefinition, Item, LocalizedText, PartCode } from '../../../../schema/instrument.js';
import type { CatalogueEntry, InstrumentDetail } from '../../../../schema/questionnaires.js';
import { api, type ApiError } from '../../api.js';
import { UnitPicker, type PickedUnit } from '../../components/UnitPicker.js';
import { Await, Checkbox, ErrorNotice, PageTitle, SelectField, TextField, useLoad, useSubmit } from '../../components/ui.js';
import { useWords } from '../../i18n.js';
import { Link, navigate, useLocation } from '../../router.js';
import { useSession } from '../../session.js';
import { PhonePreview } from '../surveypoints/PhonePreview.js';
import { questionnaireWords, type QuestionnaireWords } from './i18n.js';
import { questionnairePath, StatusBadge } from './QuestionnairesPage.js';
import '../surveypoints/surveypoints.css';
import './questionnaires.css';

const PART_CODES: readonly PartCode[] = ['P', 'S'];
const SIPAS_FACTORS = [1, 2, 3, 4, 5] as const;

/** Field messages of a failed save, by the issue's path joined with dots ('definition.items.3.text.vi'). */
function issuesByPath(error: ApiError | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const issue of error?.issues ?? []) {
    const key = issue.path.join('.');
    if (!out.has(key)) out.set(key, issue.message);
  }
  return out;
}

/** A questionnaire version: the editor for those who write it (with a live phone preview), a read-only view for others. */
export function QuestionnairePage({ id }: { id: string }) {
  const detail = useLoad(() => api.instruments.get(id), [id]);
  return <Await loaded={detail}>{(data) => <QuestionnaireView key={data.id} detail={data} reload={detail.reload} />}</Await>;
}

function QuestionnaireView({ detail, reload }: { detail: InstrumentDetail; reload(): void }) {
  const w = useWords();
  const qw = questionnaireWords(w.lang);
  const { can } = useSession();
  const location = useLocation();
  const [definition, setDefinition] = useState(detail.definition);
  const [notice, setNotice] = useState(location.query.get('notice') === 'new' ? qw.t('savedAsNew', { id: detail.id }) : '');
  const publishDialog = useRef<HTMLDialogElement>(null);
  const discardDialog = useRef<HTMLDialogElement>(null);
  const dirty = JSON.stringify(definition) !== JSON.stringify(detail.definition);
  const editable = detail.editable;

  const save = useSubmit(
    () => api.instruments.save(detail.id, { definition }),
    (saved) => {
      if (saved.id !== detail.id) navigate(`${questionnairePath(saved.id)}?notice=new`);
      else {
        setNotice(qw.t('saved'));
        reload();
      }
    },
  );
  const publish = useSubmit(
    async () => {
      if (dirty) await api.instruments.save(detail.id, { definition });
      return api.instruments.publish(detail.id);
    },
    (published) => {
      publishDialog.current?.close();
      setNotice(qw.t('published_ok', { id: published.id }));
      reload();
    },
  );
  const newVersion = useSubmit(() => api.instruments.newVersion(detail.id), (created) => navigate(questionnairePath(created.id)));
  const discard = useSubmit(() => api.instruments.discard(detail.id), () => navigate('/questionnaires'));
  const failure = save.error ?? publish.error ?? newVersion.error ?? discard.error;
  const errors = issuesByPath(failure);
  const title = `${detail.title[w.lang]} (${detail.id})`;

  return (
    <section>
      <p>
        <Link to="/questionnaires">← {qw.t('back')}</Link>
      </p>
      <PageTitle title={title}>{title}</PageTitle>
      <p>
        <StatusBadge status={detail.status} qw={qw} /> <span class="muted">{detail.owner?.name ?? qw.t('builtIn')}</span>
        {' · '}
        <span class="muted">{qw.t('criteriaCount', { n: w.int(detail.criteria) })}</span>
        {' · '}
        <span class="muted">
          {qw.t('answers')}: {w.int(detail.answers)} · {qw.t('surveyPoints')}: {w.int(detail.surveyPoints)}
        </span>
      </p>
      {notice && (
        <p class="notice ok" role="status">
          {notice}
        </p>
      )}
      {editable ? (
        <p class="notice">{detail.status === 'published' ? qw.t('publishedNote') : qw.t('draftNote')}</p>
      ) : (
        <p class="notice">{qw.t('readOnly')}</p>
      )}
      {failure && <ErrorSummary error={failure} definition={definition} qw={qw} />}
      {editable && (
        <div class="form-actions action-bar">
          <button type="button" class="primary" disabled={save.busy || !dirty} onClick={() => save.submit()}>
            {save.busy ? w.t('saving') : detail.status === 'published' ? qw.t('saveAsNew') : qw.t('save')}
          </button>
          {detail.status === 'draft' && (
            <>
              <button type="button" class="secondary" onClick={() => publishDialog.current?.showModal()}>
                {qw.t('publish')}
              </button>
              <button type="button" class="danger" onClick={() => discardDialog.current?.showModal()}>
                {qw.t('discard')}
              </button>
            </>
          )}
          {detail.status === 'published' && (
            <button type="button" class="secondary" disabled={newVersion.busy} onClick={() => newVersion.submit()}>
              {qw.t('newVersion')}
            </button>
          )}
          {dirty && <span class="muted">{qw.t('unsaved')}</span>}
        </div>
      )}
      <div class="editor-columns">
        <div>
          {editable ? (
            <Editor definition={definition} saved={detail.definition} onChange={setDefinition} errors={errors} qw={qw} />
          ) : (
            <DefinitionSummary definition={definition} qw={qw} />
          )}
          {detail.status === 'published' && can('surveys.write') && <AssignPanel detail={detail} qw={qw} />}
        </div>
        <section class="panel preview-panel" aria-labelledby="q-preview">
          <h2 id="q-preview">{qw.t('preview')}</h2>
          <p class="hint">{qw.t('previewHint')}</p>
          <PhonePreview
            id={detail.id}
            definition={definition}
            context={{ unitName: detail.owner ? `${qw.t('previewUnit')} – ${detail.owner.name}` : qw.t('previewUnit'), counterName: null, kiosk: false }}
            title={qw.t('previewFrame')}
            showLabel={qw.t('showPreview')}
          />
        </section>
      </div>
      <dialog ref={publishDialog} class="confirm" aria-labelledby="publish-title" aria-describedby="publish-body">
        <h2 id="publish-title">{qw.t('publishTitle', { id: detail.id })}</h2>
        <p id="publish-body">{qw.t('publishBody')}</p>
        {publish.error && <ErrorSummary error={publish.error} definition={definition} qw={qw} />}
        <div class="form-actions">
          <button type="button" class="primary" disabled={publish.busy} onClick={() => publish.submit()}>
            {qw.t('publish')}
          </button>
          <button type="button" class="secondary" onClick={() => publishDialog.current?.close()}>
            {qw.t('cancel')}
          </button>
        </div>
      </dialog>
      <dialog ref={discardDialog} class="confirm" aria-labelledby="discard-title" aria-describedby="discard-body">
        <h2 id="discard-title">{qw.t('discardTitle', { id: detail.id })}</h2>
        <p id="discard-body">{qw.t('discardBody')}</p>
        <div class="form-actions">
          <button type="button" class="danger" disabled={discard.busy} onClick={() => discard.submit()}>
            {qw.t('discard')}
          </button>
          <button type="button" class="secondary" onClick={() => discardDialog.current?.close()}>
            {qw.t('cancel')}
          </button>
        </div>
      </dialog>
    </section>
  );
}

/** Where an issue's path points, in words: "Câu 4: CMQUAY.5 › text › vi". */
function issueLabel(path: (string | number)[], definition: InstrumentDefinition, qw: QuestionnaireWords): string {
  const [, list, index, ...rest] = path;
  let head: string;
  if (list === 'items' && typeof index === 'number') head = qw.t('itemN', { n: index + 1, code: definition.items[index]?.code ?? '' });
  else if (list === 'factors' && typeof index === 'number') head = qw.t('factorN', { n: index + 1, code: definition.factors[index]?.code ?? '' });
  else if (list === 'parts' && typeof index === 'number') head = `${qw.t('part')} ${definition.parts[index]?.code ?? index + 1}`;
  else return path.slice(1).join(' › ') || path.join(' › ');
  return [head, ...rest].join(' › ');
}

function ErrorSummary({ error, definition, qw }: { error: ApiError; definition: InstrumentDefinition; qw: QuestionnaireWords }) {
  if (error.issues.length === 0) return <ErrorNotice error={error} />;
  return (
    <div class="notice error" role="alert">
      <p>{qw.t('errorsTitle')}</p>
      <ul>
        {error.issues.map((issue) => (
          <li key={issue.path.join('.')}>
            <strong>{issueLabel(issue.path, definition, qw)}</strong>: {issue.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

function move<T>(list: readonly T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length) return [...list];
  const copy = [...list];
  const [moved] = copy.splice(from, 1);
  copy.splice(to, 0, moved!);
  return copy;
}

/** The smallest `<prefix><n>` not yet used among the codes. */
function freshCode(prefix: string, used: readonly string[]): string {
  for (let n = 1; ; n++) if (!used.includes(`${prefix}${n}`)) return `${prefix}${n}`;
}

interface EditorProps {
  definition: InstrumentDefinition;
  /** The version as stored: rows added since are shown open. */
  saved: InstrumentDefinition;
  onChange(definition: InstrumentDefinition): void;
  errors: Map<string, string>;
  qw: QuestionnaireWords;
}

function LocalizedFields({
  name,
  value,
  onChange,
  errors,
  labels,
  required = true,
}: {
  name: string;
  value: LocalizedText;
  onChange(value: LocalizedText): void;
  errors: Map<string, string>;
  labels: [string, string];
  required?: boolean;
}) {
  return (
    <div class="pair">
      <TextField name={`${name}.vi`} label={labels[0]} value={value.vi} onInput={(vi) => onChange({ ...value, vi })} error={errors.get(`${name}.vi`) ?? errors.get(name)} required={required} />
      <TextField name={`${name}.en`} label={labels[1]} value={value.en} onInput={(en) => onChange({ ...value, en })} error={errors.get(`${name}.en`)} required={required} />
    </div>
  );
}

function Editor({ definition: d, saved, onChange, errors, qw }: EditorProps) {
  const set = (change: Partial<InstrumentDefinition>) => onChange({ ...d, ...change });
  const at = (path: string) => `definition.${path}`;
  return (
    <div class="editor">
      <fieldset class="editor-section">
        <legend>{qw.t('general')}</legend>
        <LocalizedFields name={at('title')} value={d.title} onChange={(title) => set({ title })} errors={errors} labels={[qw.t('titleVi'), qw.t('titleEn')]} />
        <Checkbox
          label={qw.t('introOwn')}
          checked={d.intro !== undefined}
          onChange={(own) => {
            const { intro: _old, ...rest } = d;
            onChange(own ? { ...rest, intro: { vi: d.title.vi, en: d.title.en } } : rest);
          }}
        />
        {d.intro && <LocalizedFields name={at('intro')} value={d.intro} onChange={(intro) => set({ intro })} errors={errors} labels={[qw.t('introVi'), qw.t('introEn')]} />}
      </fieldset>
      <PartsEditor d={d} set={set} errors={errors} qw={qw} />
      <FactorsEditor d={d} saved={saved} set={set} errors={errors} qw={qw} />
      <ItemsEditor d={d} saved={saved} set={set} errors={errors} qw={qw} />
      <fieldset class="editor-section">
        <legend>{qw.t('commentTitle')}</legend>
        <Checkbox label={qw.t('commentEnabled')} checked={d.comment.enabled} onChange={(enabled) => set({ comment: { ...d.comment, enabled } })} />
        {d.comment.enabled && (
          <LocalizedFields
            name={at('comment.prompt')}
            value={d.comment.prompt}
            onChange={(prompt) => set({ comment: { ...d.comment, prompt } })}
            errors={errors}
            labels={[qw.t('commentVi'), qw.t('commentEn')]}
          />
        )}
        <Checkbox
          label={qw.t('demographics')}
          checked={d.demographics !== null}
          onChange={(ask) => set({ demographics: ask ? { ageBand: true, gender: true, firstVisit: true } : null })}
        />
        {d.demographics && (
          <div class="checks">
            {(['ageBand', 'gender', 'firstVisit'] as const).map((key) => (
              <Checkbox key={key} label={qw.t(key)} checked={d.demographics![key]} onChange={(on) => set({ demographics: { ...d.demographics!, [key]: on } })} />
            ))}
          </div>
        )}
      </fieldset>
    </div>
  );
}

type SectionProps = { d: InstrumentDefinition; saved?: InstrumentDefinition; set(change: Partial<InstrumentDefinition>): void; errors: Map<string, string>; qw: QuestionnaireWords };

/** Whether any issue points inside this row. */
const rowHasIssue = (errors: Map<string, string>, prefix: string) => [...errors.keys()].some((key) => key === prefix || key.startsWith(`${prefix}.`));

function PartsEditor({ d, set, errors, qw }: SectionProps) {
  const missing = PART_CODES.filter((code) => !d.parts.some((p) => p.code === code));
  const defaults: Record<PartCode, LocalizedText> = {
    P: { vi: 'Xây dựng, tổ chức thực hiện chính sách', en: 'Policy making and implementation' },
    S: { vi: 'Cung ứng dịch vụ hành chính công', en: 'Public administrative service delivery' },
  };
  return (
    <fieldset class="editor-section">
      <legend>{qw.t('partsTitle')}</legend>
      <p class="hint">{qw.t('partsHint')}</p>
      {d.parts.map((part, i) => (
        <div class="editor-row" key={part.code}>
          <p class="row-title">{qw.t(`part_${part.code}`)}</p>
          {errors.get(`definition.parts.${i}`) && <p class="field-error">{errors.get(`definition.parts.${i}`)}</p>}
          <LocalizedFields
            name={`definition.parts.${i}.title`}
            value={part.title}
            onChange={(title) => set({ parts: d.parts.map((p, k) => (k === i ? { ...p, title } : p)) })}
            errors={errors}
            labels={[qw.t('partTitleVi'), qw.t('partTitleEn')]}
          />
          {d.parts.length > 1 && (
            <button type="button" class="secondary" onClick={() => set({ parts: d.parts.filter((_, k) => k !== i) })}>
              {qw.t('removePart', { code: part.code })}
            </button>
          )}
        </div>
      ))}
      {missing.map((code) => (
        <button key={code} type="button" class="secondary" onClick={() => set({ parts: [...d.parts, { code, title: defaults[code] }].sort((a, b) => a.code.localeCompare(b.code)) })}>
          {qw.t('addPart', { code: qw.t(`part_${code}`) })}
        </button>
      ))}
    </fieldset>
  );
}

function FactorsEditor({ d, saved, set, errors, qw }: SectionProps) {
  const w = useWords();
  const update = (i: number, change: Partial<Factor>) => set({ factors: d.factors.map((f, k) => (k === i ? { ...f, ...change } : f)) });
  const rename = (i: number, code: string) => {
    const old = d.factors[i]!.code;
    // Questions follow their factor to its new code.
    set({ factors: d.factors.map((f, k) => (k === i ? { ...f, code } : f)), items: d.items.map((item) => (item.factor === old ? { ...item, factor: code } : item)) });
  };
  return (
    <fieldset class="editor-section">
      <legend>{qw.t('factorsTitle')}</legend>
      {errors.get('definition.factors') && <p class="field-error">{errors.get('definition.factors')}</p>}
      {d.factors.map((factor, i) => {
        const what = qw.t('factorN', { n: i + 1, code: factor.code });
        const open = rowHasIssue(errors, `definition.factors.${i}`) || !saved?.factors.some((f) => f.code === factor.code);
        return (
          <details class="editor-row" key={i} open={open}>
            <summary class="row-title">
              {what} – {factor.title[w.lang]}
            </summary>
            {errors.get(`definition.factors.${i}`) && <p class="field-error">{errors.get(`definition.factors.${i}`)}</p>}
            <div class="pair">
              <TextField name={`factor-${i}-code`} label={qw.t('factorCode')} value={factor.code} onInput={(code) => rename(i, code.trim().toUpperCase())} error={errors.get(`definition.factors.${i}.code`)} required />
              <SelectField<PartCode>
                name={`factor-${i}-part`}
                label={qw.t('part')}
                value={factor.part}
                onChange={(part) => update(i, { part })}
                options={PART_CODES.map((code) => ({ value: code, label: qw.t(`part_${code}`) }))}
                error={errors.get(`definition.factors.${i}.part`)}
              />
            </div>
            <LocalizedFields name={`definition.factors.${i}.title`} value={factor.title} onChange={(title) => update(i, { title })} errors={errors} labels={[qw.t('factorTitleVi'), qw.t('factorTitleEn')]} />
            <SelectField
              name={`factor-${i}-sipas`}
              label={qw.t('sipasFactor')}
              value={factor.sipasFactor ? String(factor.sipasFactor) : ''}
              onChange={(value) => {
                const { sipasFactor: _old, ...rest } = factor;
                set({ factors: d.factors.map((f, k) => (k === i ? (value ? { ...rest, sipasFactor: Number(value) } : rest) : f)) });
              }}
              options={[{ value: '', label: qw.t('sipasNone') }, ...SIPAS_FACTORS.map((n) => ({ value: String(n), label: qw.t(`sipas_${n}`) }))]}
            />
            <RowButtons
              what={what}
              qw={qw}
              onUp={() => set({ factors: move(d.factors, i, i - 1) })}
              onDown={() => set({ factors: move(d.factors, i, i + 1) })}
              onRemove={() => set({ factors: d.factors.filter((_, k) => k !== i) })}
            />
          </details>
        );
      })}
      <button
        type="button"
        class="secondary"
        onClick={() =>
          set({
            factors: [
              ...d.factors,
              { code: freshCode(`${d.code}.F`, d.factors.map((f) => f.code)), part: d.parts.at(-1)?.code ?? 'S', title: { vi: qw.t('newFactorVi'), en: qw.t('newFactorEn') } },
            ],
          })
        }
      >
        {qw.t('addFactor')}
      </button>
    </fieldset>
  );
}

function RowButtons({ what, qw, onUp, onDown, onRemove }: { what: string; qw: QuestionnaireWords; onUp(): void; onDown(): void; onRemove(): void }) {
  return (
    <div class="form-actions row-buttons">
      <button type="button" class="secondary" aria-label={qw.t('moveUp', { what })} onClick={onUp}>
        ↑
      </button>
      <button type="button" class="secondary" aria-label={qw.t('moveDown', { what })} onClick={onDown}>
        ↓
      </button>
      <button type="button" class="danger" aria-label={qw.t('remove', { what })} onClick={onRemove}>
        ✕
      </button>
    </div>
  );
}

function ItemsEditor({ d, saved, set, errors, qw }: SectionProps) {
  const w = useWords();
  const catalogue = useLoad(() => api.instruments.catalogue(), []);
  const [picked, setPicked] = useState('');
  const [ownFactor, setOwnFactor] = useState('');
  const update = (i: number, change: Partial<Item>) => set({ items: d.items.map((item, k) => (k === i ? { ...item, ...change } : item)) });
  const factorOptions = d.factors.map((f) => ({ value: f.code, label: `${f.code} – ${f.title[w.lang]}` }));
  const entries: CatalogueEntry[] = catalogue.state === 'ready' ? catalogue.data.criteria.filter((c) => !d.items.some((i) => i.code === c.item.code)) : [];
  const pickedEntry = entries.find((c) => c.item.code === picked) ?? entries[0];
  const addFromCatalogue = (entry: CatalogueEntry) => {
    const parts = d.parts.some((p) => p.code === entry.part.code) ? d.parts : [...d.parts, { code: entry.part.code as PartCode, title: entry.part.title }];
    const factors = d.factors.some((f) => f.code === entry.factor.code) ? d.factors : [...d.factors, entry.factor];
    set({ parts: [...parts].sort((a, b) => a.code.localeCompare(b.code)), factors, items: [...d.items, { ...entry.item, required: true }] });
    setPicked('');
  };
  const chosenOwnFactor = ownFactor || d.factors[0]?.code || '';
  const addOwn = () =>
    set({
      items: [
        ...d.items,
        {
          code: freshCode(`${d.code}.`, d.items.map((i) => i.code)),
          role: 'criterion',
          scale: 'scale5',
          factor: chosenOwnFactor,
          text: { vi: qw.t('newCriterionVi'), en: qw.t('newCriterionEn') },
          allowNa: true,
          required: true,
        },
      ],
    });
  return (
    <fieldset class="editor-section">
      <legend>{qw.t('itemsTitle')}</legend>
      {errors.get('definition.items') && <p class="field-error">{errors.get('definition.items')}</p>}
      {d.items.map((item, i) => {
        const what = qw.t('itemN', { n: i + 1, code: item.code });
        const key = (field: string) => `definition.items.${i}.${field}`;
        const open = rowHasIssue(errors, `definition.items.${i}`) || !saved?.items.some((x) => x.code === item.code);
        return (
          <details class="editor-row" key={i} open={open}>
            <summary class="row-title">
              {what} – {item.text[w.lang]}
              {item.required === false && <span class="muted"> ({qw.t('optionalShort')})</span>}
            </summary>
            <div class="pair">
              <TextField name={`item-${i}-code`} label={qw.t('itemCode')} value={item.code} onInput={(code) => update(i, { code: code.trim().toUpperCase() })} error={errors.get(key('code'))} required />
              <SelectField<Item['role']>
                name={`item-${i}-role`}
                label={qw.t('role')}
                value={item.role}
                onChange={(role) => update(i, { role, ...(role === 'overall' ? { factor: null } : { factor: item.factor ?? d.factors[0]?.code ?? null }) })}
                options={(['criterion', 'factor_sat', 'overall'] as const).map((role) => ({ value: role, label: qw.t(`role_${role}`) }))}
                error={errors.get(key('role'))}
              />
            </div>
            <SelectField
              name={`item-${i}-factor`}
              label={qw.t('factor')}
              value={item.factor ?? ''}
              onChange={(factor) => update(i, { factor: factor || null })}
              options={[...(item.role === 'overall' ? [{ value: '', label: qw.t('noFactor') }] : []), ...factorOptions]}
              error={errors.get(key('factor'))}
            />
            <LocalizedFields name={key('text')} value={item.text} onChange={(text) => update(i, { text })} errors={errors} labels={[qw.t('textVi'), qw.t('textEn')]} />
            <div class="pair">
              <TextField
                name={`item-${i}-short-vi`}
                label={qw.t('shortVi')}
                value={item.short?.vi ?? ''}
                onInput={(vi) => {
                  const { short: _old, ...rest } = item;
                  const next = { vi, en: item.short?.en || vi };
                  set({ items: d.items.map((x, k) => (k === i ? (vi.trim() ? { ...rest, short: next } : rest) : x)) });
                }}
                error={errors.get(key('short.vi'))}
              />
              {item.short && <TextField name={`item-${i}-short-en`} label={qw.t('shortEn')} value={item.short.en} onInput={(en) => update(i, { short: { ...item.short!, en } })} error={errors.get(key('short.en'))} />}
            </div>
            <SelectField<Item['scale']>
              name={`item-${i}-scale`}
              label={qw.t('scale')}
              value={item.scale}
              onChange={(scale) => update(i, { scale })}
              options={(['scale5', 'binary'] as const).map((scale) => ({ value: scale, label: qw.t(`scale_${scale}`) }))}
            />
            <div class="checks">
              <Checkbox label={qw.t('required')} checked={item.required !== false} onChange={(required) => update(i, { required })} />
              <Checkbox label={qw.t('allowNa')} checked={item.allowNa} onChange={(allowNa) => update(i, { allowNa })} />
            </div>
            <RowButtons
              what={what}
              qw={qw}
              onUp={() => set({ items: move(d.items, i, i - 1) })}
              onDown={() => set({ items: move(d.items, i, i + 1) })}
              onRemove={() => set({ items: d.items.filter((_, k) => k !== i) })}
            />
          </details>
        );
      })}
      <div class="editor-add">
        <h2>{qw.t('addFromCatalogue')}</h2>
        {pickedEntry && (
          <div class="toolbar">
            <SelectField
              name="catalogue"
              label={qw.t('catalogueCriterion')}
              value={pickedEntry.item.code}
              onChange={setPicked}
              options={entries.map((c) => ({ value: c.item.code, label: `${c.item.code} – ${c.item.text[w.lang]}` }))}
            />
            <button type="button" class="secondary" onClick={() => addFromCatalogue(pickedEntry)}>
              {qw.t('addCriterion')}
            </button>
          </div>
        )}
      </div>
      {d.factors.length > 0 && (
        <div class="editor-add">
          <h2>{qw.t('addOwn')}</h2>
          <div class="toolbar">
            <SelectField name="ownFactor" label={qw.t('ownFactor')} value={chosenOwnFactor} onChange={setOwnFactor} options={factorOptions} />
            <button type="button" class="secondary" onClick={addOwn}>
              {qw.t('addOwnButton')}
            </button>
          </div>
        </div>
      )}
    </fieldset>
  );
}

/** Read-only: parts, their factors, and each factor's questions in order. */
function DefinitionSummary({ definition: d, qw }: { definition: InstrumentDefinition; qw: QuestionnaireWords }) {
  const w = useWords();
  const rest = d.items.filter((i) => i.factor === null || !d.factors.some((f) => f.code === i.factor));
  return (
    <div class="definition-summary">
      {d.intro && <p>{d.intro[w.lang]}</p>}
      {d.parts.map((part) => (
        <section key={part.code}>
          <h2>
            {qw.t('part')} {part.code}: {part.title[w.lang]}
          </h2>
          {d.factors
            .filter((f) => f.part === part.code)
            .map((factor) => (
              <div key={factor.code}>
                <h3>
                  {factor.code} – {factor.title[w.lang]}
                </h3>
                <ol>
                  {d.items
                    .filter((i) => i.factor === factor.code)
                    .map((item) => (
                      <li key={item.code}>
                        <code>{item.code}</code> {item.text[w.lang]} {item.required === false && <span class="muted small">({qw.t('required')}: ✕)</span>}
                      </li>
                    ))}
                </ol>
              </div>
            ))}
        </section>
      ))}
      {rest.length > 0 && (
        <ol>
          {rest.map((item) => (
            <li key={item.code}>
              <code>{item.code}</code> {item.text[w.lang]}
            </li>
          ))}
        </ol>
      )}
      <p class="muted small">
        {qw.t('commentEnabled')}: {d.comment.enabled ? '✓' : '✕'} · {qw.t('demographics')}: {d.demographics ? '✓' : '✕'}
      </p>
    </div>
  );
}

function AssignPanel({ detail, qw }: { detail: InstrumentDetail; qw: QuestionnaireWords }) {
  const w = useWords();
  const [unit, setUnit] = useState<PickedUnit | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [notice, setNotice] = useState('');
  const points = useLoad(() => api.surveyPoints.list({}), []);
  const done = (result: { changed: number; unchanged: number }) => {
    setNotice(qw.t('assigned', result));
    setChosen([]);
    points.reload();
  };
  const byUnit = useSubmit(() => api.instruments.assign(detail.id, { unitId: unit!.id }), done);
  const byPoints = useSubmit(() => api.instruments.assign(detail.id, { surveyPointIds: chosen }), done);
  useEffect(() => setNotice(''), [unit?.id]);
  return (
    <section class="panel" aria-labelledby="assign-title">
      <h2 id="assign-title">{qw.t('assignTitle')}</h2>
      <p class="hint">{qw.t('assignHint')}</p>
      {notice && (
        <p class="notice ok" role="status">
          {notice}
        </p>
      )}
      <div class="toolbar">
        <UnitPicker label={qw.t('assignUnit')} value={unit} onChange={setUnit} />
        <button type="button" class="secondary" disabled={!unit || byUnit.busy} onClick={() => byUnit.submit()}>
          {qw.t('assignUnitButton')}
        </button>
      </div>
      {byUnit.error && <AssignError error={byUnit.error} />}
      <fieldset class="point-choice">
        <legend>{qw.t('assignPoints')}</legend>
        {points.state === 'ready' && points.data.length === 0 && <p class="muted">{qw.t('noPoints')}</p>}
        {points.state === 'ready' &&
          points.data.map((p) => (
            <Checkbox
              key={p.id}
              label={`${qw.t('pointLabel', { unit: p.unitName, place: p.counterName ?? qw.t('wholeCentre') })} (${p.code}) – ${p.instrumentId}`}
              checked={chosen.includes(p.id)}
              onChange={(on) => setChosen(on ? [...chosen, p.id] : chosen.filter((c) => c !== p.id))}
            />
          ))}
      </fieldset>
      <button type="button" class="secondary" disabled={chosen.length === 0 || byPoints.busy} onClick={() => byPoints.submit()}>
        {qw.t('assignPointsButton')}
      </button>
      {byPoints.error && <AssignError error={byPoints.error} />}
      <p class="muted small" aria-live="polite">
        {qw.t('chosen', { n: w.int(chosen.length) })}
      </p>
    </section>
  );
}

/** A refused assignment says why in the server's words (a draft, another province's questionnaire, a point outside the area). */
function AssignError({ error }: { error: ApiError }) {
  if (error.issues.length === 0) return <ErrorNotice error={error} />;
  return (
    <p class="field-error" role="alert">
      {error.issues.map((i) => i.message).join('; ')}
    </p>
  );
}
