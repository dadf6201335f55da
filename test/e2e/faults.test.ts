/**
 * The bad-input and fault matrix, part 1: settings, Okta's answers (and silences), the SSO page and
 * the SAML assertion. Every failure is an exit code, one `okta-aws:` line naming what happened and
 * what to do, and a credentials file byte-identical to before. (Wrong password, wrong TOTP secret,
 * locked out, password expired, no TOTP factor and MFA not enrolled are in core.test.ts.)
 * Part 2 (STS, the files themselves, Ctrl-C) is faults-files.test.ts.
 */
import { sessionOwner } from '../../src/lib/identity.js';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulators, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET, FIXTURE_USERNAME, startEmulators, timeStep, totpForStep } from '../emulators/index.js';
import { type Sandbox, runCli, sandbox } from '../helpers/cli.js';
import { seedUserCredentials, USER_CREDENTIALS } from '../helpers/credentials.js';
import { writePythonSettings } from '../helpers/journey.js';
import { expectFailure, leftovers } from './fault-helpers.js';

let emu: Emulators;
let box: Sandbox;

beforeEach(async () => {
  emu = await startEmulators();
  box = await sandbox(emu.env);
  await seedUserCredentials(box.credentials);
});
afterEach(async () => {
  await Promise.all([box.cleanup(), emu.close()]);
});

const refresh = (extraEnv: NodeJS.ProcessEnv = {}, args: string[] = []) => runCli(['refresh', ...args], { env: { ...box.env, ...extraEnv }, timeoutMs: 45_000 });

/** What every failure here must also leave behind: the user's file as it was, and no lock or temp file. */
async function expectUntouched(): Promise<void> {
  expect(await readFile(box.credentials, 'utf8')).toBe(USER_CREDENTIALS);
  expect(await leftovers(dirname(box.credentials))).toEqual([]);
}

