/**
 * Okta Verify push end to end: the built CLI against the emulated org, whose phone answers as each
 * test scripts it (approve, reject, Okta's timeout, never) and which measures every poll.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulators, FIXTURE_PASSWORD, FIXTURE_ROLES, FIXTURE_TOTP_SECRET, FIXTURE_USERS, type PushScript, startEmulators } from '../emulators/index.js';
import { type CliResult, type Sandbox, runCli, sandbox } from '../helpers/cli.js';
import { USER_CREDENTIALS, seedUserCredentials } from '../helpers/credentials.js';
import { expectFailure, leftovers, startCli, waitFor } from './fault-helpers.js';

const PUSH_ONLY = FIXTURE_USERS.pushOnly;
const DEVICE = "push-only's iPhone";
const TWO_DEVICES = 'two-devices@example.com';
const ADMIN = 'okta-111111111111-Admin';

let emu: Emulators;
let box: Sandbox;
const cacheFile = () => join(box.env.OKTA_AWS_HOME!, 'cache', 'credentials.json');

beforeEach(async () => {
  emu = await startEmulators({
    extraUsers: [{ login: TWO_DEVICES, password: FIXTURE_PASSWORD, factors: ['push', 'push'], pushDevices: ["Bob's iPhone", "Bob's iPad"], roles: FIXTURE_ROLES.slice(0, 1) }],
  });
  box = await sandbox(emu.env);
  await seedUserCredentials(box.credentials);
});
afterEach(async () => {
  await Promise.all([box.cleanup(), emu.close()]);
});

/** settings.json for a user who stored a password and no TOTP secret (as `init --factor push` leaves it). */
async function pushSettings(user: string = PUSH_ONLY, extra: Record<string, unknown> = {}): Promise<void> {
  await mkdir(dirname(box.settings), { recursive: true, mode: 0o700 });
  await writeFile(box.settings, JSON.stringify({ sso_url: emu.okta.ssoUrl, region: 'ap-southeast-2', user_name: user, password: FIXTURE_PASSWORD, ...extra }), { mode: 0o600 });
}

function phone(user: string, script: PushScript): void {
  emu.okta.users.get(user)!.config.push = script;
}

const count = (text: string, line: string) => text.split('\n').filter((l) => l.trim() === line).length;

/** Every gap the org measured between one request of a push and the next poll is 1–3 s. */
function expectPollingPace(): void {
  const gaps = emu.okta.counters.pollGapsMs;
  expect(gaps.length).toBe(emu.okta.counters.pushPolls);
  for (const gap of gaps) {
    expect(gap).toBeGreaterThanOrEqual(1000);
    expect(gap).toBeLessThanOrEqual(3000);
  }
}

/** A failed push login: one line, exit 1, the credentials file and cache as they were, the transaction cancelled. */
async function expectNothingWritten(run: CliResult, what: RegExp, code = 1): Promise<void> {
  expectFailure(run, { code, what, next: /run the command again/i });
  expect(await readFile(box.credentials, 'utf8')).toBe(USER_CREDENTIALS);
  await expect(stat(cacheFile())).rejects.toThrow();
  expect(await leftovers(dirname(box.credentials), box.env.OKTA_AWS_HOME!)).toEqual([]);
  expect(emu.okta.counters.pushesSent).toBe(1);
  expect(emu.okta.counters.pushCancels).toBe(1);
  expect(emu.okta.counters.sessionTokensIssued).toBe(0);
}

