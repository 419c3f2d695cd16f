import { useEffect, useMemo, useState } from 'preact/hooks';
import type { SessionInfo } from '../../schema/admin.js';
import { api, onSessionLost, onSignInStepRequired, setCsrfToken } from './api.js';
import { Forbidden, Loading, NotFound } from './components/ui.js';
import { Layout } from './components/Layout.js';
import { storedLang, storeLang, words, WordsContext, type Lang } from './i18n.js';
import { LoginPage } from './pages/login/LoginPage.js';
import { SignInStepPage } from './pages/login/SignInStepPage.js';
import { match, useLocation } from './router.js';
import { ROUTES, type PageRoute } from './routes.js';
import { SessionContext, type Session } from './session.js';

type SessionState = { state: 'checking' } | { state: 'signed-out'; expired: boolean } | { state: 'signed-in'; info: SessionInfo };

function findRoute(path: string): { route: PageRoute; params: Record<string, string> } | undefined {
  for (const route of ROUTES) {
    if (route.prefix && (path === route.pattern || path.startsWith(`${route.pattern}/`))) return { route, params: {} };
    const params = match(route.pattern, path);
    if (params) return { route, params };
  }
  return undefined;
}

export function App() {
  const [lang, setLang] = useState<Lang>(storedLang);
  const [session, setSession] = useState<SessionState>({ state: 'checking' });
  const location = useLocation();
  const w = useMemo(() => words(lang), [lang]);

  useEffect(() => storeLang(lang), [lang]);

  const signedIn = (info: SessionInfo) => {
    setCsrfToken(info.csrfToken);
    setSession({ state: 'signed-in', info });
  };
  const signedOut = () => setSession((prev) => ({ state: 'signed-out', expired: prev.state === 'signed-in' }));
  const check = () => api.auth.session().then((state) => (state.session ? signedIn(state.session) : signedOut()), signedOut);

  useEffect(() => {
    onSessionLost(() => setSession({ state: 'signed-out', expired: true }));
    onSignInStepRequired(() => void check());
    void check();
  }, []);

  const value: Session | null =
    session.state === 'signed-in'
      ? {
          info: session.info,
          can: (p) => session.info.permissions.includes(p),
          signOut: () => {
            void api.auth.logout().finally(() => setSession({ state: 'signed-out', expired: false }));
          },
          refresh: () => void check(),
        }
      : null;

  let content;
  if (session.state === 'checking') content = <Loading />;
  else if (session.state === 'signed-out' || !value) {
    content = <LoginPage expired={session.state === 'signed-out' && session.expired} onSignedIn={signedIn} />;
  } else if (value.info.pending) {
    // A step of sign-in is still to do: nothing of the admin is shown (the API refuses it too).
    content = <SignInStepPage info={value.info} onSignedIn={signedIn} onRefresh={value.refresh} onSignOut={value.signOut} />;
  } else {
    const found = findRoute(location.path);
    const page = !found ? <NotFound /> : found.route.permission && !value.can(found.route.permission) ? <Forbidden /> : found.route.page(found.params);
    content = (
      <Layout lang={lang} onLang={setLang} path={location.path}>
        {/* Pages that keep their own state of the address (the dashboards) restart with the language. */}
        <div key={`${found?.route.pattern ?? ''}|${lang}`}>{page}</div>
      </Layout>
    );
  }

  return (
    <WordsContext.Provider value={w}>
      <SessionContext.Provider value={value}>{content}</SessionContext.Provider>
    </WordsContext.Provider>
  );
}
