/**
 * Interop: what okta-aws writes, read and used by tools nobody here wrote — AWS CLI v2, botocore, and
 * Moto's STS server issuing the credentials.
 *
 * Moto 5 limits (read in moto/sts/models.py), and how this file lives with them:
 * - AssumeRoleWithSAML ignores RoleArn/PrincipalArn and takes the role from the assertion's Role
 *   attribute, which must hold exactly one value in role-first order ("role,provider"): a second value
 *   crashes it (500). So the Moto tests use a user granted one role, written role-first.
 * - It does not check signatures at all (SAML or SigV4). So a last test has the real clients call the
 *   emulated STS, which verifies SigV4 with the issued secret and session token.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Emulators, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET, FIXTURE_USERNAME, startEmulators } from '../emulators/index.js';
import { CLI, type Sandbox, runCli, sandbox } from '../helpers/cli.js';
import { type Moto, awsCli, botocore, requireTools, startMoto } from './tools.js';

const ACCOUNT = '111111111111';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/Admin`;
const PROFILE = `okta-${ACCOUNT}-Admin`;
const MOTO_USER = 'moto@example.com';
const secrets = { OKTA_AWS_PASSWORD: FIXTURE_PASSWORD, OKTA_AWS_TOTP_SECRET: FIXTURE_TOTP_SECRET };

// A CLI run here may wait for Okta's next TOTP step and loads Python tools on 2 cores: be generous, but bounded.
const CLI_TIMEOUT = 60_000;
const TEST_TIMEOUT = 240_000;

interface Identity {
  UserId: string;
  Account: string;
  Arn: string;
}
interface ProcessCredentials {
  Version: number;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration?: string;
}
interface CacheFile {
  credentials: Record<string, { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string }>;
}

/** Moto makes up a new role id (UserId) on every call for a role IAM does not know: compare the rest. */
const principal = ({ Account, Arn }: Identity) => ({ Account, Arn });

let box: Sandbox;
let emu: Emulators;

afterEach(async () => {
  await Promise.all([box?.cleanup(), emu?.close()]);
});

