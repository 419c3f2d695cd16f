import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorBody, type ErrorCode } from '../../schema/errors.js';
import { SessionInfo, SessionState } from '../../schema/admin.js';
import { loadConfig } from '../config.js';
import { sha256Hex } from '../ids.js';
import { makeTestApp, TEST_SCRYPT_LOG_N, type TestContext } from '../testing/harness.js';
import { aUnit } from '../testing/units.js';
import { hashPassword, verifyPassword } from './password.js';
import { LOGIN_LIMITS } from './rate-limit.js';
import { aSession, asSession, aUser, TEST_PASSWORD, testPasswordHash } from '../testing/auth.js';
import { sql } from 'kysely';

/** Password sign-in on its own: second-factor.test.ts covers the roles that require TOTP. */
const withoutTotp = (env: Record<string, string> = {}) => ({ TOTP_REQUIRED_ROLES: 'none', ...env });

let t: TestContext;
beforeEach(async () => {
  t = await makeTestApp({ now: '2026-11-20T03:00:00Z', env: withoutTotp() });
});
afterEach(async () => t.cleanup());

const json = { 'content-type': 'application/json' };

function login(username: string, password: string, headers: Record<string, string> = {}) {
  return t.app.request('/api/auth/login', {
    method: 'POST',
    headers: { ...json, ...headers },
    body: JSON.stringify({ username, password }),
  });
}

async function expectError(res: Response, status: number, code: ErrorCode) {
  expect(res.status).toBe(status);
  const body = ErrorBody.parse(await res.json());
  expect(body.error.code).toBe(code);
  return body.error;
}

function cookieOf(res: Response): string {
  const setCookie = res.headers.get('set-cookie') ?? '';
  return setCookie.split(';')[0]!;
}

async function anAdmin(username = 'lan.nguyen') {
  return aUser(t.db, t.clock, { username, grants: [{ role: 'system_admin', unitId: null }] });
}

describe('passwords', () => {
  // The one test at the production cost (two scrypt runs of 128 MiB: slow on a busy machine, hence
  // its own timeout); every other test signs in at TEST_SCRYPT_LOG_N (harness.ts).
  it('hashes with the production parameters, scrypt N=2^17, r=8, p=1, and verifies the right password', async () => {
    const production = loadConfig({ DATA_DIR: t.dir }).passwordHashLogN;
    expect(production).toBe(17);
    const hash = await hashPassword('mật khẩu dài đủ', production);
    expect(hash).toMatch(/^scrypt\$17\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword('mật khẩu dài đủ', hash, production)).toBe(true);
    // A server at the production cost refuses a weaker stored hash (the tests' cost) without running scrypt.
    expect(TEST_SCRYPT_LOG_N).toBeLessThan(14);
    expect(await verifyPassword(TEST_PASSWORD, await testPasswordHash(), production)).toBe(false);
  }, 120_000);

  it('salts every hash afresh and verifies only the right password; a malformed or out-of-range hash never matches', async () => {
    const a = await hashPassword('mật khẩu dài đủ', TEST_SCRYPT_LOG_N);
    const b = await hashPassword('mật khẩu dài đủ', TEST_SCRYPT_LOG_N);
    expect(a).not.toBe(b);
    expect(await verifyPassword('mật khẩu dài đủ', a, TEST_SCRYPT_LOG_N)).toBe(true);
    expect(await verifyPassword('mật khẩu dài đu', a, TEST_SCRYPT_LOG_N)).toBe(false);
    expect(await verifyPassword('x', 'scrypt$30$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA', TEST_SCRYPT_LOG_N)).toBe(false);
    expect(await verifyPassword('x', 'plain', TEST_SCRYPT_LOG_N)).toBe(false);
  });

  it('tests sign in at the lower cost set through the config', () => {
    expect(t.config.passwordHashLogN).toBe(TEST_SCRYPT_LOG_N);
  });
});

