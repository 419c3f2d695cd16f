import { sql, type Expression, type SqlBool } from 'kysely';

/** Text with LIKE's wildcards and the escape character escaped; use with `escape '\'`. */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, '\\$&');

/** The LIKE pattern for everything under a materialized path (units.path of a subtree root). */
export const likePrefix = (path: string) => `${escapeLike(path)}%`;

/** `<column> LIKE '<path>%'`: rows whose path lies in the subtree rooted at `path`. */
export function subtreeCondition(column: string, path: string): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} like ${likePrefix(path)} escape '\\'`;
}
