import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheFile, cachedCredentials, readCache, writeCache } from '../../../src/aws/credential-cache.js';
import type { GrantedRole, ProfileCredentials } from '../../../src/aws/types.js';

const ADMIN = 'arn:aws:iam::111111111111:role/Admin';
const role = (profile: string, roleArn: string): GrantedRole => ({
  profile,
  roleArn,
  principalArn: 'arn:aws:iam::111111111111:saml-provider/Okta',
  accountId: '111111111111',
  roleName: roleArn.split('/').pop()!,
  partition: 'aws',
});
const creds = (profile: string, roleArn: string, key: string): ProfileCredentials => ({
  profile,
  roleArn,
  accessKeyId: key,
  secretAccessKey: 'secret',
  sessionToken: 'token',
  expiration: new Date(Date.now() + 3600_000),
  region: 'ap-southeast-2',
  partition: 'aws',
  chained: false,
});

let home: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'okta-aws-cache-'));
  env = { OKTA_AWS_HOME: home, OKTA_AWS_SSO_URL: 'https://a.okta.com/app/amazon_aws/exk1/sso/saml', OKTA_AWS_USERNAME: 'alice' };
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('the credential cache', () => {
  it('is served only to the identity it was written for', async () => {
    await writeCache({ identity: 'https://a.okta.com alice', roles: [role('okta-111111111111-Admin', ADMIN)], credentials: [creds('okta-111111111111-Admin', ADMIN, 'ASIAALICE')] }, env);
    expect(cachedCredentials(await readCache(env), 'okta-111111111111-Admin')?.accessKeyId).toBe('ASIAALICE');
    expect(await readCache({ ...env, OKTA_AWS_USERNAME: 'bob' })).toBeUndefined();
    expect(await readCache({ ...env, OKTA_AWS_SSO_URL: 'https://b.okta.com/app/amazon_aws/exk1/sso/saml' })).toBeUndefined();
    // Another path on the same org is the same identity.
    expect(await readCache({ ...env, OKTA_AWS_SSO_URL: 'https://a.okta.com/home/amazon_aws/0oa1/272' })).toBeDefined();
  });

  it('drops the entries of another identity when it is rewritten', async () => {
    await writeCache({ identity: 'https://a.okta.com alice', roles: [role('okta-111111111111-Admin', ADMIN)], credentials: [creds('okta-111111111111-Admin', ADMIN, 'ASIAALICE')] }, env);
    await writeCache({ identity: 'https://a.okta.com bob', roles: [role('okta-111111111111-Admin', ADMIN)], credentials: [] }, env);
    const cache = await readCache({ ...env, OKTA_AWS_USERNAME: 'bob' });
    expect(cache?.credentials).toEqual({});
  });

  it('never returns credentials issued for another role than the one the profile names', async () => {
    const other = 'arn:aws:iam::111111111111:role/ReadOnly_Admin';
    await writeCache({ identity: 'https://a.okta.com alice', roles: [role('okta-111111111111-ReadOnly-Admin', other)], credentials: [creds('okta-111111111111-ReadOnly-Admin', other, 'ASIAOTHER')] }, env);
    await writeCache(
      { identity: 'https://a.okta.com alice', roles: [role('okta-111111111111-ReadOnly-Admin', 'arn:aws:iam::111111111111:role/ReadOnly-Admin')], credentials: [] },
      env,
    );
    expect(cachedCredentials(await readCache(env), 'okta-111111111111-ReadOnly-Admin')).toBeUndefined();
  });

  it('ignores a cache from before profile names were unique (two roles under one name)', async () => {
    const profile = 'okta-111111111111-ReadOnly-Admin';
    const cache = {
      version: 1,
      identity: 'https://a.okta.com alice',
      updatedAt: new Date().toISOString(),
      roles: [role(profile, 'arn:aws:iam::111111111111:role/ReadOnly_Admin'), role(profile, 'arn:aws:iam::111111111111:role/ReadOnly-Admin')],
      credentials: {},
    };
    await mkdir(join(home, 'cache'), { recursive: true });
    await writeFile(cacheFile(env), JSON.stringify(cache));
    expect(await readCache(env)).toBeUndefined();
    await writeFile(cacheFile(env), JSON.stringify({ ...cache, roles: cache.roles.slice(0, 1) }));
    expect(await readCache(env)).toBeDefined();
    await writeFile(cacheFile(env), JSON.stringify({ ...cache, identity: undefined, roles: cache.roles.slice(0, 1) }));
    expect(await readCache(env)).toBeUndefined();
  });
});
