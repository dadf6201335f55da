/**
 * The Okta sign-in (okta/sso, okta/authn, okta/api over lib/http) against the Okta emulator on
 * loopback: every answer Okta can give, and the one line each failure becomes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HttpClient, createHttpClient } from '../../../src/lib/http.js';
import type { CodeSource } from '../../../src/okta/authn.js';
import { type SamlLogin, fetchSamlAssertion } from '../../../src/okta/sso.js';
import { type Emulators, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET, FIXTURE_USERS, startEmulators, totpForStep, timeStep } from '../../emulators/index.js';

let emu: Emulators;
let saved: string | undefined;
const events: string[] = [];

beforeEach(async () => {
  emu = await startEmulators();
  saved = undefined;
  events.length = 0;
});
afterEach(() => emu.close());

/** A login as `user` with the fixture secrets; the session cookie kept in `saved`. */
type LoginOverrides = Partial<SamlLogin> & { password?: () => Promise<string>; nextCode?: CodeSource };

function login(user: string = FIXTURE_USERS.alice, overrides: LoginOverrides = {}): SamlLogin {
  const {
    password = async () => {
      events.push('password asked');
      return FIXTURE_PASSWORD;
    },
    nextCode = async (afterReuse: boolean) => {
      events.push(`code asked${afterReuse ? ' after reuse' : ''}`);
      return emu.currentTotp();
    },
    ...rest
  } = overrides;
  return {
    ssoUrl: emu.okta.ssoUrl,
    username: user,
    // Asked once a fresh login starts; TOTP only, as before push existed.
    credentials: async () => {
      events.push('login');
      return { password: await password(), mfa: { preference: 'totp', nextCode, push: { timeoutMs: 1000, notify: () => undefined } } };
    },
    session: {
      load: async () => saved,
      save: async (sid) => {
        events.push('session saved');
        saved = sid;
      },
      clear: async () => {
        events.push('session cleared');
        saved = undefined;
      },
    },
    wait: async (ms, say) => {
      events.push(`wait: ${say(Math.ceil(ms / 1000))}`);
    },
    ...rest,
  };
}

const http = () => createHttpClient({ env: {} });
const assertionOf = (samlResponse: string) => Buffer.from(samlResponse, 'base64').toString('utf8');

