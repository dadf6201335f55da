import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET, FIXTURE_USERS, startEmulators, type Emulators } from '../../emulators/index.js';
import { getJson, loginToSaml, postJson, samlFromPage } from './helpers.js';

let emu: Emulators;
beforeEach(async () => {
  emu = await startEmulators();
});
afterEach(async () => {
  await emu.close();
});

const control = (path: string, body?: unknown, method = 'POST') =>
  fetch(`${emu.okta.url}/__emulator/${path}`, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
const authn = () => postJson(`${emu.okta.url}/api/v1/authn`, { username: FIXTURE_USERS.alice, password: FIXTURE_PASSWORD });

describe('okta emulator: fault injection', () => {
  it('rate-limits the next N requests to a path, armed over HTTP, with a reset ahead', async () => {
    expect((await control('faults', { kind: 'rateLimit', count: 2, path: '/api/v1/authn', resetInSeconds: 7 })).status).toBe(200);
    // The emulator reads the real clock: bracket its reading, a second may tick over meanwhile.
    const before = emu.clock.nowSeconds();
    const r = await authn();
    const after = emu.clock.nowSeconds();
    expect(r.status).toBe(429);
    expect(r.body.errorCode).toBe('E0000047');
    expect(r.body.errorSummary).toBe('API call exceeded rate limit due to too many requests.');
    expect(r.headers.get('x-rate-limit-remaining')).toBe('0');
    const reset = Number(r.headers.get('x-rate-limit-reset'));
    expect(reset).toBeGreaterThanOrEqual(before + 7);
    expect(reset).toBeLessThanOrEqual(after + 7);
    expect((await authn()).status).toBe(429);
    expect((await authn()).body.status).toBe('MFA_REQUIRED');
    const counters = await (await fetch(`${emu.okta.url}/__emulator/counters`)).json();
    expect(counters.rateLimited).toBe(2);
    expect(counters.byPath['POST /api/v1/authn']).toBe(3);
  });

  it('rate-limits for real when the per-minute budget runs out', async () => {
    emu.okta.rateLimitPerMinute = 2;
    expect((await authn()).status).toBe(200);
    const second = await authn();
    expect(second.headers.get('x-rate-limit-remaining')).toBe('0');
    expect((await authn()).status).toBe(429);
    emu.clock.advance(60_000);
    expect((await authn()).status).toBe(200);
  });

  it('serves 500s, HTML instead of JSON, and hangs', async () => {
    emu.okta.faults.add([
      { kind: 'serverError', path: '/api/v1/authn' },
      { kind: 'html', path: '/api/v1/*' },
    ]);
    const e500 = await authn();
    expect(e500.status).toBe(500);
    expect(e500.body.errorCode).toBe('E0000009');
    const html = await fetch(`${emu.okta.url}/api/v1/authn`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: '{}' });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await html.text()).toMatch(/^<!DOCTYPE html>/);
    emu.okta.faults.add({ kind: 'hang', path: '/api/v1/authn' });
    await expect(fetch(`${emu.okta.url}/api/v1/authn`, { method: 'POST', signal: AbortSignal.timeout(100) })).rejects.toThrow();
    expect((await authn()).status).toBe(200);
  });

  it('serves the SSO page without SAMLResponse, a step-up page, broken SAML, and no roles', async () => {
    const { sid } = await loginToSaml(emu.okta, FIXTURE_USERS.alice, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET);
    const page = async () => (await fetch(emu.okta.ssoUrl, { headers: { Cookie: `sid=${sid}` } })).text();
    await control('faults', [{ kind: 'noSamlResponse' }, { kind: 'stepUp' }]);
    expect(await page()).not.toContain('SAMLResponse');
    const stepUp = await page();
    expect(stepUp).toMatch(/var stateToken = '00[\w\\]*\\x2D[\w\\]*';/);
    expect(stepUp).not.toContain('SAMLResponse');
    // the step-up stateToken is a live MFA_REQUIRED transaction
    const token = /var stateToken = '([^']+)'/.exec(stepUp)![1]!.replace(/\\x([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    expect((await postJson(`${emu.okta.url}/api/v1/authn`, { stateToken: token })).body.status).toBe('MFA_REQUIRED');

    emu.okta.faults.add({ kind: 'brokenSaml' });
    const broken = Buffer.from(samlFromPage(await page())!, 'base64').toString('utf8');
    expect(broken).not.toContain('</saml2p:Response>');

    emu.okta.faults.add({ kind: 'noRoles' });
    const noRoles = Buffer.from(samlFromPage(await page())!, 'base64').toString('utf8');
    expect(noRoles).toContain('RoleSessionName');
    expect(noRoles).not.toContain('https://aws.amazon.com/SAML/Attributes/Role"');
    expect(samlFromPage(await page())).toBeTruthy();
  });

  it('expires sessions, changes config and moves the clock over HTTP; rejects unknown faults', async () => {
    const { sid } = await loginToSaml(emu.okta, FIXTURE_USERS.alice, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET);
    expect((await getJson(`${emu.okta.url}/api/v1/sessions/me`, { Cookie: `sid=${sid}` })).status).toBe(200);
    await control('sessions/expire');
    expect((await getJson(`${emu.okta.url}/api/v1/sessions/me`, { Cookie: `sid=${sid}` })).status).toBe(404);
    expect(await (await control('config', { sessionLifetimeSeconds: 5 })).json()).toMatchObject({ sessionLifetimeSeconds: 5 });
    expect(emu.okta.sessionLifetimeSeconds).toBe(5);
    const before = emu.clock.now();
    await control('clock', { advanceSeconds: 100 });
    expect(emu.clock.now() - before).toBeGreaterThanOrEqual(100_000);
    expect((await control('faults', { kind: 'nope' })).status).toBe(400);
    expect((await control('faults', { kind: 'rateLimit', count: 'x' })).status).toBe(400);
    await control('faults', { kind: 'serverError', count: 0 });
    expect(await (await fetch(`${emu.okta.url}/__emulator/faults`)).json()).toEqual([{ fault: { kind: 'serverError', count: 0 }, remaining: 'forever' }]);
    await control('faults', undefined, 'DELETE');
    expect(emu.okta.faults.list()).toEqual([]);
  });
});
