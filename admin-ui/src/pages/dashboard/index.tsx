import type { JSX } from 'preact';
import { useEffect, useMemo } from 'preact/hooks';
import { useWords } from '../../i18n.js';
import type { DashboardOptions } from '../../../../schema/dashboard.js';
import { useApi } from './api.js';
import { CommentsView } from './Comments.js';
import { FilterBar } from './FilterBar.js';
import { IndicatorsView } from './Indicators.js';
import { words } from './i18n.js';
import { OverviewView } from './Overview.js';
import { RankingView } from './Ranking.js';
import { DashContext, Link, useLocation, type Dash } from './shared.js';
import { TrendsView } from './Trends.js';
import { hrefFor, VIEWS, type View } from './url.js';
import { WeakView } from './Weak.js';
import './dashboard.css';

const VIEW_COMPONENTS: Record<View, () => JSX.Element> = {
  overview: OverviewView,
  weak: WeakView,
  trends: TrendsView,
  ranking: RankingView,
  comments: CommentsView,
  indicators: IndicatorsView,
};

/**
 * The dashboards: /admin/dashboard[/weak|/trends|/ranking|/comments]?filters. Everything the
 * views show is chosen by the URL, so a view can be bookmarked and shared.
 */
export function DashboardApp() {
  const { view, params, go } = useLocation();
  // The shell owns the language (its toggle, stored once for the whole admin) and remounts us on a change.
  const { lang } = useWords();
  const optionsLoaded = useApi<DashboardOptions>(`/api/admin/dashboard/options${params.unitId ? `?unitId=${encodeURIComponent(params.unitId)}` : ''}`);
  const options = optionsLoaded.state === 'ready' ? optionsLoaded.data : optionsLoaded.state === 'loading' ? optionsLoaded.data : undefined;
  // Scores are written as the server is set to write them (percent or points out of 10, SCORE_DISPLAY).
  const scoring = options?.scoring;
  const w = useMemo(() => words(lang, scoring), [lang, scoring?.display, scoring?.decimals, scoring?.rounding]);
  const dash: Dash = { w, view, params, options, go };
  const Current = VIEW_COMPONENTS[view];
  useEffect(() => {
    document.title = `${w.t(view)} – ${w.t('title')}`;
  }, [view, w]);
  return (
    <DashContext.Provider value={dash}>
      <div class="dash">
        <h1>{w.t('title')}</h1>
        <nav class="tabs" aria-label={w.t('nav')}>
          {VIEWS.map((v) => (
            <Link key={v} href={hrefFor(v, params)} class={v === view ? 'tab on' : 'tab'} current={v === view}>
              {w.t(v)}
            </Link>
          ))}
        </nav>
        <FilterBar key={`${params.period ?? ''}${params.from ?? ''}${params.to ?? ''}`} />
        <section class="dash-main" aria-labelledby="dash-view-title">
          <h2 id="dash-view-title">{w.t(view)}</h2>
          {/* Not before the scoring settings are known: a score written in the wrong unit is a wrong number. */}
          {optionsLoaded.state === 'loading' && !options ? (
            <p class="muted" role="status">
              {w.t('loading')}
            </p>
          ) : (
            <Current />
          )}
        </section>
      </div>
    </DashContext.Provider>
  );
}