/** The file's sections as plain `key = value` maps (the tools under test do the real parsing). */
async function profilesIn(file: string): Promise<Record<string, Record<string, string>>> {
  const sections: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  for (const line of (await readFile(file, 'utf8')).split(/\r?\n/)) {
    const header = /^\s*\[\s*([^\]]+?)\s*\]\s*$/.exec(line);
    if (header) current = sections[header[1]!] = {};
    else if (current && /^\s*[^#;\s][^=]*=/.test(line)) {
      const at = line.indexOf('=');
      current[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
  }
  return sections;
}

const cacheFile = () => join(box.env.OKTA_AWS_HOME!, 'cache', 'credentials.json');
const readCacheFile = async () => JSON.parse(await readFile(cacheFile(), 'utf8')) as CacheFile;

// A test of its own, so a machine without the tools shows a failed test that names them (the
// describes below fail in their beforeAll with the same message).
it('has the tools this tier runs: AWS CLI v2, botocore, moto_server', async () => {
  const versions = await requireTools();
  expect(versions.aws).toMatch(/^aws-cli\/2\./);
}, 180_000);

describe('with Moto issuing the credentials', () => {
  let moto: Moto;

  beforeAll(async () => {
    await requireTools(); // throws, naming each missing tool: this tier never skips
    moto = await startMoto(ACCOUNT);
  }, 180_000);
  afterAll(async () => {
    await moto?.close();
  });

  beforeEach(async () => {
    await moto.reset();
    emu = await startEmulators({
      extraUsers: [
        {
          login: MOTO_USER,
          password: FIXTURE_PASSWORD,
          totpSecret: FIXTURE_TOTP_SECRET,
          roles: [{ roleArn: ROLE_ARN, principalArn: `arn:aws:iam::${ACCOUNT}:saml-provider/Okta`, providerFirst: false }],
        },
      ],
    });
    box = await sandbox({ AWS_ENDPOINT_URL_STS: moto.url });
    const init = await runCli(['init', '--no-verify', '--sso-url', emu.okta.ssoUrl, '--username', MOTO_USER], { env: { ...box.env, ...secrets }, timeoutMs: CLI_TIMEOUT });
    expect(init.code, init.stderr).toBe(0);
  });

  const identityArn = new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/Admin/${MOTO_USER.replace('.', '\\.')}$`);

  it(
    'static profiles: AWS CLI v2 and botocore use the keys in the file, and STS knows them as the assumed role',
    async () => {
      const refresh = await runCli(['refresh', '--json'], { env: box.env, timeoutMs: CLI_TIMEOUT });
      expect(refresh.code, refresh.stderr).toBe(0);
      expect(JSON.parse(refresh.stdout).profiles.map((p: { profile: string }) => p.profile)).toEqual([PROFILE]);

      const section = (await profilesIn(box.credentials))[PROFILE]!;
      expect(section).toMatchObject({ region: 'ap-southeast-2' });
      const file = { accessKeyId: section.aws_access_key_id, secretAccessKey: section.aws_secret_access_key, sessionToken: section.aws_session_token };

      // What is in the file is exactly what Moto's STS issued for the role.
      const issued = await moto.assumedRoles();
      expect(issued).toHaveLength(1);
      expect(issued[0]).toMatchObject({
        role_arn: ROLE_ARN,
        session_name: MOTO_USER,
        access_key_id: file.accessKeyId,
        secret_access_key: file.secretAccessKey,
        session_token: file.sessionToken,
      });

      // AWS CLI v2.
      const identity = await awsCli<Identity>(['sts', 'get-caller-identity', '--profile', PROFILE, '--endpoint-url', moto.url], box.env);
      expect(identity.Arn).toMatch(identityArn);
      expect(identity.Account).toBe(ACCOUNT);
      const exported = await awsCli<ProcessCredentials>(['configure', 'export-credentials', '--profile', PROFILE, '--format', 'process'], box.env);
      expect({ accessKeyId: exported.AccessKeyId, secretAccessKey: exported.SecretAccessKey, sessionToken: exported.SessionToken }).toEqual(file);

      // botocore.
      const boto = await botocore(PROFILE, moto.url, box.env);
      expect(boto.method).toBe('shared-credentials-file');
      expect({ accessKeyId: boto.accessKeyId, secretAccessKey: boto.secretAccessKey, sessionToken: boto.sessionToken }).toEqual(file);
      expect(boto.region).toBe('ap-southeast-2');
      expect(principal(boto.identity)).toEqual(principal(identity));
    },
    TEST_TIMEOUT,
  );

  it(
    'process profiles: AWS CLI v2 and botocore get keys through credential_process, from the cache until it goes stale',
    async () => {
      const refresh = await runCli(['refresh', '--mode', 'process', '--json'], { env: box.env, timeoutMs: CLI_TIMEOUT });
      expect(refresh.code, refresh.stderr).toBe(0);
      const section = (await profilesIn(box.credentials))[PROFILE]!;
      expect(section).toEqual({
        credential_process: `"${process.execPath}" "${CLI}" credential-process ${PROFILE}`,
        region: 'ap-southeast-2',
      });

      const issued = await moto.assumedRoles();
      expect(issued).toHaveLength(1);
      const cacheBefore = await readFile(cacheFile(), 'utf8');
      const cached = (JSON.parse(cacheBefore) as CacheFile).credentials[PROFILE]!;
      expect(cached).toMatchObject({ AccessKeyId: issued[0]!.access_key_id, SecretAccessKey: issued[0]!.secret_access_key, SessionToken: issued[0]!.session_token });
      const okta = () => ({ ...emu.okta.counters, byPath: { ...emu.okta.counters.byPath } });
      const oktaAfterRefresh = okta();

      // Each tool runs credential_process in a new process, two calls with the AWS CLI and one with botocore.
      const first = await awsCli<Identity>(['sts', 'get-caller-identity', '--profile', PROFILE, '--endpoint-url', moto.url], box.env);
      expect(first.Arn).toMatch(identityArn);
      const exported = await awsCli<ProcessCredentials>(['configure', 'export-credentials', '--profile', PROFILE, '--format', 'process'], box.env);
      expect(exported).toMatchObject({ AccessKeyId: cached.AccessKeyId, SecretAccessKey: cached.SecretAccessKey, SessionToken: cached.SessionToken });
      expect(Date.parse(exported.Expiration!)).toBe(Date.parse(cached.Expiration));
      const boto = await botocore(PROFILE, moto.url, box.env);
      expect(boto.method).toBe('custom-process');
      expect({ AccessKeyId: boto.accessKeyId, SecretAccessKey: boto.secretAccessKey, SessionToken: boto.sessionToken }).toEqual({
        AccessKeyId: cached.AccessKeyId,
        SecretAccessKey: cached.SecretAccessKey,
        SessionToken: cached.SessionToken,
      });
      expect(principal(boto.identity)).toEqual(principal(first));
      const second = await awsCli<Identity>(['sts', 'get-caller-identity', '--profile', PROFILE, '--endpoint-url', moto.url], box.env);
      expect(principal(second)).toEqual(principal(first));

      // Served from the cache: no Okta request at all (no SSO page, no assertion), no new role from
      // STS, and the cache file untouched.
      expect(okta()).toEqual(oktaAfterRefresh);
      expect(await moto.assumedRoles()).toHaveLength(1);
      expect(await readFile(cacheFile(), 'utf8')).toBe(cacheBefore);

      // The same probes do see a refresh: with less than 5 minutes left, the next call logs in again
      // (reusing the Okta session), gets a new assertion and new keys from Moto.
      const stale = JSON.parse(cacheBefore) as CacheFile;
      stale.credentials[PROFILE]!.Expiration = new Date(Date.now() + 60_000).toISOString();
      await writeFile(cacheFile(), JSON.stringify(stale), { mode: 0o600 });
      const afterStale = await botocore(PROFILE, moto.url, box.env);
      expect(afterStale.method).toBe('custom-process');
      expect(afterStale.identity.Arn).toMatch(identityArn);
      expect(afterStale.accessKeyId).not.toBe(cached.AccessKeyId);
      expect(emu.okta.counters.assertionsIssued).toBe(oktaAfterRefresh.assertionsIssued + 1);
      const reissued = await moto.assumedRoles();
      expect(reissued.length).toBeGreaterThan(1);
      expect(reissued.map((r) => r.access_key_id)).toContain(afterStale.accessKeyId);
      expect((await readCacheFile()).credentials[PROFILE]!.AccessKeyId).toBe(afterStale.accessKeyId);
    },
    TEST_TIMEOUT,
  );
});

describe('with the emulated STS, which verifies SigV4', () => {
  beforeAll(async () => {
    await requireTools();
  }, 180_000);

  beforeEach(async () => {
    emu = await startEmulators();
    box = await sandbox(emu.env);
    const init = await runCli(['init', '--no-verify', '--sso-url', emu.okta.ssoUrl, '--username', FIXTURE_USERNAME], { env: { ...box.env, ...secrets }, timeoutMs: CLI_TIMEOUT });
    expect(init.code, init.stderr).toBe(0);
  });

  it(
    'AWS CLI v2 and botocore sign with every profile\'s secret and session token as written',
    async () => {
      const refresh = await runCli(['refresh', '--json'], { env: box.env, timeoutMs: CLI_TIMEOUT });
      expect(refresh.code, refresh.stderr).toBe(0);
      const roles = [
        ['okta-111111111111-Admin', 'Admin'],
        ['okta-111111111111-team-dev-Deployer', 'Deployer'],
        ['okta-222222222222-Auditor', 'Auditor'],
      ] as const;
      expect(JSON.parse(refresh.stdout).profiles.map((p: { profile: string }) => p.profile)).toEqual(roles.map(([p]) => p));

      emu.sts.resetCounters();
      for (const [profile, role] of roles) {
        const arn = new RegExp(`:assumed-role/${role}/alice@example\\.com$`);
        const identity = await awsCli<Identity>(['sts', 'get-caller-identity', '--profile', profile, '--endpoint-url', emu.sts.url], box.env);
        expect(identity.Arn).toMatch(arn);
        const boto = await botocore(profile, emu.sts.url, box.env);
        expect(boto.method).toBe('shared-credentials-file');
        expect(boto.identity.Arn).toMatch(arn);
      }
      // Every call was signed right: none refused.
      expect(emu.sts.counters.ok.GetCallerIdentity).toBe(2 * roles.length);
      expect(emu.sts.counters.errors).toEqual({});
    },
    TEST_TIMEOUT,
  );
});
