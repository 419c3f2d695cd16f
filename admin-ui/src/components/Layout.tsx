import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useWords, type Lang } from '../i18n.js';
import { Link } from '../router.js';
import { ROUTES } from '../routes.js';
import { useSession } from '../session.js';

/** The frame of every signed-in page: skip link, header, navigation by permission, main region. */
export function Layout({ lang, onLang, path, children }: { lang: Lang; onLang(lang: Lang): void; path: string; children: ComponentChildren }) {
  const w = useWords();
  const session = useSession();
  const [menuOpen, setMenuOpen] = useState(false);
  const entries = ROUTES.filter((r) => r.nav && (!r.permission || session.can(r.permission))).sort((a, b) => a.nav!.order - b.nav!.order);
  const isCurrent = (pattern: string) => (pattern === '/' ? path === '/' : path === pattern || path.startsWith(`${pattern}/`));
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        {w.t('skipToContent')}
      </a>
      <header class="topbar">
        <Link to="/" class="brand">
          {w.t('appTitle')}
        </Link>
        <div class="topbar-tools">
          <span class="who">{w.t('signedInAs', { name: session.info.user.displayName })}</span>
          <button type="button" class="secondary" lang={lang === 'vi' ? 'en' : 'vi'} aria-label={w.t('switchLangLabel')} onClick={() => onLang(lang === 'vi' ? 'en' : 'vi')}>
            {w.t('switchLang')}
          </button>
          <button type="button" class="secondary" onClick={session.signOut}>
            {w.t('signOut')}
          </button>
        </div>
      </header>
      <div class="body">
        <nav class={`sidenav${menuOpen ? ' open' : ''}`} aria-label={w.t('mainNav')}>
          <button type="button" class="menu-toggle secondary" aria-expanded={menuOpen} onClick={() => setMenuOpen(!menuOpen)}>
            {w.t('menu')}
          </button>
          <ul>
            {entries.map((r) => (
              <li key={r.pattern}>
                <Link to={r.pattern} current={isCurrent(r.pattern)} class={isCurrent(r.pattern) ? 'on' : undefined}>
                  {r.nav!.label(w)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" class="content" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
