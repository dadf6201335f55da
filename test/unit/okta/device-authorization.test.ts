import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UserError } from '../../../src/lib/errors.js';
import { createHttpClient } from '../../../src/lib/http.js';
import { enableDebug, redact } from '../../../src/lib/log.js';
import { afterRefusedPoll, authorizeDevice, clientError, deviceAuthorizationFrom, pollForTokens } from '../../../src/okta/device-authorization.js';
import { OAuthError } from '../../../src/okta/oauth.js';
import { DEFAULT_CLIENT_ID, type OktaOrg, fixtureUsers, startOktaOrg } from '../../emulators/index.js';
import { scriptedServer } from '../../helpers/scripted-server.js';

const CLIENT = 'cli0client';

describe('deviceAuthorizationFrom', () => {
  const answer = { device_code: 'dc-0123456789', user_code: 'ABCDEFGH', verification_uri: 'https://example.okta.com/activate', verification_uri_complete: 'https://example.okta.com/activate?user_code=ABCDEFGH', expires_in: 600, interval: 5 };

  it('reads the RFC 8628 answer and registers the device code for redaction', () => {
    expect(deviceAuthorizationFrom(answer)).toEqual({
      deviceCode: 'dc-0123456789',
      userCode: 'ABCDEFGH',
      verificationUri: 'https://example.okta.com/activate',
      verificationUriComplete: 'https://example.okta.com/activate?user_code=ABCDEFGH',
      expiresInSeconds: 600,
      intervalSeconds: 5,
    });
    expect(redact('polling with dc-0123456789')).toBe('polling with [redacted]');
  });

  it('defaults the interval to 5 s (never below 1 s) and the complete URL to the plain one', () => {
    const bare: Record<string, unknown> = { ...answer };
    delete bare.interval;
    delete bare.verification_uri_complete;
    expect(deviceAuthorizationFrom(bare)).toMatchObject({ intervalSeconds: 5, verificationUriComplete: 'https://example.okta.com/activate' });
    expect(deviceAuthorizationFrom({ ...answer, interval: 0 }).intervalSeconds).toBe(5);
    expect(deviceAuthorizationFrom({ ...answer, interval: 0.2 }).intervalSeconds).toBe(1);
  });

  it('refuses an answer without a code or with a URL that is not http(s)', () => {
    expect(() => deviceAuthorizationFrom({ ...answer, user_code: '' })).toThrow(UserError);
    expect(() => deviceAuthorizationFrom({ ...answer, verification_uri: 'javascript:alert(1)' })).toThrow(UserError);
    expect(deviceAuthorizationFrom({ ...answer, verification_uri_complete: 'file:///etc/passwd' }).verificationUriComplete).toBe(answer.verification_uri);
  });
});

describe('afterRefusedPoll', () => {
  const refused = (error: string, description?: string) => afterRefusedPoll(new OAuthError(400, error, description), 5, CLIENT);

  it('keeps polling while pending, and adds 5 s for good on slow_down (RFC 8628 §3.5)', () => {
    expect(refused('authorization_pending')).toEqual({ intervalSeconds: 5 });
    expect(refused('slow_down')).toEqual({ intervalSeconds: 10 });
    expect(afterRefusedPoll(new OAuthError(400, 'slow_down', undefined), 10, CLIENT)).toEqual({ intervalSeconds: 15 });
  });

  it('ends on expiry, denial, and an unknown client, each with its own message and next step', () => {
    const expired = refused('expired_token') as UserError;
    expect(expired.message).toMatch(/device code expired/);
    expect(expired.hint).toMatch(/Run the command again/);
    expect((refused('access_denied') as UserError).message).toMatch(/denied in the browser/);
    const client = afterRefusedPoll(new OAuthError(401, 'invalid_client', 'bad'), 5, CLIENT) as UserError;
    expect(client.message).toContain(CLIENT);
    expect(client.hint).toMatch(/okta-aws init --flow device --client-id/);
    expect((refused('invalid_grant', 'The device code is invalid') as UserError).message).toMatch(/invalid_grant/);
  });
});

describe('the device flow against the emulated org', () => {
  let org: OktaOrg;
  beforeEach(async () => {
    org = await startOktaOrg({ users: fixtureUsers(), pipeline: 'idx' });
  });
  afterEach(async () => {
    await org.close();
  });

  /** Waits by moving the emulated clock, so the org sees exactly the intervals the client keeps. */
  const waits: number[] = [];
  const emulatedWait = async (ms: number) => {
    waits.push(ms);
    org.clock.advance(ms);
  };

  it('polls at the interval, slows down by 5 s when told, and never polls too fast', async () => {
    Object.assign(org.oauth.knobs, { approval: 'manual', slowDown: 1, interval: 2 });
    const http = await createHttpClient({ env: {} });
    const auth = await authorizeDevice(http, org.url, DEFAULT_CLIENT_ID);
    waits.length = 0;
    let polls = 0;
    const tokens = await pollForTokens(http, org.url, DEFAULT_CLIENT_ID, auth, async (ms) => {
      await emulatedWait(ms);
      if (++polls === 3) org.oauth.decide(auth.userCode, true);
    });
    expect(waits).toEqual([2000, 7000, 7000]);
    expect(org.oauth.counters).toMatchObject({ slowDowns: 1, tooFastPolls: 0, devicePolls: 3, deviceLogins: 1 });
    expect(tokens.refreshToken).toBeTruthy();
    expect(tokens.idToken).toBeTruthy();
  });

  it('names the client id Okta does not know', async () => {
    const http = await createHttpClient({ env: {} });
    await expect(authorizeDevice(http, org.url, 'nobody')).rejects.toMatchObject({ name: 'UserError', code: 'invalid_client', message: expect.stringContaining('nobody') });
  });
});

