import { generate } from 'otplib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionInfo, UserSummary, UserWithPassword } from '../../schema/admin.js';
import { RecoveryCodes, SessionList, TotpSetup, TotpStatus } from '../../schema/auth.js';
import { ErrorBody, type ErrorCode } from '../../schema/errors.js';
import { ConfigError, loadConfig } from '../config.js';
import type { UnitRow } from '../db/types.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { aUnit } from '../testing/units.js';
import { LOGIN_LIMITS } from './rate-limit.js';
import { aSession, aUser, TEST_PASSWORD } from '../testing/auth.js';
import { decryptTotpSecret } from './totp.js';

/**
 * Staff sign-in beyond the password (issue #20): passwords to change at first sign-in, TOTP enrolment
 * required for system administrators and provincial officers (the default TOTP_REQUIRED_ROLES),
 * the second step of sign-in with a code or a single-use recovery code, and one's own sessions.
 * Everything through the real routes, with the test clock driving the codes.
 */

let t: TestContext;
let province: UnitRow;
let centre: UnitRow;
beforeEach(async () => {
  t = await makeTestApp({ env: { TRUST_PROXY: 'true' } });
  province = await aUnit(t.db, t.clock, { kind: 'province', code: '96' });
  const commune = await aUnit(t.db, t.clock, { kind: 'commune', parent: province });
  centre = await aUnit(t.db, t.clock, { kind: 'centre', parent: commune });
});
afterEach(async () => t.cleanup());

/** A browser: its cookie and CSRF token, as the admin app keeps them. */
interface Browser {
  cookie: string;
  csrf: string;
  info: SessionInfo;
}

async function login(username: string, password: string, ip = '198.51.100.1'): Promise<Browser> {
  const res = await t.app.request('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ username, password }),
  });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  const info = SessionInfo.parse(JSON.parse(text));
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!, csrf: info.csrfToken, info };
}

