import { useEffect, useLayoutEffect, useMemo, useState } from 'preact/hooks';
import { embeddedLoad, fetchSurvey, isPublicSurvey, postContact, postResponse, PREVIEW_CODE, type LoadResult } from './api.js';
import { translator, type Translate } from './i18n.js';
import { createOutbox, type Delivery } from './outbox.js';
import { applyPrefs, loadPrefs, savePrefs, TEXT_SIZES, type Prefs } from './prefs.js';
import type { KeyValueStore } from './storage.js';
import { Survey } from './survey.js';
import { Message } from './widgets.js';

interface AppProps {
  store: KeyValueStore;
  code: string;
  kioskParam: boolean;
}

function initialLoad(code: string): LoadResult | null {
  if (!code) return { kind: 'error', code: 'not_found' };
  if (code === PREVIEW_CODE) return null;
  return embeddedLoad(document, code);
}

/** In preview nothing leaves the page: every submission counts as delivered at once. */
const previewTransport = () => Promise.resolve({ kind: 'sent' as const });

/**
 * Preview: the admin page that framed us (same origin only) sends the survey to show, again after
 * every edit; we ask for it once we listen. Returns a number that changes with each survey shown.
 */
function usePreview(enabled: boolean, show: (load: LoadResult) => void): number {
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    const onMessage = (event: MessageEvent<unknown>) => {
      if (event.origin !== location.origin || event.source !== parent) return;
      const survey = (event.data as { survey?: unknown } | null)?.survey;
      if (!isPublicSurvey(survey)) return;
      setRound((n) => n + 1);
      show({ kind: 'ok', survey });
    };
    addEventListener('message', onMessage);
    parent.postMessage({ type: 'sipas-preview-ready' }, location.origin);
    return () => removeEventListener('message', onMessage);
  }, [enabled]);
  return round;
}

/** Loads the survey (embedded in the page, else fetched), owns display choices and the outbox. */
export function App({ store, code, kioskParam }: AppProps) {
  const preview = code === PREVIEW_CODE;
  const [prefs, setPrefs] = useState(() => loadPrefs(store));
  const [load, setLoad] = useState(() => initialLoad(code));
  const [deliveries, setDeliveries] = useState<Record<string, Delivery>>({});
  const previewRound = usePreview(preview, setLoad);
  const outbox = useMemo(
    () =>
      createOutbox({
        store,
        transport: preview ? previewTransport : postResponse,
        onChange: (id, delivery) => setDeliveries((known) => ({ ...known, [id]: delivery })),
      }),
    [store],
  );
  const kiosk = kioskParam || (load?.kind === 'ok' && load.survey.kiosk);
  const t = translator(prefs.lang);

  useLayoutEffect(() => {
    applyPrefs(document.documentElement, prefs, kiosk);
    document.title = t('appTitle');
  }, [prefs, kiosk]);

  // Anything left waiting by an earlier visit (this code or another) goes out now and whenever the network returns.
  useEffect(() => {
    const flush = () => void outbox.flush();
    flush();
    addEventListener('online', flush);
    return () => removeEventListener('online', flush);
  }, [outbox]);

  const retryLoad = () => setLoad(null);
  useEffect(() => {
    if (load === null) {
      if (preview) return;
      let current = true;
      void fetchSurvey(code).then((result) => current && setLoad(result));
      return () => (current = false);
    }
    if (load.kind === 'error' && load.code === 'network') {
      addEventListener('online', retryLoad);
      return () => removeEventListener('online', retryLoad);
    }
  }, [load]);

  const choose = (change: Partial<Prefs>) =>
    setPrefs((current) => {
      const next = { ...current, ...change };
      savePrefs(store, next);
      return next;
    });

  return (
    <>
      <Toolbar prefs={prefs} t={t} choose={choose} />
      {preview && (
        <p class="preview-banner" role="note">
          {t('previewBanner')}
        </p>
      )}
      <main id="main">
        {load === null ? (
          <p class="loading" role="status">
            {t(preview ? 'previewWaiting' : 'loading')}
          </p>
        ) : load.kind === 'error' ? (
          <Message
            t={t}
            code={load.code}
            action={load.code === 'network' || load.code === 'other' ? { label: t('tryAgain'), run: retryLoad } : undefined}
          />
        ) : (
          <Survey
            key={`${load.survey.code}|${previewRound}`}
            survey={load.survey}
            store={store}
            kiosk={kiosk}
            lang={prefs.lang}
            t={t}
            outbox={outbox}
            deliveries={deliveries}
            sendContact={preview ? previewTransport : postContact}
            onKioskReset={() => choose({ lang: 'vi' })}
          />
        )}
      </main>
    </>
  );
}

const SIZE_LABELS = { small: ['A-', 'textSmall'], normal: ['A', 'textNormal'], large: ['A+', 'textLarge'] } as const;

function Toolbar({ prefs, t, choose }: { prefs: Prefs; t: Translate; choose: (change: Partial<Prefs>) => void }) {
  const other = prefs.lang === 'vi' ? 'en' : 'vi';
  return (
    <header class="toolbar">
      <button type="button" class="tool lang" lang={other} onClick={() => choose({ lang: other })}>
        {t('switchLang')}
      </button>
      <div class="tools" role="group" aria-label={t('settings')}>
        {TEXT_SIZES.map((size) => {
          const [mark, key] = SIZE_LABELS[size];
          return (
            <button
              type="button"
              class={`tool size-${size}`}
              aria-pressed={prefs.size === size}
              aria-label={`${mark} ${t(key)}`}
              onClick={() => choose({ size })}
            >
              {mark}
            </button>
          );
        })}
        <button
          type="button"
          class="tool"
          aria-pressed={prefs.contrast}
          aria-label={t('contrast')}
          onClick={() => choose({ contrast: !prefs.contrast })}
        >
          <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
            <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="2" />
            <path d="M12 3a9 9 0 0 1 0 18z" fill="currentColor" />
          </svg>
        </button>
      </div>
    </header>
  );
}
