/**
 * Authorization matrix: every /api/admin, /api/auth and /api/v1 route of the real app (discovered
 * from app.routes) × every kind of caller × requests about their own units and about foreign ones.
 * Asserts, for each request: no 5xx; callers without the declared guard are refused (401/403) and
 * change nothing; a request naming anything outside the caller's area changes nothing; no response
 * carries data from outside the caller's area that the request did not itself name; a GET changes
 * nothing but the audit log; every change that is made is in the audit log with its before/after;
 * and no /api/admin or /api/auth reply may be stored by a browser or proxy cache.
 *
 * A NEW ROUTE needs one entry in SAMPLES below: a function from two "worlds" (see World) to the
 * requests to try. `own` is the caller's world; `other` is another one (the runner also swaps
 * them, so every sample is tried as a foreign request too). Mark a request `crossUnit` when it
 * mixes both worlds, so the system-admin control run is not expected to succeed.
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_PERMISSIONS, type Role } from '../../schema/admin.js';
import { createApp } from '../app.js';
import { insertApiKey } from '../apikeys/keys.js';
import { recordAudit } from '../audit/record.js';
import { fixedClock } from '../clock.js';
import type { Config } from '../config.js';
import { openSqlite, type AppDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import type { UnitRow } from '../db/types.js';
import { randomCode } from '../ids.js';
import type { InstrumentDefinition } from '../../schema/instrument.js';
import { QUAY_V1 } from '../instruments/catalogue.js';
import { ensureBuiltinInstruments, insertDraft, publishDraft } from '../instruments/store.js';
import { chainHead } from '../db/answer-chain.js';
import { CONSENT_VERSION } from '../../schema/callbacks.js';
import { DEFAULT_ALERT_RULES } from '../../schema/alerts.js';
import { leaveContact } from '../callbacks/contacts.js';
import { digestOf, signManifest } from '../integrity/manifest.js';
import { issueInvitation } from '../invitations/issue.js';
import { silentLogger } from '../log.js';
import { insertSurveyPoint } from '../surveypoints/points.js';
import { tempDir, testConfig } from '../testing/harness.js';
import { aCatalogueEntry, aCounter, aUnit } from '../testing/units.js';
import { declaredRoutes, type DeclaredRoute, type RouteGuard } from './guards.js';
import { requirePermission } from './middleware.js';
import { aSession, asSession, aUser } from '../testing/auth.js';

/* ───────────── the fixture: two provinces, each with communes, centres, counters, keys, people ───────────── */

interface World {
  province: UnitRow;
  commune: UnitRow;
  centre: UnitRow;
  counter: { id: string; code: string };
  staff: { id: string; code: string };
  procedure: { id: string; code: string };
  apiKey: { id: string };
  user: { id: string };
  surveyPoint: { id: string; code: string };
  /** An answer the anti-abuse rules flagged, awaiting review. */
  flagged: { id: string };
  /** Questionnaires of the province of the world's centre: a publishable draft and a published version. */
  questionnaire: { draft: { id: string; definition: InstrumentDefinition }; published: { id: string } };
  /** A case a citizen's call-back contact opened (after the flagged low answer), assigned to the centre's supervisor if any. */
  callbackCase: { id: string };
}

interface SampleRequest {
  /** Path with query string; defaults to the route's path. */
  path?: string;
  body?: unknown;
  /** A non-JSON body (uploads). */
  raw?: { contentType: string; body: string };
  /** Mixes two worlds: not expected to succeed even for a system admin. */
  crossUnit?: boolean;
  /** Only the case's assignee succeeds, whatever the role (call-back contacts): not expected of a system admin either. */
  assigneeOnly?: boolean;
}

type Sample = (own: World, other: World) => SampleRequest[];

let serial = 0;
/** Unique codes, so repeated creations in one copy never collide. */
const uniq = (prefix = 'N') => `${prefix}${(serial++).toString(36)}${randomCode(4)}`;
/** A webhook subscription of the fixture (subscriptions are platform-wide: system administrators only). */
const MATRIX_WEBHOOK = 'matrixwebhook01';

