import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { isLowAnswer } from '../../schema/callback-rules.js';
import { labelOnce } from '../../schema/labels.js';
import type { Demographics, Lang, PublicSurvey, SurveyResponseInput } from '../../schema/survey.js';
import { CallbackOffer, type ContactSender } from './callback.js';
import { clearDraft, hasInput, loadDraft, newDraft, saveDraft, type Draft } from './draft.js';
import type { Translate } from './i18n.js';
import type { Delivery, Outbox } from './outbox.js';
import { deviceMark } from './prefs.js';
import { minutesToAnswer, planScreens, unanswered } from './screens.js';
import { timeOrderedUuid, type KeyValueStore } from './storage.js';
import { Chips, Message, Question } from './widgets.js';

/** Kiosk: back to the start this long after the thank-you, and a half-filled survey is wiped after this much idleness. */
export const KIOSK_THANKS_MS = 30_000;
export const KIOSK_IDLE_MS = 90_000;
const START = -1;

interface SurveyProps {
  survey: PublicSurvey;
  store: KeyValueStore;
  kiosk: boolean;
  lang: Lang;
  t: Translate;
  outbox: Outbox;
  deliveries: Record<string, Delivery>;
  /** Sends a call-back contact for a stored answer (nothing leaves the page in preview). */
  sendContact: ContactSender;
  onKioskReset: () => void;
}

/**
 * One survey from the start screen to the thank-you: question screens, then comment and
 * demographics, then delivery through the outbox. Every change is saved so a reload resumes.
 */
