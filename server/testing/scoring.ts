import type { Instrument, InstrumentDefinition, Item, PartCode } from '../../schema/instrument.js';
import { ScoringSettings } from '../../schema/scoring.js';
import type { Counts } from '../../schema/scoring.js';

/** Test builders for the scoring engine: small instruments, counts with given n and x, settings. */

const text = (s: string) => ({ vi: s, en: s });

export interface InstrumentSpec {
  id?: string;
  /** part → factor → criterion codes */
  parts: Partial<Record<PartCode, Record<string, string[]>>>;
  /** factor code → its `.SAT` question code */
  factorQuestions?: Record<string, string>;
  binary?: string[];
  overall?: string;
}

export function anInstrument(spec: InstrumentSpec): Instrument {
  const parts = Object.entries(spec.parts) as [PartCode, Record<string, string[]>][];
  const items: Item[] = parts.flatMap(([, factors]) =>
    Object.entries(factors).flatMap(([factor, codes]) =>
      codes.map(
        (code): Item => ({
          code,
          role: 'criterion',
          scale: spec.binary?.includes(code) ? 'binary' : 'scale5',
          factor,
          text: text(code),
          allowNa: true,
        }),
      ),
    ),
  );
  for (const [factor, code] of Object.entries(spec.factorQuestions ?? {})) {
    items.push({ code, role: 'factor_sat', scale: 'scale5', factor, text: text(code), allowNa: true });
  }
  if (spec.overall) items.push({ code: spec.overall, role: 'overall', scale: 'scale5', factor: null, text: text(spec.overall), allowNa: true });
  const definition: InstrumentDefinition = {
    code: 'TEST',
    version: 1,
    title: text('Test'),
    methodologyVersion: 'test-method',
    parts: parts.map(([code]) => ({ code, title: text(code) })),
    factors: parts.flatMap(([part, factors]) => Object.keys(factors).map((code) => ({ code, part, title: text(code) }))),
    items,
    comment: { enabled: false, prompt: text('-') },
    demographics: null,
  };
  return { id: spec.id ?? 'TEST@1', definition };
}

/** Counts with n valid answers of which x satisfied (x split over 4/5, the rest over 1/2/3), plus na. */
export function countsWith(x: number, n: number, na = 0): Counts {
  const rest = n - x;
  return [na, Math.floor(rest / 3), Math.floor(rest / 3), rest - 2 * Math.floor(rest / 3), Math.floor(x / 2), x - Math.floor(x / 2)];
}

export function settingsWith(overrides: Partial<ScoringSettings> = {}): ScoringSettings {
  return ScoringSettings.parse(overrides);
}