describe('sign-in', () => {
  it('signs in with the right password: HttpOnly SameSite=Lax cookie, session info with a CSRF token', async () => {
    await anAdmin();
    const res = await login('Lan.Nguyen', TEST_PASSWORD);
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^sipas_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).not.toMatch(/Secure/);
    const info = SessionInfo.parse(await res.json());
    expect(info.user.username).toBe('lan.nguyen');
    expect(info.permissions).toContain('users.write');
    const me = await t.app.request('/api/auth/me', { headers: { cookie: cookieOf(res) } });
    expect(me.status).toBe(200);
    expect(SessionInfo.parse(await me.json()).csrfToken).toBe(info.csrfToken);
  });

  it('answers the start-up session check with null when signed out and the session when signed in', async () => {
    const anonymous = await t.app.request('/api/auth/session');
    expect(anonymous.status).toBe(200);
    expect(SessionState.parse(await anonymous.json())).toEqual({ session: null });
    const forged = await t.app.request('/api/auth/session', { headers: { cookie: 'sipas_session=forged' } });
    expect(SessionState.parse(await forged.json())).toEqual({ session: null });
    await anAdmin();
    const res = await login('Lan.Nguyen', TEST_PASSWORD);
    const info = SessionInfo.parse(await res.json());
    const state = SessionState.parse(await (await t.app.request('/api/auth/session', { headers: { cookie: cookieOf(res) } })).json());
    expect(state.session?.user.username).toBe('lan.nguyen');
    expect(state.session?.csrfToken).toBe(info.csrfToken);
  });

  it('marks the cookie Secure (and __Host-) when the public address is https', async () => {
    await t.cleanup();
    t = await makeTestApp({ env: withoutTotp({ PUBLIC_BASE_URL: 'https://khaosat.camau.gov.vn' }) });
    await anAdmin();
    const res = await login('lan.nguyen', TEST_PASSWORD);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^__Host-sipas_session=/);
    expect(setCookie).toMatch(/Secure/);
    expect(setCookie).toMatch(/Path=\//);
  });

  it('answers a wrong password, an unknown user and a disabled account with the same generic message', async () => {
    await anAdmin();
    await aUser(t.db, t.clock, { username: 'disabled.user', active: false, grants: [{ role: 'system_admin', unitId: null }] });
    const wrong = await expectError(await login('lan.nguyen', 'not-the-password'), 401, 'unauthenticated');
    const unknown = await expectError(await login('nobody.here', TEST_PASSWORD), 401, 'unauthenticated');
    const disabled = await expectError(await login('disabled.user', TEST_PASSWORD), 401, 'unauthenticated');
    expect(wrong.message).toBe('Wrong username or password');
    expect(unknown.message).toBe(wrong.message);
    expect(disabled.message).toBe(wrong.message);
  });

  it('refuses the address that failed repeatedly on an account (429 rate_limited), even with the right password, for the rest of the window', async () => {
    await anAdmin();
    for (let i = 0; i < LOGIN_LIMITS.accountFromAddress.failures; i++) {
      await expectError(await login('lan.nguyen', `wrong-${i}`), 401, 'unauthenticated');
    }
    const limited = await login('lan.nguyen', TEST_PASSWORD);
    await expectError(limited, 429, 'rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    t.clock.advance((LOGIN_LIMITS.accountFromAddress.windowMinutes + 1) * 60_000);
    expect((await login('lan.nguyen', TEST_PASSWORD)).status).toBe(200);
  });

  it('a success gives the account a fresh start', async () => {
    await anAdmin();
    for (let i = 0; i < LOGIN_LIMITS.accountFromAddress.failures - 1; i++) await login('lan.nguyen', 'wrong');
    expect((await login('lan.nguyen', TEST_PASSWORD)).status).toBe(200);
    for (let i = 0; i < LOGIN_LIMITS.accountFromAddress.failures - 1; i++) await login('lan.nguyen', 'wrong');
    expect((await login('lan.nguyen', TEST_PASSWORD)).status).toBe(200);
  });

  it('limits failures per address across usernames (from the last X-Forwarded-For hop behind a trusted proxy)', async () => {
    await t.cleanup();
    t = await makeTestApp({ env: withoutTotp({ TRUST_PROXY: 'true' }) });
    await anAdmin();
    const from = (ip: string) => ({ 'x-forwarded-for': `203.0.113.9, ${ip}` });
    // Spread over many usernames so only the address limit can trip (unknown users are cheap to refuse).
    for (let i = 0; i < LOGIN_LIMITS.address.failures; i++) {
      await expectError(await login(`guess-${i}`, 'wrong', from('198.51.100.7')), 401, 'unauthenticated');
    }
    await expectError(await login('lan.nguyen', TEST_PASSWORD, from('198.51.100.7')), 429, 'rate_limited');
    // The spoofable first hop does not matter; another real address is unaffected.
    expect((await login('lan.nguyen', TEST_PASSWORD, from('198.51.100.8'))).status).toBe(200);
  }, 60_000);

  it('issue #21: failures from other addresses never lock the owner out; the right password from a clean address signs in', async () => {
    await t.cleanup();
    t = await makeTestApp({ env: withoutTotp({ TRUST_PROXY: 'true' }) });
    await anAdmin();
    const from = (n: number) => ({ 'x-forwarded-for': `198.51.100.${n}` });
    // Five addresses, each failing until it is refused; the attacker goes at a pace the account allows.
    for (let address = 1; address <= 5; address++) {
      for (let i = 0; i < LOGIN_LIMITS.accountFromAddress.failures; i++) {
        t.clock.advance(LOGIN_LIMITS.account.maxIntervalSeconds * 1000);
        await expectError(await login('lan.nguyen', `wrong-${address}-${i}`, from(address)), 401, 'unauthenticated');
      }
      await expectError(await login('lan.nguyen', TEST_PASSWORD, from(address)), 429, 'rate_limited');
    }
    t.clock.advance(LOGIN_LIMITS.account.maxIntervalSeconds * 1000);
    const owner = await login('lan.nguyen', TEST_PASSWORD, from(200));
    expect(owner.status).toBe(200);
    expect(SessionInfo.parse(await owner.json()).pending).toBeNull();
    // Repeating the attack does not change that.
    for (let address = 6; address <= 10; address++) {
      t.clock.advance(LOGIN_LIMITS.account.maxIntervalSeconds * 1000);
      await expectError(await login('lan.nguyen', 'wrong-again', from(address)), 401, 'unauthenticated');
    }
    t.clock.advance(LOGIN_LIMITS.account.maxIntervalSeconds * 1000);
    expect((await login('lan.nguyen', TEST_PASSWORD, from(201))).status).toBe(200);
  }, 60_000);

  it('past the free failures, checks on one account are spaced out: the right password waits its turn, a flood gets a short Retry-After, never a lock', async () => {
    await t.cleanup();
    t = await makeTestApp({ env: withoutTotp({ TRUST_PROXY: 'true' }) });
    await anAdmin();
    const from = (n: number) => ({ 'x-forwarded-for': `203.0.113.${n}` });
    for (let n = 1; n <= LOGIN_LIMITS.account.freeFailures; n++) await expectError(await login('lan.nguyen', 'wrong', from(n)), 401, 'unauthenticated');
    // The clock stands still: the next check takes the free slot, the one after waits firstIntervalSeconds.
    await expectError(await login('lan.nguyen', 'wrong', from(50)), 401, 'unauthenticated');
    const started = performance.now();
    const owner = await login('lan.nguyen', TEST_PASSWORD, from(51));
    const waitedMs = performance.now() - started;
    expect(owner.status).toBe(200);
    expect(waitedMs).toBeGreaterThanOrEqual(LOGIN_LIMITS.account.firstIntervalSeconds * 1000 - 50);

    // A burst on the account: the queue fills within maxWaitSeconds, the rest are told to come back in seconds.
    for (let n = 1; n <= LOGIN_LIMITS.account.freeFailures; n++) await login('lan.nguyen', 'wrong', from(100 + n));
    const burst = await Promise.all(Array.from({ length: 4 }, (_, i) => login('lan.nguyen', 'wrong', from(150 + i))));
    const refused = burst.filter((r) => r.status === 429);
    expect(burst.filter((r) => r.status === 401).length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(LOGIN_LIMITS.account.maxWaitSeconds + LOGIN_LIMITS.account.maxIntervalSeconds);
    }
    t.clock.advance(20_000);
    expect((await login('lan.nguyen', TEST_PASSWORD, from(52))).status).toBe(200);
  }, 60_000);

  it('never stores the session token in clear: only its SHA-256', async () => {
    await anAdmin();
    const res = await login('lan.nguyen', TEST_PASSWORD);
    const token = cookieOf(res).split('=')[1]!;
    const rows = await t.db.kysely.selectFrom('sessions').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toBe(sha256Hex(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    const stored = await sql<{ s: string }>`select token_hash || csrf_token as s from sessions`.execute(t.db.kysely);
    expect(stored.rows.map((r) => r.s).join('')).not.toContain(token);
  });

  it('answers any sign-in body with a clear 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.dictionary(fc.constantFrom('username', 'password', 'x'), fc.jsonValue({ maxDepth: 1 }))), async (body) => {
        const res = await t.app.request('/api/auth/login', { method: 'POST', headers: json, body: JSON.stringify(body) });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        ErrorBody.parse(await res.json());
      }),
      { numRuns: 300 },
    );
    expect(await t.db.kysely.selectFrom('sessions').selectAll().execute()).toHaveLength(0);
  }, 120_000);

  it('refuses a cross-origin sign-in', async () => {
    await anAdmin();
    await expectError(await login('lan.nguyen', TEST_PASSWORD, { origin: 'https://evil.example' }), 403, 'csrf_failed');
  });
});