const SAMPLES: Record<string, Sample> = {
  'POST /api/auth/login': () => [{ body: { username: 'nobody.here', password: 'not-a-password' } }],
  'GET /api/auth/me': () => [{}],
  'GET /api/auth/session': () => [{}],
  'POST /api/auth/logout': () => [{}],
  'POST /api/auth/logout-all': () => [{}],
  'POST /api/auth/password': () => [{ body: { currentPassword: 'not-the-password', newPassword: 'another-long-password' } }],
  'POST /api/auth/second-factor': () => [{ body: { code: '123456' } }, { body: { recoveryCode: 'abcd-efgh-jkmn' } }],
  'GET /api/auth/totp': () => [{}],
  'POST /api/auth/totp/setup': () => [{}],
  'POST /api/auth/totp/enable': () => [{ body: { code: '123456' } }],
  'POST /api/auth/totp/recovery-codes': () => [{ body: { code: '123456' } }],
  'POST /api/auth/totp/disable': () => [{ body: { password: 'not-the-password' } }],
  'GET /api/auth/sessions': () => [{}],
  'POST /api/auth/sessions/:id/revoke': () => [{ path: `/api/auth/sessions/${'0'.repeat(32)}/revoke` }],

  'GET /api/admin/units': (w) => [
    { path: `/api/admin/units?parentId=${w.commune.id}` },
    { path: `/api/admin/units?parentId=${w.province.id}&includeInactive=true` },
    { path: '/api/admin/units?kind=centre&includeInactive=true' },
    { path: '/api/admin/units?q=Trung' },
    { path: '/api/admin/units' },
  ],
  'GET /api/admin/units/:id': (w) => [{ path: `/api/admin/units/${w.centre.id}` }, { path: `/api/admin/units/${w.commune.id}` }],
  'POST /api/admin/units': (w) => [
    { body: { kind: 'centre', code: uniq('TT'), name: 'Trung tâm mới', parentId: w.commune.id } },
    { body: { kind: 'commune', code: String(70000 + (serial++ % 9999)), name: 'Xã mới', parentId: w.province.id } },
  ],
  'PATCH /api/admin/units/:id': (w, o) => [
    { path: `/api/admin/units/${w.centre.id}`, body: { name: 'Tên mới' } },
    { path: `/api/admin/units/${w.commune.id}`, body: { name: 'Tên xã mới' } },
    { path: `/api/admin/units/${w.centre.id}`, body: { parentId: o.commune.id }, crossUnit: true },
  ],
  'GET /api/admin/counters': (w) => [{ path: `/api/admin/counters?unitId=${w.centre.id}` }, { path: '/api/admin/counters?includeInactive=true' }],
  'GET /api/admin/counters/:id': (w) => [{ path: `/api/admin/counters/${w.counter.id}` }],
  'POST /api/admin/counters': (w) => [{ body: { unitId: w.centre.id, code: uniq('Q'), name: 'Quầy mới' } }],
  'PATCH /api/admin/counters/:id': (w, o) => [
    { path: `/api/admin/counters/${w.counter.id}`, body: { name: 'Quầy đổi tên', active: false } },
    { path: `/api/admin/counters/${w.counter.id}`, body: { unitId: o.centre.id }, crossUnit: true },
  ],
  'GET /api/admin/staff': (w) => [{ path: `/api/admin/staff?provinceId=${w.province.id}` }, { path: '/api/admin/staff' }],
  'GET /api/admin/staff/:id': (w) => [{ path: `/api/admin/staff/${w.staff.id}` }],
  'POST /api/admin/staff': (w) => [{ body: { provinceId: w.province.id, code: uniq('CB'), name: 'Cán bộ mới' } }],
  'PATCH /api/admin/staff/:id': (w) => [{ path: `/api/admin/staff/${w.staff.id}`, body: { name: 'Cán bộ đổi tên' } }],
  'GET /api/admin/procedures': (w) => [{ path: `/api/admin/procedures?provinceId=${w.province.id}` }, { path: '/api/admin/procedures' }],
  'GET /api/admin/procedures/:id': (w) => [{ path: `/api/admin/procedures/${w.procedure.id}` }],
  'POST /api/admin/procedures': (w) => [
    { body: { provinceId: w.province.id, code: uniq('9.'), name: 'Thủ tục mới', field: 'Hộ tịch' } },
  ],
  'PATCH /api/admin/procedures/:id': (w) => [{ path: `/api/admin/procedures/${w.procedure.id}`, body: { field: 'Chứng thực' } }],
  'POST /api/admin/import/:kind': (w, o) => [
    {
      path: `/api/admin/import/counters?unitId=${w.centre.id}&mode=commit`,
      raw: { contentType: 'text/csv', body: `unit_code,code,name\n${w.centre.code},${uniq('Q')},Quầy nhập\n` },
    },
    {
      path: `/api/admin/import/units?unitId=${w.commune.id}&mode=commit`,
      raw: { contentType: 'text/csv', body: `kind,code,name,parent_code\ncentre,${uniq('TT')},Trung tâm nhập,${w.commune.code}\n` },
    },
    {
      path: `/api/admin/import/staff?unitId=${w.province.id}&mode=commit`,
      raw: { contentType: 'text/csv', body: `code,name\n${uniq('CB')},Cán bộ nhập\n` },
    },
    {
      path: `/api/admin/import/counters?unitId=${w.centre.id}&mode=commit`,
      raw: { contentType: 'text/csv', body: `unit_code,code,name\n${o.centre.code},${uniq('Q')},Quầy lạc\n` },
      crossUnit: true,
    },
  ],

  'GET /api/admin/users': () => [{ path: '/api/admin/users' }, { path: '/api/admin/users?q=matrix' }],
  'GET /api/admin/users/:id': (w) => [{ path: `/api/admin/users/${w.user.id}` }],
  'POST /api/admin/users': (w) => [
    {
      body: {
        username: uniq('u.'),
        displayName: 'Người dùng mới',
        password: 'a-long-enough-password',
        grants: [{ role: 'viewer', unitId: w.centre.id }],
      },
    },
  ],
  'PATCH /api/admin/users/:id': (w, o) => [
    { path: `/api/admin/users/${w.user.id}`, body: { displayName: 'Đổi tên hiển thị' } },
    { path: `/api/admin/users/${w.user.id}`, body: { grants: [{ role: 'viewer', unitId: o.centre.id }] }, crossUnit: true },
  ],
  'POST /api/admin/users/:id/reset-password': (w) => [{ path: `/api/admin/users/${w.user.id}/reset-password` }],
  'POST /api/admin/users/:id/totp/reset': (w) => [{ path: `/api/admin/users/${w.user.id}/totp/reset` }],

  'GET /api/admin/audit': (w) => [{ path: '/api/admin/audit?limit=200' }, { path: `/api/admin/audit?unitId=${w.province.id}` }],

  'GET /api/admin/apikeys': (w) => [{ path: '/api/admin/apikeys?includeRevoked=true' }, { path: `/api/admin/apikeys?unitId=${w.centre.id}` }],
  'POST /api/admin/apikeys': (w) => [{ body: { unitId: w.centre.id, name: 'Khóa mới' } }],
  'POST /api/admin/apikeys/:id/revoke': (w) => [{ path: `/api/admin/apikeys/${w.apiKey.id}/revoke` }],
  'GET /api/admin/webhooks': () => [{}],
  'POST /api/admin/webhooks': () => [{ body: { url: 'https://hooks.example.org/sipas', eventTypes: ['alert.opened'] } }],
  'DELETE /api/admin/webhooks/:id': () => [{ path: `/api/admin/webhooks/${MATRIX_WEBHOOK}` }],
  'POST /api/admin/webhooks/:id/test': () => [{ path: `/api/admin/webhooks/${MATRIX_WEBHOOK}/test` }],
  'GET /api/admin/webhooks/deliveries': () => [{ path: `/api/admin/webhooks/deliveries?subscriptionId=${MATRIX_WEBHOOK}&limit=10` }],

  'GET /api/admin/survey-points': (w) => [{ path: '/api/admin/survey-points' }, { path: `/api/admin/survey-points?unitId=${w.centre.id}` }],
  'POST /api/admin/survey-points': (w, o) => [
    { body: { unitId: w.centre.id, counterId: w.counter.id, instrumentId: 'QUAY@1' } },
    { body: { unitId: w.centre.id, counterId: o.counter.id, instrumentId: 'QUAY@1' }, crossUnit: true },
  ],
  'GET /api/admin/survey-points/:id': (w) => [{ path: `/api/admin/survey-points/${w.surveyPoint.id}` }],
  'PATCH /api/admin/survey-points/:id': (w) => [{ path: `/api/admin/survey-points/${w.surveyPoint.id}`, body: { status: 'closed' } }],
  'POST /api/admin/survey-points/:id/rotate': (w) => [{ path: `/api/admin/survey-points/${w.surveyPoint.id}/rotate` }],
  'GET /api/admin/survey-points/:id/qr.svg': (w) => [{ path: `/api/admin/survey-points/${w.surveyPoint.id}/qr.svg` }],
  'GET /api/admin/survey-points/:id/qr.png': (w) => [{ path: `/api/admin/survey-points/${w.surveyPoint.id}/qr.png` }],
  'GET /api/admin/survey-points/:id/poster': (w) => [{ path: `/api/admin/survey-points/${w.surveyPoint.id}/poster` }],

  'GET /api/admin/survey-points/posters': (w) => [
    { path: `/api/admin/survey-points/posters?unitId=${w.centre.id}` },
    { path: `/api/admin/survey-points/posters?unitId=${w.commune.id}&size=receipt&includeClosed=true` },
  ],

  'GET /api/admin/instruments': () => [{}],
  'GET /api/admin/instruments/catalogue': () => [{}],
  'POST /api/admin/instruments': (w) => [
    { body: { code: uniq('Q').toUpperCase(), template: 'QUAY', ownerUnitId: w.province.id } },
    { body: { code: uniq('E').toUpperCase(), template: 'EMPTY', ownerUnitId: w.province.id, title: { vi: 'Phiếu trống', en: 'Empty' } } },
  ],
  'GET /api/admin/instruments/:id': (w) => [
    { path: `/api/admin/instruments/${w.questionnaire.draft.id}` },
    { path: `/api/admin/instruments/${w.questionnaire.published.id}` },
  ],
  'PUT /api/admin/instruments/:id': (w) => [
    { path: `/api/admin/instruments/${w.questionnaire.draft.id}`, body: { definition: { ...w.questionnaire.draft.definition, title: { vi: 'Tên mới', en: 'New title' } } } },
    {
      path: `/api/admin/instruments/${w.questionnaire.published.id}`,
      body: { definition: { ...w.questionnaire.draft.definition, code: w.questionnaire.published.id.split('@')[0] } },
    },
  ],
  'DELETE /api/admin/instruments/:id': (w) => [{ path: `/api/admin/instruments/${w.questionnaire.draft.id}` }],
  'POST /api/admin/instruments/:id/versions': (w) => [{ path: `/api/admin/instruments/${w.questionnaire.published.id}/versions` }],
  'POST /api/admin/instruments/:id/publish': (w) => [{ path: `/api/admin/instruments/${w.questionnaire.draft.id}/publish` }],
  'POST /api/admin/instruments/:id/assign': (w, o) => [
    { path: `/api/admin/instruments/${w.questionnaire.published.id}/assign`, body: { surveyPointIds: [w.surveyPoint.id] } },
    { path: `/api/admin/instruments/${w.questionnaire.published.id}/assign`, body: { unitId: w.centre.id } },
    { path: `/api/admin/instruments/${w.questionnaire.published.id}/assign`, body: { surveyPointIds: [w.surveyPoint.id, o.surveyPoint.id] }, crossUnit: true },
  ],

  'GET /api/admin/response-rate': (w) => [
    { path: '/api/admin/response-rate?from=2026-11-01&to=2026-11-30&groupBy=unit,counter' },
    { path: `/api/admin/response-rate?from=2026-11-01&to=2026-11-30&unitId=${w.centre.id}` },
  ],

  'GET /api/admin/dashboard/options': (w) => [{ path: '/api/admin/dashboard/options' }, { path: `/api/admin/dashboard/options?unitId=${w.centre.id}` }],
  'GET /api/admin/dashboard/overview': (w) => [
    { path: '/api/admin/dashboard/overview' },
    { path: `/api/admin/dashboard/overview?unitId=${w.province.id}&period=year&at=2026` },
    { path: `/api/admin/dashboard/overview?unitId=${w.centre.id}&counterId=${w.counter.id}&field=H%E1%BB%99%20t%E1%BB%8Bch` },
  ],
  'GET /api/admin/dashboard/weak': (w) => [{ path: '/api/admin/dashboard/weak' }, { path: `/api/admin/dashboard/weak?unitId=${w.centre.id}&staffId=${w.staff.id}` }],
  'GET /api/admin/dashboard/trends': (w) => [{ path: '/api/admin/dashboard/trends?interval=quarter' }, { path: `/api/admin/dashboard/trends?unitId=${w.centre.id}` }],
  'GET /api/admin/dashboard/ranking': (w) => [
    { path: '/api/admin/dashboard/ranking?includeInsufficient=true&level=commune' },
    { path: `/api/admin/dashboard/ranking?unitId=${w.province.id}&sort=name&dir=asc&includeInsufficient=true` },
  ],
  'GET /api/admin/dashboard/comments': (w) => [
    { path: '/api/admin/dashboard/comments?maxScore=2&q=x' },
    { path: `/api/admin/dashboard/comments?unitId=${w.centre.id}&procedureId=${w.procedure.id}` },
  ],

  'GET /api/admin/exports/options': () => [{}],
  'GET /api/admin/export-manifests': () => [{}],
  'GET /api/admin/export-manifests/:id': () => [{ path: '/api/admin/export-manifests/matrixmanifest01' }],
  'GET /api/admin/exports/report.css': () => [{}],
  'GET /api/admin/exports/report.js': () => [{}],
  'GET /api/admin/exports/:kind': (w) => [
    { path: '/api/admin/exports/summary?from=2026-11-01&to=2026-11-30' },
    { path: `/api/admin/exports/raw?format=csv&from=2026-11-01&to=2026-11-30&unitId=${w.centre.id}` },
    { path: `/api/admin/exports/report?from=2026-11-01&to=2026-11-30&unitId=${w.province.id}` },
  ],
  'POST /api/admin/imports/responses': (w, o) => [
    {
      path: `/api/admin/imports/responses?unitId=${w.centre.id}&mode=commit`,
      raw: { contentType: 'text/csv', body: `unit_code,counter_code,channel,submitted_at,instrument,QUAY.1\n${w.centre.code},${w.counter.code},paper,2026-11-19 10:05,QUAY@1,4\n` },
    },
    {
      path: `/api/admin/imports/responses?unitId=${w.centre.id}&mode=commit`,
      raw: { contentType: 'text/csv', body: `unit_code,counter_code,channel,submitted_at,instrument,QUAY.1\n${o.centre.code},${o.counter.code},paper,2026-11-19 10:05,QUAY@1,4\n` },
      crossUnit: true,
    },
  ],

  'GET /api/admin/review': (w) => [
    { path: '/api/admin/review' },
    { path: `/api/admin/review?unitId=${w.centre.id}&status=pending` },
    { path: `/api/admin/review?surveyPointId=${w.surveyPoint.id}&day=2026-11-20&hour=9&status=accepted` },
  ],
  'POST /api/admin/review/decisions': (w, o) => [
    { body: { ids: [w.flagged.id], decision: 'accept' } },
    { body: { ids: [w.flagged.id], decision: 'reject' } },
    { body: { ids: [w.flagged.id, o.flagged.id], decision: 'reject' }, crossUnit: true },
  ],

  'GET /api/admin/indicators': (w) => [
    { path: '/api/admin/indicators' },
    { path: `/api/admin/indicators?unitId=${w.centre.id}&period=year&at=2026&staffId=${w.staff.id}&dedupe=true` },
  ],
  'GET /api/admin/public-pages': () => [{}],
  'PUT /api/admin/public-pages/:provinceId': (w) => [{ path: `/api/admin/public-pages/${w.province.id}`, body: { enabled: false } }],

  'GET /api/admin/callback-contacts/:caseId': (w) => [{ path: `/api/admin/callback-contacts/${w.callbackCase.id}`, assigneeOnly: true }],

  'GET /api/admin/alerts': (w) => [{ path: '/api/admin/alerts?state=all' }, { path: `/api/admin/alerts?unitId=${w.centre.id}&rule=low_comment` }],
  'GET /api/admin/alert-rules': (w) => [{ path: `/api/admin/alert-rules?unitId=${w.centre.id}` }],
  'PUT /api/admin/alert-rules/:unitId': (w) => [
    { path: `/api/admin/alert-rules/${w.province.id}`, body: { rules: { ...DEFAULT_ALERT_RULES, lowComment: { enabled: false } } } },
    { path: `/api/admin/alert-rules/${w.centre.id}`, body: { rules: null } },
  ],
  'GET /api/admin/cases': (w) => [{ path: '/api/admin/cases' }, { path: `/api/admin/cases?unitId=${w.centre.id}&status=new&overdue=false` }],
  'POST /api/admin/cases': (w) => [{ body: { responseId: w.flagged.id, title: 'Theo dõi góp ý' } }],
  'GET /api/admin/cases/:id': (w) => [{ path: `/api/admin/cases/${w.callbackCase.id}` }],
  'PATCH /api/admin/cases/:id': (w) => [
    { path: `/api/admin/cases/${w.callbackCase.id}`, body: { status: 'in_progress', note: 'Đang liên hệ' } },
    { path: `/api/admin/cases/${w.callbackCase.id}`, body: { dueDay: '2026-12-01', resolution: 'Đã giải thích' } },
  ],
  'GET /api/admin/comment-tags': (w) => [{ path: `/api/admin/comment-tags?unitId=${w.centre.id}` }],
  'PUT /api/admin/comment-tags/:provinceId': (w) => [{ path: `/api/admin/comment-tags/${w.province.id}`, body: { tags: ['Thái độ', 'Khác'] } }],
  'PUT /api/admin/comments/:responseId/mark': (w) => [{ path: `/api/admin/comments/${w.flagged.id}/mark`, body: { tags: ['Thái độ'], handled: true } }],

  'PATCH /api/v1/dossiers/:code': (w) => [
    { path: `/api/v1/dossiers/HS-${w.counter.code}`, body: { returnedAt: '2026-11-19T10:00:00+07:00', completionContacts: 0, complaints: [] } },
  ],
  'PUT /api/v1/unit-indicators': (w) => [{ body: { unitCode: w.centre.code, period: '2026-Q4', scores: { 'D18.5': 2, 'D18.9': null } } }],
  'POST /api/v1/invitations': (w, o) => [
    { body: { dossierCode: uniq('HS-'), unitCode: w.centre.code, counterCode: w.counter.code } },
    { body: { dossierCode: uniq('HS-'), unitCode: w.centre.code, counterCode: o.counter.code }, crossUnit: true },
  ],
};

