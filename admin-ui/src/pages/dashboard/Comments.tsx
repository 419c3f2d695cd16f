import { useEffect, useState } from 'preact/hooks';
import type { CommentPage } from '../../../../schema/dashboard.js';
import { useApi } from './api.js';
import { Link, Status, useDash } from './shared.js';
import { apiQuery, hrefFor } from './url.js';
import { CommentMarks, useCommentTags } from '../cases/CommentMarks.js';

/** Citizens' comments with their ratings. Every text is rendered as text (never as HTML). */
export function CommentsView() {
  const { w, params, go } = useDash();
  const loaded = useApi<CommentPage>(`/api/admin/dashboard/comments${apiQuery('comments', params)}`);
  const [q, setQ] = useState(params.q ?? '');
  const tags = useCommentTags(loaded.state === 'error' ? undefined : (loaded.data?.unit?.id ?? loaded.data?.items[0]?.unit.id));
  useEffect(() => setQ(params.q ?? ''), [params.q]);
  return (
    <Status loaded={loaded}>
      {(data) => {
        const codes = Object.keys(data.labels);
        const first = data.total === 0 ? 0 : data.offset + 1;
        const last = data.offset + data.items.length;
        return (
          <>
            <p class="context-line">
              <strong>{data.unit?.name ?? w.t('allUnits')}</strong> · {w.t('periodLabel', { from: w.day(data.period.from), to: w.day(data.period.to) })}
            </p>
            <div class="filter-row">
              <div class="field">
                <label for="c-criterion">{w.t('criterion')}</label>
                <select id="c-criterion" value={params.criterion ?? ''} onChange={(e) => go(hrefFor('comments', params, { criterion: (e.currentTarget as HTMLSelectElement).value }))}>
                  <option value="">{w.t('anyCriterion')}</option>
                  {codes.map((code) => (
                    <option key={code} value={code}>
                      {w.text(data.labels[code]!)}
                    </option>
                  ))}
                </select>
              </div>
              <div class="field checkbox">
                <input
                  id="c-low"
                  type="checkbox"
                  checked={params.maxScore === '2'}
                  onChange={(e) => go(hrefFor('comments', params, { maxScore: (e.currentTarget as HTMLInputElement).checked ? '2' : undefined }))}
                />
                <label for="c-low">{w.t('lowScore')}</label>
              </div>
              <form
                class="search"
                role="search"
                onSubmit={(e) => {
                  e.preventDefault();
                  go(hrefFor('comments', params, { q: q.trim() || undefined }));
                }}
              >
                <div class="field">
                  <label for="c-q">{w.t('search')}</label>
                  <input id="c-q" type="search" maxLength={100} value={q} onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)} />
                </div>
                <button type="submit" class="secondary">
                  {w.t('searchButton')}
                </button>
              </form>
            </div>
            <p class="small" role="status">
              {data.total === 0 ? w.t('noComments') : w.t('commentsCount', { from: w.int(first), to: w.int(last), total: w.int(data.total) })}
            </p>
            <ol class="comments" start={first}>
              {data.items.map((item) => (
                <li key={item.id} class="comment" data-testid="comment">
                  <p class="meta small">
                    <time dateTime={item.submittedAt}>{w.dateTime(item.submittedAt)}</time>
                    {item.unit.id !== data.unit?.id && (
                      <>
                        {' · '}
                        <span>{item.unit.name}</span>
                      </>
                    )}
                    {item.counter && (
                      <>
                        {' · '}
                        <span data-testid="comment-counter">{item.counter.name}</span>
                      </>
                    )}
                    {item.procedure && (
                      <>
                        {' · '}
                        <span>{`${item.procedure.field}: ${item.procedure.code} ${item.procedure.name}`}</span>
                      </>
                    )}
                    {' · '}
                    <span>{w.channel(item.channel)}</span>
                  </p>
                  <ul class="ratings" aria-label={w.t('ratings')}>
                    {Object.entries(item.ratings).map(([code, value]) => (
                      <li key={code} class={value !== null && value <= 2 ? 'low' : undefined}>
                        {`${data.labels[code] ? w.text(data.labels[code]) : code}: ${value === null ? w.t('noOpinion') : value}`}
                      </li>
                    ))}
                  </ul>
                  <blockquote class="comment-text" data-testid="comment-text">
                    {item.comment}
                  </blockquote>
                  <CommentMarks item={item} tags={tags} />
                </li>
              ))}
            </ol>
            {data.total > data.limit && (
              <nav class="pager" aria-label={w.t('pagination')}>
                {data.offset > 0 ? (
                  <Link class="button-link" href={hrefFor('comments', params, { offset: data.offset - data.limit > 0 ? String(data.offset - data.limit) : undefined })}>
                    {w.t('previous')}
                  </Link>
                ) : (
                  <span class="button-link disabled" aria-disabled="true">
                    {w.t('previous')}
                  </span>
                )}
                {last < data.total ? (
                  <Link class="button-link" href={hrefFor('comments', params, { offset: String(data.offset + data.limit) })}>
                    {w.t('next')}
                  </Link>
                ) : (
                  <span class="button-link disabled" aria-disabled="true">
                    {w.t('next')}
                  </span>
                )}
              </nav>
            )}
          </>
        );
      }}
    </Status>
  );
}