describe('fetchSamlAssertion', () => {
  it('logs in with password and TOTP, then reuses the Okta session with no secret asked', async () => {
    const first = await fetchSamlAssertion(await http(), login());
    expect(first.reusedSession).toBe(false);
    expect(assertionOf(first.samlResponse)).toContain('arn:aws:iam::111111111111:role/Admin');
    expect(events).toEqual(['login', 'password asked', 'code asked', 'session saved']);
    expect(saved).toBeDefined();
    expect(emu.okta.sessions.has(saved!)).toBe(true);

    events.length = 0;
    const again = await fetchSamlAssertion(await http(), login());
    expect(again.reusedSession).toBe(true);
    expect(assertionOf(again.samlResponse)).toContain('arn:aws:iam::111111111111:role/Admin');
    expect(events).toEqual([]);
    expect(emu.okta.counters.authn).toBe(1);
  });

  it('logs in again when the saved session has expired, and clears it first', async () => {
    saved = 'a-session-okta-no-longer-knows';
    const result = await fetchSamlAssertion(await http(), login());
    expect(result.reusedSession).toBe(false);
    expect(events).toEqual(['session cleared', 'login', 'password asked', 'code asked', 'session saved']);
    expect(saved).not.toBe('a-session-okta-no-longer-knows');
  });

  it('uses the next TOTP step when Okta has seen this one, once', async () => {
    const step = timeStep(Math.floor(emu.clock.now() / 1000));
    const used = totpForStep(FIXTURE_TOTP_SECRET, step);
    // Spend the current step first, as another run on this machine would have.
    await fetchSamlAssertion(await http(), login(FIXTURE_USERS.alice, { nextCode: async () => used, session: { load: async () => undefined, save: async () => undefined, clear: async () => undefined } }));
    const codes: boolean[] = [];
    const result = await fetchSamlAssertion(
      await http(),
      login(FIXTURE_USERS.alice, {
        nextCode: async (afterReuse) => {
          codes.push(afterReuse);
          return afterReuse ? totpForStep(FIXTURE_TOTP_SECRET, step + 1) : used;
        },
      }),
    );
    expect(result.reusedSession).toBe(false);
    expect(codes).toEqual([false, true]);
  });

  it.each([
    ['a wrong password', { password: async () => 'wrong' }, FIXTURE_USERS.alice, { message: `Okta rejected the username or password for ${FIXTURE_USERS.alice} (E0000004)`, code: 'E0000004' }],
    ['a wrong TOTP code', { nextCode: async () => '000000' }, FIXTURE_USERS.alice, { message: 'Okta refused the TOTP code (E0000068)', code: 'E0000068' }],
    ['a locked-out user', {}, FIXTURE_USERS.lockedOut, { message: `Okta says the account ${FIXTURE_USERS.lockedOut} is locked out`, code: 'LOCKED_OUT' }],
    ['an expired password', {}, FIXTURE_USERS.passwordExpired, { message: `The Okta password for ${FIXTURE_USERS.passwordExpired} has expired`, code: 'PASSWORD_EXPIRED' }],
    ['a factor to enroll', {}, FIXTURE_USERS.mfaEnroll, { message: `Okta requires ${FIXTURE_USERS.mfaEnroll} to enroll a second factor first`, code: 'MFA_ENROLL' }],
    ['push only', {}, FIXTURE_USERS.pushOnly, { message: `No TOTP factor (Google Authenticator or Okta Verify code) is enrolled for ${FIXTURE_USERS.pushOnly}; Okta offers: Okta Verify push`, code: 'NO_TOTP_FACTOR' }],
  ] as const)('fails in one line for %s', async (_, overrides, user, expected) => {
    const error = await fetchSamlAssertion(await http(), login(user, overrides as LoginOverrides)).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'UserError', ...expected });
    expect((error as { hint: string }).hint).toMatch(/okta-aws init|127\.0\.0\.1/);
    expect(saved).toBeUndefined();
  });

  it('signs in with an Okta Verify code when there is no Google Authenticator factor', async () => {
    const result = await fetchSamlAssertion(await http(), login(FIXTURE_USERS.oktaVerify, { nextCode: async () => emu.currentTotp('ORSXG5DPNN2GK3TT') }));
    expect(result.reusedSession).toBe(false);
  });

  it('waits out a rate limit on the authn API and on the SSO page, saying so', async () => {
    emu.okta.faults.add({ kind: 'rateLimit', count: 1, path: '/api/v1/authn', resetInSeconds: 1 });
    emu.okta.faults.add({ kind: 'rateLimit', count: 1, path: new URL(emu.okta.ssoUrl).pathname, resetInSeconds: 1 });
    const result = await fetchSamlAssertion(await http(), login());
    expect(result.reusedSession).toBe(false);
    const waits = events.filter((e) => e.startsWith('wait'));
    expect(waits).toHaveLength(2);
    for (const w of waits) expect(w).toMatch(/^wait: Okta rate limit: retrying in [12] s$/); // until the reset (1 s ahead) plus 250 ms
  });

  it('gives up on a rate limit that does not lift', async () => {
    emu.okta.faults.add({ kind: 'rateLimit', count: 5, path: '/api/v1/authn', resetInSeconds: 1 });
    await expect(fetchSamlAssertion(await http(), login())).rejects.toMatchObject({ message: "Okta's rate limit was hit (E0000047)", code: 'E0000047' });
    expect(events.filter((e) => e.startsWith('wait'))).toHaveLength(2);
  });

  it('gives up at once on a rate limit too far away to wait for', async () => {
    emu.okta.faults.add({ kind: 'rateLimit', count: 1, path: new URL(emu.okta.ssoUrl).pathname, resetInSeconds: 3600 });
    saved = 'whatever';
    await expect(fetchSamlAssertion(await http(), login())).rejects.toMatchObject({ message: "Okta's rate limit was hit on the SSO page (HTTP 429)", code: 'E0000047' });
    expect(events).toEqual([]);
  });

  it('says Okta is in trouble on a 5xx, with its error code', async () => {
    emu.okta.faults.add({ kind: 'serverError', count: 1, path: '/api/v1/authn' });
    await expect(fetchSamlAssertion(await http(), login())).rejects.toMatchObject({
      message: `Okta (${new URL(emu.okta.url).host}) answered HTTP 500 (E0000009)`,
      hint: 'Okta may be having trouble; try again in a minute (status.okta.com shows incidents).',
      code: 'E0000009',
    });
  });

  it('says the address is not Okta when an HTML page answers the API', async () => {
    emu.okta.faults.add({ kind: 'html', count: 1, path: '/api/v1/authn' });
    await expect(fetchSamlAssertion(await http(), login())).rejects.toMatchObject({
      message: `${new URL(emu.okta.url).host} answered HTTP 200 with text/html instead of Okta's JSON API`,
      code: 'NOT_OKTA',
    });
  });

  it('an HTML error page with a 5xx is still Okta in trouble', async () => {
    emu.okta.faults.add({ kind: 'html', count: 1, path: '/api/v1/authn', status: 503 });
    await expect(fetchSamlAssertion(await http(), login())).rejects.toMatchObject({ message: `Okta (${new URL(emu.okta.url).host}) answered HTTP 503`, code: 'HTTP_503' });
  });

  it('a 5xx SSO page and a wrong SSO path are told apart', async () => {
    emu.okta.faults.add({ kind: 'serverError', count: 1, path: new URL(emu.okta.ssoUrl).pathname });
    saved = 'x';
    await expect(fetchSamlAssertion(await http(), login())).rejects.toMatchObject({
      message: "Okta's SSO page answered HTTP 500",
      hint: 'Okta may be having trouble; try again in a minute.',
      code: 'HTTP_500',
    });
    await expect(fetchSamlAssertion(await http(), login(FIXTURE_USERS.alice, { ssoUrl: `${emu.okta.url}/app/amazon_aws/nope/sso/saml` }))).rejects.toMatchObject({
      message: `The SSO URL was not found at ${new URL(emu.okta.url).host} (HTTP 404)`,
      code: 'HTTP_404',
    });
  });

  it('a login that leaves no SAMLResponse on the SSO page says to check the app link', async () => {
    emu.okta.faults.add({ kind: 'noSamlResponse', count: 1 });
    emu.okta.faults.add({ kind: 'stepUp', count: 1 });
    const error = await fetchSamlAssertion(await http(), login()).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'UserError' });
    expect(saved).toBeUndefined();
  });
});

