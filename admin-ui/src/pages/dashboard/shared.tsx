import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { DashboardOptions, Score, ViewContext } from '../../../../schema/dashboard.js';
import type { ApiError } from '../../api.js';
import type { Loaded } from './api.js';
import type { Words } from './i18n.js';
import { navigate } from '../../router.js';
import { paramsOf, viewOf, type Params, type View } from './url.js';

export interface Dash {
  w: Words;
  view: View;
  params: Params;
  options: DashboardOptions | undefined;
  go(href: string): void;
}

export const DashContext = createContext<Dash | null>(null);

export function useDash(): Dash {
  const dash = useContext(DashContext);
  if (!dash) throw new Error('useDash outside DashboardApp');
  return dash;
}

/** The address bar as state: pushState on navigation, and back/forward restore the view. */
export function useLocation(): { view: View; params: Params; go(href: string): void } {
  const [location, setLocation] = useState(() => ({ pathname: window.location.pathname, search: window.location.search }));
  useEffect(() => {
    const onPop = () => setLocation({ pathname: window.location.pathname, search: window.location.search });
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  return {
    view: viewOf(location.pathname),
    params: paramsOf(location.search),
    // The shell's navigate pushes the address and sends popstate, which updates this state.
    go: (href) => navigate(href),
  };
}

/** An in-app link: a real href (open in a new tab, copy), navigated without a reload. */
export function Link({ href, children, class: className, label, current }: { href: string; children: ComponentChildren; class?: string; label?: string; current?: boolean }) {
  const { go } = useDash();
  return (
    <a
      href={href}
      class={className}
      aria-label={label}
      aria-current={current ? 'page' : undefined}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        go(href);
      }}
    >
      {children}
    </a>
  );
}

export function Status<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) {
  const { w } = useDash();
  if (loaded.state === 'error') return <ErrorBox error={loaded.error} />;
  if (loaded.data === undefined) return <p class="muted" role="status">{w.t('loading')}</p>;
  return (
    <div class={loaded.state === 'loading' ? 'stale' : undefined} aria-busy={loaded.state === 'loading'}>
      {children(loaded.data)}
    </div>
  );
}

function ErrorBox({ error }: { error: ApiError }) {
  const { w } = useDash();
  if (error.status === 401) {
    return (
      <p class="notice" role="alert">
        {w.t('signIn')} <a href="/admin/">{w.t('signInLink')}</a>
      </p>
    );
  }
  return (
    <p class="notice error" role="alert">
      {w.t('error', { message: error.message })}
    </p>
  );
}

/** Reliability badges: `n thấp` (insufficient) and low precision. */
export function Flags({ score }: { score: Pick<Score, 'flags'> }) {
  const { w } = useDash();
  return (
    <>
      {score.flags.includes('insufficient') && <span class="badge warn">{w.t('lowN')}</span>}
      {score.flags.includes('low_precision') && <span class="badge">{w.t('lowPrecision')}</span>}
    </>
  );
}

/** The Wilson interval, or for a mean the thinnest contributing n. */
export function IntervalText({ score }: { score: Score }) {
  const { w } = useDash();
  if (score.wilson) return <span class="nowrap">{w.interval(score.wilson.lower, score.wilson.upper)}</span>;
  if (score.minN !== null && score.x === null) return <span class="muted">{w.t('minN', { n: w.int(score.minN) })}</span>;
  return <span class="muted">—</span>;
}

/** The period and scope line every view shows under its title. */
export function ContextLine({ ctx }: { ctx: ViewContext }) {
  const { w } = useDash();
  const unitName = ctx.unit?.name ?? w.t('allUnits');
  return (
    <p class="context-line">
      <strong>{unitName}</strong> · {w.t('periodLabel', { from: w.day(ctx.period.from), to: w.day(ctx.period.to) })}
    </p>
  );
}

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
