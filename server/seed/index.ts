import { randomUUID } from 'node:crypto';
import { generatePassword, hashPassword } from '../auth/password.js';
import { insertApiKey } from '../apikeys/keys.js';
import { fixedClock } from '../clock.js';
import type { Role } from '../db/types.js';
import type { Deps } from '../deps.js';
import { AppError } from '../http.js';
import { newId } from '../ids.js';
import { requireInstrument } from '../instruments/store.js';
import { prepareResponse } from '../intake/prepare.js';
import { writeBatch } from '../intake/store.js';
import { setUnitIndicators, updateDossier } from '../invitations/dossiers.js';
import { createInvitation } from '../invitations/issue.js';
import { quarterOf } from '../reporting/index.js';
import { resolveSurveyCode } from '../surveys/resolve.js';
import { addDays, vnLocalParts } from '../time.js';
import { DEMO_INSTRUMENT_ID, seedReference, seedResponses, type DemoReference } from './demo.js';
import { seedDocumentedInvitation } from './examples.js';
import { markStoredAnswersRead, sweepAlerts } from '../alerts/index.js';
import { SeededRandom } from './random.js';

export interface DemoSeedOptions {
  responses: number;
  seed: number;
  /** Per-dossier invitations to issue over the last 8 weeks (about 45% answered). */
  invitations?: number;
  onProgress?: (written: number) => void;
}

export interface DemoAccount {
  username: string;
  password: string;
  role: Role;
  /** Code of the unit the role is granted on (null for the system admin). */
  unitCode: string | null;
}

export interface DemoSeedResult {
  /** A counter's survey code at the demo centre, for the printed `Survey:` link. */
  surveyCode: string;
  /** Code of the demo centre (the one with the seeded weakness). */
  centreCode: string;
  accounts: DemoAccount[];
  apiKey: string;
  /** Lines to print once: the admin login and the API key (shown only now, stored hashed). */
  lines: string[];
}

/** The demo province with its centres, accounts, API key, invitations and responses, on an empty database. */
export async function seedDemo(deps: Deps, options: DemoSeedOptions): Promise<DemoSeedResult> {
  const existing = await deps.db.kysely.selectFrom('units').select('id').limit(1).executeTakeFirst();
  if (existing) {
    throw new AppError('conflict', 409, `The database in ${deps.config.dataDir} already has data; seed an empty DATA_DIR`);
  }
  const ref = await seedReference(deps);
  await seedResponses(deps, ref, { count: options.responses, seed: options.seed, onProgress: options.onProgress });
  // The seeded history is not news: only the invitations' answers below may raise an alert of their own.
  await deps.db.write(markStoredAnswersRead);
  const centre = ref.centres.find((c) => c.weak) ?? ref.centres[0]!;
  const accounts = await seedAccounts(deps, ref, centre.code);
  const now = deps.clock.now();
  const apiKey = await deps.db.write((tx) => insertApiKey(tx, { unitId: centre.id, name: 'Phần mềm một cửa (demo)', createdBy: null, at: now }));
  await seedInvitations(deps, ref, { id: apiKey.id, unitId: centre.id, unitPath: centre.path }, options.invitations ?? 200, options.seed);
  await seedDocumentedInvitation(deps, { id: apiKey.id, unitId: centre.id, unitPath: centre.path });
  // The alerts the default rules raise on this data (the server's hourly sweep would find them too).
  await sweepAlerts(deps);
  const admin = accounts[0]!;
  return {
    surveyCode: centre.counters[0]!.surveyCode,
    centreCode: centre.code,
    accounts,
    apiKey: apiKey.key,
    lines: [`Login: ${admin.username} / ${admin.password}`, `API key: ${apiKey.key}`],
  };
}

