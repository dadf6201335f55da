import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { FIXTURE_OKTA_VERIFY_SECRET, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET, FIXTURE_USERS, startEmulators, type Emulators } from '../../emulators/index.js';
import { REPLAY_CAUSE } from '../../emulators/okta-authn.js';
import { timeStep, totpForStep } from '../../emulators/totp.js';
import { codeNow, getJson, JSON_HEADERS, loginToSessionToken, postJson, rawSamlValue, samlFromPage, sidFrom } from './helpers.js';

let emu: Emulators;
beforeEach(async () => {
  emu = await startEmulators();
});
afterEach(async () => {
  await emu.close();
});

const authn = (username: string, password = FIXTURE_PASSWORD) =>
  postJson(`${emu.okta.url}/api/v1/authn`, { username, password, options: { multiOptionalFactorEnroll: false, warnBeforePasswordExpired: false } });

describe('okta emulator: primary authentication', () => {
  it('refuses a wrong password with 401 E0000004 and the Okta error body and rate-limit headers', async () => {
    const r = await authn(FIXTURE_USERS.alice, 'wrong');
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ errorCode: 'E0000004', errorSummary: 'Authentication failed', errorLink: 'E0000004', errorCauses: [] });
    expect(r.body.errorId).toMatch(/^oae/);
    expect(r.headers.get('x-rate-limit-limit')).toBe('600');
    expect(Number(r.headers.get('x-rate-limit-remaining'))).toBeLessThan(600);
    expect(Number(r.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000 - 1);
    expect(emu.okta.counters.authn).toBe(1);
  });

  it('is strict about Content-Type, Accept and the body', async () => {
    const body = { username: FIXTURE_USERS.alice, password: FIXTURE_PASSWORD };
    expect((await postJson(`${emu.okta.url}/api/v1/authn`, body, { 'Content-Type': 'text/plain', Accept: 'application/json' })).status).toBe(415);
    expect((await postJson(`${emu.okta.url}/api/v1/authn`, body, { 'Content-Type': 'application/json' })).status).toBe(406);
    const bad = await postJson(`${emu.okta.url}/api/v1/authn`, '{not json', JSON_HEADERS);
    expect(bad.status).toBe(400);
    expect(bad.body.errorCode).toBe('E0000003');
    expect((await postJson(`${emu.okta.url}/api/v1/authn`, { username: FIXTURE_USERS.alice })).status).toBe(400);
  });

  it('answers MFA_REQUIRED with push listed before the Google TOTP factor and absolute verify links', async () => {
    const r = await authn(FIXTURE_USERS.alice.toUpperCase());
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('MFA_REQUIRED');
    expect(r.body.stateToken).toMatch(/^00[\w-]{40}$/);
    expect(Date.parse(r.body.expiresAt)).toBeGreaterThan(Date.now());
    const factors = r.body._embedded.factors;
    expect(factors.map((f: { factorType: string; provider: string }) => `${f.provider} ${f.factorType}`)).toEqual(['OKTA push', 'GOOGLE token:software:totp']);
    expect(factors[1].id).toMatch(/^uft/);
    expect(factors[1]._links.verify.href).toBe(`${emu.okta.url}/api/v1/authn/factors/${factors[1].id}/verify`);
    const resumed = await postJson(`${emu.okta.url}/api/v1/authn`, { stateToken: r.body.stateToken });
    expect(resumed.body.status).toBe('MFA_REQUIRED');
    expect(resumed.body.stateToken).toBe(r.body.stateToken);
  });

  it('reports the other user states', async () => {
    expect((await authn(FIXTURE_USERS.lockedOut)).body.status).toBe('LOCKED_OUT');
    const expired = await authn(FIXTURE_USERS.passwordExpired);
    expect(expired.body.status).toBe('PASSWORD_EXPIRED');
    expect(expired.body._links.next.name).toBe('changePassword');
    const enroll = await authn(FIXTURE_USERS.mfaEnroll);
    expect(enroll.body.status).toBe('MFA_ENROLL');
    expect(enroll.body._embedded.factors.every((f: { id?: string; status: string }) => f.id === undefined && f.status === 'NOT_SETUP')).toBe(true);
    const noMfa = await authn(FIXTURE_USERS.noMfa);
    expect(noMfa.body.status).toBe('SUCCESS');
    expect(noMfa.body.sessionToken).toBeTruthy();
    expect(noMfa.body._embedded.user.profile.login).toBe(FIXTURE_USERS.noMfa);
    const pushOnly = await authn(FIXTURE_USERS.pushOnly);
    expect(pushOnly.body._embedded.factors.map((f: { factorType: string }) => f.factorType)).toEqual(['push']);
    const push = await postJson(pushOnly.body._embedded.factors[0]._links.verify.href, { stateToken: pushOnly.body.stateToken });
    expect(push.body).toMatchObject({ status: 'MFA_CHALLENGE', factorResult: 'WAITING' });
    expect(push.body._links.next.href).toContain('/verify');
  });

  it('verifies an Okta Verify (ost…) code', async () => {
    const r = await authn(FIXTURE_USERS.oktaVerify);
    const f = r.body._embedded.factors[0];
    expect(f).toMatchObject({ provider: 'OKTA', factorType: 'token:software:totp' });
    expect(f.id).toMatch(/^ost/);
    const v = await postJson(f._links.verify.href, { stateToken: r.body.stateToken, passCode: codeNow(emu.okta, FIXTURE_OKTA_VERIFY_SECRET) });
    expect(v.body.status).toBe('SUCCESS');
  });
});