describe('a push-only user refreshes', () => {
  it('approved with a number challenge: the device and the number on stderr, polls every 1–3 s; the next refresh sends no push', { timeout: 60_000 }, async () => {
    await pushSettings();
    phone(PUSH_ONLY, { answer: 'approve', afterPolls: 2, numberChallenge: 42 });
    const run = await runCli(['refresh'], { env: box.env });
    expect(run.code, run.stderr).toBe(0);
    expect(count(run.stderr, `Approve the Okta Verify push on ${DEVICE}`)).toBe(1);
    expect(count(run.stderr, 'Okta Verify asks for a number: tap 42')).toBe(1);
    expect(run.stderr.indexOf('Approve the Okta Verify push')).toBeLessThan(run.stderr.indexOf('tap 42'));
    expect(run.stdout).not.toContain('42\n');
    expect(run.stdout).toContain(ADMIN);
    expect(emu.okta.counters).toMatchObject({ pushesSent: 1, pushPolls: 3, passCodes: 0, pushCancels: 0, sessionTokensIssued: 1 });
    expectPollingPace();
    const issued = emu.sts.lookup((await readFile(box.credentials, 'utf8')).match(/\[okta-111111111111-Admin\][^[]*?aws_access_key_id = (\S+)/)![1]!);
    expect(issued?.roleArn).toBe(FIXTURE_ROLES[0]!.roleArn);

    // The Okta session the push earned is reused: no password, no push.
    const again = await runCli(['refresh'], { env: box.env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('Okta Verify');
    expect(emu.okta.counters).toMatchObject({ pushesSent: 1, authn: 1 });
  });

  it('approved without a number challenge: one line naming the device, no number', { timeout: 60_000 }, async () => {
    await pushSettings();
    phone(PUSH_ONLY, { answer: 'approve', afterPolls: 1 });
    const run = await runCli(['refresh', '--json'], { env: box.env });
    expect(run.code, run.stderr).toBe(0);
    // --json quiets progress, not what the user must do.
    expect(count(run.stderr, `Approve the Okta Verify push on ${DEVICE}`)).toBe(1);
    expect(run.stderr).not.toContain('asks for a number');
    expect(JSON.parse(run.stdout).profiles.map((p: { profile: string }) => p.profile)).toEqual([ADMIN]);
    expect(emu.okta.counters).toMatchObject({ pushesSent: 1, pushPolls: 2, pushCancels: 0 });
    expectPollingPace();
  });

  it('rejected: one line naming the device, exit 1, nothing written, transaction cancelled', { timeout: 60_000 }, async () => {
    await pushSettings();
    phone(PUSH_ONLY, { answer: 'reject', afterPolls: 1, numberChallenge: true });
    const run = await runCli(['refresh'], { env: box.env });
    await expectNothingWritten(run, new RegExp(`^The Okta Verify push was rejected on ${DEVICE}`));
  });

  it("Okta's own timeout: one line that says so, exit 1, nothing written, transaction cancelled", { timeout: 60_000 }, async () => {
    await pushSettings();
    phone(PUSH_ONLY, { answer: 'timeout', afterPolls: 1 });
    const run = await runCli(['refresh'], { env: box.env });
    await expectNothingWritten(run, /Okta Verify push to .* timed out/);
  });

  it('no answer within OKTA_AWS_PUSH_TIMEOUT: one line naming the wait and the variable, transaction cancelled', { timeout: 60_000 }, async () => {
    await pushSettings();
    phone(PUSH_ONLY, { answer: 'never' });
    const run = await runCli(['refresh'], { env: { ...box.env, OKTA_AWS_PUSH_TIMEOUT: '3' } });
    await expectNothingWritten(run, new RegExp(`^No answer to the Okta Verify push on ${DEVICE} within 3 s`));
    expect(run.stderr).toContain('OKTA_AWS_PUSH_TIMEOUT');
    expectPollingPace();
  });

  it('Ctrl-C while waiting: the transaction is cancelled, one line, exit 130, nothing written', { timeout: 60_000 }, async () => {
    await pushSettings();
    phone(PUSH_ONLY, { answer: 'never' });
    const cli = startCli(['refresh'], box.env);
    await waitFor(() => emu.okta.counters.pushPolls >= 1, 'the first poll');
    cli.child.kill('SIGINT');
    const run = await cli.done;
    await expectNothingWritten(run, /^interrupted; every file is as it was/, 130);
  });

  it('--debug shows every poll with its result, and no token', { timeout: 60_000 }, async () => {
    await pushSettings();
    phone(PUSH_ONLY, { answer: 'approve', afterPolls: 2 });
    const run = await runCli(['refresh', '--debug'], { env: box.env });
    expect(run.code, run.stderr).toBe(0);
    const polls = run.stderr.split('\n').filter((l) => l.includes('okta-aws: push: POST '));
    expect(polls).toHaveLength(4); // the send and three polls
    expect(polls.slice(0, 3).every((l) => /\/api\/v1\/authn\/factors\/opf\w+\/verify → MFA_CHALLENGE WAITING$/.test(l))).toBe(true);
    expect(polls[3]).toMatch(/→ SUCCESS$/);
    expect(run.stderr).not.toMatch(/"stateToken"|sessionToken=(?!\[redacted\])|00[A-Za-z0-9_]{20}-/);
    expect(run.stderr).not.toContain(FIXTURE_PASSWORD);
  });
});

describe('choosing the factor', () => {
  const alice = () => pushSettings(FIXTURE_USERS.alice, { google_2fa_totp: FIXTURE_TOTP_SECRET });

  it('auto with a stored TOTP secret uses TOTP: one code, no push', { timeout: 60_000 }, async () => {
    await alice();
    const run = await runCli(['refresh'], { env: box.env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('Okta Verify');
    expect(emu.okta.counters).toMatchObject({ passCodes: 1, pushesSent: 0 });
  });

  it('OKTA_AWS_MFA_FACTOR=push uses push for the same user: no code sent', { timeout: 60_000 }, async () => {
    await alice();
    const run = await runCli(['refresh'], { env: { ...box.env, OKTA_AWS_MFA_FACTOR: 'push' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("Approve the Okta Verify push on Alice's iPhone");
    expect(emu.okta.counters).toMatchObject({ passCodes: 0, pushesSent: 1 });
  });

  it('init --factor push asks for no TOTP secret, remembers the factor, and proves it with a push', { timeout: 60_000 }, async () => {
    const run = await runCli(['init', '--sso-url', emu.okta.ssoUrl, '--username', FIXTURE_USERS.alice, '--factor', 'push'], {
      env: { ...box.env, OKTA_AWS_PASSWORD: FIXTURE_PASSWORD },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("Approve the Okta Verify push on Alice's iPhone");
    const settings = JSON.parse(await readFile(box.settings, 'utf8'));
    expect(settings).toMatchObject({ user_name: FIXTURE_USERS.alice, mfa_factor: 'push', password: FIXTURE_PASSWORD });
    expect(settings).not.toHaveProperty('google_2fa_totp');
    expect(emu.okta.counters).toMatchObject({ passCodes: 0, pushesSent: 1 });

    // Later logins push too, though Alice has a TOTP factor.
    emu.okta.expireAllSessions();
    const refresh = await runCli(['refresh'], { env: box.env });
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(emu.okta.counters).toMatchObject({ passCodes: 0, pushesSent: 2 });
  });

  it('OKTA_AWS_PUSH_DEVICE picks the device by name; an unknown name lists the devices', { timeout: 60_000 }, async () => {
    await pushSettings(TWO_DEVICES);
    const run = await runCli(['refresh'], { env: { ...box.env, OKTA_AWS_PUSH_DEVICE: "bob's ipad" } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("Approve the Okta Verify push on Bob's iPad");
    expect(emu.okta.counters.pushesByDevice).toEqual({ "Bob's iPad": 1 });

    emu.okta.expireAllSessions();
    const wrong = await runCli(['refresh'], { env: { ...box.env, OKTA_AWS_PUSH_DEVICE: 'Pixel' } });
    expectFailure(wrong, { what: /No Okta Verify device named "Pixel".*"Bob's iPhone", "Bob's iPad"/, next: /OKTA_AWS_PUSH_DEVICE/ });
    expect(emu.okta.counters.pushesSent).toBe(1);
  });
});

describe('without a terminal, many at once', () => {
  it('10 concurrent credential-process calls on a stale cache send one push, and all get credentials', { timeout: 90_000 }, async () => {
    await pushSettings();
    phone(PUSH_ONLY, { answer: 'approve', afterPolls: 1, numberChallenge: 17 });
    expect((await runCli(['refresh', '--mode', 'process'], { env: box.env })).code).toBe(0);
    // Expired keys and a dead Okta session: the next login needs the phone again.
    const cache = JSON.parse(await readFile(cacheFile(), 'utf8'));
    for (const entry of Object.values(cache.credentials) as { Expiration: string }[]) entry.Expiration = new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await writeFile(cacheFile(), JSON.stringify(cache));
    emu.okta.expireAllSessions();
    emu.okta.resetCounters();

    const runs = await Promise.all(Array.from({ length: 10 }, () => runCli(['credential-process', ADMIN], { env: box.env, timeoutMs: 60_000 })));
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(0);
      const out = JSON.parse(run.stdout);
      expect(emu.sts.lookup(out.AccessKeyId)?.roleArn).toBe(FIXTURE_ROLES[0]!.roleArn);
    }
    expect(emu.okta.counters).toMatchObject({ pushesSent: 1, authn: 1 });
    expect(new Set(runs.map((r) => JSON.parse(r.stdout).AccessKeyId)).size).toBe(1);
    // The one that logged in told the user what to approve, on stderr; the others said nothing.
    const told = runs.filter((r) => r.stderr.includes(`Approve the Okta Verify push on ${DEVICE}`));
    expect(told).toHaveLength(1);
    expect(told[0]!.stderr).toContain('Okta Verify asks for a number: tap 17');
    expect(runs.filter((r) => r.stderr !== '')).toHaveLength(1);
    expectPollingPace();
  });
});
