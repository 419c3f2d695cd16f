import type { InstrumentDefinition, Item } from '../../schema/instrument.js';
import type { SurveyResponseInput } from '../../schema/survey.js';
import type { KeyValueStore } from './storage.js';

/** A Map-backed store; `failing` makes every call throw, like a blocked localStorage. */
export function memoryStore(options: { failing?: boolean } = {}): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  const guard = () => {
    if (options.failing) throw new DOMException('blocked', 'SecurityError');
  };
  return {
    data,
    getItem: (key) => (guard(), data.get(key) ?? null),
    setItem: (key, value) => (guard(), void data.set(key, value)),
    removeItem: (key) => (guard(), void data.delete(key)),
  };
}

const text = (vi: string, en: string) => ({ vi, en });

export function anItem(code: string, factor: string | null, overrides: Partial<Item> = {}): Item {
  return {
    code,
    role: factor ? 'criterion' : 'overall',
    scale: 'scale5',
    factor,
    text: text(`Câu ${code}`, `Question ${code}`),
    allowNa: true,
    ...overrides,
  };
}

export function aDefinition(items: Item[], factorCodes: string[], overrides: Partial<InstrumentDefinition> = {}): InstrumentDefinition {
  return {
    code: 'TEST',
    version: 1,
    title: text('Bảng hỏi thử', 'Test instrument'),
    methodologyVersion: 'test',
    parts: [{ code: 'S', title: text('Dịch vụ', 'Service') }],
    factors: factorCodes.map((code) => ({ code, part: 'S', title: text(`Yếu tố ${code}`, `Factor ${code}`) })),
    items,
    comment: { enabled: true, prompt: text('Góp ý', 'Comment') },
    demographics: null,
    ...overrides,
  };
}

/** Shaped like QUAY (methodology §3.4): four criteria on factors 1–4 and an overall question. */
export function quayLike(): InstrumentDefinition {
  return aDefinition(
    [anItem('QUAY.1', 'F1'), anItem('QUAY.2', 'F3'), anItem('QUAY.3', 'F3'), anItem('QUAY.4', 'F4'), anItem('QUAY.ALL', null)],
    ['F1', 'F2', 'F3', 'F4'],
  );
}

/** Shaped like S17: five factors of 4/5/6/3/4 criteria, each with its .SAT question (27 items). */
export function s17Like(): InstrumentDefinition {
  const sizes = [4, 5, 6, 3, 4];
  const factors = sizes.map((_, i) => `S17.${i + 1}`);
  const items = sizes.flatMap((n, i) => [
    ...Array.from({ length: n }, (_, k) => anItem(`S17.${i + 1}.${k + 1}`, factors[i]!)),
    anItem(`S17.${i + 1}.SAT`, factors[i]!, { role: 'factor_sat' }),
  ]);
  return aDefinition(items, factors);
}

export function aPayload(overrides: Partial<SurveyResponseInput> = {}): SurveyResponseInput {
  return {
    id: crypto.randomUUID(),
    code: 'ABCDEFGHJK',
    instrumentId: 'QUAY@1',
    answers: { 'QUAY.1': 5, 'QUAY.2': null },
    lang: 'vi',
    kiosk: false,
    ...overrides,
  };
}
