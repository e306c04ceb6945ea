// Accounts and sessions: login, cookies, bearer tokens, CSRF, logout, expiry, throttling.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, ADMIN_LOGIN, ADMIN_PASSWORD, ADMIN_NAME, ORG_NAME } from './lib/server.mjs';

const TEACHER = { login: 'petrov', password: 'учитель-пароль', name: 'Петров Пётр Петрович', role: 'staff' };
let srv;
before(async () => { srv = await startServer({ users: [TEACHER] }); });
after(async () => { await srv.stop(); });

const me = (headers) => fetch(srv.url + '/api/v1/me', { headers });

test('login returns the account, a bearer token and sets HttpOnly session and CSRF cookies', async () => {
  const r = await login(srv.url);
  assert.equal(r.status, 200);
  assert.equal(r.body.account.login, ADMIN_LOGIN);
  assert.equal(r.body.account.display_name, ADMIN_NAME);
  assert.equal(r.body.account.role, 'admin');
  assert.equal(r.body.account.org.name, ORG_NAME);
  assert.match(r.body.token, /^[A-Za-z0-9_-]{43}$/);
  assert.match(r.body.csrf_token, /^[A-Za-z0-9_-]{43}$/);
  const session = r.setCookie.find((c) => c.startsWith('parta_session='));
  assert.match(session, /HttpOnly/);
  assert.match(session, /SameSite=Lax/);
  assert.match(session, /Path=\//);
  const csrf = r.setCookie.find((c) => c.startsWith('parta_csrf='));
  assert.doesNotMatch(csrf, /HttpOnly/);
  assert.equal(r.cookies.parta_session, r.body.token);

  const byCookie = await me({ cookie: r.cookieHeader });
  assert.equal(byCookie.status, 200);
  assert.equal((await byCookie.json()).account.login, ADMIN_LOGIN);
  const byBearer = await me({ authorization: `Bearer ${r.body.token}` });
  assert.equal(byBearer.status, 200);
});

test('logins are case-insensitive on the login name only', async () => {
  assert.equal((await login(srv.url, 'PETROV', TEACHER.password)).status, 200);
  assert.equal((await login(srv.url, 'petrov', TEACHER.password.toUpperCase())).status, 401);
});

test('wrong password and unknown login give the same 401', async () => {
  const wrong = await login(srv.url, 'petrov', 'not the password');
  assert.equal(wrong.status, 401);
  assert.deepEqual(wrong.body, { error: { code: 'invalid_credentials', message: 'Неверный логин или пароль' } });
  const unknown = await login(srv.url, 'nobody', 'whatever');
  assert.deepEqual(unknown.body, wrong.body);
  assert.equal(wrong.setCookie.length, 0);
  await srv.advance(15 * 60); // forget these failures
});

test('no session, a garbage token or a malformed header is 401', async () => {
  for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: 'Basic YTpi' }, { cookie: 'parta_session=abc' }]) {
    const r = await me(headers);
    assert.equal(r.status, 401);
    assert.equal((await r.json()).error.code, 'unauthenticated');
  }
});

test('cookie-authenticated writes need the CSRF header; bearer ones do not', async () => {
  const s = await login(srv.url);
  const logout = (headers) => fetch(srv.url + '/api/v1/auth/logout', {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}',
  });
  const missing = await logout({ cookie: s.cookieHeader });
  assert.equal(missing.status, 403);
  assert.equal((await missing.json()).error.code, 'csrf');
  const wrong = await logout({ cookie: s.cookieHeader, 'x-csrf-token': s.body.token });
  assert.equal(wrong.status, 403);
  assert.equal((await me({ cookie: s.cookieHeader })).status, 200, 'a refused logout changed nothing');
  const ok = await logout({ cookie: s.cookieHeader, 'x-csrf-token': s.cookies.parta_csrf });
  assert.equal(ok.status, 204);
  assert.ok(ok.headers.getSetCookie().some((c) => /^parta_session=;.*Max-Age=0/.test(c)));

  const b = await login(srv.url);
  const byBearer = await logout({ authorization: `Bearer ${b.body.token}` });
  assert.equal(byBearer.status, 204);
});

