/**
 * okta/authn against scripted Okta answers: the states the emulator does not produce (MFA_CHALLENGE,
 * SUCCESS without a token, unknown states) and the factor choice.
 */
import { describe, expect, it, vi } from 'vitest';
import type { HttpClient, HttpRequest } from '../../../src/lib/http.js';
import { enableDebug } from '../../../src/lib/log.js';
import { type MfaAnswers, loginWithPassword } from '../../../src/okta/authn.js';
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

describe('loginWithPassword choosing and answering the factor', () => {
  const totpFactor = { id: 'g', factorType: 'token:software:totp', provider: 'GOOGLE', _links: verify('g') };
  const pushFactor = (id: string, name: string) => ({ id, factorType: 'push', provider: 'OKTA', profile: { name }, _links: verify(id) });
  const mfaRequired = (factors: unknown[], stateToken: string | null = 'state') => ({ body: { status: 'MFA_REQUIRED', ...(stateToken === null ? {} : { stateToken }), _embedded: { factors } } });
  const withMfa = (mfa: Partial<MfaAnswers>, notes: string[] = []) => ({
    origin,
    username: 'alice',
    password: 'pw',
    mfa: { preference: 'auto' as const, nextCode: undefined, push: { timeoutMs: 60_000, notify: (line: string) => notes.push(line) }, ...mfa },
  });

  it('answers with an Okta Verify push when it is the factor, and says which device to approve', async () => {
    const notes: string[] = [];
    const { http, sent } = scripted(mfaRequired([pushFactor('p', "Jane's iPhone")]), { body: { status: 'SUCCESS', sessionToken: 'st-push' } });
    expect(await loginWithPassword(http, withMfa({ preference: 'push' }, notes))).toEqual({ sessionToken: 'st-push', factor: 'push' });
    expect(sent[1]).toEqual({ url: `${origin}/api/v1/authn/factors/p/verify`, body: { stateToken: 'state' } });
    expect(notes).toEqual(["Approve the Okta Verify push on Jane's iPhone"]);
  });

  it('pushes to the device OKTA_AWS_PUSH_DEVICE names', async () => {
    const { http, sent } = scripted(mfaRequired([pushFactor('p1', 'Old phone'), pushFactor('p2', 'Work phone')]), { body: { status: 'SUCCESS', sessionToken: 'st' } });
    await loginWithPassword(http, withMfa({ preference: 'push', pushDevice: 'work PHONE' }));
    expect(sent[1]?.url).toBe(`${origin}/api/v1/authn/factors/p2/verify`);
  });

  it('auto uses TOTP when a secret is stored, push when none is', async () => {
    const both = [pushFactor('p', 'Phone'), totpFactor];
    const withCode = scripted(mfaRequired(both), { body: { status: 'SUCCESS', sessionToken: 'st' } });
    expect(await loginWithPassword(withCode.http, withMfa({ nextCode: async () => '123456' }))).toEqual({ sessionToken: 'st', factor: 'totp' });
    expect(withCode.sent[1]?.body).toEqual({ stateToken: 'state', passCode: '123456' });
    const without = scripted(mfaRequired(both), { body: { status: 'SUCCESS', sessionToken: 'st' } });
    expect(await loginWithPassword(without.http, withMfa({}))).toEqual({ sessionToken: 'st', factor: 'push' });
  });

  it('sends an empty state token when Okta gave none, rather than dropping the field', async () => {
    const { http, sent } = scripted(mfaRequired([pushFactor('p', 'Phone')], null), { body: { status: 'SUCCESS', sessionToken: 'st' } });
    await loginWithPassword(http, withMfa({ preference: 'push' }));
    expect(sent[1]?.body).toEqual({ stateToken: '' });
  });

  it('a push answered with another state than SUCCESS ends in that state’s one line', async () => {
    const { http } = scripted(mfaRequired([pushFactor('p', 'Phone')]), { body: { status: 'LOCKED_OUT' } });
    await expect(loginWithPassword(http, withMfa({ preference: 'push' }))).rejects.toMatchObject({
      message: 'Okta says the account alice is locked out',
      hint: `Unlock it at ${origin} (Forgot password → Unlock account) or ask your Okta admin, then run the command again.`,
      code: 'LOCKED_OUT',
    });
    const noToken = scripted(mfaRequired([pushFactor('p', 'Phone')]), { body: { status: 'SUCCESS' } });
    await expect(loginWithPassword(noToken.http, withMfa({ preference: 'push' }))).rejects.toMatchObject({ message: 'Okta reported SUCCESS without a session token' });
  });

  it('a challenge without a factor result says so', async () => {
    const { http } = scripted(mfaRequired([totpFactor]), { body: { status: 'MFA_CHALLENGE' } });
    await expect(loginWithPassword(http, withMfa({ nextCode: async () => '123456' }))).rejects.toMatchObject({ message: 'Okta is waiting for an interactive MFA challenge (unknown result)' });
  });

  it('the password and MFA states name the user and where to fix them', async () => {
    for (const [status, expected] of [
      ['PASSWORD_EXPIRED', { message: 'The Okta password for alice has expired', hint: `Change it at ${origin} in a browser, then store the new one with \`okta-aws init\`.`, code: 'PASSWORD_EXPIRED' }],
      ['MFA_ENROLL', { message: 'Okta requires alice to enroll a second factor first', hint: `Enroll Google Authenticator at ${origin}, then store its secret with \`okta-aws init\`.`, code: 'MFA_ENROLL' }],
    ] as const) {
      const { http } = scripted({ body: { status } });
      await expect(loginWithPassword(http, login())).rejects.toMatchObject(expected);
    }
  });

  it('a wrong password names the user and where to check for a lockout', async () => {
    const { http } = scripted({ status: 401, body: { errorCode: 'E0000004', errorSummary: 'Authentication failed' } });
    await expect(loginWithPassword(http, login())).rejects.toMatchObject({
      message: 'Okta rejected the username or password for alice (E0000004)',
      hint: `Store the right ones with \`okta-aws init\`; if they are right, sign in at ${origin} in a browser to check for a lockout.`,
      code: 'E0000004',
    });
  });

  it('a TOTP code refused twice says the secret or the clock is wrong', async () => {
    const { http } = scripted(mfaRequired([totpFactor]), { status: 403, body: { errorCode: 'E0000068', errorSummary: 'Invalid Passcode/Answer' } });
    await expect(loginWithPassword(http, withMfa({ nextCode: async () => '123456' }))).rejects.toMatchObject({
      hint: "The stored TOTP secret is probably wrong, or this machine's clock is off: re-enter the secret with `okta-aws init` and check the clock.",
    });
  });

  it('refuses to answer TOTP without a code source (a caller bug, not a user error)', async () => {
    const { http, sent } = scripted(mfaRequired([totpFactor]));
    await expect(loginWithPassword(http, withMfa({ preference: 'totp' }))).rejects.toThrow('TOTP chosen without a TOTP secret');
    expect(sent).toHaveLength(1);
  });

  it('traces the states and the factor under --debug', async () => {
    enableDebug();
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    try {
      const reused = { status: 403, body: { errorCode: 'E0000068', errorSummary: 'Invalid Passcode/Answer', errorCauses: [{ errorSummary: 'Each code can only be used once.' }] } };
      const { http } = scripted(mfaRequired([totpFactor]), reused, { body: { status: 'SUCCESS', sessionToken: 'st' } });
      await loginWithPassword(http, withMfa({ nextCode: async () => '123456' }));
    } finally {
      spy.mockRestore();
    }
    expect(lines).toEqual(['okta-aws: authn status MFA_REQUIRED\n', 'okta-aws: MFA with totp\n', 'okta-aws: Okta saw this TOTP step already; using the next one\n']);
  });
});
