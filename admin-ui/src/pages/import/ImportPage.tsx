import { useState } from 'preact/hooks';
import { IMPORT_COLUMNS, IMPORT_KINDS } from '../../../../schema/admin-model.js';
import type { ImportKind, ImportResult } from '../../../../schema/admin.js';
import { api } from '../../api.js';
import { ErrorNotice, PageTitle, SelectField, useLoad, useSubmit } from '../../components/ui.js';
import { useWords } from '../../i18n.js';
import { useLocation } from '../../router.js';
import { useSession } from '../../session.js';
import { RowErrorTable } from '../../components/RowErrors.js';

/** Units the caller may import into: their own roles' units, every province for a system admin, and ?unitId. */
function useTargets(extraId: string | null) {
  const { info } = useSession();
  const w = useWords();
  const everywhere = info.grants.some((g) => g.role === 'system_admin');
  const provinces = useLoad(() => (everywhere ? api.units.list({ kind: 'province', limit: 100 }) : Promise.resolve({ items: [], total: 0 })), [everywhere]);
  const extra = useLoad(() => (extraId ? api.units.get(extraId).then((u) => [u]) : Promise.resolve([])), [extraId]);
  const options = [
    ...(extra.state === 'ready' ? extra.data.map((u) => ({ id: u.id, label: `${u.name} (${w.kind(u.kind)})` })) : []),
    ...info.grants.filter((g) => g.unitId && g.role !== 'viewer').map((g) => ({ id: g.unitId!, label: `${g.unitName} (${g.unitKind ? w.kind(g.unitKind) : ''})` })),
    ...(provinces.state === 'ready' ? provinces.data.items.map((u) => ({ id: u.id, label: `${u.name} (${w.kind(u.kind)})` })) : []),
  ];
  const seen = new Set<string>();
  return options.filter((o) => !seen.has(o.id) && seen.add(o.id));
}

export function ImportPage() {
  const w = useWords();
  const location = useLocation();
  const targets = useTargets(location.query.get('unitId'));
  const [kind, setKind] = useState<ImportKind>('units');
  const [unitId, setUnitId] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const target = unitId || targets[0]?.id || '';
  const preview = useSubmit(() => api.import(kind, target, 'preview', file!), setResult);
  const commit = useSubmit(() => api.import(kind, target, 'commit', file!), setResult);
  const reset = () => setResult(null);
  const columns = Object.entries(IMPORT_COLUMNS[kind]).map(([name, aliases]) => `${name} (${aliases.slice(1).join(', ')})`);
  const failure = preview.error ?? commit.error;
  return (
    <section>
      <PageTitle title={w.t('importTitle')}>{w.t('importTitle')}</PageTitle>
      <p class="muted">{w.t('importIntro')}</p>
      <form
        class="form"
        aria-label={w.t('importTitle')}
        onSubmit={(e) => {
          e.preventDefault();
          if (file && target) preview.submit();
        }}
      >
        <SelectField
          name="kind"
          label={w.t('importKind')}
          value={kind}
          onChange={(k) => {
            setKind(k);
            reset();
          }}
          options={IMPORT_KINDS.map((k) => ({ value: k, label: w.t(`import_${k}`) }))}
        />
        <p class="hint">{w.t('importColumns', { columns: columns.join('; ') })}</p>
        <SelectField
          name="unitId"
          label={w.t('importInto')}
          hint={w.t('importIntoHint')}
          value={target}
          onChange={(v) => {
            setUnitId(v);
            reset();
          }}
          options={targets.map((o) => ({ value: o.id, label: o.label }))}
          required
        />
        <div class="form-field">
          <label for="import-file">{w.t('importFile')}</label>
          <input
            id="import-file"
            type="file"
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            onChange={(e) => {
              setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null);
              reset();
            }}
          />
        </div>
        <div class="form-actions">
          <button type="submit" class="primary" disabled={!file || !target || preview.busy}>
            {preview.busy ? w.t('loading') : w.t('preview')}
          </button>
          {result && result.mode === 'preview' && result.errorCount === 0 && (
            <button type="button" class="primary" disabled={commit.busy} onClick={commit.submit}>
              {commit.busy ? w.t('saving') : w.t('commit')}
            </button>
          )}
        </div>
      </form>
      {failure && <ErrorNotice error={failure} />}
      {result && <ImportReport result={result} />}
    </section>
  );
}

function ImportReport({ result }: { result: ImportResult }) {
  const w = useWords();
  const counts = { n: w.int(result.rowCount), created: w.int(result.created), updated: w.int(result.updated), unchanged: w.int(result.unchanged) };
  if (result.errorCount > 0) {
    return (
      <div class="report">
        <RowErrorTable errors={result.errors} total={result.errorCount} title={w.t('importErrors', { n: w.int(result.errorCount) })} reason={w.importReason} />
      </div>
    );
  }
  return (
    <div class="report">
      <p class={result.mode === 'commit' ? 'notice ok' : 'notice'} role="status">
        {result.mode === 'commit' ? w.t('importDone', counts) : `${w.t('importRows', counts)}. ${w.t('importOk')}`}
      </p>
      {result.mode === 'preview' && result.rows.length > 0 && (
        <>
          {result.rows.length < result.rowCount && <p class="muted small">{w.t('importShowing', { n: result.rows.length })}</p>}
          <div class="table-box" role="region" aria-label={w.t('preview')} tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col" class="num">{w.t('row')}</th>
                  <th scope="col">{w.t('action')}</th>
                  {Object.keys(result.rows[0]!.values).map((k) => (
                    <th scope="col" key={k}>
                      {k}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {result.rows.map((r) => (
                  <tr key={r.row}>
                    <td class="num">{r.row}</td>
                    <td>{w.t(`action_${r.action}`)}</td>
                    {Object.values(r.values).map((v, i) => (
                      <td key={i}>{v}</td>
                    ))}
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
