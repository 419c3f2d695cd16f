import { useMemo } from 'preact/hooks';
import type { Overview as OverviewData } from '../../../../schema/dashboard.js';
import { useWords } from '../../i18n.js';
import { navigate } from '../../router.js';
import { useApi } from './api.js';
import { words } from './i18n.js';
import { Kpis } from './Overview.js';
import { ContextLine, DashContext, Link, Status, type Dash } from './shared.js';
import { hrefFor } from './url.js';
import './dashboard.css';

/**
 * The overview's headline figures for the signed-in person's own area and the current quarter (a
 * centre supervisor: their centre), as the dashboard computes them, for the home page.
 */
export function HeadlineFigures() {
  const { lang } = useWords();
  const loaded = useApi<OverviewData>('/api/admin/dashboard/overview');
  // Indices shown as the server is set to show them (percent or points out of 10).
  const scoring = loaded.state === 'error' ? undefined : loaded.data?.scoring;
  const w = useMemo(() => words(lang, scoring), [lang, scoring]);
  const dash: Dash = { w, view: 'overview', params: {}, options: undefined, go: navigate };
  return (
    <DashContext.Provider value={dash}>
      <section class="dash headline" aria-labelledby="headline-title">
        <h2 id="headline-title">{w.t('overview')}</h2>
        <Status loaded={loaded}>
          {(data) => (
            <>
              <ContextLine ctx={data} />
              {data.overall ? <Kpis data={data} /> : <p class="notice">{w.t('noData')}</p>}
              <Link href={hrefFor('overview', {})}>{w.t('title')}</Link>
            </>
          )}
        </Status>
      </section>
    </DashContext.Provider>
  );
}
