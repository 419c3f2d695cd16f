import { describe, expect, it } from 'vitest';
import { clearDraft, draftKey, DRAFT_MAX_AGE_MS, hasInput, loadDraft, newDraft, saveDraft } from './draft.js';
import { memoryStore } from './test-builders.js';

const NOW = Date.parse('2026-11-20T03:00:00Z');
const ID = '6f1c1f8e-8b7a-4c39-9d1e-0a4b7d0c2e11';

describe('draft storage', () => {
  it('gives back exactly what was saved, keyed by survey code', () => {
    const store = memoryStore();
    const draft = { ...newDraft('ABCDEFGHJK', 'QUAY@1', ID, NOW), answers: { 'QUAY.1': 4, 'QUAY.4': null }, comment: 'Tốt', step: 1 };
    expect(saveDraft(store, draft)).toBe(true);
    expect(loadDraft(store, 'ABCDEFGHJK', 'QUAY@1', NOW + 1000)).toEqual(draft);
    expect(loadDraft(store, 'OTHERCODE1', 'QUAY@1', NOW)).toBeNull();
    expect([...store.data.keys()]).toEqual([draftKey('ABCDEFGHJK')]);
  });

  it('keeps the response id, so a resumed survey submits under the same idempotency key', () => {
    const store = memoryStore();
    saveDraft(store, newDraft('ABCDEFGHJK', 'QUAY@1', ID, NOW));
    expect(loadDraft(store, 'ABCDEFGHJK', 'QUAY@1', NOW)?.id).toBe(ID);
  });

  it('drops a draft made for another instrument version (the questions changed)', () => {
    const store = memoryStore();
    saveDraft(store, newDraft('ABCDEFGHJK', 'QUAY@1', ID, NOW));
    expect(loadDraft(store, 'ABCDEFGHJK', 'QUAY@2', NOW)).toBeNull();
  });

  it('drops a draft from an earlier visit', () => {
    const store = memoryStore();
    saveDraft(store, newDraft('ABCDEFGHJK', 'QUAY@1', ID, NOW));
    expect(loadDraft(store, 'ABCDEFGHJK', 'QUAY@1', NOW + DRAFT_MAX_AGE_MS)).not.toBeNull();
    expect(loadDraft(store, 'ABCDEFGHJK', 'QUAY@1', NOW + DRAFT_MAX_AGE_MS + 1)).toBeNull();
  });

  it.each([
    ['not JSON', '{"id":'],
    ['an array', '[]'],
    ['an out-of-range answer', JSON.stringify({ ...newDraft('ABCDEFGHJK', 'QUAY@1', ID, NOW), answers: { 'QUAY.1': 6 } })],
    ['a fractional answer', JSON.stringify({ ...newDraft('ABCDEFGHJK', 'QUAY@1', ID, NOW), answers: { 'QUAY.1': 2.5 } })],
    ['a missing id', JSON.stringify({ ...newDraft('ABCDEFGHJK', 'QUAY@1', ID, NOW), id: undefined })],
  ])('ignores a stored draft that is %s', (_, stored) => {
    const store = memoryStore();
    store.setItem(draftKey('ABCDEFGHJK'), stored);
    expect(loadDraft(store, 'ABCDEFGHJK', 'QUAY@1', NOW)).toBeNull();
  });

  it('survives a storage that throws on every call (private mode, blocked storage)', () => {
    const store = memoryStore({ failing: true });
    const draft = newDraft('ABCDEFGHJK', 'QUAY@1', ID, NOW);
    expect(saveDraft(store, draft)).toBe(false);
    expect(loadDraft(store, 'ABCDEFGHJK', 'QUAY@1', NOW)).toBeNull();
    expect(() => clearDraft(store, 'ABCDEFGHJK')).not.toThrow();
  });

  it('clears only the given code', () => {
    const store = memoryStore();
    saveDraft(store, newDraft('ABCDEFGHJK', 'QUAY@1', ID, NOW));
    saveDraft(store, newDraft('KJHGFEDCBA', 'QUAY@1', ID, NOW));
    clearDraft(store, 'ABCDEFGHJK');
    expect(loadDraft(store, 'ABCDEFGHJK', 'QUAY@1', NOW)).toBeNull();
    expect(loadDraft(store, 'KJHGFEDCBA', 'QUAY@1', NOW)).not.toBeNull();
  });

  it('counts a "no opinion" answer, a comment or a demographic as input worth resuming', () => {
    const empty = newDraft('ABCDEFGHJK', 'QUAY@1', ID, NOW);
    expect(hasInput(empty)).toBe(false);
    expect(hasInput({ ...empty, answers: { 'QUAY.4': null } })).toBe(true);
    expect(hasInput({ ...empty, comment: '  ' })).toBe(false);
    expect(hasInput({ ...empty, comment: 'x' })).toBe(true);
    expect(hasInput({ ...empty, demographics: { firstVisit: false } })).toBe(true);
  });
});
