import { z } from 'zod';
import {
  dossierTimeIssues,
  DossierUpdate,
  FACT_KEYS,
  UnitIndicatorInput,
  type DossierState,
  type UnitIndicatorResult,
} from '../../schema/dossiers.js';
import type { Deps } from '../deps.js';
import { subtreeCondition } from '../db/like.js';
import type { Db } from '../db/types.js';
import { AppError, parseWith } from '../http.js';
import { keyedHash } from '../ids.js';
import { dossierDay, dossierScores, isOverdue } from '../indicators/dossier.js';
import { parseFacts, readDossiers } from '../indicators/read.js';
import { vnLocalParts } from '../time.js';
import type { InvitationIssuer } from './issue.js';

/**
 * The integration API's later calls about a dossier: its facts as they become known (mostly at
 * return), and the scores a unit gets as a whole for a quarter or year. A key reaches only dossiers
 * and units in its own subtree; anything else is answered as unknown.
 */

const DossierCode = z.string().trim().min(1).max(100);

function invalid(path: string, message: string): AppError {
  return new AppError('validation_failed', 400, 'The request is not valid', [{ path: [path], message }]);
}

const toUtc = (iso: string | null | undefined) => (iso === undefined ? undefined : iso === null ? null : new Date(iso).toISOString());

/** PATCH /api/v1/dossiers/{dossierCode}: merges what is given into the dossier and answers how it now scores. */
export async function updateDossier(deps: Deps, key: InvitationIssuer, rawCode: string, raw: unknown): Promise<DossierState> {
  const dossierCode = parseWith(DossierCode, rawCode, 'dossier code');
  const update = parseWith(DossierUpdate, raw, 'request body');
  const hash = keyedHash(deps.config.serverSecret, 'dossier', dossierCode);
  const now = deps.clock.now();
  const invitationId = await deps.db.write(async (tx) => {
    const found = await tx
      .selectFrom('invitations as i')
      .innerJoin('units as u', 'u.id', 'i.unit_id')
      .select(['i.id', 'i.received_at', 'i.due_at', 'i.returned_at', 'i.facts', 'i.issued_day'])
      .where('i.dossier_hash', '=', hash)
      .where(subtreeCondition('u.path', key.unitPath))
      .$if(update.unitCode !== undefined, (q) => q.where('u.code', '=', update.unitCode!))
      .execute();
    if (found.length === 0) throw new AppError('not_found', 404, "No dossier has this code in this API key's area");
    if (found.length > 1) throw invalid('unitCode', 'This dossier code was issued at several units: give unitCode');
    const current = found[0]!;
    const times = {
      receivedAt: toUtc(update.receivedAt) ?? (update.receivedAt === null ? null : current.received_at),
      dueAt: toUtc(update.dueAt) ?? (update.dueAt === null ? null : current.due_at),
      returnedAt: toUtc(update.returnedAt) ?? (update.returnedAt === null ? null : current.returned_at),
    };
    const [wrong] = dossierTimeIssues(times);
    if (wrong) throw invalid(wrong.path, wrong.message);
    const facts: Record<string, unknown> = { ...parseFacts(current.facts) };
    for (const k of FACT_KEYS) {
      const value = update[k];
      if (value === null) delete facts[k];
      else if (value !== undefined) facts[k] = value;
    }
    await tx
      .updateTable('invitations')
      .set({
        received_at: times.receivedAt,
        due_at: times.dueAt,
        returned_at: times.returnedAt,
        facts: Object.keys(facts).length ? JSON.stringify(facts) : null,
        dossier_day: dossierDay(times, current.issued_day),
      })
      .where('id', '=', current.id)
      .execute();
    return current.id;
  });
  return dossierState(deps.db.kysely, invitationId, vnLocalParts(now).day);
}

async function dossierState(db: Db, invitationId: string, today: string): Promise<DossierState> {
  const row = await db
    .selectFrom('invitations as i')
    .innerJoin('units as u', 'u.id', 'i.unit_id')
    .select(['u.code', 'i.unit_id', 'i.dossier_day'])
    .where('i.id', '=', invitationId)
    .executeTakeFirstOrThrow();
  const [dossier] = (await readDossiers(db, { unitIds: [row.unit_id], from: row.dossier_day, to: row.dossier_day })).filter((d) => d.invitationId === invitationId);
  const { record } = dossier!;
  return {
    unitCode: row.code,
    receivedAt: record.receivedAt,
    dueAt: record.dueAt,
    returnedAt: record.returnedAt,
    facts: record.facts,
    answered: dossier!.answered,
    dossierDay: dossier!.dossierDay,
    scores: dossierScores(record, today),
    overdue: isOverdue(record, today),
  };
}

/** The unit named by code in the key's subtree (else the key's own unit), as for invitations. */
async function keyUnit(db: Db, key: InvitationIssuer, unitCode: string | undefined): Promise<{ id: string; code: string }> {
  if (unitCode === undefined) {
    const own = await db.selectFrom('units').select(['id', 'code']).where('id', '=', key.unitId).executeTakeFirst();
    if (!own) throw new AppError('unauthenticated', 401, 'The API key is not valid');
    return own;
  }
  const found = await db.selectFrom('units').select(['id', 'code']).where('code', '=', unitCode).where(subtreeCondition('path', key.unitPath)).execute();
  if (found.length !== 1) throw invalid('unitCode', found.length ? `Unit code ${unitCode} is ambiguous in this API key's scope` : `No unit has code ${unitCode} in this API key's area`);
  return found[0]!;
}

/** PUT /api/v1/unit-indicators: sets (or with null removes) a unit's own scores for a quarter or year. */
export async function setUnitIndicators(deps: Deps, key: InvitationIssuer, raw: unknown): Promise<UnitIndicatorResult> {
  const input = parseWith(UnitIndicatorInput, raw, 'request body');
  const now = deps.clock.now().toISOString();
  return deps.db.write(async (tx) => {
    const unit = await keyUnit(tx, key, input.unitCode);
    for (const [code, score] of Object.entries(input.scores)) {
      const where = tx.deleteFrom('unit_indicator_scores').where('unit_id', '=', unit.id).where('period', '=', input.period).where('code', '=', code);
      if (score === null || score === undefined) {
        await where.execute();
        continue;
      }
      const tenths = Math.round(score * 10);
      await tx
        .insertInto('unit_indicator_scores')
        .values({ unit_id: unit.id, period: input.period, code, tenths, updated_at: now })
        .onConflict((oc) => oc.columns(['unit_id', 'period', 'code']).doUpdateSet({ tenths, updated_at: now }))
        .execute();
    }
    const rows = await tx.selectFrom('unit_indicator_scores').select(['code', 'tenths']).where('unit_id', '=', unit.id).where('period', '=', input.period).orderBy('code').execute();
    return { unitCode: unit.code, period: input.period, scores: Object.fromEntries(rows.map((r) => [r.code, r.tenths / 10])) };
  });
}