describe('deviceAuthorizationFrom, field by field', () => {
  const answer = { device_code: 'dc-0123456789', user_code: 'ABCDEFGH', verification_uri: 'https://example.okta.com/activate', expires_in: 600, interval: 5 };
  const BAD = { message: "Okta's device authorization answer is missing the device code, user code or verification URL", hint: 'Run again with --debug and report it.', code: 'BAD_DEVICE_ANSWER' };

  it.each([
    ['no device code', { device_code: undefined }],
    ['an empty device code', { device_code: '' }],
    ['a device code that is no string', { device_code: 12345 }],
    ['no user code', { user_code: undefined }],
    ['no verification URL', { verification_uri: undefined }],
    ['a verification URL with something before the scheme', { verification_uri: 'xhttps://example.okta.com/activate' }],
    ['a verification URL that is no string', { verification_uri: 7 }],
  ])('refuses %s', (_what, change) => {
    expect(() => deviceAuthorizationFrom({ ...answer, ...change })).toThrow(expect.objectContaining(BAD));
  });

  it('accepts http and any case of the scheme, for the plain and the complete URL', () => {
    expect(deviceAuthorizationFrom({ ...answer, verification_uri: 'HTTP://okta.local/activate', verification_uri_complete: 'Https://okta.local/activate?user_code=X' })).toMatchObject({
      verificationUri: 'HTTP://okta.local/activate',
      verificationUriComplete: 'Https://okta.local/activate?user_code=X',
    });
    expect(deviceAuthorizationFrom({ ...answer, verification_uri_complete: 'xhttps://evil' }).verificationUriComplete).toBe(answer.verification_uri);
    expect(deviceAuthorizationFrom({ ...answer, verification_uri_complete: 'http://okta.local/activate?user_code=X' }).verificationUriComplete).toBe('http://okta.local/activate?user_code=X');
    expect(deviceAuthorizationFrom({ ...answer, verification_uri_complete: '' }).verificationUriComplete).toBe(answer.verification_uri);
  });

  it.each<[string, unknown, unknown, number, number]>([
    ['numbers as given', 900, 3, 900, 3],
    ['strings ignored', '900', '3', 600, 5],
    ['zero and negative ignored', 0, -2, 600, 5],
    ['a fraction of a second of interval raised to 1 s', 30, 0.5, 30, 1],
  ])('reads expires_in and interval: %s', (_what, expires, interval, expiresInSeconds, intervalSeconds) => {
    expect(deviceAuthorizationFrom({ ...answer, expires_in: expires, interval })).toMatchObject({ expiresInSeconds, intervalSeconds });
  });
});

describe('afterRefusedPoll and clientError, in full', () => {
  const refused = (error: string, description?: string, status = 400) => afterRefusedPoll(new OAuthError(status, error, description), 5, CLIENT);

  it.each<[string, { message: string; hint: string; code: string }]>([
    ['expired_token', { message: 'The Okta device code expired before the login was approved', hint: 'Run the command again and approve the request in the browser within the time shown.', code: 'expired_token' }],
    ['access_denied', { message: 'The Okta device login was denied in the browser', hint: 'Run the command again and approve the request (check that the code shown matches the one in the browser).', code: 'access_denied' }],
    ['invalid_client', { message: `Okta does not know the OIDC client id ${CLIENT} (invalid_client)`, hint: 'Check the client id with your Okta admin and run `okta-aws init --flow device --client-id <id>`.', code: 'invalid_client' }],
    [
      'unauthorized_client',
      {
        message: `Okta's OIDC app ${CLIENT} may not use this grant (unauthorized_client)`,
        hint: 'Ask your Okta admin to enable the Device Authorization, Token Exchange and Refresh Token grants on it (README: "Okta Identity Engine orgs").',
        code: 'unauthorized_client',
      },
    ],
    ['unsupported_grant_type', { message: `Okta's OIDC app ${CLIENT} may not use this grant (unsupported_grant_type)`, hint: expect.any(String) as never, code: 'unsupported_grant_type' }],
    [
      'invalid_grant',
      { message: 'Okta refused the device login: Okta answered invalid_grant: gone (HTTP 400)', hint: 'Run the command again; if it repeats, ask your Okta admin to check the OIDC app.', code: 'invalid_grant' },
    ],
  ])('%s', (error, expected) => {
    const result = refused(error, error === 'invalid_grant' ? 'gone' : undefined);
    expect(result).toBeInstanceOf(UserError);
    expect(result).toMatchObject(expected);
  });

  it('passes other errors and other OAuth errors through clientError untouched', () => {
    const other = new Error('boom');
    expect(clientError(other, CLIENT)).toBe(other);
    const grant = new OAuthError(400, 'invalid_grant', undefined);
    expect(clientError(grant, CLIENT)).toBe(grant);
  });
});