/* ───────────── callers ───────────── */

interface Caller {
  name: string;
  kind: 'anonymous' | 'session' | 'apiKey';
  role?: Role;
  headers: Record<string, string>;
  /** Materialized paths of what the caller may see ('all' for a system admin). */
  scope: 'all' | string[];
  userId?: string;
  own: World;
  other: World;
}

interface Marked {
  markers: string[];
  visibleTo(scope: string[], userId: string | undefined): boolean;
}

interface Fixture {
  template: string;
  config: Config;
  worlds: { w1: World; w2: World; w3: World };
  callers: Caller[];
  /** System admin, and a province-level API key: the control callers for foreign requests. */
  adminCaller: Caller;
  provinceKeyCaller: Caller;
  marked: Marked[];
}

const under = (scope: string[], p: string) => scope.some((s) => p.startsWith(s));
const aboveOrUnder = (scope: string[], p: string) => scope.some((s) => p.startsWith(s) || s.startsWith(p));

async function buildFixture(dir: string): Promise<Fixture> {
  const config = testConfig(dir);
  const db = openSqlite(config.databaseFile);
  await migrate(db);
  const clock = fixedClock('2026-11-20T03:00:00Z');
  const deps = { db, config, clock, logger: silentLogger };
  await ensureBuiltinInstruments(db.kysely, clock);
  const marked: Marked[] = [];
  const tag = () => randomCode(6);

  const unit = async (kind: UnitRow['kind'], parent: UnitRow | null, code?: string) => {
    const row = await aUnit(db, clock, { kind, parent, ...(code ? { code } : {}), name: `${kind === 'centre' ? 'Trung tâm' : 'Đơn vị'} ${kind} ${tag()}` });
    const codeMarker = /^\d+$/.test(row.code) ? [] : [row.code];
    marked.push({ markers: [row.id, row.name, ...codeMarker], visibleTo: (scope) => aboveOrUnder(scope, row.path) });
    await db.write((tx) =>
      recordAudit(tx, { actor: { system: 'fixture' }, action: 'unit.create', entity: 'unit', entityId: row.id, unitId: row.id, after: { name: row.name }, at: clock.now() }),
    );
    return row;
  };
  const counter = async (holder: UnitRow) => {
    const row = await aCounter(db, clock, { unit: holder, code: `Q-${tag()}`, name: `Quầy ${tag()}` });
    marked.push({ markers: [row.id, row.name, row.code], visibleTo: (scope) => under(scope, holder.path) });
    return row;
  };
  const catalogue = async (table: 'staff' | 'procedures', province: UnitRow) => {
    const row = await aCatalogueEntry(db, clock, { table, province, code: `C-${tag()}`, name: `${table} ${tag()}` });
    marked.push({ markers: [row.id, row.name, row.code], visibleTo: (scope) => scope.some((s) => s.startsWith(province.path)) });
    return row;
  };
  const key = async (holder: UnitRow) => {
    const fresh = await db.write((tx) => insertApiKey(tx, { unitId: holder.id, name: `Khóa ${tag()}`, createdBy: null, at: clock.now() }));
    marked.push({ markers: [fresh.id, fresh.prefix], visibleTo: (scope) => under(scope, holder.path) });
    return { id: fresh.id, key: fresh.key, principal: { id: fresh.id, unitId: holder.id, unitPath: holder.path } };
  };
  const point = async (holder: UnitRow, counterId: string) => {
    const row = await db.write((tx) => insertSurveyPoint(tx, clock, { unitId: holder.id, counterId, instrumentId: 'QUAY@1', status: 'open', kiosk: false }));
    marked.push({ markers: [row.id, row.code], visibleTo: (scope) => under(scope, holder.path) });
    return row;
  };
  const flaggedAnswer = async (holder: UnitRow, pointId: string, counterId: string) => {
    const id = randomUUID();
    const comment = `Góp ý ${tag()}`;
    await db.write((tx) =>
      tx
        .insertInto('responses')
        .values({
          id,
          survey_point_id: pointId,
          invitation_id: null,
          instrument_id: 'QUAY@1',
          unit_id: holder.id,
          counter_id: counterId,
          staff_id: null,
          procedure_id: null,
          channel: 'qr_web',
          submitted_at: '2026-11-20T02:10:00.000Z',
          local_day: '2026-11-20',
          local_hour: 9,
          weekday: 5,
          answers: JSON.stringify({ 'QUAY.1': 1, 'QUAY.ALL': 1 }),
          comment,
          demographics: null,
          lang: 'vi',
          suspect: 1,
          suspect_reason: 'address_limit',
          created_at: '2026-11-20T02:10:00.000Z',
        })
        .execute(),
    );
    marked.push({ markers: [id, comment], visibleTo: (scope) => under(scope, holder.path) });
    return { id };
  };
  const questionnaires = async (province: UnitRow): Promise<World['questionnaire']> => {
    const make = async (status: 'draft' | 'published') => {
      const code = `M${tag().toUpperCase()}`;
      const title = `Phiếu ${tag()}`;
      const definition: InstrumentDefinition = { ...QUAY_V1, code, title: { vi: title, en: title } };
      await db.write(async (tx) => {
        await insertDraft(tx, clock, definition, province.id);
        if (status === 'published') await publishDraft(tx, clock, `${code}@1`);
      });
      marked.push({ markers: [`${code}@1`, title], visibleTo: (scope) => scope.some((s) => s.startsWith(province.path)) });
      return { id: `${code}@1`, definition };
    };
    return { draft: await make('draft'), published: await make('published') };
  };
  const user = async (username: string, grants: { role: Role; unit: UnitRow | null }[]) => {
    const u = await aUser(db, clock, { username, grants: grants.map((g) => ({ role: g.role, unitId: g.unit?.id ?? null })) });
    const paths = grants.flatMap((g) => (g.unit ? [g.unit.path] : []));
    marked.push({ markers: [u.id, u.username], visibleTo: (scope, self) => self === u.id || paths.some((p) => under(scope, p)) });
    return u;
  };

  const p1 = await unit('province', null, '96');
  const p2 = await unit('province', null, '92');
  const c1 = await unit('commune', p1, '31942');
  const c2 = await unit('commune', p1, '31951');
  const c3 = await unit('commune', p2, '31001');
  const cc1 = await unit('centre', c1);
  const cc2 = await unit('centre', c2);
  const cc3 = await unit('centre', c3);
  const pc1 = await unit('centre', p1);
  const br1 = await unit('branch', pc1);
  await unit('agency', p1);
  const [q1, q2, q3] = [await counter(cc1), await counter(cc2), await counter(cc3)];
  await counter(br1);
  const [s1, s2] = [await catalogue('staff', p1), await catalogue('staff', p2)];
  const [r1, r2] = [await catalogue('procedures', p1), await catalogue('procedures', p2)];
  const [k1, k2, k3, k0] = [await key(cc1), await key(cc2), await key(cc3), await key(p1)];
  const [sp1, sp2, sp3] = [await point(cc1, q1.id), await point(cc2, q2.id), await point(cc3, q3.id)];
  const [f1, f2, f3] = [await flaggedAnswer(cc1, sp1.id, q1.id), await flaggedAnswer(cc2, sp2.id, q2.id), await flaggedAnswer(cc3, sp3.id, q3.id)];
  for (const [k, q] of [[k1, q1], [k2, q2], [k3, q3]] as const) {
    await issueInvitation(deps, k.principal, { dossierCode: `HS-${q.code}`, counterCode: q.code });
  }
  const admin = await user('matrix.admin', [{ role: 'system_admin', unit: null }]);
  // One export of the administrator's, signed: its manifest is the administrator's own to fetch.
  const manifest = signManifest(
    config.serverSecret,
    { fileName: 'sipas-tong-hop_tat-ca.xlsx', kind: 'summary', scope: { unitId: null, unitCode: null, name: 'Tất cả đơn vị' }, period: { from: '2026-10-01', to: '2026-11-20' }, instrumentId: 'QUAY@1', methodologyVersion: 'm', generatedBy: 'matrix' },
    digestOf('file'),
    { id: 'matrixmanifest01', generatedAt: clock.now(), chainHead: await chainHead(db.kysely) },
  );
  await db.write((tx) => tx.insertInto('export_manifests').values({ id: manifest.id, created_at: clock.now().toISOString(), actor_user_id: admin.id, unit_id: null, manifest: JSON.stringify(manifest) }).execute());
  await db.write((tx) =>
    tx
      .insertInto('webhook_subscriptions')
      .values({ id: MATRIX_WEBHOOK, url: 'https://hooks.example.org/matrix', event_types: 'case.updated', secret_salt: 'matrix', created_at: clock.now().toISOString(), created_by: admin.id, deleted_at: null })
      .execute(),
  );
  const off1 = await user('matrix.officer1', [{ role: 'provincial_officer', unit: p1 }]);
  const sup1 = await user('matrix.sup1', [{ role: 'centre_supervisor', unit: cc1 }]);
  const view1 = await user('matrix.viewer1', [{ role: 'viewer', unit: c1 }]);
  const off2 = await user('matrix.officer2', [{ role: 'provincial_officer', unit: p2 }]);
  const sup2 = await user('matrix.sup2', [{ role: 'centre_supervisor', unit: cc2 }]);

  const [i1, i2] = [await questionnaires(p1), await questionnaires(p2)];
  const callbackCase = async (holder: UnitRow, pointId: string, answerId: string, assignee: { id: string } | null) => {
    const phone = `09${String(10_000_000 + serial++).padStart(8, '0')}`;
    await db.kysely.updateTable('survey_points').set({ callback_offered: 1 }).where('id', '=', pointId).execute();
    await leaveContact(deps, answerId, { contact: { kind: 'phone', value: phone }, consentVersion: CONSENT_VERSION });
    const opened = await db.kysely.selectFrom('callback_contacts').select('case_id').where('response_id', '=', answerId).executeTakeFirstOrThrow();
    marked.push({ markers: [opened.case_id], visibleTo: (scope) => under(scope, holder.path) });
    // The number itself: no one but the assignee may ever get it back.
    marked.push({ markers: [phone], visibleTo: (_scope, userId) => assignee !== null && userId === assignee.id });
    return { id: opened.case_id };
  };
  const [cb1, cb2, cb3] = [await callbackCase(cc1, sp1.id, f1.id, sup1), await callbackCase(cc2, sp2.id, f2.id, sup2), await callbackCase(cc3, sp3.id, f3.id, null)];
  const w1: World = { province: p1, commune: c1, centre: cc1, counter: q1, staff: s1, procedure: r1, apiKey: k1, user: sup1, surveyPoint: sp1, flagged: f1, questionnaire: i1, callbackCase: cb1 };
  const w2: World = { province: p2, commune: c2, centre: cc2, counter: q2, staff: s2, procedure: r2, apiKey: k2, user: sup2, surveyPoint: sp2, flagged: f2, questionnaire: i1, callbackCase: cb2 };
  const w3: World = { province: p2, commune: c3, centre: cc3, counter: q3, staff: s2, procedure: r2, apiKey: k3, user: off2, surveyPoint: sp3, flagged: f3, questionnaire: i2, callbackCase: cb3 };

  const json = { 'content-type': 'application/json' };
  const sessionCaller = async (name: string, role: Role, u: { id: string }, scope: Caller['scope'], other: World): Promise<Caller> => ({
    name,
    kind: 'session',
    role,
    headers: asSession(await aSession({ db, config, clock }, u.id)),
    scope,
    userId: u.id,
    own: w1,
    other,
  });
  const keyCaller = (name: string, k: { key: string }, holder: UnitRow, other: World): Caller => ({
    name,
    kind: 'apiKey',
    headers: { ...json, authorization: `Bearer ${k.key}` },
    scope: [holder.path],
    own: w1,
    other,
  });
  const adminCaller = await sessionCaller('system admin', 'system_admin', admin, 'all', w3);
  const callers: Caller[] = [
    { name: 'anonymous', kind: 'anonymous', headers: json, scope: [], own: w1, other: w2 },
    adminCaller,
    await sessionCaller('provincial officer of P1', 'provincial_officer', off1, [p1.path], w3),
    await sessionCaller('centre supervisor of CC1', 'centre_supervisor', sup1, [cc1.path], w2),
    await sessionCaller('viewer of commune C1', 'viewer', view1, [c1.path], w2),
    keyCaller('API key of CC1', k1, cc1, w2),
  ];
  const provinceKeyCaller = keyCaller('API key of P1', k0, p1, w2);

  db.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
  await db.close();
  return { template: config.databaseFile, config, worlds: { w1, w2, w3 }, callers, adminCaller, provinceKeyCaller, marked };
}

