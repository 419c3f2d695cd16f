import { useMemo, useState } from 'preact/hooks';
import type { ExportOptions, ResponseImportResult } from '../../../../schema/exports.js';
import { api, queryString } from '../../api.js';
import { Await, ErrorNotice, PageTitle, SelectField, TextField, useLoad, useSubmit } from '../../components/ui.js';
import { useWords } from '../../i18n.js';
import { useSession } from '../../session.js';
import { exportWords, type ExportWords } from './i18n.js';
import { RowErrorTable } from '../../components/RowErrors.js';

type Choice = 'summary' | 'summary-csv' | 'raw-csv' | 'raw-xlsx' | 'report';

const CHOICES: { value: Choice; kind: 'summary' | 'raw' | 'report'; format: 'xlsx' | 'csv' | 'html' }[] = [
  { value: 'summary', kind: 'summary', format: 'xlsx' },
  { value: 'summary-csv', kind: 'summary', format: 'csv' },
  { value: 'raw-csv', kind: 'raw', format: 'csv' },
  { value: 'raw-xlsx', kind: 'raw', format: 'xlsx' },
  { value: 'report', kind: 'report', format: 'html' },
];

const LABELS: Record<Choice, ['summary' | 'summaryCsv' | 'rawCsv' | 'rawXlsx' | 'report', 'summaryHint' | 'summaryCsvHint' | 'rawCsvHint' | 'rawXlsxHint' | 'reportHint']> = {
  summary: ['summary', 'summaryHint'],
  'summary-csv': ['summaryCsv', 'summaryCsvHint'],
  'raw-csv': ['rawCsv', 'rawCsvHint'],
  'raw-xlsx': ['rawXlsx', 'rawXlsxHint'],
  report: ['report', 'reportHint'],
};

/** Indented unit names, top levels first, as the server lists them. */
function unitOptions(options: ExportOptions, first: { value: string; label: string } | null) {
  return [
    ...(first ? [first] : []),
    ...options.units.map((u) => ({ value: u.id, label: `${'\u2003'.repeat(u.depth)}${u.name} (${u.code})` })),
  ];
}

/** /admin/exports: pick scope, period, instrument and format and download; upload a paper-form file, preview it, confirm. */
export function ExportsPage() {
  const w = useWords();
  const x = exportWords(w.lang);
  const session = useSession();
  const options = useLoad(() => api.exports.options(), []);
  return (
    <section>
      <PageTitle title={x.t('title')}>{x.t('title')}</PageTitle>
      <p class="muted">{x.t('intro')}</p>
      <Await loaded={options}>
        {(data) => (
          <>
            <ExportForm options={data} x={x} />
            {session.can('surveys.write') && <PaperImport options={data} x={x} />}
          </>
        )}
      </Await>
    </section>
  );
}

function ExportForm({ options, x }: { options: ExportOptions; x: ExportWords }) {
  const [unitId, setUnitId] = useState('');
  const [from, setFrom] = useState(options.defaultPeriod.from);
  const [to, setTo] = useState(options.defaultPeriod.to);
  const [instrumentId, setInstrumentId] = useState('');
  const [choice, setChoice] = useState<Choice>('summary');
  const picked = CHOICES.find((c) => c.value === choice)!;
  const url = `/api/admin/exports/${picked.kind}${queryString({ unitId, from, to, instrumentId, format: picked.format })}`;
  const [label, hint] = LABELS[choice];
  return (
    <div class="panel">
      <h2>{x.t('exportTitle')}</h2>
      <form class="form" aria-label={x.t('exportTitle')} onSubmit={(e) => e.preventDefault()}>
        <SelectField name="unitId" label={x.t('unit')} value={unitId} onChange={setUnitId} options={unitOptions(options, { value: '', label: x.t('allUnits') })} />
        <div class="toolbar">
          <TextField name="from" type="date" label={x.t('from')} value={from} onInput={setFrom} />
          <TextField name="to" type="date" label={x.t('to')} value={to} onInput={setTo} />
        </div>
        <p class="hint">{x.t('periodHint', { label: options.defaultPeriod.label })}</p>
        <SelectField
          name="instrumentId"
          label={x.t('instrument')}
          value={instrumentId}
          onChange={setInstrumentId}
          options={[{ value: '', label: x.t('autoInstrument') }, ...options.instruments.map((i) => ({ value: i.id, label: `${i.title} (${i.id})` }))]}
        />
        <SelectField<Choice>
          name="what"
          label={x.t('what')}
          hint={x.t(hint)}
          value={choice}
          onChange={setChoice}
          options={CHOICES.map((c) => ({ value: c.value, label: x.t(LABELS[c.value][0]) }))}
        />
        <div class="form-actions">
          {picked.kind === 'report' ? (
            <a class="button-link primary" href={url} target="_blank" rel="noopener">
              {x.t('open')}
            </a>
          ) : (
            <a class="button-link primary" href={url} download>
              {x.t('download')}: {x.t(label)}
            </a>
          )}
        </div>
      </form>
    </div>
  );
}