describe('fetchSamlAssertion, the SSO page in detail', () => {
  const ssoPath = () => new URL(emu.okta.ssoUrl).pathname;
  /** The real client, with every request it is asked to make recorded. */
  async function recording() {
    const client = await http();
    const requests: { url: string; accept: string | undefined }[] = [];
    const wrapped: HttpClient = { ...client, fetch: (url, init = {}) => (requests.push({ url, accept: init.headers?.Accept }), client.fetch(url, init)) };
    return { client: wrapped, requests };
  }

  it('asks for the SSO page as HTML, with the session cookie and after a fresh login', async () => {
    const first = await recording();
    await fetchSamlAssertion(first.client, login());
    const ssoGets = first.requests.filter((r) => r.url.startsWith(emu.okta.ssoUrl));
    expect(ssoGets).toHaveLength(1);
    expect(ssoGets[0]?.url).toMatch(/\?sessionToken=/);
    expect(ssoGets[0]?.accept).toBe('text/html');
    emu.okta.faults.add({ kind: 'rateLimit', count: 1, path: ssoPath(), resetInSeconds: 1 });
    const again = await recording();
    await fetchSamlAssertion(again.client, login());
    expect(again.requests).toEqual([
      { url: emu.okta.ssoUrl, accept: 'text/html' },
      { url: emu.okta.ssoUrl, accept: 'text/html' },
    ]);
  });

  it('a step-up page for a live session is passed on, without clearing the session or logging in', async () => {
    await fetchSamlAssertion(await http(), login());
    const sid = saved;
    events.length = 0;
    emu.okta.faults.add({ kind: 'stepUp', count: 1 });
    await expect(fetchSamlAssertion(await http(), login())).rejects.toMatchObject({ code: 'STEP_UP' });
    expect(events).toEqual([]);
    expect(saved).toBe(sid);
  });

  it('a step-up page right after a fresh login is passed on as it is', async () => {
    emu.okta.faults.add({ kind: 'stepUp', count: 1 });
    await expect(fetchSamlAssertion(await http(), login())).rejects.toMatchObject({ code: 'STEP_UP' });
    expect(saved).toBeUndefined();
  });

  it('a fresh login whose SSO page has no SAMLResponse says to check the app link', async () => {
    emu.okta.faults.add({ kind: 'noSamlResponse', count: 1 });
    await expect(fetchSamlAssertion(await http(), login())).rejects.toMatchObject({
      message: 'Okta logged you in, but the SSO page had no SAMLResponse',
      hint: "Check that sso_url is the AWS app's embed link (…/app/amazon_aws/<id>/sso/saml) and that the app is assigned to you.",
      code: 'NO_SAML_RESPONSE',
    });
    expect(saved).toBeUndefined();
  });

  it('saves no session when Okta set no session cookie', async () => {
    const client = await http();
    const result = await fetchSamlAssertion({ ...client, cookie: async () => undefined }, login());
    expect(result.reusedSession).toBe(false);
    expect(events).not.toContain('session saved');
    expect(saved).toBeUndefined();
  });

  it('waits out a rate-limited SSO page twice at most', async () => {
    saved = 'whatever';
    emu.okta.faults.add({ kind: 'rateLimit', count: 3, path: ssoPath(), resetInSeconds: 1 });
    await expect(fetchSamlAssertion(await http(), login())).rejects.toMatchObject({
      message: "Okta's rate limit was hit on the SSO page (HTTP 429)",
      hint: 'Wait a minute and try again; if it keeps happening, ask your Okta admin about the rate limits.',
      code: 'E0000047',
    });
    expect(events.filter((e) => e.startsWith('wait'))).toHaveLength(2);
    expect(emu.okta.counters.rateLimited).toBe(3);
  });

  it.each([
    [400, "Okta's SSO page answered HTTP 400", 'Check sso_url with `okta-aws init`.'],
    [499, "Okta's SSO page answered HTTP 499", 'Check sso_url with `okta-aws init`.'],
    [500, "Okta's SSO page answered HTTP 500", 'Okta may be having trouble; try again in a minute.'],
  ])('an SSO page with HTTP %i says so', async (status, message, hint) => {
    saved = 'x';
    emu.okta.faults.add({ kind: 'html', count: 1, path: ssoPath(), status });
    await expect(fetchSamlAssertion(await http(), login())).rejects.toMatchObject({ message, hint, code: `HTTP_${status}` });
  });

  it('a wrong SSO path names where to find the link', async () => {
    await expect(fetchSamlAssertion(await http(), login(FIXTURE_USERS.alice, { ssoUrl: `${emu.okta.url}/app/amazon_aws/nope/sso/saml` }))).rejects.toMatchObject({
      hint: "Copy the AWS app's embed link from Okta (Admin → Applications → AWS → General) and run `okta-aws init --sso-url …`.",
    });
  });
});
