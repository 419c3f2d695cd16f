import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { randomUuid, timeOrderedUuid } from './storage.js';

describe('submission ids', () => {
  it('are v7 UUIDs the server accepts, carrying the time they were made', () => {
    const at = Date.UTC(2026, 10, 23, 10, 30, 0, 123);
    const id = timeOrderedUuid(at);
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(id[14]).toBe('7');
    expect('89ab').toContain(id[19]);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('ascend with time, so the server appends them to its index', () => {
    let t = Date.UTC(2026, 0, 1);
    let previous = timeOrderedUuid(t);
    for (let i = 0; i < 1000; i++) {
      t += 1 + Math.floor(Math.random() * 100_000);
      const next = timeOrderedUuid(t);
      expect(next > previous).toBe(true);
      previous = next;
    }
  });

  it('differ when made in the same millisecond', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => timeOrderedUuid(1_700_000_000_000)));
    expect(ids.size).toBe(1000);
  });

  it('device marks stay random v4 UUIDs', () => {
    const id = randomUuid();
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(id[14]).toBe('4');
  });
});
