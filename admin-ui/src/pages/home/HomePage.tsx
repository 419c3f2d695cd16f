import type { Permission } from '../../../../schema/admin.js';
import { useWords, type Words } from '../../i18n.js';
import { Link } from '../../router.js';
import { useSession } from '../../session.js';
import { PageTitle } from '../../components/ui.js';
import { HeadlineFigures } from '../dashboard/Headline.js';
import { CaseInbox } from '../cases/CasesPage.js';

/** A page the home page may offer as a shortcut (routes.tsx hands its list in, so this page does not import it back). */
export interface ShortcutPage {
  pattern: string;
  permission?: Permission;
  nav?: { label(w: Words): string };
}

/** How my area is doing, who I am, on which units, and the pages my roles open. */
export function HomePage({ pages }: { pages: readonly ShortcutPage[] }) {
  const w = useWords();
  const { info, can } = useSession();
  const shortcuts = pages.filter((r) => r.nav && r.pattern !== '/' && (!r.permission || can(r.permission)));
  return (
    <section>
      <PageTitle title={w.t('navHome')}>{w.t('homeTitle', { name: info.user.displayName })}</PageTitle>
      {/* What a supervisor opens the app for first: how their centre is doing. */}
      {can('dashboard.read') && <HeadlineFigures />}
      {/* Then what is waiting for them: follow-up cases by status, overdue, and their own. */}
      {can('dashboard.read') && <CaseInbox />}
      <h2>{w.t('homeRoles')}</h2>
      {info.grants.length === 0 ? (
        <p class="notice">{w.t('homeNoRoles')}</p>
      ) : (
        <ul class="role-list">
          {info.grants.map((g) => (
            <li key={`${g.role}-${g.unitId}`}>
              <strong>{w.role(g.role)}</strong>
              {' – '}
              {g.unitId ? (
                <Link to={`/units/${g.unitId}`}>
                  {g.unitName} ({g.unitKind ? w.kind(g.unitKind) : ''} {g.unitCode})
                </Link>
              ) : (
                w.t('roleEverywhere')
              )}
            </li>
          ))}
        </ul>
      )}
      <h2>{w.t('homeShortcuts')}</h2>
      <ul class="tiles">
        {shortcuts.map((r) => (
          <li key={r.pattern}>
            <Link to={r.pattern} class="tile">
              {r.nav!.label(w)}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
