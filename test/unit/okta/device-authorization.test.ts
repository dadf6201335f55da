import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/lib/errors.js';
import { createHttpClient } from '../../../src/lib/http.js';
import { redact } from '../../../src/lib/log.js';
import { afterRefusedPoll, authorizeDevice, deviceAuthorizationFrom, pollForTokens } from '../../../src/okta/device-authorization.js';
import { OAuthError } from '../../../src/okta/oauth.js';
import { DEFAULT_CLIENT_ID, type OktaOrg, fixtureUsers, startOktaOrg } from '../../emulators/index.js';

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