function PaperImport({ options, x }: { options: ExportOptions; x: ExportWords }) {
  const units = useMemo(() => unitOptions(options, null), [options]);
  const [unitId, setUnitId] = useState(units[0]?.value ?? '');
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<ResponseImportResult | null>(null);
  const preview = useSubmit(() => api.importResponses(unitId, 'preview', file!), setResult);
  const commit = useSubmit(() => api.importResponses(unitId, 'commit', file!), setResult);
  const failure = preview.error ?? commit.error;
  const template = `/api/admin/exports/raw${queryString({ unitId, from: options.defaultPeriod.from, to: options.defaultPeriod.to, format: 'xlsx' })}`;
  return (
    <div class="panel">
      <h2>{x.t('importTitle')}</h2>
      <p class="hint">{x.t('importIntro')}</p>
      <form
        class="form"
        aria-label={x.t('importTitle')}
        onSubmit={(e) => {
          e.preventDefault();
          if (file && unitId) preview.submit();
        }}
      >
        <SelectField
          name="importUnitId"
          label={x.t('importInto')}
          value={unitId}
          onChange={(v) => {
            setUnitId(v);
            setResult(null);
          }}
          options={units}
          required
        />
        <p class="hint">
          <a href={template} download>
            {x.t('template')}
          </a>
        </p>
        <div class="form-field">
          <label for="paper-file">{x.t('file')}</label>
          <input
            id="paper-file"
            type="file"
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            onChange={(e) => {
              setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null);
              setResult(null);
            }}
          />
        </div>
        <div class="form-actions">
          <button type="submit" class="primary" disabled={!file || !unitId || preview.busy}>
            {preview.busy ? x.t('checking') : x.t('preview')}
          </button>
          {result && result.mode === 'preview' && result.errorCount === 0 && result.imported > 0 && (
            <button type="button" class="primary" disabled={commit.busy} onClick={() => commit.submit()}>
              {commit.busy ? x.t('importing') : x.t('commit')}
            </button>
          )}
        </div>
      </form>
      {failure && <ErrorNotice error={failure} />}
      {result && <ImportReport result={result} x={x} />}
    </div>
  );
}

function ImportReport({ result, x }: { result: ResponseImportResult; x: ExportWords }) {
  const w = useWords();
  const counts = { n: w.int(result.rowCount), imported: w.int(result.imported), duplicates: w.int(result.duplicates), skipped: w.int(result.skipped) };
  if (result.errorCount > 0) {
    return (
      <div class="report">
        <RowErrorTable errors={result.errors} total={result.errorCount} title={x.t('errors', { n: w.int(result.errorCount) })} reason={x.reason} />
      </div>
    );
  }
  return (
    <div class="report">
      <p class={result.mode === 'commit' ? 'notice ok' : 'notice'} role="status">
        {result.mode === 'commit' ? x.t('done', counts) : x.t('previewOk', counts)}
      </p>
      {result.mode === 'preview' && result.rows.length > 0 && (
        <>
          {result.rows.length < result.rowCount && <p class="muted small">{x.t('showing', { n: result.rows.length })}</p>}
          <div class="table-box" role="region" aria-label={x.t('preview')} tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col" class="num">{w.t('row')}</th>
                  <th scope="col">{x.t('action')}</th>
                  <th scope="col">{x.t('unit')}</th>
                  <th scope="col">{x.t('counter')}</th>
                  <th scope="col">{x.t('time')}</th>
                  <th scope="col">{x.t('answers')}</th>
                  <th scope="col">{x.t('comment')}</th>
                </tr>
              </thead>
              <tbody>
                {result.rows.map((r) => (
                  <tr key={r.row}>
                    <td class="num">{r.row}</td>
                    <td>{x.t(`action_${r.action}`)}</td>
                    <td>{r.unitCode}</td>
                    <td>{r.counterCode ?? ''}</td>
                    <td class="nowrap">{w.dateTime(r.submittedAt)}</td>
                    <td class="small">
                      {Object.entries(r.answers)
                        .map(([code, v]) => `${code}: ${v ?? 'NA'}`)
                        .join(' · ')}
                    </td>
                    <td>{r.comment ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
