/**
 * okta/authn against scripted Okta answers: the states the emulator does not produce (MFA_CHALLENGE,
 * SUCCESS without a token, unknown states) and the factor choice.
 */
import { describe, expect, it } from 'vitest';
import type { HttpClient, HttpRequest } from '../../../src/lib/http.js';
import { loginWithPassword } from '../../../src/okta/authn.js';
import { type OktaFactor, chooseTotpFactor } from '../../../src/okta/factors.js';

const origin = 'https://o.okta.com';
const verify = (id: string) => ({ verify: { href: `${origin}/api/v1/authn/factors/${id}/verify` } });

/** An HttpClient that answers each POST with the next scripted JSON body, recording what was sent. */
function scripted(...answers: { status?: number; body: unknown }[]) {
  const sent: { url: string; body: unknown }[] = [];
  const http: HttpClient = {
    fetch: async (url: string, init: HttpRequest = {}) => {
      sent.push({ url, body: JSON.parse(init.body ?? 'null') });
      const next = answers.shift() ?? { status: 500, body: {} };
      return { status: next.status ?? 200, url, headers: { get: (n: string) => (n === 'content-type' ? 'application/json' : null) }, text: async () => JSON.stringify(next.body) };
    },
    cookie: async () => undefined,
    setCookie: async () => undefined,
  };
  return { http, sent };
}

const totpOnly = (nextCode: (afterReuse: boolean) => Promise<string>) => ({ preference: 'totp' as const, nextCode, push: { timeoutMs: 1000, notify: () => undefined } });
const login = (codes: string[] = ['123456']) => ({ origin, username: 'alice', password: 'pw', mfa: totpOnly(async () => codes.shift() ?? '000000') });

describe('chooseTotpFactor', () => {
  const google: OktaFactor = { id: 'g', factorType: 'token:software:totp', provider: 'GOOGLE', _links: verify('g') };
  const okta: OktaFactor = { id: 'o', factorType: 'token:software:totp', provider: 'OKTA', _links: verify('o') };
  const push: OktaFactor = { id: 'p', factorType: 'push', provider: 'OKTA', _links: verify('p') };

  it('prefers Google Authenticator, then Okta Verify codes, never push', () => {
    expect(chooseTotpFactor([push, okta, google])).toBe(google);
    expect(chooseTotpFactor([push, okta])).toBe(okta);
    expect(chooseTotpFactor([push])).toBeUndefined();
    expect(chooseTotpFactor([])).toBeUndefined();
  });

  it('skips a TOTP factor it could not verify (no id or no verify link) and other providers', () => {
    expect(chooseTotpFactor([{ ...google, id: undefined }, okta])).toBe(okta);
    expect(chooseTotpFactor([{ ...google, _links: {} }])).toBeUndefined();
    expect(chooseTotpFactor([{ ...google, provider: 'SYMANTEC' }])).toBeUndefined();
  });
});

