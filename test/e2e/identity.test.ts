import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type Emulators, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET, type OktaUserConfig, startEmulators } from '../emulators/index.js';
import { type Sandbox, runCli, sandbox } from '../helpers/cli.js';
import { writePythonSettings } from '../helpers/journey.js';

const WHOAMI = fileURLToPath(new URL('../helpers/whoami.mjs', import.meta.url));
const provider = (account: string) => `arn:aws:iam::${account}:saml-provider/Okta`;

let emus: Emulators[] = [];
let box: Sandbox | undefined;
afterEach(async () => {
  await Promise.all([box?.cleanup(), ...emus.map((e) => e.close())]);
  emus = [];
  box = undefined;
});

function user(login: string, roleArns: string[]): OktaUserConfig {
  return { login, password: FIXTURE_PASSWORD, totpSecret: FIXTURE_TOTP_SECRET, roles: roleArns.map((roleArn) => ({ roleArn, principalArn: provider(roleArn.split(':')[4]!) })) };
}

async function start(extraUsers: OktaUserConfig[]): Promise<Emulators> {
  const emu = await startEmulators({ extraUsers });
  emus.push(emu);
  return emu;
}

/** The env store as a CI job uses it: the user and org from the environment alone. */
function envStore(emu: Emulators, login: string): NodeJS.ProcessEnv {
  return {
    ...box!.env,
    ...emu.env,
    OKTA_AWS_SECRET_STORE: 'env',
    OKTA_AWS_SSO_URL: emu.okta.ssoUrl,
    OKTA_AWS_USERNAME: login,
    OKTA_AWS_PASSWORD: FIXTURE_PASSWORD,
    OKTA_AWS_TOTP_SECRET: FIXTURE_TOTP_SECRET,
  };
}

