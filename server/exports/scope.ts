import type { Actor } from '../auth/actor.js';
import type { AuditActor } from '../audit/record.js';

/** Who asks for an export: a signed-in user (scoped by their grants) or the command line (everything). */
export interface ExportCaller {
  actor: Actor;
  audit: AuditActor;
}

/** The command line acts as a system administrator and is audited as 'cli'. */
export const CLI_CALLER: ExportCaller = {
  actor: { userId: 'cli', username: 'cli', displayName: 'Dòng lệnh', grants: [{ role: 'system_admin', unitId: null, unitPath: null }] },
  audit: { system: 'cli' },
};
