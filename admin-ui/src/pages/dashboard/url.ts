/** Dashboard state lives in the URL, so any view can be bookmarked and shared. */

export const DASHBOARD_BASE = '/admin/dashboard';

export const VIEWS = ['overview', 'weak', 'trends', 'ranking', 'comments', 'indicators'] as const;
export type View = (typeof VIEWS)[number];

/** Filters every view shares (the server's DashboardFilter). */
export const COMMON_KEYS = ['unitId', 'period', 'at', 'from', 'to', 'instrumentId', 'counterId', 'staffId', 'procedureId', 'field', 'channel'] as const;

/** What each view sends besides the common filters; other keys stay in the URL but are not sent. */
export const VIEW_KEYS: Record<View, readonly string[]> = {
  overview: [],
  weak: ['criterion'],
  trends: ['interval'],
  ranking: ['level', 'measure', 'sort', 'dir', 'includeInsufficient'],
  comments: ['criterion', 'maxScore', 'q', 'offset'],
  indicators: ['dedupe'],
};

/** Filters that narrow what is counted (shown as removable chips). */
export const NARROWING_KEYS = ['counterId', 'staffId', 'procedureId', 'field', 'channel', 'criterion'] as const;

export function viewOf(pathname: string): View {
  const rest = pathname.startsWith(DASHBOARD_BASE) ? pathname.slice(DASHBOARD_BASE.length).replace(/^\/+|\/+$/g, '') : '';
  return (VIEWS as readonly string[]).includes(rest) ? (rest as View) : 'overview';
}

export function pathOf(view: View): string {
  return view === 'overview' ? DASHBOARD_BASE : `${DASHBOARD_BASE}/${view}`;
}

export type Params = Record<string, string>;

export function paramsOf(search: string): Params {
  const out: Params = {};
  for (const [k, v] of new URLSearchParams(search)) if (v !== '') out[k] = v;
  return out;
}

/** The query string for a view's API call: the common filters plus that view's own. */
export function apiQuery(view: View, params: Params): string {
  const keys = new Set<string>([...COMMON_KEYS, ...VIEW_KEYS[view]]);
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (keys.has(k) && v !== '') query.set(k, v);
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** A URL for a view with params changed; undefined/'' removes a key. Changing a filter resets paging. */
export function hrefFor(view: View, params: Params, changes: Record<string, string | undefined> = {}): string {
  const next: Params = { ...params };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === '') delete next[k];
    else next[k] = v;
  }
  if (!('offset' in changes)) delete next.offset;
  const query = new URLSearchParams(Object.entries(next).sort(([a], [b]) => (a < b ? -1 : 1))).toString();
  return `${pathOf(view)}${query ? `?${query}` : ''}`;
}
