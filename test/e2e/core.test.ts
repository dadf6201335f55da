import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromIni } from '@aws-sdk/credential-provider-ini';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulators, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET, FIXTURE_USERS, startEmulators } from '../emulators/index.js';
import { type Sandbox, runCli, sandbox } from '../helpers/cli.js';
import { seedUserCredentials, USER_CREDENTIALS, userBytesKept } from '../helpers/credentials.js';

let emu: Emulators;
let box: Sandbox;

// Each test gets its own org: Okta refuses a TOTP step it has seen, so a shared one would make
// tests wait for each other's 30 s windows.
beforeEach(async () => {
  emu = await startEmulators();
  box = await sandbox(emu.env);
  await seedUserCredentials(box.credentials);
});
afterEach(async () => {
  await Promise.all([box.cleanup(), emu.close()]);
});

const secrets = { OKTA_AWS_PASSWORD: FIXTURE_PASSWORD, OKTA_AWS_TOTP_SECRET: FIXTURE_TOTP_SECRET };

async function init(username: string = FIXTURE_USERS.alice, extra: string[] = []) {
  return runCli(['init', '--sso-url', emu.okta.ssoUrl, '--username', username, '--region', 'ap-southeast-2', ...extra], {
    env: { ...box.env, ...secrets },
  });
}

describe('init then refresh', () => {
  it('writes one working profile per granted role and keeps every other byte of the file', async () => {
    const initRun = await init();
    expect(initRun.stderr).not.toContain(FIXTURE_PASSWORD);
    expect(initRun.code).toBe(0);
    expect(initRun.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0])).toEqual([
      'okta-111111111111-Admin',
      'okta-111111111111-team-dev-Deployer',
      'okta-222222222222-Auditor',
    ]);
    const settings = JSON.parse(await readFile(box.settings, 'utf8'));
    expect(settings).toMatchObject({ sso_url: emu.okta.ssoUrl, user_name: FIXTURE_USERS.alice, region: 'ap-southeast-2', secret_store: 'file' });
    expect((await stat(box.settings)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(box.settings))).mode & 0o777).toBe(0o700);

    emu.sts.resetCounters();
    emu.sts.latencyMs = 300; // long enough that calls made one after another could not overlap
    const refresh = await runCli(['refresh', '--json'], { env: box.env });
    expect(refresh.stderr).toBe('');
    expect(refresh.code).toBe(0);
    const result = JSON.parse(refresh.stdout);
    expect(result.profiles.map((p: { profile: string }) => p.profile)).toEqual([
      'okta-111111111111-Admin',
      'okta-111111111111-team-dev-Deployer',
      'okta-222222222222-Auditor',
    ]);
    expect(result.removed).toEqual(['okta-111111111111-Old']);
    // All three were in flight together, not one after another (the cap of 8 is checked in "many roles").
    expect(emu.sts.counters.maxInFlight).toBe(3);

    const text = await readFile(box.credentials, 'utf8');
    expect(userBytesKept(USER_CREDENTIALS, text)).toBe(true);
    expect(text.startsWith(USER_CREDENTIALS.split('[okta-111111111111-Old]')[0]!)).toBe(true);
    expect(text).not.toContain('[okta-111111111111-Old]');

    for (const [profile, role] of [
      ['okta-111111111111-Admin', 'Admin'],
      ['okta-111111111111-team-dev-Deployer', 'Deployer'],
      ['okta-222222222222-Auditor', 'Auditor'],
    ] as const) {
      const client = new STSClient({ region: 'ap-southeast-2', endpoint: emu.sts.url, credentials: fromIni({ profile, filepath: box.credentials, configFilepath: box.env.AWS_CONFIG_FILE }) });
      const identity = await client.send(new GetCallerIdentityCommand({}));
      expect(identity.Arn).toMatch(new RegExp(`:assumed-role/${role}/alice@example.com$`));
    }
  });

  it('gives a 3600 s role 1-hour credentials, then asks for 3600 directly next time', async () => {
    expect((await init(undefined, ['--no-verify'])).code).toBe(0);
    emu.sts.resetCounters();
    const first = await runCli(['refresh', '--json'], { env: box.env });
    expect(first.code).toBe(0);
    const auditor = JSON.parse(first.stdout).profiles.find((p: { profile: string }) => p.profile === 'okta-222222222222-Auditor');
    const lifetime = (Date.parse(auditor.expiration) - Date.now()) / 1000;
    expect(lifetime).toBeGreaterThan(3500);
    expect(lifetime).toBeLessThanOrEqual(3600);
    expect(emu.sts.counters.errors.ValidationError).toBe(2); // 43200 and 14400 refused

    emu.sts.resetCounters();
    const second = await runCli(['refresh', '--json'], { env: box.env });
    expect(second.code).toBe(0);
    expect(emu.sts.counters.errors.ValidationError ?? 0).toBe(0);
    expect(emu.sts.counters.ok.AssumeRoleWithSAML).toBe(3);
  });

  it('removes okta- profiles that are no longer granted and says so', async () => {
    expect((await init(undefined, ['--no-verify'])).code).toBe(0);
    const run = await runCli(['refresh'], { env: box.env });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('Removed profiles no longer granted: okta-111111111111-Old');
    expect(await readFile(box.credentials, 'utf8')).not.toContain('okta-111111111111-Old');
    // Not on stdout: that is for data.
    expect(run.stdout).not.toContain('Removed');
  });
});