describe('pollForTokens over loopback', () => {
  let server: Awaited<ReturnType<typeof scriptedServer>>;
  afterEach(async () => {
    vi.useRealTimers();
    await server.close();
  });
  const auth = { deviceCode: 'dc-abcdef', userCode: 'U', verificationUri: 'https://x', verificationUriComplete: 'https://x', expiresInSeconds: 12, intervalSeconds: 5 };
  const pending = { status: 400, body: { error: 'authorization_pending' } };

  it('polls with the device grant every interval, and gives up once the code has expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 0 });
    server = await scriptedServer(pending, pending, pending);
    const waits: number[] = [];
    const error = await pollForTokens(await createHttpClient({ env: {} }), server.url, CLIENT, auth, async (ms) => {
      waits.push(ms);
      vi.setSystemTime(Date.now() + ms);
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'expired_token' });
    // Polled at 5 s and 10 s; at 15 s the 12 s code is gone, so no third poll.
    expect(waits).toEqual([5000, 5000, 5000]);
    expect(server.received).toHaveLength(2);
    expect(Object.fromEntries(new URLSearchParams(server.received[0]?.body))).toEqual({ client_id: CLIENT, device_code: 'dc-abcdef', grant_type: 'urn:ietf:params:oauth:grant-type:device_code' });
    expect(server.received[0]?.path).toBe('/oauth2/v1/token');
  });

  it('still polls at the very end of the code’s lifetime', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 0 });
    server = await scriptedServer(pending, { body: { access_token: 'acc-zzzz' } });
    const tokens = await pollForTokens(await createHttpClient({ env: {} }), server.url, CLIENT, { ...auth, expiresInSeconds: 10 }, async (ms) => {
      vi.setSystemTime(Date.now() + ms);
    });
    expect(tokens.accessToken).toBe('acc-zzzz');
  });

  it('passes on what is not an OAuth refusal, and says when Okta asks to slow down', async () => {
    enableDebug();
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    server = await scriptedServer({ status: 400, body: { error: 'slow_down' } }, pending, pending, { status: 200, headers: { 'Content-Type': 'text/html' }, body: '<html>' });
    const waits: number[] = [];
    try {
      await expect(pollForTokens(await createHttpClient({ env: {} }), server.url, CLIENT, { ...auth, expiresInSeconds: 600 }, async (ms) => void waits.push(ms))).rejects.toMatchObject({ code: 'NOT_OKTA' });
    } finally {
      spy.mockRestore();
    }
    expect(waits).toEqual([5000, 10000, 10000, 10000]);
    expect(lines.filter((l) => l.includes('slow down'))).toEqual(['okta-aws: Okta asked to slow down; polling every 10 s\n']);
  });

  it('stops at the first refusal that ends the login', async () => {
    server = await scriptedServer({ status: 400, body: { error: 'access_denied' } });
    await expect(pollForTokens(await createHttpClient({ env: {} }), server.url, CLIENT, { ...auth, expiresInSeconds: 600 }, async () => undefined)).rejects.toMatchObject({ code: 'access_denied' });
    expect(server.received).toHaveLength(1);
  });

  it('passes an unexpected failure of the client on unchanged', async () => {
    server = await scriptedServer();
    const broken = new Error('socket went away');
    const http = { ...(await createHttpClient({ env: {} })), fetch: async () => Promise.reject(broken) };
    await expect(pollForTokens(http, server.url, CLIENT, { ...auth, expiresInSeconds: 600 }, async () => undefined)).rejects.toBe(broken);
  });

  it('asks for a device code with the client id and the CLI scopes', async () => {
    server = await scriptedServer({ body: { device_code: 'dc-qwerty', user_code: 'ABCD', verification_uri: 'https://o/activate', expires_in: 600, interval: 5 } });
    expect(await authorizeDevice(await createHttpClient({ env: {} }), server.url, CLIENT)).toMatchObject({ deviceCode: 'dc-qwerty', userCode: 'ABCD' });
    expect(server.received[0]?.path).toBe('/oauth2/v1/device/authorize');
    expect(Object.fromEntries(new URLSearchParams(server.received[0]?.body))).toEqual({ client_id: CLIENT, scope: 'openid okta.apps.sso okta.users.read.self offline_access' });
  });
});