function call(b: Pick<Browser, 'cookie' | 'csrf'>, method: string, path: string, body?: unknown) {
  return t.app.request(path, {
    method,
    headers: { cookie: b.cookie, 'x-csrf-token': b.csrf, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function ok<T>(res: Response, schema: { parse(v: unknown): T }, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return schema.parse(JSON.parse(text));
}

async function fails(res: Response, status: number, code: ErrorCode) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(ErrorBody.parse(JSON.parse(text)).error.code).toBe(code);
}

/** The code an authenticator app shows at the test clock's time. */
const codeAt = (secret: string, offsetSeconds = 0) => generate({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000) + offsetSeconds });

async function anAdmin(username = 'quan.tri') {
  return aUser(t.db, t.clock, { username, grants: [{ role: 'system_admin', unitId: null }] });
}

/** Signs in and enrols TOTP through the routes; returns the secret and the recovery codes. */
async function enrol(username: string): Promise<{ secret: string; recoveryCodes: string[]; browser: Browser }> {
  const browser = await login(username, TEST_PASSWORD);
  const setup = await ok(await call(browser, 'POST', '/api/auth/totp/setup'), TotpSetup);
  const { recoveryCodes } = await ok(await call(browser, 'POST', '/api/auth/totp/enable', { code: await codeAt(setup.secret) }), RecoveryCodes);
  return { secret: setup.secret, recoveryCodes, browser };
}

describe('passwords set by someone else are changed at the first sign-in', () => {
  it('a new account signs in to the change-password step only: other calls get 403 password_change_required until it is changed', async () => {
    const officer = await aSession(t, (await aUser(t.db, t.clock, { grants: [{ role: 'provincial_officer', unitId: province.id }] })).id);
    for (const password of [undefined, 'chosen-by-the-officer']) {
      const username = password ? 'mai.typed' : 'mai.generated';
      const created = await ok(
        await call(
          { cookie: officer.cookie, csrf: officer.csrfToken },
          'POST',
          '/api/admin/users',
          { username, displayName: 'Mai', grants: [{ role: 'centre_supervisor', unitId: centre.id }], ...(password ? { password } : {}) },
        ),
        UserWithPassword,
        201,
      );
      expect(created.user.mustChangePassword).toBe(true);
      const initial = password ?? created.password!;
      const mai = await login(username, initial);
      expect(mai.info).toMatchObject({ pending: 'password_change', grants: [], permissions: [] });
      await fails(await call(mai, 'GET', `/api/admin/units/${centre.id}`), 403, 'password_change_required');
      await fails(await call(mai, 'GET', '/api/auth/sessions'), 403, 'password_change_required');
      expect(SessionInfo.parse(await (await call(mai, 'GET', '/api/auth/me')).json()).pending).toBe('password_change');
      await fails(await call(mai, 'POST', '/api/auth/password', { currentPassword: initial, newPassword: initial }), 400, 'validation_failed');
      expect((await call(mai, 'POST', '/api/auth/password', { currentPassword: initial, newPassword: 'mai-chose-this-one' })).status).toBe(200);
      const me = await ok(await call(mai, 'GET', '/api/auth/me'), SessionInfo);
      expect(me.pending).toBeNull();
      expect(me.permissions).toContain('dashboard.read');
      expect((await call(mai, 'GET', `/api/admin/units/${centre.id}`)).status).toBe(200);
    }
  });

  it('a password reset by an administrator must be changed again', async () => {
    const admin = await aSession(t, (await anAdmin()).id);
    const sup = await aUser(t.db, t.clock, { username: 'giam.sat', grants: [{ role: 'centre_supervisor', unitId: centre.id }] });
    expect((await login('giam.sat', TEST_PASSWORD)).info.pending).toBeNull();
    const reset = await ok(await call({ cookie: admin.cookie, csrf: admin.csrfToken }, 'POST', `/api/admin/users/${sup.id}/reset-password`), UserWithPassword);
    expect(reset.user.mustChangePassword).toBe(true);
    expect((await login('giam.sat', reset.password!)).info.pending).toBe('password_change');
  });
});

describe('TOTP enrolment', () => {
  it('is required for a system administrator (default TOTP_REQUIRED_ROLES): nothing else until enrolled; codes and recovery codes work', async () => {
    await anAdmin();
    const b = await login('quan.tri', TEST_PASSWORD);
    expect(b.info).toMatchObject({ pending: 'totp_enrolment', permissions: [] });
    await fails(await call(b, 'GET', '/api/admin/users'), 403, 'totp_enrolment_required');
    expect(await ok(await call(b, 'GET', '/api/auth/totp'), TotpStatus)).toEqual({ enabled: false, enabledAt: null, required: true, recoveryCodesLeft: 0 });
    const setup = await ok(await call(b, 'POST', '/api/auth/totp/setup'), TotpSetup);
    expect(setup.otpauthUri).toMatch(/^otpauth:\/\/totp\/SIPAS:quan\.tri\?/);
    expect(setup.qrDataUrl).toMatch(/^data:image\/svg\+xml;base64,/);
    await fails(await call(b, 'POST', '/api/auth/totp/enable', { code: '000000' === (await codeAt(setup.secret)) ? '111111' : '000000' }), 400, 'validation_failed');
    const { recoveryCodes } = await ok(await call(b, 'POST', '/api/auth/totp/enable', { code: await codeAt(setup.secret) }), RecoveryCodes);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    expect((await call(b, 'GET', '/api/admin/users')).status).toBe(200);
    expect(await ok(await call(b, 'GET', '/api/auth/totp'), TotpStatus)).toMatchObject({ enabled: true, required: true, recoveryCodesLeft: 10 });
    await fails(await call(b, 'POST', '/api/auth/totp/disable', { password: TEST_PASSWORD }), 403, 'forbidden');

    // At rest: the secret only encrypted and bound to its user; recovery codes only hashed; nothing in the audit log.
    const row = await t.db.kysely.selectFrom('users').select(['id', 'totp_secret']).where('username', '=', 'quan.tri').executeTakeFirstOrThrow();
    expect(row.totp_secret).not.toContain(setup.secret);
    expect(decryptTotpSecret(t.config, row.id, row.totp_secret!)).toBe(setup.secret);
    expect(decryptTotpSecret(t.config, 'another-user', row.totp_secret!)).toBeNull();
    const stored = JSON.stringify(await t.db.kysely.selectFrom('recovery_codes').selectAll().execute());
    const audit = JSON.stringify(await t.db.kysely.selectFrom('audit_log').selectAll().execute());
    for (const secretText of [setup.secret, ...recoveryCodes, ...recoveryCodes.map((c) => c.replaceAll('-', ''))]) {
      expect(stored).not.toContain(secretText);
      expect(audit).not.toContain(secretText);
    }
    expect(audit).toContain('user.totp_enrol');
  });

  it('is optional for a centre supervisor, who may turn it on and off again (password re-checked)', async () => {
    await aUser(t.db, t.clock, { username: 'giam.sat', grants: [{ role: 'centre_supervisor', unitId: centre.id }] });
    const b = await login('giam.sat', TEST_PASSWORD);
    expect(b.info.pending).toBeNull();
    expect(await ok(await call(b, 'GET', '/api/auth/totp'), TotpStatus)).toMatchObject({ enabled: false, required: false });
    await enrol('giam.sat');
    expect((await login('giam.sat', TEST_PASSWORD)).info.pending).toBe('second_factor');
    await fails(await call(b, 'POST', '/api/auth/totp/disable', { password: 'not-the-password' }), 400, 'validation_failed');
    expect((await call(b, 'POST', '/api/auth/totp/disable', { password: TEST_PASSWORD })).status).toBe(200);
    expect((await login('giam.sat', TEST_PASSWORD)).info.pending).toBeNull();
    const actions = (await t.db.kysely.selectFrom('audit_log').select('action').orderBy('id').execute()).map((r) => r.action);
    expect(actions).toEqual(['user.totp_enrol', 'user.totp_disable']);
  });

  it('is not required when TOTP_REQUIRED_ROLES=none; the setting refuses unknown roles', async () => {
    await t.cleanup();
    t = await makeTestApp({ env: { TOTP_REQUIRED_ROLES: 'none' } });
    await anAdmin();
    expect((await login('quan.tri', TEST_PASSWORD)).info.pending).toBeNull();
    expect(loadConfig({ DATA_DIR: t.dir, TOTP_REQUIRED_ROLES: 'system_admin, viewer' }).totpRequiredRoles).toEqual(['system_admin', 'viewer']);
    expect(loadConfig({ DATA_DIR: t.dir }).totpRequiredRoles).toEqual(['system_admin', 'provincial_officer']);
    expect(() => loadConfig({ DATA_DIR: t.dir, TOTP_REQUIRED_ROLES: 'admin' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: t.dir, TOTP_REQUIRED_ROLES: 'admin' })).toThrow(/TOTP_REQUIRED_ROLES/);
  });
});

describe('signing in with TOTP', () => {
  it('the password alone reaches only the second step; a current code finishes it with a new session token; a code is never accepted twice', async () => {
    await anAdmin();
    const { secret } = await enrol('quan.tri');
    t.clock.advance(60_000);
    const half = await login('quan.tri', TEST_PASSWORD);
    expect(half.info).toMatchObject({ pending: 'second_factor', grants: [], permissions: [] });
    await fails(await call(half, 'GET', '/api/admin/users'), 403, 'second_factor_required');
    await fails(await call(half, 'POST', '/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'something-else-long' }), 403, 'second_factor_required');
    await fails(await call(half, 'POST', '/api/auth/totp/setup'), 403, 'second_factor_required');
    await fails(await call(half, 'POST', '/api/auth/logout-all'), 403, 'second_factor_required');
    const code = await codeAt(secret);
    await fails(await call(half, 'POST', '/api/auth/second-factor', { code: code === '123456' ? '654321' : '123456' }), 400, 'validation_failed');
    const done = await call(half, 'POST', '/api/auth/second-factor', { code });
    const info = await ok(done, SessionInfo);
    expect(info.pending).toBeNull();
    expect(info.permissions).toContain('users.write');
    const full = { cookie: (done.headers.get('set-cookie') ?? '').split(';')[0]!, csrf: info.csrfToken };
    expect(full.cookie).not.toBe(half.cookie);
    expect((await call(full, 'GET', '/api/admin/users')).status).toBe(200);
    await fails(await call(half, 'GET', '/api/auth/me'), 401, 'unauthenticated');
    // The same code, seconds later in the same step, on another sign-in: refused.
    const again = await login('quan.tri', TEST_PASSWORD);
    await fails(await call(again, 'POST', '/api/auth/second-factor', { code }), 400, 'validation_failed');
    // A full session has no second factor to give.
    await fails(await call(full, 'POST', '/api/auth/second-factor', { code: await codeAt(secret, 30) }), 409, 'conflict');
  });

  it('a recovery code works once; its use is audited', async () => {
    await anAdmin();
    const { recoveryCodes } = await enrol('quan.tri');
    const first = await login('quan.tri', TEST_PASSWORD);
    const info = await ok(await call(first, 'POST', '/api/auth/second-factor', { recoveryCode: recoveryCodes[3]!.toUpperCase() }), SessionInfo);
    expect(info.pending).toBeNull();
    const second = await login('quan.tri', TEST_PASSWORD);
    await fails(await call(second, 'POST', '/api/auth/second-factor', { recoveryCode: recoveryCodes[3] }), 400, 'validation_failed');
    expect((await call(second, 'POST', '/api/auth/second-factor', { recoveryCode: recoveryCodes[4] })).status).toBe(200);
    const uses = await t.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'user.recovery_code_use').orderBy('id').execute();
    expect(uses.map((u) => JSON.parse(u.after!))).toEqual([{ recoveryCodesLeft: 9 }, { recoveryCodesLeft: 8 }]);
  });

  it('new recovery codes replace the old ones, confirmed by a current code', async () => {
    await anAdmin();
    const { secret, recoveryCodes, browser } = await enrol('quan.tri');
    t.clock.advance(30_000);
    const fresh = await ok(await call(browser, 'POST', '/api/auth/totp/recovery-codes', { code: await codeAt(secret) }), RecoveryCodes);
    expect(fresh.recoveryCodes).toHaveLength(10);
    const b = await login('quan.tri', TEST_PASSWORD);
    await fails(await call(b, 'POST', '/api/auth/second-factor', { recoveryCode: recoveryCodes[0] }), 400, 'validation_failed');
    expect((await call(b, 'POST', '/api/auth/second-factor', { recoveryCode: fresh.recoveryCodes[0] })).status).toBe(200);
  });

  it('wrong codes are limited per account: the second step is refused for the window after a few', async () => {
    await anAdmin();
    const { secret } = await enrol('quan.tri');
    t.clock.advance(60_000);
    const b = await login('quan.tri', TEST_PASSWORD);
    const right = await codeAt(secret);
    const wrong = right === '000000' ? '000001' : '000000';
    for (let i = 0; i < LOGIN_LIMITS.secondFactor.failures; i++) await fails(await call(b, 'POST', '/api/auth/second-factor', { code: wrong }), 400, 'validation_failed');
    const refused = await call(b, 'POST', '/api/auth/second-factor', { code: right });
    await fails(refused, 429, 'rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('issue #21 with TOTP: failures from other addresses do not stop the right password and code from a clean one', async () => {
    await anAdmin();
    const { secret } = await enrol('quan.tri');
    for (let n = 1; n <= 5; n++) {
      t.clock.advance(LOGIN_LIMITS.account.maxIntervalSeconds * 1000);
      const res = await t.app.request('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `192.0.2.${n}` },
        body: JSON.stringify({ username: 'quan.tri', password: 'wrong-password' }),
      });
      expect(res.status).toBe(401);
    }
    t.clock.advance(60_000);
    const b = await login('quan.tri', TEST_PASSWORD, '192.0.2.200');
    expect(b.info.pending).toBe('second_factor');
    expect((await ok(await call(b, 'POST', '/api/auth/second-factor', { code: await codeAt(secret) }), SessionInfo)).pending).toBeNull();
  });

  it('an administrator resets a lost TOTP: the account is signed out and enrols again at its next sign-in', async () => {
    const admin = await aSession(t, (await anAdmin('admin.hai')).id);
    const officer = await aUser(t.db, t.clock, { username: 'can.bo', grants: [{ role: 'provincial_officer', unitId: province.id }] });
    const { browser } = await enrol('can.bo');
    const user = await ok(await call({ cookie: admin.cookie, csrf: admin.csrfToken }, 'POST', `/api/admin/users/${officer.id}/totp/reset`), UserSummary);
    expect(user.totpEnabled).toBe(false);
    await fails(await call(browser, 'GET', '/api/auth/me'), 401, 'unauthenticated');
    expect((await login('can.bo', TEST_PASSWORD)).info.pending).toBe('totp_enrolment');
    const entry = await t.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'user.totp_reset').executeTakeFirstOrThrow();
    expect(JSON.parse(entry.before!)).toMatchObject({ totpEnabled: true });
  });
});

describe('my sessions', () => {
  it('lists the user’s sessions with the current one marked; revoking one ends it, audited; a password change ends the others', async () => {
    await aUser(t.db, t.clock, { username: 'giam.sat', grants: [{ role: 'centre_supervisor', unitId: centre.id }] });
    const phone = await login('giam.sat', TEST_PASSWORD);
    t.clock.advance(1000);
    const desk = await login('giam.sat', TEST_PASSWORD);
    t.clock.advance(1000);
    const tablet = await login('giam.sat', TEST_PASSWORD);
    const list = await ok(await call(desk, 'GET', '/api/auth/sessions'), SessionList);
    expect(list.items).toHaveLength(3);
    expect(list.items.filter((s) => s.current)).toHaveLength(1);
    expect(list.items[1]!.current).toBe(true);
    expect(JSON.stringify(list)).not.toContain(desk.cookie.split('=')[1]!);
    const phoneEntry = list.items[2]!;
    expect(await (await call(desk, 'POST', `/api/auth/sessions/${phoneEntry.id}/revoke`)).json()).toEqual({ ok: true, current: false });
    await fails(await call(phone, 'GET', '/api/auth/me'), 401, 'unauthenticated');
    await fails(await call(desk, 'POST', `/api/auth/sessions/${phoneEntry.id}/revoke`), 404, 'not_found');
    await fails(await call(desk, 'POST', '/api/auth/sessions/not-an-id/revoke'), 400, 'validation_failed');
    expect((await t.db.kysely.selectFrom('audit_log').select('action').execute()).map((r) => r.action)).toEqual(['user.session_revoke']);
    // Someone else's session id is not found from my account.
    const other = await aSession(t, (await anAdmin('admin.khac')).id);
    const theirs = await ok(await call({ cookie: other.cookie, csrf: other.csrfToken }, 'GET', '/api/auth/sessions'), SessionList);
    await fails(await call(desk, 'POST', `/api/auth/sessions/${theirs.items[0]!.id}/revoke`), 404, 'not_found');
    expect((await call({ cookie: other.cookie, csrf: other.csrfToken }, 'GET', '/api/auth/me')).status).toBe(200);

    expect((await call(desk, 'POST', '/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'a-new-long-password' })).status).toBe(200);
    await fails(await call(tablet, 'GET', '/api/auth/me'), 401, 'unauthenticated');
    expect((await ok(await call(desk, 'GET', '/api/auth/sessions'), SessionList)).items).toHaveLength(1);
  });
});
