import type { ApiKeyPrincipal } from '../apikeys/keys.js';
import type { Deps } from '../deps.js';
import { subtreeCondition } from '../db/like.js';
import type { Db } from '../db/types.js';
import { AppError, parseWith } from '../http.js';
import { keyedHash, newId, newSecretToken, sha256Hex } from '../ids.js';
import { qrPng, qrSvg, surveyUrl } from '../qr/qr.js';
import { pointForInvitation } from '../surveypoints/points.js';
import { vnLocalParts } from '../time.js';
import { dossierDay } from '../indicators/dossier.js';
import { FACT_KEYS, type DossierFacts } from '../../schema/dossiers.js';
import {
  InvitationInput,
  type InvitationInputParsed,
  type InvitationIssued,
} from '../../schema/invitations.js';

/** The facts given in a request, as stored (null when none was given). */
function factsJson(input: Partial<DossierFacts>): string | null {
  const facts = Object.fromEntries(FACT_KEYS.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]));
  return Object.keys(facts).length ? JSON.stringify(facts) : null;
}

/** Who issues: an API key scoped to one unit's subtree (the seed passes one of its own). */
export type InvitationIssuer = Pick<ApiKeyPrincipal, 'id' | 'unitId' | 'unitPath'>;

const DAY_MS = 24 * 60 * 60 * 1000;

function unknownCode(field: string, message: string): AppError {
  return new AppError('validation_failed', 400, 'The request body is not valid', [{ path: [field], message }]);
}

interface TargetUnit {
  id: string;
  path: string;
  province_id: string;
}

/**
 * The receiving unit: the one named by unitCode inside the key's subtree, else the key's own unit.
 * A code outside the subtree is answered exactly as an unknown one, so a key learns nothing about
 * which units (or counters) exist elsewhere.
 */
async function receivingUnit(tx: Db, key: InvitationIssuer, unitCode: string | undefined): Promise<TargetUnit> {
  const base = tx.selectFrom('units').select(['id', 'path', 'province_id']);
  if (unitCode === undefined) {
    const own = await base.where('id', '=', key.unitId).executeTakeFirst();
    if (!own) throw new AppError('unauthenticated', 401, 'The API key is not valid');
    return own;
  }
  const inScope = await base.where('code', '=', unitCode).where('active', '=', 1).where(subtreeCondition('path', key.unitPath)).execute();
  if (inScope.length === 1) return inScope[0]!;
  if (inScope.length > 1) throw unknownCode('unitCode', `Unit code ${unitCode} is ambiguous in this API key's scope`);
  throw unknownCode('unitCode', `No unit has code ${unitCode} in this API key's area`);
}

/** A counter by code within the receiving unit's subtree; the counter's own unit then receives the dossier. */
async function receivingCounter(tx: Db, unit: TargetUnit, counterCode: string) {
  const inUnit = await tx
    .selectFrom('counters as c')
    .innerJoin('units as u', 'u.id', 'c.unit_id')
    .select(['c.id', 'u.id as unit_id', 'u.path', 'u.province_id'])
    .where('c.code', '=', counterCode)
    .where('c.active', '=', 1)
    .where(subtreeCondition('u.path', unit.path))
    .execute();
  if (inUnit.length === 1) {
    const c = inUnit[0]!;
    return { counterId: c.id, unit: { id: c.unit_id, path: c.path, province_id: c.province_id } };
  }
  if (inUnit.length > 1) throw unknownCode('counterCode', `Counter code ${counterCode} is ambiguous: give unitCode too`);
  throw unknownCode('counterCode', `No counter has code ${counterCode} at this unit`);
}

async function catalogueId(
  tx: Db,
  table: 'procedures' | 'staff',
  provinceId: string,
  code: string | undefined,
  field: string,
): Promise<string | null> {
  if (code === undefined) return null;
  const row = await tx
    .selectFrom(table)
    .select('id')
    .where('province_id', '=', provinceId)
    .where('code', '=', code)
    .executeTakeFirst();
  if (!row) throw unknownCode(field, `No ${table === 'staff' ? 'staff member' : 'procedure'} has code ${code} in this province`);
  return row.id;
}