describe('one role, one profile', () => {
  const UNDERSCORE = 'arn:aws:iam::111111111111:role/ReadOnly_Admin';
  const DASH = 'arn:aws:iam::111111111111:role/ReadOnly-Admin';

  it('roles whose names fold together each get their own profile, and every lookup by ARN gets that role', async () => {
    const emu = await start([user('carol@example.com', [UNDERSCORE, DASH, 'arn:aws:iam::111111111111:role/Admin'])]);
    box = await sandbox(emu.env);
    const env = envStore(emu, 'carol@example.com');

    const refresh = await runCli(['refresh', '--json'], { env });
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(refresh.stderr).toContain(UNDERSCORE);
    expect(refresh.stderr).toContain(DASH);
    const profiles = (JSON.parse(refresh.stdout) as { profiles: { profile: string; roleArn: string }[] }).profiles;
    expect(profiles).toHaveLength(3);
    expect(new Set(profiles.map((p) => p.profile)).size).toBe(3);
    expect(profiles.find((p) => p.roleArn.endsWith('/Admin'))?.profile).toBe('okta-111111111111-Admin');
    const profileOf = (arn: string) => profiles.find((p) => p.roleArn === arn)!.profile;
    expect(profileOf(UNDERSCORE)).toMatch(/^okta-111111111111-ReadOnly-Admin-[0-9a-f]{8}$/);
    expect(profileOf(DASH)).toMatch(/^okta-111111111111-ReadOnly-Admin-[0-9a-f]{8}$/);

    const file = await readFile(box.credentials, 'utf8');
    for (const arn of [UNDERSCORE, DASH]) {
      const section = file.split(`[${profileOf(arn)}]`)[1]!.split('\n[')[0]!;
      const key = /aws_access_key_id = (\S+)/.exec(section)![1]!;
      expect(emu.sts.lookup(key)?.roleArn).toBe(arn);

      const assume = await runCli(['assume', arn, '--shell', 'bash'], { env });
      expect(assume.code, assume.stderr).toBe(0);
      expect(emu.sts.lookup(/AWS_ACCESS_KEY_ID='([^']+)'/.exec(assume.stdout)![1]!)?.roleArn).toBe(arn);

      const processOut = await runCli(['credential-process', profileOf(arn)], { env });
      expect(processOut.code, processOut.stderr).toBe(0);
      expect(emu.sts.lookup((JSON.parse(processOut.stdout) as { AccessKeyId: string }).AccessKeyId)?.roleArn).toBe(arn);

      const exec = await runCli(['exec', arn, '--', process.execPath, WHOAMI], { env: { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
      expect(exec.code, exec.stderr).toBe(0);
      expect(exec.stdout).toBe(`arn:aws:sts::111111111111:assumed-role/${arn.split('/').pop()}/carol@example.com`);
    }
  });

  it('two accounts given the same alias get a profile each', async () => {
    const emu = await start([user('dave@example.com', ['arn:aws:iam::111111111111:role/Admin', 'arn:aws:iam::555555555555:role/Admin'])]);
    box = await sandbox(emu.env);
    await writePythonSettings(box, emu, { user_name: 'dave@example.com', account_aliases: { '111111111111': 'prod', '555555555555': 'prod' } });

    const refresh = await runCli(['refresh', '--json'], { env: box.env });
    expect(refresh.code, refresh.stderr).toBe(0);
    const profiles = (JSON.parse(refresh.stdout) as { profiles: { profile: string; roleArn: string }[] }).profiles;
    expect(new Set(profiles.map((p) => p.profile)).size).toBe(2);
    for (const { profile, roleArn } of profiles) {
      expect(profile).toMatch(/^okta-prod-Admin-[0-9a-f]{8}$/);
      const run = await runCli(['assume', roleArn, '--shell', 'bash'], { env: box.env });
      expect(emu.sts.lookup(/AWS_ACCESS_KEY_ID='([^']+)'/.exec(run.stdout)![1]!)?.roleArn).toBe(roleArn);
    }
  });
});

describe('the credential cache belongs to an identity', () => {
  it('after init for another user, credential-process, roles and assume never serve the old user\'s keys', async () => {
    const emu = await start([user('bob@example.com', ['arn:aws:iam::111111111111:role/Admin'])]);
    box = await sandbox(emu.env);
    await writePythonSettings(box, emu);
    expect((await runCli(['refresh'], { env: box.env })).code).toBe(0);

    const init = await runCli(['init', '--no-verify', '--username', 'bob@example.com', '--sso-url', emu.okta.ssoUrl], {
      env: { ...box.env, OKTA_AWS_PASSWORD: FIXTURE_PASSWORD, OKTA_AWS_TOTP_SECRET: FIXTURE_TOTP_SECRET },
    });
    expect(init.code, init.stderr).toBe(0);

    const processOut = await runCli(['credential-process', 'okta-111111111111-Admin'], { env: box.env });
    expect(processOut.code, processOut.stderr).toBe(0);
    const issued = emu.sts.lookup((JSON.parse(processOut.stdout) as { AccessKeyId: string }).AccessKeyId);
    expect(issued?.roleSessionName).toBe('bob@example.com');

    const roles = await runCli(['roles', '--json'], { env: box.env });
    expect(roles.code, roles.stderr).toBe(0);
    expect((JSON.parse(roles.stdout) as { profile: string }[]).map((r) => r.profile)).toEqual(['okta-111111111111-Admin']);

    const assume = await runCli(['assume', 'Deployer'], { env: box.env });
    expect(assume.code).toBe(1);
    expect(assume.stdout).toBe('');
  });

  it('a cache from another org is not served for the same user name', async () => {
    const first = await start([]);
    const second = await start([]);
    box = await sandbox(first.env);
    const login = 'alice@example.com';
    expect((await runCli(['refresh'], { env: envStore(first, login) })).code).toBe(0);
    const before = second.sts.credentials.size;

    const run = await runCli(['credential-process', 'okta-111111111111-Admin'], { env: envStore(second, login) });
    expect(run.code, run.stderr).toBe(0);
    const key = (JSON.parse(run.stdout) as { AccessKeyId: string }).AccessKeyId;
    expect(first.sts.lookup(key)).toBeUndefined();
    expect(second.sts.lookup(key)?.roleArn).toBe('arn:aws:iam::111111111111:role/Admin');
    expect(second.sts.credentials.size).toBeGreaterThan(before);
  });
});

describe('stored secrets belong to their org', () => {
  it('a stored password is not sent to the org OKTA_AWS_SSO_URL names instead', async () => {
    const first = await start([]);
    const second = await start([]);
    box = await sandbox(first.env);
    await writePythonSettings(box, first); // password and TOTP secret stored in settings.json, for the first org
    const before = await readFile(box.credentials, 'utf8').catch(() => '');
    const run = await runCli(['refresh'], { env: { ...box.env, OKTA_AWS_SSO_URL: second.okta.ssoUrl } });
    expect(run.code).toBe(1);
    const origin = (url: string) => new URL(url).origin;
    expect(run.stderr.trim().split('\n').at(-1)).toBe(
      `okta-aws: The stored secrets are for ${origin(first.okta.ssoUrl)}, but OKTA_AWS_SSO_URL points at ${origin(second.okta.ssoUrl)}; they are not sent there. ` +
        'Set OKTA_AWS_SECRET_STORE=env with OKTA_AWS_PASSWORD and OKTA_AWS_TOTP_SECRET for that org, or keep a configuration for it: `okta-aws init --config NAME`.',
    );
    expect(second.okta.counters.byPath['POST /api/v1/authn'] ?? 0).toBe(0);
    expect(await readFile(box.credentials, 'utf8').catch(() => '')).toBe(before);
    // The org the secrets were stored for still works.
    expect((await runCli(['refresh'], { env: box.env })).code).toBe(0);
  });
});
