import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { useWords } from '../i18n.js';
import { Link } from '../router.js';

/* ───────────── loading data ───────────── */

export type Loaded<T> =
  | { state: 'loading'; data?: T; reload(): void }
  | { state: 'ready'; data: T; reload(): void }
  | { state: 'error'; error: ApiError; data?: T; reload(): void };

/** Runs a call when its inputs change; keeps the previous data on screen while the next loads. */
export function useLoad<T>(load: () => Promise<T>, inputs: readonly unknown[]): Loaded<T> {
  const [result, setResult] = useState<{ state: 'loading' | 'ready' | 'error'; data?: T; error?: ApiError }>({ state: 'loading' });
  const [round, setRound] = useState(0);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  useEffect(() => {
    let live = true;
    setResult((prev) => ({ state: 'loading', ...(prev.data !== undefined ? { data: prev.data } : {}) }));
    load().then(
      (data) => live && setResult({ state: 'ready', data }),
      (err: unknown) => live && setResult((prev) => ({ state: 'error', error: asApiError(err), ...(prev.data !== undefined ? { data: prev.data } : {}) })),
    );
    return () => {
      live = false;
    };
    // Runs again when the caller's inputs change or reload() is called.
  }, [...inputs, round]);
  if (result.state === 'ready') return { state: 'ready', data: result.data as T, reload };
  if (result.state === 'error') return { state: 'error', error: result.error!, ...(result.data !== undefined ? { data: result.data } : {}), reload };
  return { state: 'loading', ...(result.data !== undefined ? { data: result.data } : {}), reload };
}

export function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
}

/* ───────────── page states ───────────── */

export function Loading() {
  const w = useWords();
  return (
    <p class="muted" role="status">
      {w.t('loading')}
    </p>
  );
}

/** The clear 403 page: shown whenever the API refuses a unit outside the caller's area. */
export function Forbidden() {
  const w = useWords();
  return (
    <section class="state-page" aria-labelledby="state-title">
      <h1 id="state-title">{w.t('forbiddenTitle')}</h1>
      <p>{w.t('forbiddenBody')}</p>
      <Link to="/" class="button-link">
        {w.t('forbiddenHome')}
      </Link>
    </section>
  );
}

export function NotFound() {
  const w = useWords();
  return (
    <section class="state-page" aria-labelledby="state-title">
      <h1 id="state-title">{w.t('notFoundTitle')}</h1>
      <p>{w.t('notFoundBody')}</p>
      <Link to="/" class="button-link">
        {w.t('forbiddenHome')}
      </Link>
    </section>
  );
}

export function ErrorNotice({ error, retry }: { error: ApiError; retry?: () => void }) {
  const w = useWords();
  const text = error.code === 'network' ? w.t('errorNetwork') : w.t('errorGeneric', { message: error.message });
  return (
    <div class="notice error" role="alert">
      <p>{text}</p>
      {retry && (
        <button type="button" onClick={retry}>
          {w.t('retry')}
        </button>
      )}
    </div>
  );
}

/** What a page shows for a failed load: the 403 page, the 404 page, or the error with a retry. */
export function LoadFailed({ error, retry }: { error: ApiError; retry: () => void }) {
  if (error.status === 403) return <Forbidden />;
  if (error.status === 404) return <NotFound />;
  return <ErrorNotice error={error} retry={retry} />;
}

/** Renders a load: spinner, failure page, or the content. */
export function Await<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (loaded.state === 'error') return <LoadFailed error={loaded.error} retry={loaded.reload} />;
  if (loaded.data === undefined) return <Loading />;
  return <div class={loaded.state === 'loading' ? 'stale' : undefined}>{children(loaded.data)}</div>;
}