const toUtc = (iso: string | undefined) => (iso === undefined ? null : new Date(iso).toISOString());

export interface CreatedInvitation {
  id: string;
  /** The single-use token, returned once and never stored. */
  token: string;
  url: string;
  expiresAt: string;
}

/**
 * Creates a single-use survey link for one dossier. Only the token's SHA-256 and the dossier code's
 * keyed hash are stored. Creating again for the same dossier at the same unit replaces a link that
 * was not used (the receipt was reprinted); once the dossier has been evaluated it is refused.
 */
export async function createInvitation(deps: Deps, key: InvitationIssuer, raw: InvitationInput): Promise<CreatedInvitation> {
  const input: InvitationInputParsed = parseWith(InvitationInput, raw, 'request body');
  const token = newSecretToken();
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + input.expiresInDays * DAY_MS).toISOString();

  const id = await deps.db.write(async (tx) => {
    let unit = await receivingUnit(tx, key, input.unitCode);
    let counterId: string | null = null;
    if (input.counterCode !== undefined) ({ counterId, unit } = await receivingCounter(tx, unit, input.counterCode));
    const procedureId = await catalogueId(tx, 'procedures', unit.province_id, input.procedureCode, 'procedureCode');
    const staffId = await catalogueId(tx, 'staff', unit.province_id, input.staffCode, 'staffCode');
    const dossierHash = keyedHash(deps.config.serverSecret, 'dossier', input.dossierCode);

    const earlier = await tx
      .selectFrom('invitations')
      .select(['id', 'used_at'])
      .where('unit_id', '=', unit.id)
      .where('dossier_hash', '=', dossierHash)
      .execute();
    if (earlier.some((e) => e.used_at !== null)) {
      throw new AppError('conflict', 409, 'This dossier has already been evaluated');
    }
    if (earlier.length > 0) {
      await tx.deleteFrom('invitations').where('id', 'in', earlier.map((e) => e.id)).execute();
    }

    const surveyPointId = await pointForInvitation(tx, deps.clock, unit.id, counterId);
    const invitationId = newId();
    const issuedDay = vnLocalParts(now).day;
    const times = { receivedAt: toUtc(input.receivedAt), returnedAt: toUtc(input.returnedAt) };
    await tx
      .insertInto('invitations')
      .values({
        id: invitationId,
        token_hash: sha256Hex(token),
        api_key_id: key.id,
        survey_point_id: surveyPointId,
        unit_id: unit.id,
        counter_id: counterId,
        staff_id: staffId,
        procedure_id: procedureId,
        dossier_hash: dossierHash,
        received_at: times.receivedAt,
        due_at: toUtc(input.dueAt),
        returned_at: times.returnedAt,
        issued_at: now.toISOString(),
        issued_day: issuedDay,
        facts: factsJson(input),
        dossier_day: dossierDay(times, issuedDay),
        expires_at: expiresAt,
        used_at: null,
        response_id: null,
      })
      .execute();
    return invitationId;
  });

  return { id, token, url: surveyUrl(deps.config.publicBaseUrl, token), expiresAt };
}

/**
 * POST /api/v1/invitations: creates the link and draws it as a QR for the receipt. Bulk callers
 * that only need the link (the demo seed) can call createInvitation and skip the drawing.
 */
export async function issueInvitation(deps: Deps, key: InvitationIssuer, raw: InvitationInput): Promise<InvitationIssued> {
  const { id, url, expiresAt } = await createInvitation(deps, key, raw);
  const [svg, png] = await Promise.all([qrSvg(url), qrPng(url, 'receipt')]);
  return { id, url, qrSvg: svg, qrPngBase64: png.toString('base64'), expiresAt };
}
