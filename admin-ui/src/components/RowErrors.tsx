import { useWords } from '../i18n.js';

export interface RowError<C extends string> {
  row: number;
  column: string;
  code: C;
  message: string;
  value?: string;
}

/**
 * A dry run's row errors (row number, column, reason, and the value when known), as every import
 * lists them. The server lists only the first ones of a long list; `total` counts them all.
 */
export function RowErrorTable<C extends string>({
  errors,
  total,
  title,
  reason,
}: {
  errors: readonly RowError<C>[];
  total: number;
  title: string;
  reason: (code: C) => string;
}) {
  const w = useWords();
  const withValues = errors.some((e) => e.value !== undefined);
  return (
    <>
      <p class="notice error" role="alert">
        {title}
      </p>
      <div class="table-box" role="region" aria-label={title} tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col" class="num">{w.t('row')}</th>
              <th scope="col">{w.t('column')}</th>
              <th scope="col">{w.t('reason')}</th>
              {withValues && <th scope="col">{w.t('value')}</th>}
            </tr>
          </thead>
          <tbody>
            {errors.map((e, i) => (
              <tr key={i}>
                <td class="num">{e.row}</td>
                <td>
                  <code>{e.column}</code>
                </td>
                <td>
                  <strong>{reason(e.code)}</strong>
                  <br />
                  <span class="small muted">{e.message}</span>
                </td>
                {withValues && <td>{e.value !== undefined && <code>{e.value}</code>}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {total > errors.length && <p class="muted small">{w.t('errorsNotListed', { n: w.int(total - errors.length) })}</p>}
    </>
  );
}