test('logout revokes the session for cookie and bearer alike', async () => {
  const s = await login(srv.url);
  const r = await fetch(srv.url + '/api/v1/auth/logout', {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${s.body.token}` }, body: '{}',
  });
  assert.equal(r.status, 204);
  assert.equal((await me({ authorization: `Bearer ${s.body.token}` })).status, 401);
  assert.equal((await me({ cookie: s.cookieHeader })).status, 401);
  // Other sessions of the same account live on.
  const other = await login(srv.url);
  assert.equal((await me({ authorization: `Bearer ${other.body.token}` })).status, 200);
});

test('a session expires after 12 hours idle, not before', async () => {
  const s = await login(srv.url);
  const auth = { authorization: `Bearer ${s.body.token}` };
  await srv.advance(11 * 3600);
  assert.equal((await me(auth)).status, 200, 'used after 11 h: still valid, and refreshed');
  await srv.advance(11 * 3600);
  assert.equal((await me(auth)).status, 200, '11 h after the last use');
  await srv.advance(12 * 3600 + 1);
  assert.equal((await me(auth)).status, 401, 'over 12 h idle');
});

test('a session expires 14 days after login even when in use', async () => {
  const s = await login(srv.url);
  const auth = { authorization: `Bearer ${s.body.token}` };
  for (let hours = 10; hours < 14 * 24; hours += 10) {
    await srv.advance(10 * 3600);
    assert.equal((await me(auth)).status, 200, `at ${hours} h`);
  }
  await srv.advance(14 * 24 * 3600 - Math.floor((14 * 24) / 10) * 10 * 3600);
  assert.equal((await me(auth)).status, 401, 'at 14 days');
});

test('5 failed logins for one login within 15 minutes: 429 with Retry-After, even for the right password', async () => {
  await srv.advance(3600);
  for (let i = 0; i < 5; i++) assert.equal((await login(srv.url, 'petrov', `wrong-${i}`)).status, 401);
  const blocked = await login(srv.url, 'petrov', TEACHER.password);
  assert.equal(blocked.status, 429);
  assert.equal(blocked.body.error.code, 'too_many_attempts');
  assert.match(blocked.body.error.message, /Повторите через \d+ мин/);
  const retry = Number(blocked.headers.get('retry-after'));
  assert.ok(retry > 0 && retry <= 900, `Retry-After ${retry}`);
  // Another login from the same address is not blocked by this one.
  assert.equal((await login(srv.url)).status, 200);
  await srv.advance(retry - 1);
  assert.equal((await login(srv.url, 'petrov', TEACHER.password)).status, 429, 'one second early');
  await srv.advance(1);
  assert.equal((await login(srv.url, 'petrov', TEACHER.password)).status, 200, 'after Retry-After');
});

test('20 failed logins from one address within 15 minutes block that address', async () => {
  await srv.advance(3600);
  for (let i = 0; i < 20; i++) assert.equal((await login(srv.url, `guess-${i}`, 'x')).status, 401);
  const blocked = await login(srv.url);
  assert.equal(blocked.status, 429);
  assert.ok(Number(blocked.headers.get('retry-after')) > 0);
  await srv.advance(15 * 60);
  assert.equal((await login(srv.url)).status, 200);
});

test('bad login input is 422 with a Russian message', async () => {
  for (const body of [{ login: '', password: 'x' }, { login: 'a'.repeat(65), password: 'x' }, { login: 'a' }, { login: 'a\u0001b', password: 'x' }]) {
    const r = await fetch(srv.url + '/api/v1/auth/login', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    assert.equal(r.status, 422, JSON.stringify(body));
    const err = (await r.json()).error;
    assert.equal(err.code, 'validation');
    assert.match(err.message, /[а-яА-Я]/);
  }
});