/** One account per role: the system admin, the province's officer and viewer, and two centre supervisors. */
async function seedAccounts(deps: Deps, ref: DemoReference, weakCentreCode: string): Promise<DemoAccount[]> {
  const otherCentre = ref.centres.find((c) => c.code !== weakCentreCode && c.code.endsWith('-TTPVHCC') && /^\d{5}/.test(c.code))!;
  const specs: { username: string; name: string; role: Role; unitCode: string | null }[] = [
    { username: 'admin', name: 'Quản trị hệ thống', role: 'system_admin', unitCode: null },
    { username: 'camau.tinh', name: 'Văn phòng UBND tỉnh Cà Mau', role: 'provincial_officer', unitCode: '96' },
    { username: 'giarai.giamsat', name: 'Giám sát TT PVHCC phường Giá Rai', role: 'centre_supervisor', unitCode: weakCentreCode },
    { username: 'baclieu.giamsat', name: `Giám sát ${otherCentre.name}`, role: 'centre_supervisor', unitCode: otherCentre.code },
    { username: 'camau.xem', name: 'Cán bộ theo dõi (chỉ xem)', role: 'viewer', unitCode: '96' },
  ];
  const unitIds = new Map<string, string>([['96', ref.provinceId], ...ref.centres.map((c) => [c.code, c.id] as [string, string])]);
  const accounts: DemoAccount[] = [];
  const now = deps.clock.now().toISOString();
  for (const spec of specs) {
    const password = generatePassword();
    const passwordHash = await hashPassword(password, deps.config.passwordHashLogN);
    await deps.db.write(async (tx) => {
      const userId = newId();
      await tx
        .insertInto('users')
        // Generated and printed: to be changed at the first sign-in, like any password its owner did not choose.
        .values({ id: userId, username: spec.username, display_name: spec.name, password_hash: passwordHash, created_at: now, password_changed_at: now, must_change_password: 1 })
        .execute();
      await tx
        .insertInto('role_grants')
        .values({ id: newId(), user_id: userId, unit_id: spec.unitCode ? unitIds.get(spec.unitCode)! : null, role: spec.role, created_at: now })
        .execute();
    });
    accounts.push({ username: spec.username, password, role: spec.role, unitCode: spec.unitCode });
  }
  return accounts;
}

/**
 * Invitations issued by the one-stop software over the last 8 weeks, each through the real issuing,
 * dossier-update and intake code with a clock set to that moment: issued with the facts known at
 * intake (official, agencies involved, how the procedure is published), completed at return with
 * the rest (return time, each agency's completion, contacts needed, complaints), and about 45%
 * answered a day after. Unit-level indicator scores are given for this quarter and the last.
 */
