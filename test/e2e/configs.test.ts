import { appendFile, readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulators, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET, FIXTURE_USERS, type OktaOrg, startEmulators, startOktaOrg } from '../emulators/index.js';
import { type Sandbox, runCli, sandbox } from '../helpers/cli.js';
import { USER_CREDENTIALS, seedUserCredentials, userBytesKept } from '../helpers/credentials.js';

const BOB = 'bob@acme.example';
const BOB_PASSWORD = 'bob has another password';
const BOB_SECRET = 'MFRGGZDFMZTWQ2LK';
const provider = (account: string) => `arn:aws:iam::${account}:saml-provider/AcmeOkta`;

let emu: Emulators;
let acme: OktaOrg;
let box: Sandbox;

// Two orgs, two users, one STS (both IdPs are trusted by it) and overlapping account ids.
beforeEach(async () => {
  emu = await startEmulators();
  acme = await startOktaOrg({
    clock: emu.clock,
    trust: emu.trust,
    users: [
      {
        login: BOB,
        password: BOB_PASSWORD,
        totpSecret: BOB_SECRET,
        factors: ['google-totp'],
        roles: [
          { roleArn: 'arn:aws:iam::111111111111:role/Developer', principalArn: provider('111111111111') },
          { roleArn: 'arn:aws:iam::222222222222:role/Auditor', principalArn: provider('222222222222') },
        ],
      },
    ],
  });
  box = await sandbox(emu.env);
  await seedUserCredentials(box.credentials);
  // A profile the named configuration wrote long ago and no longer gets.
  await appendFile(box.credentials, '\n[okta-acme-333333333333-Gone]\naws_access_key_id = ASIAGONEGONEGONE0000\n');
  const initDefault = await runCli(['init', '--sso-url', emu.okta.ssoUrl, '--username', FIXTURE_USERS.alice, '--no-verify'], {
    env: { ...box.env, OKTA_AWS_PASSWORD: FIXTURE_PASSWORD, OKTA_AWS_TOTP_SECRET: FIXTURE_TOTP_SECRET },
  });
  expect(initDefault.code).toBe(0);
  const initAcme = await runCli(['init', '--config', 'acme', '--sso-url', acme.ssoUrl, '--username', BOB, '--no-verify'], {
    env: { ...box.env, OKTA_AWS_PASSWORD: BOB_PASSWORD, OKTA_AWS_TOTP_SECRET: BOB_SECRET },
  });
  expect(initAcme.code).toBe(0);
});
afterEach(async () => {
  await Promise.all([box.cleanup(), emu.close(), acme.close()]);
});

const sections = (text: string) => [...text.matchAll(/^\[(okta-[^\]]+)\]/gm)].map((m) => m[1]).sort();

describe('several configurations', () => {
  it('refresh concurrently into one file, each removing only its own stale profiles', async () => {
    const [mine, theirs] = await Promise.all([
      runCli(['refresh', '--json'], { env: box.env }),
      runCli(['refresh', '--config', 'acme', '--json'], { env: box.env }),
    ]);
    expect(mine.stderr).toBe('');
    expect(mine.code).toBe(0);
    expect(theirs.code).toBe(0);
    expect(JSON.parse(mine.stdout).removed).toEqual(['okta-111111111111-Old']);
    expect(JSON.parse(theirs.stdout).removed).toEqual(['okta-acme-333333333333-Gone']);

    const file = await readFile(box.credentials, 'utf8');
    expect(sections(file)).toEqual([
      'okta-111111111111-Admin',
      'okta-111111111111-team-dev-Deployer',
      'okta-222222222222-Auditor',
      'okta-acme-111111111111-Developer',
      'okta-acme-222222222222-Auditor',
    ]);
    expect(userBytesKept(USER_CREDENTIALS, file)).toBe(true);
    // Each org saw only its own user.
    expect(emu.okta.counters.assertionsIssued).toBe(1);
    expect(acme.counters.assertionsIssued).toBe(1);

    // The default configuration's next refresh leaves the named one's profiles alone.
    const again = await runCli(['refresh', '--json'], { env: box.env });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).removed).toEqual([]);
    expect(sections(await readFile(box.credentials, 'utf8'))).toContain('okta-acme-111111111111-Developer');
  });

  it('credential-process --config answers from the named cache, and process mode writes --config into the profile', async () => {
    const refresh = await runCli(['refresh', '--config', 'acme', '--mode', 'process'], { env: box.env });
    expect(refresh.code).toBe(0);
    const file = await readFile(box.credentials, 'utf8');
    const line = /\[okta-acme-111111111111-Developer\]\ncredential_process = (.*)\n/.exec(file)?.[1];
    expect(line).toMatch(/ credential-process okta-acme-111111111111-Developer --config acme$/);

    const calls = acme.counters.assertionsIssued;
    const run = await runCli(['credential-process', 'okta-acme-111111111111-Developer', '--config', 'acme'], { env: box.env });
    expect(run.code).toBe(0);
    const creds = JSON.parse(run.stdout);
    expect(creds).toMatchObject({ Version: 1, AccessKeyId: expect.stringMatching(/^ASIA/) });
    // Keys STS really issued, and the very ones the process-mode refresh cached.
    expect(emu.sts.lookup(creds.AccessKeyId)?.secretAccessKey).toBe(creds.SecretAccessKey);
    expect(acme.counters.assertionsIssued).toBe(calls);
    // The default configuration knows no such profile.
    const other = await runCli(['credential-process', 'okta-acme-111111111111-Developer'], { env: box.env });
    expect(other.code).not.toBe(0);
    expect(other.stdout).toBe('');
  });

  it('configs lists both; a bad name is one line', async () => {
    const list = await runCli(['configs', '--json'], { env: box.env });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).map((c: { name: string; username: string; profilePrefix: string }) => [c.name, c.username, c.profilePrefix])).toEqual([
      ['default', FIXTURE_USERS.alice, 'okta-'],
      ['acme', BOB, 'okta-acme-'],
    ]);
    const bad = await runCli(['roles', '--config', 'Not/OK'], { env: box.env });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^okta-aws: "Not\/OK" is not a configuration name/);
    const missing = await runCli(['refresh', '--config', 'nosuch'], { env: box.env });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/okta-aws init --config nosuch/);
  });
});
