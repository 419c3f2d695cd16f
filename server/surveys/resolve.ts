import type { Db } from '../db/types.js';
import type { Clock } from '../clock.js';
import { AppError } from '../http.js';
import { sha256Hex } from '../ids.js';

/**
 * Where a scanned code leads. A survey-point code is 10 characters; an invitation token is a 43
 * character secret (its SHA-256 is stored, never the token).
 */
export interface SurveyTarget {
  kind: 'point' | 'invitation';
  surveyPointId: string;
  invitationId: string | null;
  unitId: string;
  counterId: string | null;
  staffId: string | null;
  procedureId: string | null;
  instrumentId: string;
  kiosk: boolean;
  /** The point offers a call-back after a low rating (server/callbacks/). */
  callbackOffered: boolean;
}

export const INVITATION_TOKEN_LENGTH = 43;

export function isInvitationToken(code: string): boolean {
  return code.length === INVITATION_TOKEN_LENGTH && /^[A-Za-z0-9_-]+$/.test(code);
}

/**
 * Resolves a code to its survey target, or throws the error the citizen should see: unknown,
 * retired ("this QR is no longer in use"), closed, or an invitation that is used or expired.
 */
export async function resolveSurveyCode(db: Db, clock: Clock, code: string): Promise<SurveyTarget> {
  if (isInvitationToken(code)) return resolveInvitation(db, clock, code);
  const point = await db
    .selectFrom('survey_points')
    .select(['id', 'unit_id', 'counter_id', 'instrument_id', 'status', 'kiosk', 'callback_offered'])
    .where('code', '=', code)
    .executeTakeFirst();
  if (!point) {
    const retired = await db.selectFrom('retired_codes').select('code').where('code', '=', code).executeTakeFirst();
    if (retired) throw new AppError('survey_point_retired', 410, 'This QR code is no longer in use');
    throw new AppError('not_found', 404, 'No survey has this code');
  }
  if (point.status !== 'open') throw new AppError('survey_point_closed', 409, 'This survey is closed');
  return {
    kind: 'point',
    surveyPointId: point.id,
    invitationId: null,
    unitId: point.unit_id,
    counterId: point.counter_id,
    staffId: null,
    procedureId: null,
    instrumentId: point.instrument_id,
    kiosk: point.kiosk === 1,
    callbackOffered: point.callback_offered === 1,
  };
}

async function resolveInvitation(db: Db, clock: Clock, token: string): Promise<SurveyTarget> {
  const row = await db
    .selectFrom('invitations')
    .innerJoin('survey_points', 'survey_points.id', 'invitations.survey_point_id')
    .select([
      'invitations.id',
      'invitations.survey_point_id',
      'invitations.unit_id',
      'invitations.counter_id',
      'invitations.staff_id',
      'invitations.procedure_id',
      'invitations.expires_at',
      'invitations.used_at',
      'survey_points.instrument_id',
      'survey_points.callback_offered',
    ])
    .where('invitations.token_hash', '=', sha256Hex(token))
    .executeTakeFirst();
  if (!row) throw new AppError('invitation_invalid', 404, 'This survey link is not valid');
  if (row.used_at) throw new AppError('invitation_used', 409, 'This survey link has already been used');
  if (row.expires_at <= clock.now().toISOString()) {
    throw new AppError('invitation_expired', 410, 'This survey link has expired');
  }
  return {
    kind: 'invitation',
    surveyPointId: row.survey_point_id,
    invitationId: row.id,
    unitId: row.unit_id,
    counterId: row.counter_id,
    staffId: row.staff_id,
    procedureId: row.procedure_id,
    instrumentId: row.instrument_id,
    kiosk: false,
    callbackOffered: row.callback_offered === 1,
  };
}

/**
 * Marks an invitation used inside the response's own transaction. The conditional UPDATE is the
 * single-use guarantee: of any number of concurrent submissions exactly one sees a changed row.
 */
export async function consumeInvitation(tx: Db, invitationId: string, responseId: string, nowIso: string): Promise<boolean> {
  const result = await tx
    .updateTable('invitations')
    .set({ used_at: nowIso, response_id: responseId })
    .where('id', '=', invitationId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