describe('many roles', () => {
  it('assumes twelve roles with at most eight STS calls in flight', async () => {
    const many = await startEmulators({ roles: 12, stsLatencyMs: 500 }); // calls one after another could not overlap
    try {
      const env = { ...box.env, ...many.env, ...many.fixtureEnv, OKTA_AWS_SECRET_STORE: 'env' };
      const run = await runCli(['refresh', '--json'], { env });
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout).profiles).toHaveLength(12);
      expect(many.sts.counters.ok.AssumeRoleWithSAML).toBe(12);
      // Eight at once, not all twelve and not one by one.
      expect(many.sts.counters.maxInFlight).toBe(8);
    } finally {
      await many.close();
    }
  });
});

describe('login failures leave the credentials file as it was', () => {
  const cases: [string, NodeJS.ProcessEnv, string, RegExp][] = [
    ['wrong password', { OKTA_AWS_PASSWORD: 'wrong' }, FIXTURE_USERS.alice, /rejected the username or password.*E0000004/],
    ['wrong TOTP secret', { OKTA_AWS_TOTP_SECRET: 'JBSWY3DPEHPK3PXP' }, FIXTURE_USERS.alice, /refused the TOTP code \(E0000068\)/],
    ['locked-out user', {}, FIXTURE_USERS.lockedOut, /locked out/],
    ['expired password', {}, FIXTURE_USERS.passwordExpired, /password .* has expired/],
    ['no TOTP factor (totp asked for)', { OKTA_AWS_MFA_FACTOR: 'totp' }, FIXTURE_USERS.pushOnly, /No TOTP factor/],
    ['factor not enrolled', {}, FIXTURE_USERS.mfaEnroll, /enroll a second factor/],
  ];
  for (const [name, env, user, message] of cases) {
    it(name, async () => {
      const run = await runCli(['init', '--sso-url', emu.okta.ssoUrl, '--username', user], { env: { ...box.env, ...secrets, ...env } });
      expect(run.code).not.toBe(0);
      // Progress lines may precede it; the failure itself is one line, the last.
      const failure = run.stderr.trim().split('\n').filter((l) => l.startsWith('okta-aws:'));
      expect(failure).toHaveLength(1);
      expect(run.stderr.trimEnd().endsWith(failure[0]!)).toBe(true);
      expect(failure[0]).toMatch(message);
      expect(failure[0]).toMatch(/okta-aws init|browser|Okta admin|Enroll|Unlock/);
      expect(run.stderr).not.toContain(FIXTURE_PASSWORD);
      await expect(stat(box.settings)).rejects.toThrow(); // nothing was saved from a login that failed
      expect(await readFile(box.credentials, 'utf8')).toBe(USER_CREDENTIALS);
    });
  }
});

describe('command-line mistakes', () => {
  it('a flag value out of range is one line with the reason, exit 2, and no refresh attempt', async () => {
    const run = await runCli(['refresh', '--duration', '100'], { env: box.env });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('okta-aws: Parsing --duration: Expected an integer greater than or equal to 900 but received: 100. See `okta-aws refresh --help`.\n');
    expect(emu.okta.counters.authn).toBe(0);
  });

  // `assume` without a target now picks or lists roles (#12), so the required argument is credential-process's.
  it('a missing argument is reported by the command in one line, exit 2, before any login', async () => {
    const run = await runCli(['credential-process'], { env: box.env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^okta-aws: Missing 1 required arg: profile/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(emu.okta.counters.authn).toBe(0);
  });
});

describe('the keyring store without a Secret Service', () => {
  it('init --store keyring fails with one line that names the fix, before asking anything', async () => {
    const run = await runCli(['init', '--store', 'keyring', '--sso-url', emu.okta.ssoUrl, '--username', FIXTURE_USERS.alice], {
      env: { ...box.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^okta-aws: The OS keyring is not available here .*Use `--store file`, or start and unlock a Secret Service/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(emu.okta.counters.authn).toBe(0);
    await expect(stat(box.settings)).rejects.toThrow();
  });
});

describe('environment-only runs', () => {
  it('refresh works from OKTA_AWS_* alone, without a settings file', async () => {
    const run = await runCli(['refresh', '--json'], { env: { ...box.env, ...emu.fixtureEnv, OKTA_AWS_SECRET_STORE: 'env' } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).profiles).toHaveLength(3);
    await expect(stat(join(box.env.OKTA_AWS_HOME!, 'settings.json'))).rejects.toThrow();
  });
});
