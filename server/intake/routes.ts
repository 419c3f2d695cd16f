import { hash } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { SurveyResponseInput, type PublicSurvey } from '../../schema/survey.js';
import { clientIp, subscriberBlock } from '../client-ip.js';
import type { Deps } from '../deps.js';
import { AppError, readJsonWith } from '../http.js';
import { keyedHash } from '../ids.js';
import { getInstrument } from '../instruments/store.js';
import { resolveSurveyCode, type SurveyTarget } from '../surveys/resolve.js';
import type { Intake } from './intake.js';
import { prepareResponse, type AbuseMarks } from './prepare.js';

/** Names shown on the survey page for a target: the centre, and the counter and procedure when known. */
export async function publicSurvey(deps: Deps, code: string): Promise<PublicSurvey> {
  const target = await resolveSurveyCode(deps.db.kysely, deps.clock, code);
  const db = deps.db.kysely;
  const [unit, counter, procedure, instrument] = await Promise.all([
    db.selectFrom('units').select('name').where('id', '=', target.unitId).executeTakeFirstOrThrow(),
    target.counterId
      ? db.selectFrom('counters').select('name').where('id', '=', target.counterId).executeTakeFirst()
      : undefined,
    target.procedureId
      ? db.selectFrom('procedures').select('name').where('id', '=', target.procedureId).executeTakeFirst()
      : undefined,
    instrumentOf(deps, target),
  ]);
  return {
    code,
    kind: target.kind,
    unitName: unit.name,
    counterName: counter?.name ?? null,
    procedureName: procedure?.name ?? null,
    kiosk: target.kiosk,
    instrument,
    commentMaxChars: deps.config.commentMaxChars,
    // A counter tablet is shared: the next citizen in line must never see someone's phone number.
    callbackRetentionDays: target.callbackOffered && !target.kiosk ? deps.config.callbackRetentionDays : null,
  };
}

async function instrumentOf(deps: Deps, target: SurveyTarget) {
  const instrument = await getInstrument(deps.db.kysely, target.instrumentId);
  if (!instrument) throw new AppError('internal', 500, 'The survey instrument is missing');
  return instrument;
}

/**
 * Salted, hour-scoped hashes, enough to spot bursts and useless after: of the device marker the
 * survey page keeps (the device mark), and of the client's network address (the address mark). No
 * header takes part: a client chooses its headers, and the address alone is what it cannot vary.
 * Each hour's key is derived once, HMAC(secret, hour); a mark is SHA-256 of that secret 256-bit key
 * followed by the value, cut to 128 bits. Keyed like an HMAC (secret fixed-length prefix, truncated
 * output, compared only for equality) at a fifth of an HMAC's cost on every submission.
 */
function abuseMarker(deps: Deps) {
  let hour = '';
  let hourKey = '';
  return (c: Context, marker: string | undefined, now: Date): AbuseMarks => {
    const thisHour = now.toISOString().slice(0, 13);
    if (thisHour !== hour) {
      hour = thisHour;
      hourKey = keyedHash(deps.config.serverSecret, 'device-hour', thisHour);
    }
    const mark = (value: string) => hash('sha256', `${hourKey}\u0000${value}`, 'hex').slice(0, 32);
    return {
      deviceMarks: marker ? [mark(`marker|${marker}`)] : [],
      addressMark: mark(`addr|${subscriberBlock(clientIp(c, deps.config.trustProxy))}`),
    };
  };
}

/**
 * Survey-point codes resolve to the same target until an admin changes the point, and every
 * submission needs one: keep each for a moment so a burst of submissions does not queue a lookup
 * per request behind the batch transaction. A closed or rotated point takes effect within TARGET_TTL_MS.
 * Invitations are never cached (they are single-use).
 */
const TARGET_TTL_MS = 2000;

function cachedResolver(deps: Deps) {
  const cache = new Map<string, { target: SurveyTarget; until: number }>();
  return async (code: string): Promise<SurveyTarget> => {
    const now = deps.clock.now().getTime();
    const hit = cache.get(code);
    if (hit && hit.until > now) return hit.target;
    const target = await resolveSurveyCode(deps.db.kysely, deps.clock, code);
    if (target.kind === 'point') {
      if (cache.size > 10_000) cache.clear();
      cache.set(code, { target, until: now + TARGET_TTL_MS });
    }
    return target;
  };
}

export function intakeRoutes(deps: Deps, intake: Intake) {
  const resolveTarget = cachedResolver(deps);
  const abuseMarks = abuseMarker(deps);
  return new Hono()
    .get('/api/survey/:code', async (c) => {
      c.header('cache-control', 'no-store');
      return c.json(await publicSurvey(deps, c.req.param('code')));
    })
    .post('/api/responses', async (c) => {
      const input = await readJsonWith(c, deps.config.bodyLimitBytes, SurveyResponseInput);
      const now = deps.clock.now();
      const target = await resolveTarget(input.code);
      const instrument = await instrumentOf(deps, target);
      const prepared = prepareResponse(input, target, instrument.definition, {
        now,
        commentMaxChars: deps.config.commentMaxChars,
        ...abuseMarks(c, input.deviceMark, now),
      });
      if (!intake.accepting) {
        // Shutting down: not stored, so the survey page keeps the answer and retries.
        c.header('retry-after', '5');
        throw new AppError('storage_unavailable', 503, 'The server is restarting; please retry shortly');
      }
      const outcome = await intake.submit(prepared);
      if (outcome === 'invitation_used') {
        throw new AppError('invitation_used', 409, 'This survey link has already been used');
      }
      return c.json({ id: prepared.id, status: outcome }, outcome === 'accepted' ? 201 : 200);
    });
}
