import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FRESH_FOR_MS, cacheFile, cachedCredentials, isFresh, readCache, writeCache } from '../../../src/aws/credential-cache.js';
import type { GrantedRole, ProfileCredentials } from '../../../src/aws/types.js';

let root: string;
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'cache-'));
  env = { OKTA_AWS_HOME: join(root, 'home'), OKTA_AWS_SSO_URL: 'https://a.okta.com/app/amazon_aws/exk1/sso/saml', OKTA_AWS_USERNAME: 'alice' };
});
afterEach(() => rm(root, { recursive: true, force: true }));

const role = (name: string): GrantedRole => ({
  profile: `okta-111111111111-${name}`,
  roleArn: `arn:aws:iam::111111111111:role/${name}`,
  principalArn: 'arn:aws:iam::111111111111:saml-provider/Okta',
  accountId: '111111111111',
  roleName: name,
  partition: 'aws',
});
const creds = (r: GrantedRole, key: string, expiration = new Date('2030-01-02T03:04:05.678Z')): ProfileCredentials => ({
  profile: r.profile,
  roleArn: r.roleArn,
  region: 'eu-west-1',
  partition: r.partition,
  chained: false,
  accessKeyId: `ASIA${key}`,
  secretAccessKey: `secret-${key}`,
  sessionToken: `token-${key}`,
  expiration,
});
const identity = 'https://a.okta.com alice';
const admin = role('Admin');
const dev = role('Dev');

describe('credential cache', () => {
  it('lives at cache/credentials.json, 0600 in a 0700 folder, in credential_process field names', async () => {
    await writeCache({ identity, roles: [admin], sessionDuration: 7200, credentials: [creds(admin, 'A')] }, env);
    const path = cacheFile(env);
    expect(path).toBe(join(root, 'home', 'cache', 'credentials.json'));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(root, 'home', 'cache'))).mode & 0o777).toBe(0o700);
    const text = await readFile(path, 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    const raw = JSON.parse(text);
    expect(raw).toMatchObject({ version: 1, identity, sessionDuration: 7200, roles: [admin] });
    expect(Date.parse(raw.updatedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(raw.credentials).toEqual({
      [admin.profile]: {
        AccessKeyId: 'ASIAA',
        SecretAccessKey: 'secret-A',
        SessionToken: 'token-A',
        Expiration: '2030-01-02T03:04:05Z',
        RoleArn: admin.roleArn,
        Region: 'eu-west-1',
        Partition: 'aws',
      },
    });
  });

  it('reads back each profile as ProfileCredentials', async () => {
    await writeCache({ identity, roles: [admin, dev], credentials: [creds(admin, 'A'), creds(dev, 'D')] }, env);
    const cache = await readCache(env);
    expect(cache?.sessionDuration).toBeUndefined();
    expect(cachedCredentials(cache, dev.profile)).toEqual({ ...creds(dev, 'D'), expiration: new Date('2030-01-02T03:04:05Z') });
    expect(cachedCredentials(cache, 'okta-nope')).toBeUndefined();
    expect(cachedCredentials(undefined, admin.profile)).toBeUndefined();
  });

  it('merges new credentials over old ones, and drops the profiles no longer granted', async () => {
    await writeCache({ identity, roles: [admin, dev], credentials: [creds(admin, 'A1'), creds(dev, 'D1')] }, env);
    await writeCache({ identity, roles: [admin, dev], credentials: [creds(admin, 'A2')] }, env);
    let cache = await readCache(env);
    expect(cachedCredentials(cache, admin.profile)?.accessKeyId).toBe('ASIAA2');
    expect(cachedCredentials(cache, dev.profile)?.accessKeyId).toBe('ASIAD1');
    await writeCache({ identity, roles: [admin], credentials: [] }, env);
    cache = await readCache(env);
    expect(cache?.roles).toEqual([admin]);
    expect(Object.keys(cache?.credentials ?? {})).toEqual([admin.profile]);
  });

  it('a missing, broken or foreign cache reads as none, and is rebuilt', async () => {
    expect(await readCache(env)).toBeUndefined();
    await mkdir(join(root, 'home', 'cache'), { recursive: true });
    for (const text of ['{"version": 1, "roles": [', `{"version": 2, "identity": "${identity}", "roles": [], "credentials": {}}`, `{"version": 1, "identity": "${identity}", "roles": {}, "credentials": {}}`, `{"version": 1, "identity": "${identity}", "roles": [], "credentials": null}`]) {
      await writeFile(cacheFile(env), text);
      expect(await readCache(env)).toBeUndefined();
    }
    await writeCache({ identity, roles: [admin], credentials: [creds(admin, 'A')] }, env);
    expect(cachedCredentials(await readCache(env), admin.profile)?.accessKeyId).toBe('ASIAA');
  });

  it('a cache whose credentials are not an object, or that names no identity, is none', async () => {
    await mkdir(join(root, 'home', 'cache'), { recursive: true });
    await writeFile(cacheFile(env), `{"version": 1, "identity": "${identity}", "roles": [], "credentials": "x"}`);
    expect(await readCache(env)).toBeUndefined();
    // Even when no identity is configured either: a cache is only ever used for a known identity.
    const bare = { OKTA_AWS_HOME: env.OKTA_AWS_HOME };
    await writeFile(cacheFile(bare), '{"version": 1, "roles": [], "credentials": {}}');
    expect(await readCache(bare)).toBeUndefined();
  });

  it('credentials cached under a profile no granted role has are not used', async () => {
    await writeCache({ identity, roles: [admin], credentials: [creds(admin, 'A')] }, env);
    const cache = await readCache(env);
    expect(cachedCredentials(cache && { ...cache, roles: [] }, admin.profile)).toBeUndefined();
    expect(cachedCredentials(undefined, admin.profile)).toBeUndefined();
  });

  it('a cache that cannot be read for another reason is an error', async () => {
    await mkdir(cacheFile(env), { recursive: true });
    await expect(readCache(env)).rejects.toMatchObject({ code: 'EISDIR' });
  });
});

describe('isFresh', () => {
  const now = Date.parse('2030-01-01T00:00:00Z');
  it('needs more than five minutes left', () => {
    expect(FRESH_FOR_MS).toBe(300_000);
    expect(isFresh({ expiration: new Date(now + FRESH_FOR_MS + 1) }, now)).toBe(true);
    expect(isFresh({ expiration: new Date(now + FRESH_FOR_MS) }, now)).toBe(false);
    expect(isFresh({ expiration: new Date(now - 1) }, now)).toBe(false);
    expect(isFresh(undefined, now)).toBe(false);
    expect(isFresh({ expiration: new Date(Date.now() + 3_600_000) })).toBe(true);
  });
});
