import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { vnLocalParts } from '../time.js';
import { seedReference, seedResponses } from './demo.js';
import { DEMO_PROCEDURES } from './demo-data.js';

let t: TestContext | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

describe('demo responses', () => {
  // 01:30 in Vietnam, before any of the day's counters open; and noon, halfway through the day.
  it.each([
    ['2026-11-23T18:30:00Z', false],
    ['2026-11-23T05:00:00Z', true],
  ])('seeded at %s are never dated after now, with day and hour as in Vietnam', async (now, someToday) => {
    t = await makeTestApp({ now });
    const deps = { db: t.db, config: t.config, clock: t.clock, logger: silentLogger };
    const written = await seedResponses(deps, await seedReference(deps), { count: 5_000, seed: 3 });
    const rows = await t.db.kysely.selectFrom('responses').select(['submitted_at', 'local_day', 'local_hour']).execute();
    expect(rows).toHaveLength(written);
    expect(written).toBeGreaterThan(4_950);
    expect(rows.filter((r) => r.submitted_at > now.replace('Z', '.000Z'))).toEqual([]);
    const today = vnLocalParts(t.clock.now()).day;
    expect(rows.some((r) => r.local_day === today)).toBe(someToday);
    for (const r of rows) {
      const parts = vnLocalParts(new Date(r.submitted_at));
      expect([r.local_day, r.local_hour]).toEqual([parts.day, parts.hour]);
    }
  });

  it('file each comment with answers that say the same, at the counter and procedure it names', async () => {
    t = await makeTestApp({ now: '2026-11-23T05:00:00Z' });
    const deps = { db: t.db, config: t.config, clock: t.clock, logger: silentLogger };
    await seedResponses(deps, await seedReference(deps), { count: 6_000, seed: 7 });
    const rows = await t.db.kysely
      .selectFrom('responses')
      .innerJoin('counters', 'counters.id', 'responses.counter_id')
      .innerJoin('units', 'units.id', 'responses.unit_id')
      .innerJoin('procedures', 'procedures.id', 'responses.procedure_id')
      .select(['responses.comment', 'responses.answers', 'counters.code as counter', 'units.code as unit', 'procedures.field'])
      .where('responses.comment', 'is not', null)
      .execute();
    expect(rows.length).toBeGreaterThan(300);
    const fields = [...new Set(DEMO_PROCEDURES.map((p) => p.field.toLocaleLowerCase('vi')))];
    const attitude = /cộc lốc|to tiếng|khó chịu|thái độ/i;
    const mismatched = rows.flatMap((r) => {
      const answers = JSON.parse(r.answers) as Record<string, number | null>;
      const comment = r.comment!;
      const counter = /quầy (\d)/i.exec(comment)?.[1];
      const field = fields.find((f) => comment.includes(`hồ sơ ${f}`));
      const wrong = [
        counter && `Q${counter}` !== r.counter && `filed at ${r.counter}`,
        field && field !== r.field.toLocaleLowerCase('vi') && `filed under ${r.field}`,
        attitude.test(comment) && !(answers['QUAY.2']! <= 2) && `attitude scored ${answers['QUAY.2']}`,
      ].filter(Boolean);
      return wrong.length ? [`${comment} (${wrong.join(', ')})`] : [];
    });
    expect(mismatched).toEqual([]);
    // Behind the seeded weakness (staff attitude at Giá Rai's counter 3), most comments are about attitude.
    const behindWeakest = rows.filter((r) => r.unit === '31942-TTPVHCC' && r.counter === 'Q3' && (JSON.parse(r.answers) as Record<string, number>)['QUAY.2']! <= 2);
    expect(behindWeakest.length).toBeGreaterThan(5);
    expect(behindWeakest.filter((r) => attitude.test(r.comment!)).length / behindWeakest.length).toBeGreaterThan(0.6);
  });
});
