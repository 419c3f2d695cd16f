import type { Deps } from '../deps.js';
import { sha256Hex } from '../ids.js';
import { createInvitation, type InvitationIssuer } from '../invitations/issue.js';
import { DEMO_INVITATION_TOKEN } from './demo-data.js';

/**
 * One invitation whose token is the OpenAPI document's example (GET /api/survey/{code}), issued at
 * counter Q1 of the demo centre through the real issuing code and then given that token: a demo
 * only, so the documented call works on it as printed. It stays valid for a year, until answered.
 */
export async function seedDocumentedInvitation(deps: Deps, issuer: InvitationIssuer): Promise<void> {
  const issued = await createInvitation(deps, issuer, { dossierCode: 'H96.31942-DEMO-0001', counterCode: 'Q1', expiresInDays: 365 });
  await deps.db.write((tx) => tx.updateTable('invitations').set({ token_hash: sha256Hex(DEMO_INVITATION_TOKEN) }).where('id', '=', issued.id).execute());
}