describe('loginWithPassword', () => {
  it('sends the password once and returns the session token of a login without MFA', async () => {
    const { http, sent } = scripted({ body: { status: 'SUCCESS', sessionToken: 'st' } });
    expect(await loginWithPassword(http, login())).toEqual({ sessionToken: 'st', factor: 'none' });
    expect(sent).toEqual([{ url: `${origin}/api/v1/authn`, body: { username: 'alice', password: 'pw', options: { multiOptionalFactorEnroll: false, warnBeforePasswordExpired: false } } }]);
  });

  it('answers MFA_REQUIRED with a code as a string, with the state token', async () => {
    const { http, sent } = scripted(
      { body: { status: 'MFA_REQUIRED', stateToken: 'state', _embedded: { factors: [{ id: 'g', factorType: 'token:software:totp', provider: 'GOOGLE', _links: verify('g') }] } } },
      { body: { status: 'SUCCESS', sessionToken: 'st2' } },
    );
    expect(await loginWithPassword(http, login(['012345']))).toEqual({ sessionToken: 'st2', factor: 'totp' });
    expect(sent[1]).toEqual({ url: `${origin}/api/v1/authn/factors/g/verify`, body: { stateToken: 'state', passCode: '012345' } });
  });

  it('a SUCCESS without a session token is an error, not undefined', async () => {
    const { http } = scripted({ body: { status: 'SUCCESS' } });
    await expect(loginWithPassword(http, login())).rejects.toMatchObject({ message: 'Okta reported SUCCESS without a session token', hint: 'Try again; if it persists, report it with --debug output.' });
  });

  it('an interactive challenge after the code names the factor setting', async () => {
    const { http } = scripted(
      { body: { status: 'MFA_REQUIRED', stateToken: 's', _embedded: { factors: [{ id: 'g', factorType: 'token:software:totp', provider: 'GOOGLE', _links: verify('g') }] } } },
      { body: { status: 'MFA_CHALLENGE', factorResult: 'WAITING' } },
    );
    await expect(loginWithPassword(http, login())).rejects.toMatchObject({
      message: 'Okta is waiting for an interactive MFA challenge (WAITING)',
      hint: 'okta-aws answers with a TOTP code or an Okta Verify push; choose one with `okta-aws init --factor`.',
      code: 'MFA_CHALLENGE',
    });
  });

  it('an unknown state names it and says where to finish', async () => {
    const { http } = scripted({ body: { status: 'RECOVERY' } });
    await expect(loginWithPassword(http, login())).rejects.toMatchObject({
      message: 'Okta answered with a login state this tool cannot complete unattended: RECOVERY',
      hint: `Sign in at ${origin} in a browser to finish what Okta asks, then try again.`,
      code: 'RECOVERY',
    });
  });

  it('lists what Okta offers when no TOTP factor is enrolled, once each', async () => {
    const factors = [
      { factorType: 'push', provider: 'OKTA' },
      { factorType: 'push', provider: 'OKTA' },
      { factorType: 'sms', provider: 'OKTA', status: 'NOT_SETUP' },
      { factorType: 'token:software:totp', provider: 'GOOGLE', status: 'ACTIVE' },
    ];
    const { http } = scripted({ body: { status: 'MFA_REQUIRED', stateToken: 's', _embedded: { factors } } });
    await expect(loginWithPassword(http, login())).rejects.toMatchObject({
      message: 'No TOTP factor (Google Authenticator or Okta Verify code) is enrolled for alice; Okta offers: Okta Verify push, OKTA sms (not set up), GOOGLE token:software:totp',
      hint: `Enroll Google Authenticator at ${origin} (Settings → Extra Verification), then store its secret with \`okta-aws init\`.`,
    });
    const none = scripted({ body: { status: 'MFA_REQUIRED', stateToken: 's' } });
    await expect(loginWithPassword(none.http, login())).rejects.toMatchObject({ message: expect.stringMatching(/Okta offers: none$/) });
  });

  it('a code refused for another reason than reuse is not retried', async () => {
    const mfa = { body: { status: 'MFA_REQUIRED', stateToken: 's', _embedded: { factors: [{ id: 'g', factorType: 'token:software:totp', provider: 'GOOGLE', _links: verify('g') }] } } };
    const { http, sent } = scripted(mfa, { status: 403, body: { errorCode: 'E0000068', errorSummary: 'Invalid Passcode/Answer', errorCauses: [{ errorSummary: 'Your passcode doesn\'t match our records.' }] } });
    await expect(loginWithPassword(http, login(['111111', '222222']))).rejects.toMatchObject({ code: 'E0000068', message: 'Okta refused the TOTP code (E0000068)' });
    expect(sent).toHaveLength(2);
  });

  it('a reused code is retried once with a later step, and a second reuse fails', async () => {
    const mfa = { body: { status: 'MFA_REQUIRED', stateToken: 's', _embedded: { factors: [{ id: 'g', factorType: 'token:software:totp', provider: 'GOOGLE', _links: verify('g') }] } } };
    const reused = { status: 403, body: { errorCode: 'E0000068', errorSummary: 'Invalid Passcode/Answer', errorCauses: [{ errorSummary: 'Each code can only be used once. Please wait for a new code and try again.' }] } };
    const asked: boolean[] = [];
    const { http, sent } = scripted(mfa, reused, reused);
    const error = await loginWithPassword(http, { origin, username: 'alice', password: 'pw', mfa: totpOnly(async (afterReuse) => (asked.push(afterReuse), afterReuse ? '222222' : '111111')) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E0000068' });
    expect(asked).toEqual([false, true]);
    expect(sent.map((s) => (s.body as { passCode?: string }).passCode)).toEqual([undefined, '111111', '222222']);
  });

  it('other Okta errors on verify become the shared one-line errors', async () => {
    const mfa = { body: { status: 'MFA_REQUIRED', stateToken: 's', _embedded: { factors: [{ id: 'g', factorType: 'token:software:totp', provider: 'GOOGLE', _links: verify('g') }] } } };
    const { http } = scripted(mfa, { status: 401, body: { errorCode: 'E0000011', errorSummary: 'Invalid token provided' } });
    await expect(loginWithPassword(http, login())).rejects.toMatchObject({ message: 'The Okta login transaction expired (E0000011)' });
    const first = scripted({ status: 400, body: { errorCode: 'E0000001', errorSummary: 'Api validation failed' } });
    await expect(loginWithPassword(first.http, login())).rejects.toMatchObject({ message: 'Okta refused the request: Api validation failed (E0000001)' });
  });
});