export function Survey({ survey, store, kiosk, lang, t, outbox, deliveries, sendContact, onKioskReset }: SurveyProps) {
  const { code } = survey;
  const definition = survey.instrument.definition;
  const screens = useMemo(() => planScreens(definition), [definition]);
  const asks = definition.demographics && !kiosk ? definition.demographics : null;
  const askDemographics = !!asks && (asks.ageBand || asks.gender || asks.firstVisit);
  const finalScreen = definition.comment.enabled || askDemographics;
  const lastStep = finalScreen ? screens.length : screens.length - 1;

  const fresh = () => {
    const now = Date.now();
    return newDraft(code, survey.instrument.id, timeOrderedUuid(now), now);
  };
  const [draft, setDraft] = useState<Draft>(() => loadDraft(store, code, survey.instrument.id, Date.now()) ?? fresh());
  const [step, setStep] = useState(() => (hasInput(draft) ? Math.min(draft.step, lastStep) : START));
  const [submittedId, setSubmittedId] = useState(() => outbox.pendingFor(code)?.id ?? null);
  const [missing, setMissing] = useState<string[]>([]);
  const navigated = useRef(false);
  const pushed = useRef(0);
  const kioskReturn = useRef<ReturnType<typeof setTimeout>>();

  const delivery = submittedId ? (deliveries[submittedId] ?? { state: 'sending' }) : null;
  const inQuestions = step !== START && !submittedId;

  const update = (change: Partial<Draft> | ((current: Draft) => Partial<Draft>)) =>
    setDraft((current) => {
      const next = { ...current, ...(typeof change === 'function' ? change(current) : change), savedAt: Date.now() };
      saveDraft(store, next);
      return next;
    });

  const show = (next: number, remember = true) => {
    navigated.current = true;
    setMissing([]);
    setStep(next);
    if (next !== START) update({ step: next });
    if (remember) {
      history.pushState({ step: next }, '');
      pushed.current += 1;
    }
  };

  // The phone's back button walks back through the screens this page added, then leaves.
  useEffect(() => {
    const onPop = (event: PopStateEvent) => {
      pushed.current = Math.max(0, pushed.current - 1);
      const target: unknown = (event.state as { step?: unknown } | null)?.step;
      if (!submittedId) show(typeof target === 'number' ? Math.min(target, lastStep) : START, false);
    };
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, [submittedId, lastStep]);

  const back = () => {
    if (pushed.current > 0) history.back();
    else show(step - 1, false);
  };

  // After each move, start reading at the new heading (screen readers announce it, sighted users see the top).
  useEffect(() => {
    if (!navigated.current) return;
    scrollTo(0, 0);
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [step, submittedId, delivery?.state]);

  useEffect(() => {
    if (missing.length) document.querySelector<HTMLInputElement>(`[id="q-${missing[0]}"] input`)?.focus();
  }, [missing]);

  useEffect(() => {
    if (delivery?.state === 'sent' && submittedId === draft.id) clearDraft(store, code);
  }, [delivery?.state]);

  const restart = () => {
    clearTimeout(kioskReturn.current);
    kioskReturn.current = undefined;
    clearDraft(store, code);
    navigated.current = true;
    pushed.current = 0;
    setDraft(fresh());
    setSubmittedId(null);
    setMissing([]);
    setStep(START);
    onKioskReset();
  };

  // Kiosk: the next citizen finds the start screen, never someone else's half-filled answers. A kiosk
  // does not stay on a result screen either: answers still waiting for the network stay in the outbox.
  useEffect(() => {
    if (kiosk && delivery && delivery.state !== 'sending' && !kioskReturn.current) {
      kioskReturn.current = setTimeout(restart, KIOSK_THANKS_MS);
    }
  }, [delivery?.state]);
  useEffect(() => () => clearTimeout(kioskReturn.current), []);
  useEffect(() => {
    if (!kiosk || !inQuestions) return;
    let timer = setTimeout(restart, KIOSK_IDLE_MS);
    const active = () => {
      clearTimeout(timer);
      timer = setTimeout(restart, KIOSK_IDLE_MS);
    };
    const events = ['pointerdown', 'keydown', 'input', 'scroll'];
    for (const name of events) addEventListener(name, active, { capture: true, passive: true });
    return () => {
      clearTimeout(timer);
      for (const name of events) removeEventListener(name, active, { capture: true });
    };
  }, [kiosk, inQuestions]);

  const answer = (itemCode: string, value: number | null) => {
    update((current) => ({ answers: { ...current.answers, [itemCode]: value } }));
    if (missing.includes(itemCode)) setMissing(missing.filter((c) => c !== itemCode));
  };

  const submit = () => {
    const firstIncomplete = screens.findIndex((screen) => unanswered(screen.items, draft.answers).length > 0);
    if (firstIncomplete >= 0) {
      show(firstIncomplete);
      setMissing(unanswered(screens[firstIncomplete]!.items, draft.answers).map((item) => item.code));
      return;
    }
    const payload: SurveyResponseInput = {
      id: draft.id,
      code,
      instrumentId: survey.instrument.id,
      answers: draft.answers,
      lang,
      kiosk,
      deviceMark: deviceMark(store),
    };
    const comment = draft.comment.trim();
    if (definition.comment.enabled && comment) payload.comment = comment;
    if (askDemographics && Object.keys(draft.demographics).length) payload.demographics = draft.demographics;
    navigated.current = true;
    setSubmittedId(draft.id);
    void outbox.submit(payload);
  };

  const next = () => {
    const screen = screens[step];
    const notAnswered = screen ? unanswered(screen.items, draft.answers) : [];
    if (notAnswered.length) {
      setMissing(notAnswered.map((item) => item.code));
      return;
    }
    if (step === lastStep) submit();
    else show(step + 1);
  };

  if (delivery) {
    if (delivery.state === 'sent') {
      // A call-back is offered after a low rating, where the point offers it, never on a shared tablet.
      const binary = new Set(definition.items.filter((item) => item.scale === 'binary').map((item) => item.code));
      const offer =
        !kiosk && survey.callbackRetentionDays && submittedId === draft.id && isLowAnswer(draft.answers, binary) ? (
          <CallbackOffer responseId={draft.id} retentionDays={survey.callbackRetentionDays} lang={lang} t={t} send={sendContact} />
        ) : null;
      return <Thanks t={t} kiosk={kiosk} onRestart={restart} callback={offer} />;
    }
    if (delivery.state === 'rejected') {
      return delivery.code === 'wrong_instrument' ? (
        <Message t={t} code={delivery.code} action={{ label: t('reload'), run: () => location.reload() }} />
      ) : (
        <Message t={t} code={delivery.code} body={t('err_rejected_body', { code: delivery.code })} />
      );
    }
    return <Sending t={t} delivery={delivery} retry={() => void outbox.flush()} />;
  }

  const context = (
    <div class="context">
      <p class="unit">{survey.unitName}</p>
      {survey.counterName && (
        <p>
          {labelOnce(t('counter'), survey.counterName)}
        </p>
      )}
      {survey.procedureName && (
        <p>
          {labelOnce(t('procedure'), survey.procedureName)}
        </p>
      )}
    </div>
  );

  if (step === START) {
    return (
      <section class="screen start">
        {context}
        <h1 tabIndex={-1}>{t('appTitle')}</h1>
        <p class="lead">{definition.intro?.[lang] ?? t('intro', { min: minutesToAnswer(definition) })}</p>
        <div class="nav">
          <button
            type="button"
            class="primary"
            onClick={() => {
              if (kiosk) document.documentElement.requestFullscreen?.().catch(() => undefined);
              show(0);
            }}
          >
            {t('start')}
          </button>
        </div>
      </section>
    );
  }

  const screen = screens[step];
  const firstNumber = screens.slice(0, step).reduce((sum, s) => sum + s.items.length, 1);
  return (
    <section class="screen">
      <div class="context compact">
        <p class="unit">{survey.unitName}</p>
      </div>
      <p class="progress">
        {t('stepOf', { n: step + 1, total: lastStep + 1 })}
        <span class="meter" aria-hidden="true">
          <span style={{ width: `${((step + 1) / (lastStep + 1)) * 100}%` }} />
        </span>
      </p>
      {screen?.part && <p class="part">{screen.part[lang]}</p>}
      <h1 tabIndex={-1}>
        {!screen ? t('finalTitle') : screen.title === 'overall' ? t('overallTitle') : (screen.title ?? definition.title)[lang]}
      </h1>
      {screen ? (
        screen.items.map((item, i) => (
          <Question
            key={item.code}
            item={item}
            number={firstNumber + i}
            lang={lang}
            t={t}
            value={draft.answers[item.code]}
            missing={missing.includes(item.code)}
            onAnswer={(value) => answer(item.code, value)}
          />
        ))
      ) : (
        <FinalScreen survey={survey} asks={asks} draft={draft} lang={lang} t={t} update={update} />
      )}
      {missing.length > 0 && (
        <p class="error summary" role="alert">
          {t('missingSummary', { n: missing.length })}
        </p>
      )}
      <div class="nav">
        <button type="button" class="secondary" onClick={back}>
          {t('back')}
        </button>
        <button type="button" class="primary" onClick={next}>
          {step === lastStep ? t('submit') : t('next')}
        </button>
      </div>
    </section>
  );
}

function FinalScreen({
  survey,
  asks,
  draft,
  lang,
  t,
  update,
}: {
  survey: PublicSurvey;
  asks: { ageBand: boolean; gender: boolean; firstVisit: boolean } | null;
  draft: Draft;
  lang: Lang;
  t: Translate;
  update: (change: (current: Draft) => Partial<Draft>) => void;
}) {
  const { comment } = survey.instrument.definition;
  const setDemographic = (change: Demographics) =>
    update((current) => ({ demographics: { ...current.demographics, ...change } }));
  return (
    <>
      {comment.enabled && (
        <div class="comment">
          <label for="comment">{comment.prompt[lang]}</label>
          <p class="hint" id="comment-hint">
            {/* Say "optional" unless the instrument's own prompt already does. */}
            {comment.prompt[lang].toLowerCase().includes(t('commentHint').toLowerCase()) ? '' : `${t('commentHint')} · `}
            {t('charsLeft', { n: survey.commentMaxChars - draft.comment.length })}
          </p>
          <textarea
            id="comment"
            rows={5}
            maxLength={survey.commentMaxChars}
            aria-describedby="comment-hint"
            value={draft.comment}
            onInput={(event) => {
              const text = event.currentTarget.value;
              update(() => ({ comment: text }));
            }}
          />
        </div>
      )}
      {asks && (asks.ageBand || asks.gender || asks.firstVisit) && (
        <div class="about">
          <h2>{t('aboutYou')}</h2>
          {asks.ageBand && (
            <Chips
              legend={t('ageBand')}
              name="ageBand"
              options={(['under_25', '25_39', '40_59', '60_plus'] as const).map((value) => ({ value, label: t(`age_${value}`) }))}
              value={draft.demographics.ageBand}
              onChoose={(ageBand) => setDemographic({ ageBand })}
            />
          )}
          {asks.gender && (
            <Chips
              legend={t('gender')}
              name="gender"
              options={(['female', 'male', 'other'] as const).map((value) => ({ value, label: t(`gender_${value}`) }))}
              value={draft.demographics.gender}
              onChoose={(gender) => setDemographic({ gender })}
            />
          )}
          {asks.firstVisit && (
            <Chips
              legend={t('firstVisit')}
              name="firstVisit"
              options={[
                { value: true, label: t('yes') },
                { value: false, label: t('no') },
              ]}
              value={draft.demographics.firstVisit}
              onChoose={(firstVisit) => setDemographic({ firstVisit })}
            />
          )}
        </div>
      )}
    </>
  );
}

function Sending({ t, delivery, retry }: { t: Translate; delivery: Delivery; retry: () => void }) {
  const waiting = delivery.state === 'waiting' ? delivery : null;
  return (
    <section class="screen sending">
      <h1 tabIndex={-1}>{t('sending')}</h1>
      <div role="status">
        {waiting && <p class="notice">{t(waiting.reason === 'offline' ? 'offline' : 'serverBusy')}</p>}
      </div>
      {waiting && (
        <button type="button" class="secondary" onClick={retry}>
          {t('retryNow')}
        </button>
      )}
    </section>
  );
}

function Thanks({ t, kiosk, onRestart, callback }: { t: Translate; kiosk: boolean; onRestart: () => void; callback: ComponentChildren }) {
  return (
    <section class="screen thanks">
      <svg class="tick" viewBox="0 0 48 48" width="72" height="72" aria-hidden="true">
        <circle cx="24" cy="24" r="22" />
        <path d="M14 25l7 7 13-15" />
      </svg>
      <h1 tabIndex={-1}>{t('thanks')}</h1>
      <p class="lead">{t('thanksBody')}</p>
      {kiosk ? (
        <>
          <p>{t('kioskReturn', { s: KIOSK_THANKS_MS / 1000 })}</p>
          <button type="button" class="primary" onClick={onRestart}>
            {t('newSurvey')}
          </button>
        </>
      ) : (
        <>
          {callback}
          <p>{t('thanksClose')}</p>
        </>
      )}
    </section>
  );
}
