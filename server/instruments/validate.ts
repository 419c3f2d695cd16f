import { InstrumentDefinition } from '../../schema/instrument.js';
import type { ErrorIssue } from '../../schema/errors.js';
import { AppError, parseWith } from '../http.js';

/**
 * What the zod shape cannot say: codes are unique, every factor belongs to a declared part, every
 * criterion and factor question to a declared factor, each factor has at most one `.SAT` question
 * and the instrument at most one overall question. The scoring engine relies on all of it.
 */
export function definitionIssues(definition: InstrumentDefinition): ErrorIssue[] {
  const issues: ErrorIssue[] = [];
  const parts = new Set(definition.parts.map((p) => p.code));
  if (parts.size !== definition.parts.length) issues.push({ path: ['parts'], message: 'Part codes must be unique' });
  const factors = new Set<string>();
  definition.factors.forEach((factor, i) => {
    if (factors.has(factor.code)) issues.push({ path: ['factors', i, 'code'], message: `Factor ${factor.code} is listed twice` });
    factors.add(factor.code);
    if (!parts.has(factor.part)) {
      issues.push({ path: ['factors', i, 'part'], message: `Factor ${factor.code} belongs to undeclared part ${factor.part}` });
    }
  });
  const codes = new Set<string>();
  const satFactors = new Set<string>();
  let overall = 0;
  definition.items.forEach((item, i) => {
    const at = (field: string) => ['items', i, field];
    if (codes.has(item.code)) issues.push({ path: at('code'), message: `Item ${item.code} is listed twice` });
    codes.add(item.code);
    if (item.role === 'overall') {
      overall++;
      if (item.factor !== null) issues.push({ path: at('factor'), message: `Overall item ${item.code} belongs to no factor` });
      if (overall > 1) issues.push({ path: at('role'), message: 'An instrument has at most one overall item' });
      return;
    }
    if (item.factor === null || !factors.has(item.factor)) {
      issues.push({ path: at('factor'), message: `Item ${item.code} must belong to one of the instrument's factors` });
      return;
    }
    if (item.role === 'factor_sat') {
      if (satFactors.has(item.factor)) {
        issues.push({ path: at('role'), message: `Factor ${item.factor} already has a satisfaction question` });
      }
      satFactors.add(item.factor);
    }
  });
  return issues;
}

/**
 * What a version needs before citizens see it, beyond consistency: something to score, and no part
 * or factor left empty (it would show as a blank row in every report).
 */
export function publishIssues(definition: InstrumentDefinition): ErrorIssue[] {
  const issues: ErrorIssue[] = [];
  const criteria = definition.items.filter((item) => item.role === 'criterion');
  if (criteria.length === 0) issues.push({ path: ['items'], message: 'Add at least one criterion' });
  definition.parts.forEach((part, i) => {
    if (!definition.factors.some((f) => f.part === part.code)) {
      issues.push({ path: ['parts', i], message: `Part ${part.code} has no factor: add one or remove the part` });
    }
  });
  definition.factors.forEach((factor, i) => {
    if (!criteria.some((c) => c.factor === factor.code)) {
      issues.push({ path: ['factors', i], message: `Factor ${factor.code} has no criterion: add one or remove the factor` });
    }
  });
  return issues;
}

/** Parses and checks a definition from outside; throws the one 400 shape listing every problem. */
export function parseInstrumentDefinition(input: unknown): InstrumentDefinition {
  const definition = parseWith(InstrumentDefinition, input, 'instrument definition');
  const issues = definitionIssues(definition);
  if (issues.length) throw new AppError('validation_failed', 400, 'The instrument definition is not consistent', issues);
  return definition;
}

/** Like parseInstrumentDefinition, for a version about to be published. */
export function parsePublishableDefinition(input: unknown): InstrumentDefinition {
  const definition = parseInstrumentDefinition(input);
  const issues = publishIssues(definition);
  if (issues.length) throw new AppError('validation_failed', 400, 'The questionnaire is not ready to publish', issues);
  return definition;
}

/**
 * The same checks for a definition sent inside a request body, with each issue's path starting at
 * that field (['definition', 'items', 3, 'factor']) so the editor can put it next to the input.
 */
export function assertDefinitionIn(field: string, definition: InstrumentDefinition, forPublishing = false): void {
  const issues = [...definitionIssues(definition), ...(forPublishing ? publishIssues(definition) : [])];
  if (issues.length) {
    throw new AppError(
      'validation_failed',
      400,
      forPublishing ? 'The questionnaire is not ready to publish' : 'The questionnaire is not consistent',
      issues.map((i) => ({ ...i, path: [field, ...i.path] })),
    );
  }
}