async function seedInvitations(
  deps: Deps,
  ref: DemoReference,
  issuer: { id: string; unitId: string; unitPath: string },
  count: number,
  seed: number,
): Promise<void> {
  const random = new SeededRandom(seed + 1);
  const centre = ref.centres.find((c) => c.id === issuer.unitId)!;
  const now = deps.clock.now();
  const today = vnLocalParts(now).day;
  const instrument = await requireInstrument(deps.db.kysely, DEMO_INSTRUMENT_ID);
  const staffCodes = new Map(
    (await deps.db.kysely.selectFrom('staff').select(['id', 'code']).where('province_id', '=', ref.provinceId).execute()).map((s) => [s.id, s.code]),
  );
  const plusDays = (at: Date, days: number) => new Date(at.getTime() + days * 86400_000);
  for (let i = 0; i < count; i++) {
    const day = addDays(today, -random.int(56));
    const issuedAt = new Date(`${day}T0${1 + random.int(8)}:${String(10 + random.int(49))}:00Z`);
    const counter = random.pick(centre.counters);
    const procedureId = random.pick(counter.procedureIds);
    const procedure = ref.procedures.find((p) => p.id === procedureId)!;
    const dueAt = plusDays(issuedAt, 3 + random.int(10));
    const late = random.next() < 0.12;
    const returnedAt = plusDays(dueAt, late ? 1 + random.int(4) : -random.int(3));
    // Land and building dossiers pass through other agencies before the result comes back.
    const agencies = procedure.field === 'Đất đai' || procedure.field === 'Hoạt động xây dựng' ? ['Văn phòng Đăng ký đất đai', 'Chi cục Thuế'] : [];
    const steps = agencies.map((agency, k) => ({ agency, dueAt: plusDays(dueAt, k - agencies.length) }));
    const dossierCode = `000.00.${String(random.int(99)).padStart(2, '0')}.H12-${day.slice(2).replaceAll('-', '')}-${String(i).padStart(4, '0')}`;
    const publication = random.next() < 0.85 ? 'posted_and_online' : random.next() < 0.8 ? 'one_of_them' : 'neither';
    // createInvitation, not issueInvitation: the seed needs the token, not the QR images.
    const { token } = await createInvitation({ ...deps, clock: fixedClock(issuedAt.toISOString()) }, issuer, {
      dossierCode,
      procedureCode: procedure.code,
      counterCode: counter.code,
      staffCode: staffCodes.get(random.pick(counter.staffIds)),
      receivedAt: issuedAt.toISOString(),
      dueAt: dueAt.toISOString(),
      ...(steps.length && { agencySteps: steps.map((s) => ({ agency: s.agency, dueAt: s.dueAt.toISOString() })) }),
      publication,
      expiresInDays: 30,
    });
    if (returnedAt > now) continue;
    const complained = random.next() < (late ? 0.3 : 0.03);
    // A complaint is answered within its 14 days nine times in ten, a few days late otherwise.
    const complaintAnswered = plusDays(returnedAt, random.next() < 0.9 ? random.int(14) : 15 + random.int(5));
    await updateDossier({ ...deps, clock: fixedClock(returnedAt.toISOString()) }, issuer, dossierCode, {
      returnedAt: returnedAt.toISOString(),
      ...(steps.length && {
        agencySteps: steps.map((s, k) => ({
          agency: s.agency,
          dueAt: s.dueAt.toISOString(),
          completedAt: plusDays(s.dueAt, late && k === 0 ? 1 + random.int(3) : -random.int(2)).toISOString(),
        })),
      }),
      completionContacts: [0, 0, 0, 0, 0, 0, 1, 1, 1, 2][random.int(10)],
      agenciesContacted: [0, 0, 0, 0, 0, 0, 1, 1, 1, 2][random.int(10)],
      late,
      complaints: complained
        ? [
            {
              receivedAt: plusDays(returnedAt, -1).toISOString(),
              dueAt: plusDays(returnedAt, 14).toISOString(),
              ...(complaintAnswered <= now && { answeredAt: complaintAnswered.toISOString() }),
              substantiated: random.next() < 0.2,
            },
          ]
        : [],
    });
    const answeredAt = new Date(Math.min(returnedAt.getTime() + 86400_000, now.getTime()));
    if (random.next() >= 0.45 || answeredAt <= issuedAt) continue;
    const answerClock = fixedClock(answeredAt.toISOString());
    const target = await resolveSurveyCode(deps.db.kysely, answerClock, token);
    const score = () => (late ? 2 + random.int(3) : 3 + random.int(3));
    const prepared = prepareResponse(
      {
        id: randomUUID(),
        code: token,
        instrumentId: DEMO_INSTRUMENT_ID,
        answers: { 'QUAY.1': score(), 'QUAY.2': score(), 'QUAY.3': score(), 'QUAY.4': score(), 'QUAY.ALL': score() },
        lang: 'vi',
        kiosk: false,
      },
      target,
      instrument.definition,
      { now: answeredAt, commentMaxChars: deps.config.commentMaxChars, deviceMarks: [], addressMark: null },
    );
    await deps.db.write((tx) => writeBatch(tx, [prepared], { ...deps.config, kioskMinGapSeconds: 0 }));
  }
  for (const period of new Set([quarterOf(today), quarterOf(addDays(today, -92))])) {
    await setUnitIndicators(deps, issuer, { period, scores: { 'D18.5': 2, 'D18.9': 1.5 } });
  }
}