/* ───────────── running requests on copies of the fixture ───────────── */

type AppFactory = (deps: { db: AppDatabase; config: Config }) => Hono;

const realApp: AppFactory = ({ db, config }) =>
  createApp({ db, config, clock: fixedClock('2026-11-20T03:00:00Z'), logger: silentLogger, ui: {} });

/** Tables whose content is the platform's state (sessions and rate-limit counters are not). */
const VOLATILE = new Set(['sessions', 'login_attempts', 'device_marks', 'schema_migrations', 'sqlite_sequence']);

/** The platform's state, without the audit log and export manifests (an export appends to both: records of a read). */
function snapshot(db: AppDatabase): string {
  const sqlite = db.sqlite!;
  const tables = (sqlite.prepare("select name from sqlite_master where type = 'table' order by name").all() as { name: string }[])
    .map((t) => t.name)
    .filter((n) => !VOLATILE.has(n) && n !== 'audit_log' && n !== 'export_manifests');
  // Rows sorted by content: some tables are WITHOUT ROWID.
  return JSON.stringify(tables.map((t) => [t, sqlite.prepare(`select * from "${t}"`).all().map((r) => JSON.stringify(r)).sort()]));
}

class Copies {
  private n = 0;
  private files: string[] = [];
  constructor(
    private readonly fx: Fixture,
    private readonly dir: string,
    private readonly factory: AppFactory,
  ) {}
  open(): { db: AppDatabase; app: Hono } {
    const file = path.join(this.dir, `copy-${process.pid}-${this.n++}.sqlite`);
    copyFileSync(this.fx.template, file);
    this.files.push(file);
    const db = openSqlite(file);
    return { db, app: this.factory({ db, config: { ...this.fx.config, databaseFile: file } }) };
  }
  async close(copy: { db: AppDatabase }): Promise<void> {
    await copy.db.close();
  }
  cleanup(): void {
    for (const f of this.files) for (const suffix of ['', '-wal', '-shm']) rmSync(f + suffix, { force: true });
    this.files = [];
  }
}

