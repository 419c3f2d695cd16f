import { useState } from 'preact/hooks';
import type { CommentItem } from '../../../../schema/dashboard.js';
import { api } from '../../api.js';
import { ErrorNotice, useLoad, useSubmit } from '../../components/ui.js';
import { useWords } from '../../i18n.js';
import { Link } from '../../router.js';
import { useSession } from '../../session.js';
import { caseWords } from './i18n.js';
import './cases.css';

/** The province's topic list for the comments of a unit (loaded once per comments page). */
export function useCommentTags(unitId: string | undefined): string[] {
  const loaded = useLoad(() => (unitId ? api.comments.tags(unitId).then((r) => r.tags) : Promise.resolve([])), [unitId]);
  return loaded.data ?? [];
}

/**
 * Under a comment on the dashboard: its topic tags, the handled mark, and its case (or a button that
 * opens one). Those who may not act on the unit's surveys see the marks only.
 */
export function CommentMarks({ item, tags }: { item: CommentItem; tags: readonly string[] }) {
  const w = useWords();
  const x = caseWords(w.lang);
  const { can } = useSession();
  const [mark, setMark] = useState({ tags: item.tags, handled: item.handled });
  const [caseId, setCaseId] = useState(item.caseId);
  const save = useSubmit((next: { tags: string[]; handled: boolean }) => api.comments.mark(item.id, next), (r) => setMark({ tags: r.tags, handled: r.handled }));
  const open = useSubmit(() => api.cases.fromComment({ responseId: item.id, title: item.comment.slice(0, 120) }), (c) => setCaseId(c.id));
  const editable = can('surveys.write');
  return (
    <div class="comment-marks">
      {editable ? (
        <fieldset>
          <legend class="small muted">{x.t('tags')}</legend>
          {tags.map((tag) => (
            <label key={tag} class="small">
              <input
                type="checkbox"
                checked={mark.tags.includes(tag)}
                disabled={save.busy}
                onChange={(e) => {
                  const on = (e.currentTarget as HTMLInputElement).checked;
                  save.submit({ tags: on ? [...mark.tags, tag] : mark.tags.filter((t) => t !== tag), handled: mark.handled });
                }}
              />{' '}
              {tag}
            </label>
          ))}
          <label class="small">
            <input type="checkbox" checked={mark.handled} disabled={save.busy} onChange={(e) => save.submit({ tags: mark.tags, handled: (e.currentTarget as HTMLInputElement).checked })} />{' '}
            {x.t('handled')}
          </label>
        </fieldset>
      ) : (
        <span class="small">
          {mark.tags.map((t) => (
            <span key={t} class="badge">
              {t}
            </span>
          ))}{' '}
          {mark.handled && <span class="badge ok">{x.t('handled')}</span>}
        </span>
      )}
      {caseId ? (
        <Link to={`/cases/${caseId}`}>{x.t('caseLink')}</Link>
      ) : (
        editable && (
          <button type="button" class="secondary small" disabled={open.busy} onClick={() => open.submit()}>
            {x.t('caseFromComment')}
          </button>
        )
      )}
      {(save.error ?? open.error) && <ErrorNotice error={(save.error ?? open.error)!} />}
    </div>
  );
}