describe('session expiry', () => {
  it('expires after sessionIdleMinutes without a request', async () => {
    const user = await anAdmin();
    const s = await aSession(t, user.id);
    t.clock.advance((t.config.sessionIdleMinutes - 1) * 60_000);
    expect((await t.app.request('/api/auth/me', { headers: { cookie: s.cookie } })).status).toBe(200);
    t.clock.advance((t.config.sessionIdleMinutes - 1) * 60_000);
    expect((await t.app.request('/api/auth/me', { headers: { cookie: s.cookie } })).status).toBe(200);
    t.clock.advance(t.config.sessionIdleMinutes * 60_000 + 1000);
    const error = await expectError(await t.app.request('/api/auth/me', { headers: { cookie: s.cookie } }), 401, 'unauthenticated');
    expect(error.message).toMatch(/expired/);
    expect(await t.db.kysely.selectFrom('sessions').selectAll().execute()).toHaveLength(0);
  });

  it('expires sessionMaxHours after sign-in however active the user is', async () => {
    const user = await anAdmin();
    const s = await aSession(t, user.id);
    const step = (t.config.sessionIdleMinutes - 5) * 60_000;
    let elapsed = 0;
    while (elapsed + step < t.config.sessionMaxHours * 3_600_000) {
      t.clock.advance(step);
      elapsed += step;
      expect((await t.app.request('/api/auth/me', { headers: { cookie: s.cookie } })).status).toBe(200);
    }
    t.clock.advance(t.config.sessionMaxHours * 3_600_000 - elapsed);
    await expectError(await t.app.request('/api/auth/me', { headers: { cookie: s.cookie } }), 401, 'unauthenticated');
  });

  it('answers 401 without a cookie and with an unknown one', async () => {
    await expectError(await t.app.request('/api/auth/me'), 401, 'unauthenticated');
    await expectError(await t.app.request('/api/auth/me', { headers: { cookie: 'sipas_session=forged' } }), 401, 'unauthenticated');
    await expectError(await t.app.request('/api/admin/units'), 401, 'unauthenticated');
  });
});