interface Outcome {
  status: number;
  text: string;
  cacheControl: string | null;
  /** Anything written, the audit log included. */
  changed: boolean;
  /** Anything but the audit log written. */
  stateChanged: boolean;
  newAudit: { before: string | null; after: string | null; action: string }[];
}

async function send(copy: { db: AppDatabase; app: Hono }, caller: Caller, method: string, routePath: string, req: SampleRequest): Promise<Outcome> {
  const before = snapshot(copy.db);
  const lastAudit = (copy.db.sqlite!.prepare('select coalesce(max(id), 0) as id from audit_log').get() as { id: number }).id;
  const headers = { ...caller.headers, ...(req.raw ? { 'content-type': req.raw.contentType } : {}) };
  const body = req.raw ? req.raw.body : req.body === undefined ? undefined : JSON.stringify(req.body);
  const res = await copy.app.request(req.path ?? routePath, { method, headers, body });
  const text = await res.text();
  const stateChanged = snapshot(copy.db) !== before;
  const newAudit = copy.db.sqlite!.prepare('select action, before, after from audit_log where id > ?').all(lastAudit) as Outcome['newAudit'];
  return { status: res.status, text, cacheControl: res.headers.get('cache-control'), stateChanged, changed: stateChanged || newAudit.length > 0, newAudit };
}

