import { randomUUID } from 'node:crypto';
import type { SurveyResponseInput } from '../../schema/survey.js';
import type { Clock } from '../clock.js';
import type { AppDatabase } from '../db/database.js';
import type { UnitKind } from '../db/types.js';
import { newId, newSurveyCode } from '../ids.js';
import { ensureBuiltinInstruments } from '../instruments/store.js';

export interface TestSite {
  provinceId: string;
  centreId: string;
  counterId: string;
  surveyPointId: string;
  surveyCode: string;
}

/** A province → commune → centre → counter with an open QUAY@1 survey point. */
export async function aSite(
  db: AppDatabase,
  clock: Clock,
  options: { provinceCode?: string; communeCode?: string; kiosk?: boolean; status?: 'open' | 'closed' } = {},
): Promise<TestSite> {
  await ensureBuiltinInstruments(db.kysely, clock);
  const now = clock.now().toISOString();
  const stamp = { created_at: now, updated_at: now };
  const provinceCode = options.provinceCode ?? '96';
  const communeCode = options.communeCode ?? '31942';
  return db.write(async (tx) => {
    const existingProvince = await tx
      .selectFrom('units')
      .select(['id', 'path'])
      .where('kind', '=', 'province')
      .where('code', '=', provinceCode)
      .executeTakeFirst();
    const unit = async (kind: UnitKind, code: string, name: string, parent: { id: string; path: string } | null) => {
      const id = newId();
      const path = `${parent?.path ?? '/'}${id}/`;
      await tx
        .insertInto('units')
        .values({ id, parent_id: parent?.id ?? null, kind, code, name, path, province_id: path.split('/')[1]!, ...stamp })
        .execute();
      return { id, path };
    };
    const province = existingProvince ?? (await unit('province', provinceCode, `Tỉnh ${provinceCode}`, null));
    const commune = await unit('commune', communeCode, `Phường ${communeCode}`, province);
    const centre = await unit('centre', `${communeCode}-TT`, `Trung tâm PVHCC phường ${communeCode}`, commune);
    const counterId = newId();
    await tx.insertInto('counters').values({ id: counterId, unit_id: centre.id, code: 'Q1', name: 'Quầy 1', ...stamp }).execute();
    const surveyPointId = newId();
    const surveyCode = newSurveyCode();
    await tx
      .insertInto('survey_points')
      .values({
        id: surveyPointId,
        code: surveyCode,
        unit_id: centre.id,
        counter_id: counterId,
        instrument_id: 'QUAY@1',
        status: options.status ?? 'open',
        kiosk: options.kiosk ? 1 : 0,
        ...stamp,
      })
      .execute();
    return { provinceId: province.id, centreId: centre.id, counterId, surveyPointId, surveyCode };
  });
}

/** A valid QUAY@1 submission for a survey code; override any field. */
export function aResponse(code: string, overrides: Partial<SurveyResponseInput> = {}): SurveyResponseInput {
  return {
    id: randomUUID(),
    code,
    instrumentId: 'QUAY@1',
    answers: { 'QUAY.1': 5, 'QUAY.2': 4, 'QUAY.3': 3, 'QUAY.4': null, 'QUAY.ALL': 4 },
    lang: 'vi',
    kiosk: false,
    ...overrides,
  };
}

export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): [string, RequestInit] {
  return [path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }];
}