describe('CSRF', () => {
  async function setup() {
    const province = await aUnit(t.db, t.clock, { kind: 'province', code: '96' });
    const user = await aUser(t.db, t.clock, { grants: [{ role: 'provincial_officer', unitId: province.id }] });
    return { session: await aSession(t, user.id), province };
  }
  const sessionCount = async () => (await t.db.kysely.selectFrom('sessions').selectAll().execute()).length;

  it('refuses a state-changing request without the X-CSRF-Token header, or with a wrong one (403 csrf_failed)', async () => {
    const { session } = await setup();
    await expectError(
      await t.app.request('/api/auth/logout', { method: 'POST', headers: { cookie: session.cookie } }),
      403,
      'csrf_failed',
    );
    await expectError(
      await t.app.request('/api/auth/logout', {
        method: 'POST',
        headers: { cookie: session.cookie, 'x-csrf-token': `${session.csrfToken}x` },
      }),
      403,
      'csrf_failed',
    );
    expect(await sessionCount()).toBe(1);
  });

  it('refuses a cross-origin POST even with the right token, and a browser-declared cross-site one', async () => {
    const { session } = await setup();
    await expectError(
      await t.app.request('/api/auth/logout', { method: 'POST', headers: asSession(session, { origin: 'https://evil.example' }) }),
      403,
      'csrf_failed',
    );
    await expectError(
      await t.app.request('/api/auth/logout', { method: 'POST', headers: asSession(session, { origin: 'null' }) }),
      403,
      'csrf_failed',
    );
    await expectError(
      await t.app.request('/api/auth/logout', { method: 'POST', headers: asSession(session, { 'sec-fetch-site': 'cross-site' }) }),
      403,
      'csrf_failed',
    );
    expect(await sessionCount()).toBe(1);
  });

  it('refuses admin writes without the token whatever the content type', async () => {
    const { session, province } = await setup();
    for (const contentType of ['application/json', 'text/plain', 'application/x-www-form-urlencoded', undefined]) {
      const headers: Record<string, string> = { cookie: session.cookie };
      if (contentType) headers['content-type'] = contentType;
      const res = await t.app.request('/api/admin/units', {
        method: 'POST',
        headers,
        body: JSON.stringify({ kind: 'commune', code: '31942', name: 'Phường Giá Rai', parentId: province.id }),
      });
      await expectError(res, 403, 'csrf_failed');
    }
    expect(await t.db.kysely.selectFrom('units').selectAll().execute()).toHaveLength(1);
  });

  it('accepts a same-origin request with the token', async () => {
    const { session } = await setup();
    const res = await t.app.request('/api/auth/logout', {
      method: 'POST',
      headers: asSession(session, { origin: 'http://localhost' }),
    });
    expect(res.status).toBe(200);
    expect(await sessionCount()).toBe(0);
  });
});

