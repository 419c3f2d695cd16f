import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../ids.js';
import { aSite, type TestSite } from '../testing/builders.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { kioskBurst } from './kiosk.js';

let t: TestContext;
let site: TestSite;

async function aStoredResponse(surveyPointId: string, submittedAt: string): Promise<void> {
  await t.db.write((tx) =>
    tx
      .insertInto('responses')
      .values({
        id: newId(),
        survey_point_id: surveyPointId,
        invitation_id: null,
        instrument_id: 'QUAY@1',
        unit_id: site.centreId,
        counter_id: site.counterId,
        staff_id: null,
        procedure_id: null,
        channel: 'counter_tablet',
        submitted_at: submittedAt,
        local_day: '2026-11-20',
        local_hour: 10,
        weekday: 5,
        answers: '{}',
        comment: null,
        demographics: null,
        lang: 'vi',
        created_at: submittedAt,
      })
      .execute(),
  );
}

const burst = (at: string, gap = 20) => t.db.write((tx) => kioskBurst(tx, site.surveyPointId, at, gap));

beforeEach(async () => {
  t = await makeTestApp();
  site = await aSite(t.db, t.clock, { kiosk: true });
});
afterEach(() => t.cleanup());

describe('kioskBurst', () => {
  it('is false for the first submission of a kiosk', async () => {
    expect(await burst('2026-11-20T03:00:00.000Z')).toBe(false);
  });

  it('flags a submission sooner than the minimum gap after the latest one, not one at or after it', async () => {
    await aStoredResponse(site.surveyPointId, '2026-11-20T02:00:00.000Z');
    await aStoredResponse(site.surveyPointId, '2026-11-20T03:00:00.000Z');
    expect(await burst('2026-11-20T03:00:19.999Z')).toBe(true);
    expect(await burst('2026-11-20T03:00:20.000Z')).toBe(false);
    expect(await burst('2026-11-20T03:05:00.000Z')).toBe(false);
  });

  it("looks only at this kiosk's own submissions, and a gap of 0 turns the check off", async () => {
    const other = await aSite(t.db, t.clock, { communeCode: '31950', kiosk: true });
    await aStoredResponse(other.surveyPointId, '2026-11-20T03:00:00.000Z');
    expect(await burst('2026-11-20T03:00:01.000Z')).toBe(false);
    await aStoredResponse(site.surveyPointId, '2026-11-20T03:00:00.000Z');
    expect(await burst('2026-11-20T03:00:01.000Z', 0)).toBe(false);
  });
});
