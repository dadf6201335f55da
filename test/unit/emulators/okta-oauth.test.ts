/** The emulated org's OAuth side, driven by a bare fetch client (independent of src/). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_AWS_APP_INSTANCE_ID, DEFAULT_CLIENT_ID, type Emulators, startEmulators } from '../../emulators/index.js';
import { samlFromPage } from './helpers.js';

let emu: Emulators;
beforeEach(async () => {
  emu = await startEmulators({ okta: { pipeline: 'idx' } });
});
afterEach(async () => {
  await emu.close();
});

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function post(path: string, form: Record<string, string>, headers: Record<string, string> = FORM): Promise<{ status: number; body: any }> {
  const res = await fetch(`${emu.okta.url}${path}`, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
  return { status: res.status, body: await res.json() };
}
const SCOPE = 'openid okta.apps.sso okta.users.read.self offline_access';
const device = () => post('/oauth2/v1/device/authorize', { client_id: DEFAULT_CLIENT_ID, scope: SCOPE });
const poll = (deviceCode: string) => post('/oauth2/v1/token', { client_id: DEFAULT_CLIENT_ID, device_code: deviceCode, grant_type: 'urn:ietf:params:oauth:grant-type:device_code' });
const exchange = (access: string, id: string, audience = `urn:okta:apps:${DEFAULT_AWS_APP_INSTANCE_ID}`) =>
  post('/oauth2/v1/token', {
    client_id: DEFAULT_CLIENT_ID,
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    actor_token: access,
    actor_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    subject_token: id,
    subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
    requested_token_type: 'urn:okta:oauth:token-type:web_sso_token',
    audience,
  });

describe('okta emulator: OAuth for Identity Engine', () => {
  it('reports its pipeline and refuses the classic login when told to', async () => {
    expect(await (await fetch(`${emu.okta.url}/.well-known/okta-organization`)).json()).toMatchObject({ pipeline: 'idx' });
    emu.okta.oauth.knobs.classicLogin = false;
    const res = await fetch(`${emu.okta.url}/api/v1/authn`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: '{"username":"alice@example.com","password":"x"}' });
    expect(res.status).toBe(401);
    expect((await res.json()).errorCode).toBe('E0000004');
  });

  it('is strict: form bodies only, the known client, the required scopes', async () => {
    expect((await post('/oauth2/v1/device/authorize', { client_id: DEFAULT_CLIENT_ID, scope: SCOPE }, { 'Content-Type': 'application/json' })).status).toBe(400);
    expect((await post('/oauth2/v1/device/authorize', { client_id: 'other', scope: SCOPE })).body.error).toBe('invalid_client');
    expect((await post('/oauth2/v1/device/authorize', { client_id: DEFAULT_CLIENT_ID, scope: 'openid' })).body.error).toBe('invalid_scope');
    expect((await post('/oauth2/v1/token', { client_id: DEFAULT_CLIENT_ID, grant_type: 'password' })).body.error).toBe('unsupported_grant_type');
  });

  it('device code → tokens once; a poll inside the interval is told to slow down (+5 s)', async () => {
    emu.okta.oauth.knobs.approval = 'manual';
    const auth = (await device()).body;
    expect(auth).toMatchObject({ expires_in: 600, interval: 5, verification_uri_complete: `${emu.okta.url}/activate?user_code=${auth.user_code}` });
    expect((await poll(auth.device_code)).body.error).toBe('authorization_pending');
    expect((await poll(auth.device_code)).body.error).toBe('slow_down');
    emu.clock.advance(10_000);
    expect(emu.okta.oauth.decide(auth.user_code, true)).toBe(true);
    const tokens = await poll(auth.device_code);
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: SCOPE });
    expect(tokens.body.refresh_token).toBeTruthy();
    emu.clock.advance(20_000);
    expect((await poll(auth.device_code)).body.error).toBe('invalid_grant'); // spent
    expect(emu.okta.oauth.counters).toMatchObject({ tooFastPolls: 1, deviceLogins: 1 });
  });

  it('rotates refresh tokens: the used one is refused; revocation refuses the newest', async () => {
    const auth = (await device()).body;
    emu.clock.advance(5_000);
    const first = (await poll(auth.device_code)).body;
    const refresh = (token: string) => post('/oauth2/v1/token', { client_id: DEFAULT_CLIENT_ID, grant_type: 'refresh_token', refresh_token: token, scope: SCOPE });
    const second = await refresh(first.refresh_token);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect((await refresh(first.refresh_token)).body.error).toBe('invalid_grant');
    expect((await post('/oauth2/v1/token', { client_id: DEFAULT_CLIENT_ID, grant_type: 'refresh_token', refresh_token: second.body.refresh_token, scope: `${SCOPE} okta.apps.read` })).body.error).toBe('invalid_scope');
    emu.okta.oauth.revokeAll();
    expect((await refresh(second.body.refresh_token)).body.error).toBe('invalid_grant');
    expect(emu.okta.oauth.counters).toMatchObject({ refreshTokenUses: 1, refreshTokenRefusals: 2 });
  });

  it('exchanges for a single-use web SSO token for the AWS app only, and /login/token/sso answers the SAML form', async () => {
    const auth = (await device()).body;
    emu.clock.advance(5_000);
    const t = (await poll(auth.device_code)).body;
    expect((await exchange(t.access_token, t.id_token, 'urn:okta:apps:0oaOther')).body.error).toBe('invalid_target');
    expect((await exchange(t.id_token, t.access_token)).body.error).toBe('invalid_grant');
    emu.okta.oauth.knobs.assuranceFailures = 1;
    expect((await exchange(t.access_token, t.id_token)).body).toEqual({ error: 'invalid_grant', error_description: "The application's assurance requirements are not met by the 'subject_token'." });
    const web = await exchange(t.access_token, t.id_token);
    expect(web.body).toMatchObject({ token_type: 'N_A', expires_in: 300, issued_token_type: 'urn:okta:oauth:token-type:web_sso_token' });
    const sso = (token: string) => fetch(`${emu.okta.url}/login/token/sso`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' }, body: `token=${encodeURIComponent(token)}` });
    const page = await sso(web.body.access_token);
    expect(page.status).toBe(200);
    expect(samlFromPage(await page.text())).toBeTruthy();
    expect((await sso(web.body.access_token)).status).toBe(403);
  });

  it('lists app links only for a token with okta.users.read.self', async () => {
    emu.okta.oauth.knobs.extraAwsApps = 1;
    const auth = (await post('/oauth2/v1/device/authorize', { client_id: DEFAULT_CLIENT_ID, scope: 'openid okta.apps.sso' })).body;
    emu.clock.advance(5_000);
    const narrow = (await poll(auth.device_code)).body;
    expect(narrow.refresh_token).toBeUndefined(); // no offline_access, no refresh token
    const links = (token: string) => fetch(`${emu.okta.url}/api/v1/users/me/appLinks`, { headers: { Accept: 'application/json', Authorization: `Bearer ${token}` } });
    expect((await links(narrow.access_token)).status).toBe(403);
    expect((await links('nope')).status).toBe(401);
    const wide = (await device()).body;
    emu.clock.advance(5_000);
    const list = await (await links((await poll(wide.device_code)).body.access_token)).json();
    expect(list.filter((l: { appName: string }) => l.appName === 'amazon_aws').map((l: { appInstanceId: string }) => l.appInstanceId)).toEqual([DEFAULT_AWS_APP_INSTANCE_ID, '0oa2aws0000000000x7']);
  });
});