describe('sign-out and password change', () => {
  it('logout ends this session only; logout-all ends every session of the user', async () => {
    const user = await anAdmin();
    const a = await aSession(t, user.id);
    const b = await aSession(t, user.id);
    const c = await aSession(t, user.id);
    expect((await t.app.request('/api/auth/logout', { method: 'POST', headers: asSession(a) })).status).toBe(200);
    expect((await t.app.request('/api/auth/me', { headers: { cookie: a.cookie } })).status).toBe(401);
    expect((await t.app.request('/api/auth/me', { headers: { cookie: b.cookie } })).status).toBe(200);
    const all = await t.app.request('/api/auth/logout-all', { method: 'POST', headers: asSession(b) });
    expect(await all.json()).toEqual({ ok: true, revokedSessions: 2 });
    expect((await t.app.request('/api/auth/me', { headers: { cookie: b.cookie } })).status).toBe(401);
    expect((await t.app.request('/api/auth/me', { headers: { cookie: c.cookie } })).status).toBe(401);
    const audit = await t.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'user.sign_out_everywhere').execute();
    expect(audit).toHaveLength(1);
  });

  it('a password change keeps this session, revokes the others, and is audited', async () => {
    const user = await anAdmin();
    const mine = await aSession(t, user.id);
    const other = await aSession(t, user.id);
    const wrongCurrent = await t.app.request('/api/auth/password', {
      method: 'POST',
      headers: asSession(mine),
      body: JSON.stringify({ currentPassword: 'nope', newPassword: 'a-brand-new-password' }),
    });
    await expectError(wrongCurrent, 400, 'validation_failed');
    const res = await t.app.request('/api/auth/password', {
      method: 'POST',
      headers: asSession(mine),
      body: JSON.stringify({ currentPassword: TEST_PASSWORD, newPassword: 'a-brand-new-password' }),
    });
    expect(await res.json()).toEqual({ ok: true, revokedSessions: 1 });
    expect((await t.app.request('/api/auth/me', { headers: { cookie: mine.cookie } })).status).toBe(200);
    expect((await t.app.request('/api/auth/me', { headers: { cookie: other.cookie } })).status).toBe(401);
    await expectError(await login('lan.nguyen', TEST_PASSWORD), 401, 'unauthenticated');
    expect((await login('lan.nguyen', 'a-brand-new-password')).status).toBe(200);
    const audit = await t.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'user.password_change').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.before).not.toBeNull();
    expect(audit[0]!.after).not.toContain('a-brand-new-password');
  });
});