function admitted(caller: Caller, guard: RouteGuard): boolean {
  if (guard.kind === 'public') return true;
  if (guard.kind === 'apiKey') return caller.kind === 'apiKey';
  if (caller.kind !== 'session') return false;
  return guard.kind === 'session' || ROLE_PERMISSIONS[caller.role!].includes(guard.permission);
}

function foreignMarkers(fx: Fixture, caller: Caller): string[] {
  if (caller.scope === 'all') return [];
  const scope = caller.scope;
  return fx.marked.filter((m) => !m.visibleTo(scope, caller.userId)).flatMap((m) => m.markers);
}

/** Checks one route against every caller; returns the violations found (empty = sound). */
async function checkRoute(fx: Fixture, dir: string, route: DeclaredRoute, sample: Sample, factory: AppFactory = realApp): Promise<string[]> {
  const violations: string[] = [];
  const guard = route.guards.find((g) => g.kind !== 'session') ?? route.guards[0]!;
  const copies = new Copies(fx, dir, factory);
  const reader = copies.open();
  let writer = copies.open();
  const callers = guard.kind === 'public' ? fx.callers.filter((c) => c.kind === 'anonymous') : fx.callers;
  const controls: { req: SampleRequest; caller: Caller }[] = [];
  try {
    for (const caller of callers) {
      const foreign = foreignMarkers(fx, caller);
      const requests = [
        ...sample(caller.own, caller.other).map((r) => ({ r, mirrored: false })),
        ...(guard.kind === 'session' || guard.kind === 'public' ? [] : sample(caller.other, caller.own).map((r) => ({ r, mirrored: true }))),
      ];
      for (const { r, mirrored } of requests) {
        const label = `${caller.name}: ${route.method} ${r.path ?? route.path}${r.body ? ` ${JSON.stringify(r.body)}` : ''}`;
        const requestText = `${r.path ?? ''} ${JSON.stringify(r.body ?? '')} ${r.raw?.body ?? ''}`;
        const namesForeign = foreign.filter((m) => requestText.includes(m));
        const copy = route.method === 'GET' ? reader : writer;
        const out = await send(copy, caller, route.method, route.path, r);
        if (out.status >= 500) violations.push(`${label} → ${out.status} ${out.text.slice(0, 200)}`);
        if (/^\/api\/(admin|auth)\//.test(route.path) && out.cacheControl !== 'no-store') {
          violations.push(`${label} → ${out.status} with Cache-Control ${String(out.cacheControl)}, expected no-store`);
        }
        const leaked = foreign.filter((m) => out.text.includes(m) && !requestText.includes(m));
        if (leaked.length) violations.push(`${label} → ${out.status} leaks ${leaked.slice(0, 3).join(', ')}`);
        if (!admitted(caller, guard)) {
          const expected = caller.kind === 'session' && guard.kind === 'permission' ? 403 : 401;
          if (out.status !== expected) violations.push(`${label} → ${out.status}, expected ${expected} (${JSON.stringify(guard)})`);
        }
        if (out.changed) {
          if (route.method === 'GET' && out.stateChanged) violations.push(`${label} → a GET changed the database beyond the audit log`);
          if (!admitted(caller, guard)) violations.push(`${label} → changed the database without the declared permission`);
          if (namesForeign.length) violations.push(`${label} → changed the database while naming foreign ${namesForeign[0]}`);
          if (route.path.startsWith('/api/admin/') && out.stateChanged) {
            const audited = out.newAudit.length > 0 && out.newAudit.every((a) => a.after !== null || a.before !== null);
            if (!audited) violations.push(`${label} → changed the database without an audit entry with before/after`);
          }
        }
        // A successful write (even one that only touched sessions) gets a fresh copy for the next request.
        if (out.changed || (route.method !== 'GET' && out.status < 300)) {
          await copies.close(writer);
          writer = copies.open();
        }
        if (admitted(caller, guard) && !mirrored && !r.crossUnit && !r.assigneeOnly && guard.kind !== 'session' && (caller.scope === 'all' || caller.kind === 'apiKey')) {
          if (out.status >= 300) violations.push(`${label} → ${out.status}: a caller with full rights on its own units must succeed (is the sample valid?) ${out.text.slice(0, 200)}`);
        }
        if (admitted(caller, guard) && mirrored && !r.crossUnit && namesForeign.length && route.method !== 'GET') {
          controls.push({ req: r, caller });
        }
      }
    }
    // Control: the foreign write requests would have succeeded for a caller entitled to them.
    for (const { req } of controls.slice(0, 6)) {
      const controller = guard.kind === 'apiKey' ? fx.provinceKeyCaller : fx.adminCaller;
      const copy = copies.open();
      const out = await send(copy, controller, route.method, route.path, req);
      await copies.close(copy);
      if (out.status >= 300) violations.push(`control ${controller.name}: ${route.method} ${req.path ?? route.path} → ${out.status} ${out.text.slice(0, 200)}`);
    }
  } finally {
    await copies.close(reader);
    await copies.close(writer);
    copies.cleanup();
  }
  return violations;
}