/** Sets the document title and moves focus to the page heading, so screen readers hear the new page. */
export function PageTitle({ children, title }: { children: ComponentChildren; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  const w = useWords();
  useEffect(() => {
    document.title = `${title} – ${w.t('appTitle')}`;
    ref.current?.focus();
  }, [title]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

/* ───────────── forms ───────────── */

/** Field messages from a 400 validation error, by the first element of each issue's path. */
export function fieldErrors(error: ApiError | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error?.issues ?? []) {
    const key = String(issue.path[0] ?? '');
    out[key] ??= issue.message;
  }
  return out;
}

let fieldSerial = 0;
function useFieldId(prefix: string): string {
  const [id] = useState(() => `${prefix}-${++fieldSerial}`);
  return id;
}

interface FieldProps {
  label: string;
  hint?: string;
  error?: string;
  required?: boolean;
}

function FieldShell({ id, label, hint, error, required, children }: FieldProps & { id: string; children: ComponentChildren }) {
  const w = useWords();
  return (
    <div class={`form-field${error ? ' invalid' : ''}`}>
      <label for={id}>
        {label}
        {required && <span class="req" aria-hidden="true"> *</span>}
        {required && <span class="sr-only"> ({w.t('required')})</span>}
      </label>
      {children}
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

function describedBy(id: string, hint?: string, error?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return ids || undefined;
}

export function TextField(
  props: FieldProps & {
    value: string;
    onInput(value: string): void;
    type?: 'text' | 'password' | 'search' | 'date';
    autoComplete?: string;
    name?: string;
    placeholder?: string;
  },
) {
  const id = useFieldId(props.name ?? 'f');
  return (
    <FieldShell id={id} {...props}>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        required={props.required}
        placeholder={props.placeholder}
        autoComplete={props.autoComplete}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy(id, props.hint, props.error)}
        onInput={(e) => props.onInput((e.currentTarget as HTMLInputElement).value)}
      />
    </FieldShell>
  );
}

export function SelectField<V extends string>(
  props: FieldProps & { value: V; onChange(value: V): void; options: readonly { value: V; label: string }[]; name?: string },
) {
  const id = useFieldId(props.name ?? 's');
  return (
    <FieldShell id={id} {...props}>
      <select
        id={id}
        name={props.name}
        value={props.value}
        required={props.required}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy(id, props.hint, props.error)}
        onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value as V)}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function Checkbox({ label, checked, onChange }: { label: string; checked: boolean; onChange(checked: boolean): void }) {
  const id = useFieldId('c');
  return (
    <div class="form-check">
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange((e.currentTarget as HTMLInputElement).checked)} />
      <label for={id}>{label}</label>
    </div>
  );
}

/** A form that runs an async submit, shows "saving", and lists a failure above its buttons. */
export function Form({
  onSubmit,
  children,
  submitLabel,
  onCancel,
  error,
  busy,
  label,
}: {
  onSubmit(): void;
  children: ComponentChildren;
  submitLabel: string;
  onCancel?: () => void;
  error?: ApiError | undefined;
  busy: boolean;
  label?: string;
}) {
  const w = useWords();
  const general = error && !(error.status === 400 && error.issues.length > 0);
  return (
    <form
      class="form"
      aria-label={label}
      noValidate
      onSubmit={(e: JSX.TargetedEvent<HTMLFormElement>) => {
        e.preventDefault();
        if (!busy) onSubmit();
      }}
    >
      {children}
      {general && <ErrorNotice error={error} />}
      {error && !general && (
        <p class="field-error" role="alert">
          {error.message}
        </p>
      )}
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? w.t('saving') : submitLabel}
        </button>
        {onCancel && (
          <button type="button" class="secondary" onClick={onCancel}>
            {w.t('cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

/** Runs an API call for a form or button: busy flag, error, and success callback. */
export function useSubmit<T, A extends unknown[] = []>(run: (...args: A) => Promise<T>, done: (result: T) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const submit = (...args: A) => {
    setBusy(true);
    setError(undefined);
    run(...args).then(
      (result) => {
        setBusy(false);
        done(result);
      },
      (err: unknown) => {
        setBusy(false);
        setError(asApiError(err));
      },
    );
  };
  return { busy, error, submit };
}

/** A secret shown once (a generated password, a new API key), with a copy button. */
export function SecretOnce({ intro, secret }: { intro: string; secret: string }) {
  const w = useWords();
  const [copied, setCopied] = useState(false);
  return (
    <div class="notice secret" role="status">
      <p>{intro}</p>
      <p>
        <code class="secret-value">{secret}</code>
      </p>
      <button
        type="button"
        onClick={() => {
          void navigator.clipboard?.writeText(secret).then(() => setCopied(true));
        }}
      >
        {copied ? w.t('copied') : w.t('copy')}
      </button>
    </div>
  );
}

export function Pager({ offset, limit, total, onPage }: { offset: number; limit: number; total: number; onPage(offset: number): void }) {
  const w = useWords();
  if (total <= limit) return <p class="muted small">{w.t('total', { n: w.int(total) })}</p>;
  return (
    <nav class="pager" aria-label={w.t('total', { n: w.int(total) })}>
      <button type="button" disabled={offset === 0} onClick={() => onPage(Math.max(0, offset - limit))}>
        {w.t('previous')}
      </button>
      <span class="muted small">
        {w.int(offset + 1)}–{w.int(Math.min(total, offset + limit))} / {w.int(total)}
      </span>
      <button type="button" disabled={offset + limit >= total} onClick={() => onPage(offset + limit)}>
        {w.t('next')}
      </button>
    </nav>
  );
}

export function StatusBadge({ active }: { active: boolean }) {
  const w = useWords();
  return <span class={active ? 'badge ok' : 'badge'}>{active ? w.t('active') : w.t('inactive')}</span>;
}