describe('okta emulator: factor verification', () => {
  const start = async () => {
    const r = await authn(FIXTURE_USERS.alice);
    const totp = r.body._embedded.factors.find((f: { factorType: string }) => f.factorType === 'token:software:totp');
    return { stateToken: r.body.stateToken as string, href: totp._links.verify.href as string };
  };

  it('accepts the current code (with rememberDevice) and refuses it the second time', async () => {
    const code = codeNow(emu.okta, FIXTURE_TOTP_SECRET);
    const a = await start();
    const ok = await postJson(`${a.href}?rememberDevice=true`, { stateToken: a.stateToken, passCode: code });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('SUCCESS');
    expect(ok.body.sessionToken).toMatch(/^20111/);
    // the transaction is over
    expect((await postJson(a.href, { stateToken: a.stateToken, passCode: code })).body.errorCode).toBe('E0000011');

    const b = await start();
    const replay = await postJson(b.href, { stateToken: b.stateToken, passCode: code });
    expect(replay.status).toBe(403);
    expect(replay.body.errorCode).toBe('E0000068');
    expect(replay.body.errorCauses).toEqual([{ errorSummary: REPLAY_CAUSE }]);
    emu.clock.advance(30_000);
    const next = await postJson(b.href, { stateToken: b.stateToken, passCode: codeNow(emu.okta, FIXTURE_TOTP_SECRET) });
    expect(next.body.status).toBe('SUCCESS');
  });

  it('accepts the previous and next step, not two steps away', async () => {
    const step = timeStep(emu.clock.now() / 1000);
    const a = await start();
    expect((await postJson(a.href, { stateToken: a.stateToken, passCode: totpForStep(FIXTURE_TOTP_SECRET, step + 3) })).status).toBe(403);
    expect((await postJson(a.href, { stateToken: a.stateToken, passCode: totpForStep(FIXTURE_TOTP_SECRET, step - 1) })).body.status).toBe('SUCCESS');
    const b = await start();
    expect((await postJson(b.href, { stateToken: b.stateToken, passCode: totpForStep(FIXTURE_TOTP_SECRET, step + 1) })).body.status).toBe('SUCCESS');
  });

  it('refuses a passCode sent as a JSON number, a wrong code, and a bad rememberDevice', async () => {
    const a = await start();
    const code = codeNow(emu.okta, FIXTURE_TOTP_SECRET);
    const asNumber = await postJson(a.href, `{"stateToken":"${a.stateToken}","passCode":${Number(code)}}`, JSON_HEADERS);
    expect(asNumber.status).toBe(400);
    expect(asNumber.body.errorCode).toBe('E0000003');
    const wrong = await postJson(a.href, { stateToken: a.stateToken, passCode: code === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.errorCode).toBe('E0000068');
    expect((await postJson(a.href, { stateToken: a.stateToken, passCode: code.slice(1) })).status).toBe(403);
    expect((await postJson(`${a.href}?rememberDevice=yes`, { stateToken: a.stateToken, passCode: code })).status).toBe(400);
    // still usable after the failures
    expect((await postJson(a.href, { stateToken: a.stateToken, passCode: code })).body.status).toBe('SUCCESS');
    expect(emu.okta.counters.mfaFailures).toBe(2);
  });

  it('refuses an expired or unknown stateToken with 401 E0000011, and an unknown factor with 404', async () => {
    const a = await start();
    expect((await postJson(a.href.replace(/factors\/\w+/, 'factors/uftNOPE'), { stateToken: a.stateToken, passCode: '123456' })).status).toBe(404);
    emu.clock.advance(301_000);
    const r = await postJson(a.href, { stateToken: a.stateToken, passCode: codeNow(emu.okta, FIXTURE_TOTP_SECRET) });
    expect(r.status).toBe(401);
    expect(r.body.errorCode).toBe('E0000011');
    expect((await postJson(`${emu.okta.url}/api/v1/authn`, { stateToken: 'nope' })).body.errorCode).toBe('E0000011');
  });
});

describe('okta emulator: SSO and sessions', () => {
  const login = () => loginToSessionToken(emu.okta, FIXTURE_USERS.alice, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET);

  it('spends a sessionToken once, sets sid, and reuses the sid without password or MFA', async () => {
    const token = await login();
    const first = await fetch(`${emu.okta.ssoUrl}?sessionToken=${token}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/html/);
    const sid = sidFrom(first);
    expect(sid).toMatch(/^102/);
    expect(first.headers.getSetCookie().find((c) => c.startsWith('sid='))).toMatch(/; Path=\/; HttpOnly$/);
    const saml1 = samlFromPage(await first.text());
    expect(saml1).toBeTruthy();
    // the token is single-use: without a cookie the second try gets the sign-in page
    const again = await fetch(`${emu.okta.ssoUrl}?sessionToken=${token}`);
    const againHtml = await again.text();
    expect(again.status).toBe(200);
    expect(againHtml).not.toContain('SAMLResponse');
    expect(againHtml).toContain('Sign In');
    // the sid alone gives a fresh assertion
    const authnBefore = emu.okta.counters.authn;
    const viaSid = await fetch(emu.okta.ssoUrl, { headers: { Cookie: `sid=${sid}` } });
    const saml2 = samlFromPage(await viaSid.text());
    expect(saml2).toBeTruthy();
    expect(saml2).not.toBe(saml1);
    expect(emu.okta.counters.authn).toBe(authnBefore);
    expect(emu.okta.counters.assertionsIssued).toBe(2);
    expect(emu.trust.size).toBe(2);
    // when sessions are gone: 200 and no SAMLResponse
    emu.okta.expireAllSessions();
    const gone = await fetch(emu.okta.ssoUrl, { headers: { Cookie: `sid=${sid}` } });
    expect(gone.status).toBe(200);
    expect(await gone.text()).not.toContain('SAMLResponse');
  });

  it('accepts ?onetimetoken= and serves the sign-in page without any session', async () => {
    const page = await (await fetch(`${emu.okta.ssoUrl}?onetimetoken=${await login()}`)).text();
    expect(rawSamlValue(page)).toMatch(/&#x3d;$/);
    const anon = await fetch(emu.okta.ssoUrl);
    expect(anon.status).toBe(200);
    expect(await anon.text()).not.toContain('SAMLResponse');
  });

  it('expires sessions after their lifetime', async () => {
    emu.okta.sessionLifetimeSeconds = 60;
    const sid = sidFrom(await fetch(`${emu.okta.ssoUrl}?sessionToken=${await login()}`))!;
    expect((await getJson(`${emu.okta.url}/api/v1/sessions/me`, { Cookie: `sid=${sid}` })).status).toBe(200);
    emu.clock.advance(61_000);
    expect((await getJson(`${emu.okta.url}/api/v1/sessions/me`, { Cookie: `sid=${sid}` })).status).toBe(404);
  });

  it('creates, reads, refreshes and deletes a session through /api/v1/sessions', async () => {
    const created = await postJson(`${emu.okta.url}/api/v1/sessions`, { sessionToken: await login() });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ status: 'ACTIVE', login: FIXTURE_USERS.alice });
    const cookie = { Cookie: `sid=${created.body.id}` };
    const me = await getJson(`${emu.okta.url}/api/v1/sessions/me`, cookie);
    expect(me.body.id).toBe(created.body.id);
    emu.clock.advance(10_000);
    const refreshed = await postJson(`${emu.okta.url}/api/v1/sessions/me/lifecycle/refresh`, '', { Accept: 'application/json', ...cookie });
    expect(Date.parse(refreshed.body.expiresAt)).toBeGreaterThan(Date.parse(created.body.expiresAt));
    expect(samlFromPage(await (await fetch(emu.okta.ssoUrl, { headers: cookie })).text())).toBeTruthy();
    const del = await fetch(`${emu.okta.url}/api/v1/sessions/me`, { method: 'DELETE', headers: { Accept: 'application/json', ...cookie } });
    expect(del.status).toBe(204);
    const after = await getJson(`${emu.okta.url}/api/v1/sessions/me`, cookie);
    expect(after.status).toBe(404);
    expect(after.body.errorCode).toBe('E0000007');
    expect((await postJson(`${emu.okta.url}/api/v1/sessions`, { sessionToken: 'used-or-bogus' })).status).toBe(401);
  });

  it('sets sid via /login/sessionCookieRedirect', async () => {
    const url = `${emu.okta.url}/login/sessionCookieRedirect?token=${await login()}&redirectUrl=${encodeURIComponent(emu.okta.ssoUrl)}`;
    const r = await fetch(url, { redirect: 'manual' });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe(emu.okta.ssoUrl);
    const sid = sidFrom(r);
    expect(samlFromPage(await (await fetch(emu.okta.ssoUrl, { headers: { Cookie: `sid=${sid}` } })).text())).toBeTruthy();
    const foreign = await fetch(`${emu.okta.url}/login/sessionCookieRedirect?token=x&redirectUrl=${encodeURIComponent('https://evil.example/')}`, { redirect: 'manual' });
    expect(foreign.status).toBe(400);
  });

  it('uses the partition of the app for the form action', async () => {
    const token = await loginToSessionToken(emu.okta, FIXTURE_USERS.govCloud, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET);
    const page = await (await fetch(`${emu.okta.ssoUrl}?sessionToken=${token}`)).text();
    expect(page).toContain('action="https&#x3a;&#x2f;&#x2f;signin.amazonaws-us-gov.com&#x2f;saml"');
  });

  it('says pipeline v1 at /.well-known/okta-organization', async () => {
    expect((await getJson(`${emu.okta.url}/.well-known/okta-organization`)).body.pipeline).toBe('v1');
  });
});