/* ───────────── the tests ───────────── */

/** The routes of the real app, discovered at collection time so each gets its own test. */
async function discover(): Promise<DeclaredRoute[]> {
  const dir = tempDir('sipas-routes-');
  const config = testConfig(dir);
  const db = openSqlite(config.databaseFile);
  await migrate(db);
  const routes = declaredRoutes(realApp({ db, config }));
  await db.close();
  rmSync(dir, { recursive: true, force: true });
  return routes;
}

const ROUTES = await discover();
const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;

let fx: Fixture;
let dir: string;
beforeAll(async () => {
  dir = tempDir('sipas-matrix-');
  fx = await buildFixture(dir);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('route registry', () => {
  it('finds the admin, auth and API routes', () => {
    expect(ROUTES.length).toBeGreaterThan(20);
    expect(ROUTES.map(key)).toContain('GET /api/admin/units');
  });

  it('every /api/admin route declares a permission, every /api/v1 route requireApiKey, every /api/auth route a guard', () => {
    const undeclared = ROUTES.filter((r) => {
      if (r.path.startsWith('/api/admin/')) return !r.guards.some((g) => g.kind === 'permission');
      if (r.path.startsWith('/api/v1/')) return !r.guards.some((g) => g.kind === 'apiKey');
      return r.guards.length === 0;
    }).map(key);
    expect(undeclared, `Routes without a declared guard (add requirePermission(...) / requireApiKey(deps) to the route's handlers): ${undeclared.join(', ')}`).toEqual([]);
  });

  it('every route has a sample request in this file', () => {
    const missing = ROUTES.map(key).filter((k) => !SAMPLES[k]);
    expect(missing, `Add SAMPLES entries in server/auth/authz-matrix.test.ts for: ${missing.join(', ')}`).toEqual([]);
    const stale = Object.keys(SAMPLES).filter((k) => !ROUTES.some((r) => key(r) === k));
    expect(stale, `SAMPLES for routes that no longer exist: ${stale.join(', ')}`).toEqual([]);
  });
});

describe('authorization matrix: every route × every caller × own and foreign units', () => {
  for (const route of ROUTES) {
    it(`${key(route)}`, async () => {
      const sample = SAMPLES[key(route)];
      expect(sample, `No sample request for ${key(route)}: add one to SAMPLES in server/auth/authz-matrix.test.ts`).toBeDefined();
      const violations = await checkRoute(fx, dir, route, sample!);
      expect(violations, violations.join('\n')).toEqual([]);
    }, 120_000);
  }
});

describe('call-back contacts', () => {
  it("are read by the case's assignee alone: every other caller, a system administrator included, is refused", async () => {
    const route = ROUTES.find((r) => key(r) === 'GET /api/admin/callback-contacts/:caseId')!;
    const copies = new Copies(fx, dir, realApp);
    const copy = copies.open();
    try {
      const readers: string[] = [];
      for (const caller of [...fx.callers, fx.provinceKeyCaller]) {
        for (const world of Object.values(fx.worlds)) {
          const out = await send(copy, caller, 'GET', route.path, { path: `/api/admin/callback-contacts/${world.callbackCase.id}` });
          if (out.status === 200) readers.push(`${caller.name} → ${world.centre.code}`);
          else expect(out.status, `${caller.name}: ${out.text}`).toBeOneOf([401, 403]);
        }
      }
      expect(readers).toEqual([`centre supervisor of CC1 → ${fx.worlds.w1.centre.code}`]);
    } finally {
      await copies.close(copy);
      copies.cleanup();
    }
  }, 120_000);
});

describe('the matrix can fail', () => {
  it('catches a route that lists units without scoping them, and one that writes outside the caller’s area', async () => {
    const leaky: AppFactory = (deps) => {
      const app = realApp(deps);
      app.get('/api/admin/leaky-units', requirePermission('units.read'), async (c) =>
        c.json(await deps.db.kysely.selectFrom('units').selectAll().execute()),
      );
      app.post('/api/admin/unscoped-rename/:id', requirePermission('units.write'), async (c) => {
        await deps.db.write((tx) => tx.updateTable('units').set({ name: 'renamed' }).where('id', '=', c.req.param('id')).execute());
        return c.json({ ok: true });
      });
      return app;
    };
    const get = ROUTES.find((r) => key(r) === 'GET /api/admin/units')!;
    const leaks = await checkRoute(fx, dir, { ...get, path: '/api/admin/leaky-units' }, () => [{}], leaky);
    expect(leaks.some((v) => v.includes('leaks'))).toBe(true);
    const post = ROUTES.find((r) => key(r) === 'POST /api/admin/units')!;
    const writes = await checkRoute(
      fx,
      dir,
      { method: 'POST', path: '/api/admin/unscoped-rename/:id', guards: [{ kind: 'permission', permission: 'units.write' }] },
      (w) => [{ path: `/api/admin/unscoped-rename/${w.centre.id}` }],
      leaky,
    );
    expect(writes.some((v) => v.includes('naming foreign'))).toBe(true);
    expect(writes.some((v) => v.includes('without an audit entry'))).toBe(true);
    expect(post).toBeDefined();
  }, 120_000);

  it('catches a route without a declared guard', () => {
    const app = new Hono();
    app.get('/api/admin/forgot-to-declare', (c) => c.json({}));
    app.get('/api/admin/declared', requirePermission('units.read'), (c) => c.json({}));
    const found = declaredRoutes(app);
    expect(found.find((r) => r.path === '/api/admin/forgot-to-declare')?.guards).toEqual([]);
    expect(found.find((r) => r.path === '/api/admin/declared')?.guards).toEqual([{ kind: 'permission', permission: 'units.read' }]);
  });
});
