import { useEffect, useRef, useState } from 'preact/hooks';
import type { InstrumentDefinition } from '../../../../schema/instrument.js';

/** What the survey page shows above the questions; the questionnaire itself comes from the caller. */
export interface PreviewContext {
  unitName: string;
  counterName: string | null;
  kiosk: boolean;
}

/** The survey page's preview (/s/_preview, survey-ui/src/api.ts), framed and sent the survey by postMessage. */
const PREVIEW_PATH = '/s/_preview';

/**
 * The citizen's survey in a 360 × 640 phone frame: the real survey page, shown the questionnaire
 * being edited (again after every change) and sending nothing. It loads the survey app only when
 * asked (a button), so the admin page itself stays light.
 */
export function PhonePreview(props: { id: string; definition: InstrumentDefinition; context: PreviewContext; title: string; showLabel: string }) {
  const [shown, setShown] = useState(false);
  if (!shown) {
    return (
      <button type="button" class="secondary" onClick={() => setShown(true)}>
        {props.showLabel}
      </button>
    );
  }
  return <PreviewFrame {...props} />;
}

function PreviewFrame({ id, definition, context, title }: { id: string; definition: InstrumentDefinition; context: PreviewContext; title: string }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const onMessage = (event: MessageEvent<unknown>) => {
      if (event.origin !== location.origin || event.source !== frame.current?.contentWindow) return;
      if ((event.data as { type?: unknown } | null)?.type === 'sipas-preview-ready') setReady(true);
    };
    addEventListener('message', onMessage);
    return () => removeEventListener('message', onMessage);
  }, []);
  const survey = {
    code: 'preview',
    kind: 'point' as const,
    unitName: context.unitName,
    counterName: context.counterName,
    procedureName: null,
    kiosk: context.kiosk,
    instrument: { id, definition },
    commentMaxChars: 1000,
  };
  const payload = JSON.stringify(survey);
  useEffect(() => {
    if (ready) frame.current?.contentWindow?.postMessage({ survey: JSON.parse(payload) as unknown }, location.origin);
  }, [ready, payload]);
  return (
    <div class="phone-frame">
      <iframe ref={frame} src={PREVIEW_PATH} title={title} width={360} height={640} />
    </div>
  );
}
