import type { ComponentChildren } from 'preact';
import type { Item } from '../../schema/instrument.js';
import type { Lang } from '../../schema/survey.js';
import { errorMessageKeys, type MessageKey, type Translate } from './i18n.js';

/** A full-page message: an error the citizen should understand, with at most one thing to do. */
export function Message({
  t,
  code,
  body,
  action,
}: {
  t: Translate;
  code: string;
  body?: string | undefined;
  action?: { label: string; run: () => void } | undefined;
}) {
  const keys = errorMessageKeys(code);
  return (
    <section class="screen message">
      <svg class="icon" viewBox="0 0 24 24" width="56" height="56" aria-hidden="true">
        <circle cx="12" cy="12" r="10" fill="none" stroke="currentColor" stroke-width="2" />
        <path d="M12 7v6" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" />
        <circle cx="12" cy="17" r="1.4" fill="currentColor" />
      </svg>
      <h1 tabIndex={-1}>{t(keys.title)}</h1>
      <p>{body ?? t(keys.body)}</p>
      {action && (
        <button type="button" class="primary" onClick={action.run}>
          {action.label}
        </button>
      )}
    </section>
  );
}

const MOUTHS = ['M7.5 17q4.5-5 9 0', 'M8 16.5q4-2.5 8 0', 'M8 15.5h8', 'M8 14.5q4 3 8 0', 'M7 13.5q5 6 10 0'];

/** A face for each level, so the scale reads without words too; the words carry the meaning. */
function Face({ value }: { value: number }) {
  return (
    <svg class={`face face-${value}`} viewBox="0 0 24 24" width="36" height="36" aria-hidden="true">
      <circle cx="12" cy="12" r="11" />
      <circle class="eye" cx="8.5" cy="9.5" r="1.4" />
      <circle class="eye" cx="15.5" cy="9.5" r="1.4" />
      <path d={MOUTHS[value - 1]} />
    </svg>
  );
}

interface Choice {
  value: number | null;
  label: MessageKey;
  face?: number;
}

const SCALE5: Choice[] = [1, 2, 3, 4, 5].map((value) => ({ value, label: `answer${value}` as MessageKey, face: value }));
/** Yes/no items store 2 = Có, 1 = Không (as the intake checks). */
const BINARY: Choice[] = [
  { value: 2, label: 'yes' },
  { value: 1, label: 'no' },
];
const NO_OPINION: Choice = { value: null, label: 'answerNa' };

export function Question({
  item,
  number,
  lang,
  t,
  value,
  missing,
  onAnswer,
}: {
  item: Item;
  number: number;
  lang: Lang;
  t: Translate;
  value: number | null | undefined;
  missing: boolean;
  onAnswer: (value: number | null) => void;
}) {
  const choices = item.scale === 'binary' ? BINARY : SCALE5;
  const errorId = `e-${item.code}`;
  const option = (choice: Choice) => {
    const checked = value === choice.value;
    return (
      <label class={`option${checked ? ' checked' : ''}${choice.value === null ? ' no-opinion' : ''}`}>
        <input
          type="radio"
          name={item.code}
          value={choice.value === null ? 'na' : String(choice.value)}
          checked={checked}
          onChange={() => onAnswer(choice.value)}
        />
        {choice.face && <Face value={choice.face} />}
        <span>{t(choice.label)}</span>
      </label>
    );
  };
  return (
    <fieldset
      class={`question${missing ? ' missing' : ''}`}
      id={`q-${item.code}`}
      aria-describedby={missing ? errorId : undefined}
    >
      <legend>
        <span class="number">{number}.</span> {item.text[lang]}
        {item.required === false && <span class="optional"> ({t('optional')})</span>}
      </legend>
      {missing && (
        <p class="error" id={errorId}>
          {t('required')}
        </p>
      )}
      <div class="options">{choices.map(option)}</div>
      {item.allowNa && <div class="options">{option(NO_OPINION)}</div>}
    </fieldset>
  );
}

/** A row of small radio chips for an optional demographic question. */
export function Chips<V extends string | boolean>({
  legend,
  name,
  options,
  value,
  onChoose,
}: {
  legend: ComponentChildren;
  name: string;
  options: { value: V; label: string }[];
  value: V | undefined;
  onChoose: (value: V) => void;
}) {
  return (
    <fieldset class="chips">
      <legend>{legend}</legend>
      {options.map((option) => (
        <label class={`chip${value === option.value ? ' checked' : ''}`}>
          <input
            type="radio"
            name={name}
            value={String(option.value)}
            checked={value === option.value}
            onChange={() => onChoose(option.value)}
          />
          <span>{option.label}</span>
        </label>
      ))}
    </fieldset>
  );
}