describe('settings that cannot work fail before anything is sent', () => {
  const cases: [string, Record<string, unknown> | string, RegExp, RegExp][] = [
    ['a malformed SSO URL', { sso_url: 'okta.example.com/app aws' }, /The SSO URL "okta\.example\.com\/app aws" is not a URL/, /Copy the AWS app's embed link from Okta/],
    ['an http:// SSO URL on a non-loopback host', { sso_url: 'http://example.okta.com/app/amazon_aws/exk1/sso/saml' }, /must use https:\/\/ \(got http:\/\/example\.okta\.com\)/, /Use the https:\/\/ link Okta shows/],
    ['a settings file that is not JSON', '{"sso_url": "https://example.okta.com/app/amazon_aws/exk1/sso/saml", ', /settings\.json is not valid JSON/, /Fix the file by hand, or move it away and run `okta-aws init`/],
    ['a settings file that is not a JSON object', '["sso_url"]', /settings\.json does not hold a JSON object/, /run `okta-aws init`/],
    ['a settings file without sso_url', { sso_url: undefined }, /settings\.json has no sso_url/, /Run `okta-aws init`, or set OKTA_AWS_SSO_URL/],
    ['a settings file without user_name', { user_name: undefined }, /settings\.json has no user_name/, /Run `okta-aws init`/],
    ['a duration STS cannot give', { duration: 99999 }, /The duration 99999 is outside what STS allows/, /from 900 to 43200/],
    ['an unknown mode', { mode: 'dynamic' }, /has mode "dynamic"/, /Set "mode" to "static" or "process"/],
    ['a settings file without the password (file store)', { password: undefined }, /No Okta password for alice@example\.com in the file store/, /run `okta-aws init`/],
  ];
  for (const [name, settings, what, next] of cases) {
    it(name, async () => {
      if (typeof settings === 'string') {
        await writePythonSettings(box, emu);
        await writeFile(box.settings, settings);
      } else {
        await writePythonSettings(box, emu, settings);
      }
      const before = await readFile(box.settings, 'utf8');
      expectFailure(await refresh(), { what, next });
      expect(emu.okta.counters.authn).toBe(0); // the password went nowhere
      expect(await readFile(box.settings, 'utf8')).toBe(before); // never "repaired" by overwriting
      await expectUntouched();
    });
  }

  it('a TOTP secret that is not base32 (and the password is never sent)', async () => {
    await writePythonSettings(box, emu, { google_2fa_totp: 'KRSX-G5CT-MVRX-0189' });
    const line = expectFailure(await refresh(), { what: /The TOTP secret is not base32/, next: /Copy the secret again from Okta/ });
    expect(line).not.toContain('0189'); // not even the bad secret is echoed
    expect(emu.okta.counters.authn).toBe(0);
    expect(emu.okta.counters.verify).toBe(0);
    await expectUntouched();
  });

  // With mfa_factor auto a missing secret means push (#10); with totp it must fail before anything is sent.
  it('a settings file without the TOTP secret, when TOTP is the factor', async () => {
    await writePythonSettings(box, emu, { google_2fa_totp: undefined, mfa_factor: 'totp' });
    expectFailure(await refresh(), { what: /No TOTP secret for alice@example\.com in the file store/, next: /run `okta-aws init`/ });
    expect(emu.okta.counters.verify).toBe(0);
    await expectUntouched();
  });
});

describe('Okta answering badly, or not at all', () => {
  const cases: [string, () => void, RegExp, RegExp][] = [
    ['500 on the password step', () => emu.okta.faults.add({ kind: 'serverError', path: '/api/v1/authn' }), /Okta \(127\.0\.0\.1:\d+\) answered HTTP 500 \(E0000009\)/, /Okta may be having trouble; try again in a minute/],
    ['500 on the TOTP step', () => emu.okta.faults.add({ kind: 'serverError', path: '/api/v1/authn/factors/*' }), /answered HTTP 500 \(E0000009\)/, /try again in a minute/],
    ['500 on the SSO page', () => emu.okta.faults.add({ kind: 'serverError', path: '/app/*' }), /Okta's SSO page answered HTTP 500/, /try again in a minute/],
    ['an HTML page instead of JSON', () => emu.okta.faults.add({ kind: 'html', path: '/api/v1/authn' }), /answered HTTP 200 with text\/html instead of Okta's JSON API/, /Check that sso_url is your Okta org's AWS app link/],
    ['an HTML 503 maintenance page', () => emu.okta.faults.add({ kind: 'html', status: 503, path: '/api/v1/authn' }), /Okta \(127\.0\.0\.1:\d+\) answered HTTP 503/, /try again in a minute/],
  ];
  for (const [name, arm, what, next] of cases) {
    it(name, async () => {
      await writePythonSettings(box, emu);
      arm();
      expectFailure(await refresh(), { what, next });
      await expectUntouched();
    });
  }

  it('connection refused', async () => {
    const closed = await startEmulators();
    const deadUrl = closed.okta.ssoUrl;
    await closed.close();
    await writePythonSettings(box, emu, { sso_url: deadUrl });
    expectFailure(await refresh(), { what: /Cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/, next: /Check the address, your network and proxy settings/ });
    await expectUntouched();
  });

  for (const [where, path] of [['the password step', '/api/v1/authn'], ['the SSO page', '/app/*']] as const) {
    it(`a server that accepts and never answers (${where}): OKTA_AWS_HTTP_TIMEOUT bounds the wait`, async () => {
      await writePythonSettings(box, emu);
      emu.okta.faults.add({ kind: 'hang', path });
      const started = Date.now();
      const run = await refresh({ OKTA_AWS_HTTP_TIMEOUT: '2' });
      const elapsed = Date.now() - started;
      expectFailure(run, { what: /No answer from 127\.0\.0\.1:\d+ within 2 s/, next: /raise OKTA_AWS_HTTP_TIMEOUT \(seconds\)/ });
      expect(elapsed).toBeGreaterThanOrEqual(2000);
      expect(elapsed).toBeLessThan(10_000); // 2 s, plus start-up and at most one TOTP step change
      await expectUntouched();
    });
  }
});

describe("Okta's rate limit (429 E0000047)", () => {
  /** Records when each 429 fault fired, and when Okta next saw each path (the retry). */
  function watch429s(): { fired: { path: string; at: number; reset: number }[]; seen: number[] } {
    const log = { fired: [] as { path: string; at: number; reset: number }[], seen: [] as number[] };
    const take = emu.okta.faults.take.bind(emu.okta.faults);
    emu.okta.faults.take = (match) => {
      const fault = take(match);
      if (fault?.kind === 'rateLimit') log.fired.push({ path: fault.path ?? '*', at: emu.clock.now(), reset: emu.clock.nowSeconds() + (fault.resetInSeconds ?? 1) });
      else if (fault === undefined) log.seen.push(emu.clock.now()); // the client is sequential: the next request is the retry
      return fault;
    };
    return log;
  }

  it('waits until X-Rate-Limit-Reset, then retries and succeeds (password step, TOTP step and SSO page)', async () => {
    await writePythonSettings(box, emu);
    emu.okta.faults.add([
      { kind: 'rateLimit', path: '/api/v1/authn', resetInSeconds: 2 },
      { kind: 'rateLimit', path: '/api/v1/authn/factors/*', resetInSeconds: 1 },
      { kind: 'rateLimit', path: '/app/*', resetInSeconds: 1 },
    ]);
    const log = watch429s();
    const started = Date.now();
    const run = await refresh();
    const elapsed = Date.now() - started;
    expect(run.stderr).not.toMatch(/^okta-aws:(?! Removed)/m);
    expect(run.code).toBe(0);
    expect(emu.okta.counters.rateLimited).toBe(3);
    expect(emu.okta.counters.byPath['POST /api/v1/authn']).toBe(2); // refused once, then retried
    expect(emu.okta.counters.verify).toBe(1); // the 429 never reached the factor: one code, sent once it was let through
    expect(emu.okta.counters.assertionsIssued).toBe(1);
    // Each retry came after the reset the 429 announced, and not long after it.
    expect(log.fired).toHaveLength(3);
    for (const fired of log.fired) {
      const retry = log.seen.find((at) => at > fired.at);
      expect(retry, JSON.stringify(log)).toBeDefined();
      expect(retry!).toBeGreaterThanOrEqual(fired.reset * 1000);
      expect(retry! - fired.reset * 1000).toBeLessThan(2500); // the client adds 250 ms of margin; the rest is a busy machine
    }
    expect(elapsed).toBeLessThan(15_000);
    expect(await readFile(box.credentials, 'utf8')).toContain('[okta-111111111111-Admin]');
  });

  it('gives up, in bounded time, when the limit does not clear', async () => {
    await writePythonSettings(box, emu);
    emu.okta.faults.add({ kind: 'rateLimit', path: '/api/v1/authn', resetInSeconds: 1, count: 0 });
    const started = Date.now();
    const run = await refresh();
    expectFailure(run, { what: /Okta's rate limit was hit \(E0000047\)/, next: /Wait a minute and try again/ });
    expect(emu.okta.counters.rateLimited).toBe(3); // the first try and two retries
    expect(Date.now() - started).toBeLessThan(10_000); // three tries 1 s apart, plus start-up
    await expectUntouched();
  });

  it('does not sleep for an hour when the reset is an hour away', async () => {
    await writePythonSettings(box, emu);
    emu.okta.faults.add({ kind: 'rateLimit', path: '/api/v1/authn', resetInSeconds: 3600 });
    const started = Date.now();
    expectFailure(await refresh(), { what: /Okta's rate limit was hit/, next: /Wait a minute and try again/ });
    expect(emu.okta.counters.rateLimited).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000); // no retry: it did not wait for the reset
    await expectUntouched();
  });
});

describe('the SSO page and the SAML assertion', () => {
  const cases: [string, Parameters<Emulators['okta']['faults']['add']>[0], RegExp, RegExp][] = [
    ['an SSO page without SAMLResponse', { kind: 'noSamlResponse' }, /Okta logged you in, but the SSO page had no SAMLResponse/, /Check that sso_url is the AWS app's embed link.*assigned to you/],
    ['an app-level MFA step-up page', { kind: 'stepUp' }, /asked for extra verification \(an app-level MFA step-up\)/, /Ask your Okta admin/],
    ['a SAML assertion that does not parse', { kind: 'brokenSaml' }, /The SAML assertion from Okta is not well-formed XML/, /report it, or ask your Okta admin to check the AWS app/],
    ['a SAML assertion that grants no AWS role', { kind: 'noRoles' }, /The SAML assertion grants no AWS role/, /Ask your Okta admin to assign you a role in the AWS app/],
  ];
  for (const [name, fault, what, next] of cases) {
    it(name, async () => {
      await writePythonSettings(box, emu);
      emu.okta.faults.add(fault);
      expectFailure(await refresh(), { what, next });
      expect(emu.sts.counters.total).toBe(0);
      await expectUntouched();
    });
  }
});

describe('a TOTP code that was already used', () => {
  interface OktaAnswer {
    status: string;
    stateToken?: string;
    _embedded?: { factors: { provider: string; _links: { verify: { href: string } } }[] };
  }

  /** Logs alice in ourselves with the current step's code, so that Okta has seen that step. */
  async function useCurrentStep(): Promise<number> {
    const post = async (url: string, body: unknown) => {
      const res = await fetch(url, { method: 'POST', headers: { Accept: 'application/json', 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      return (await res.json()) as OktaAnswer;
    };
    const primary = await post(`${emu.okta.url}/api/v1/authn`, { username: FIXTURE_USERNAME, password: FIXTURE_PASSWORD });
    expect(primary.status).toBe('MFA_REQUIRED');
    const factor = primary._embedded!.factors.find((f) => f.provider === 'GOOGLE')!;
    const step = timeStep(emu.clock.now() / 1000);
    const verified = await post(factor._links.verify.href, { stateToken: primary.stateToken, passCode: totpForStep(FIXTURE_TOTP_SECRET, step) });
    expect(verified.status).toBe('SUCCESS');
    return step;
  }

  // Okta refuses a step it has seen ("Each code can only be used once"): the phone, or another
  // machine, used it. The CLI must wait for the next step and succeed, not fail. Up to 30 s.
  it('recovers by waiting for the next step', { timeout: 60_000 }, async () => {
    await writePythonSettings(box, emu);
    // Start early in a step, so the CLI (which skips a step with under 2 s left) sends this one.
    const intoStep = emu.clock.now() % 30_000;
    if (intoStep > 20_000) await sleep(30_000 - intoStep + 100);
    const used = await useCurrentStep();
    const before = { verify: emu.okta.counters.verify, failures: emu.okta.counters.mfaFailures };

    const run = await refresh({}, ['--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).profiles).toHaveLength(3);
    expect(emu.okta.counters.mfaFailures - before.failures).toBe(1); // the reused step, refused once
    expect(emu.okta.counters.verify - before.verify).toBe(2); // ... then the next step, accepted
    expect(emu.okta.users.get(FIXTURE_USERNAME)!.lastTotpStep).toBe(used + 1);
    const state = JSON.parse(await readFile(join(box.env.OKTA_AWS_HOME!, 'state.json'), 'utf8'));
    expect(state.totp_steps[sessionOwner(emu.okta.ssoUrl, FIXTURE_USERNAME)]).toBe(used + 1);
  });
});

