import { mkdtempSync, rmSync } from 'node:fs';
import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  assumeChainedRole,
  cachedChainedRole,
  chainCachePath,
  validateChain,
  type ChainParams,
} from '../../../src/aws/role-chain.js';
import type { ProfileCredentials } from '../../../src/aws/types.js';
import { UserError } from '../../../src/lib/errors.js';

const NOW = Date.parse('2030-01-01T00:00:00Z');
const TARGET = 'arn:aws:iam::222222222222:role/ops/Auditor';

const base: ProfileCredentials = {
  profile: 'okta-111111111111-Admin',
  roleArn: 'arn:aws:iam::111111111111:role/Admin',
  region: 'ap-southeast-2',
  partition: 'aws',
  chained: false,
  accessKeyId: 'ASIABASE',
  secretAccessKey: 'base-secret',
  sessionToken: 'base-token',
  expiration: new Date(Date.now() + 3600_000),
};

let dir: string;
let calls: ChainParams[];
/** Stands in for STS: counts calls, returns credentials expiring `lifetimeMs` after NOW. */
let lifetimeMs: number;
const fakeAssume = async (params: ChainParams): Promise<ProfileCredentials> => {
  calls.push(params);
  return {
    profile: `${params.base.profile}+Auditor`,
    roleArn: params.roleArn,
    region: params.region,
    partition: 'aws',
    chained: true,
    accessKeyId: `ASIACHAIN${calls.length}`,
    secretAccessKey: `chain-secret-${calls.length}`,
    sessionToken: `chain-token-${calls.length}`,
    expiration: new Date(NOW + lifetimeMs),
  };
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chain-'));
  calls = [];
  lifetimeMs = 3600_000;
});

describe('validateChain', () => {
  const params: ChainParams = { base, roleArn: TARGET, region: 'ap-southeast-2' };

  it('fills in defaults: 3600 s, a session name, the role name and partition', () => {
    expect(validateChain(params, NOW)).toEqual({
      roleArn: TARGET,
      roleName: 'Auditor',
      partition: 'aws',
      durationSeconds: 3600,
      sessionName: `okta-aws-${NOW / 1000}`,
      externalId: undefined,
      region: 'ap-southeast-2',
    });
  });

  it('refuses more than an hour, explaining the role-chaining limit', () => {
    const error = (() => {
      try {
        validateChain({ ...params, durationSeconds: 7200 });
      } catch (e) {
        return e as UserError;
      }
    })();
    expect(error).toBeInstanceOf(UserError);
    expect(error?.message).toMatch(/role chaining to 1 hour/);
    expect(error?.hint).toMatch(/3600 or less/);
    expect(error?.code).toBe('CHAIN_DURATION');
  });

  it.each([
    [{ durationSeconds: 899 }, 'BAD_DURATION'],
    [{ durationSeconds: 1000.5 }, 'BAD_DURATION'],
    [{ roleArn: 'arn:aws:iam::222222222222:user/bob' }, 'BAD_ROLE_ARN'],
    [{ roleArn: 'Auditor' }, 'BAD_ROLE_ARN'],
    [{ roleArn: 'arn:aws-cn:iam::222222222222:role/Auditor' }, 'PARTITION_MISMATCH'],
    [{ sessionName: 'has space' }, 'BAD_SESSION_NAME'],
    [{ sessionName: 'x' }, 'BAD_SESSION_NAME'],
    [{ externalId: 'a' }, 'BAD_EXTERNAL_ID'],
    [{ externalId: 'bad"quote' }, 'BAD_EXTERNAL_ID'],
  ] as const)('%o → %s', (change, code) => {
    expect(() => validateChain({ ...params, ...change })).toThrow(expect.objectContaining({ name: 'UserError', code }));
  });

  it('uses the partition’s home region when the given one is from another partition', () => {
    const gov = { ...base, partition: 'aws-us-gov' as const };
    expect(validateChain({ base: gov, roleArn: 'arn:aws-us-gov:iam::222222222222:role/X', region: 'ap-southeast-2' }).region).toBe('us-gov-west-1');
  });
});

describe('chainCachePath', () => {
  it('is a file under <appHome>/cache that differs by base profile, role and external ID', () => {
    const a = chainCachePath('/home/u/.aws/okta-aws', base.profile, TARGET);
    expect(a).toMatch(/^\/home\/u\/\.aws\/okta-aws\/cache\/chain-[0-9a-f]{32}\.json$/);
    expect(chainCachePath('/h', base.profile, TARGET)).not.toBe(chainCachePath('/h', 'okta-other', TARGET));
    expect(chainCachePath('/h', base.profile, TARGET)).not.toBe(chainCachePath('/h', base.profile, `${TARGET}2`));
    expect(chainCachePath('/h', base.profile, TARGET, 'ext-1')).not.toBe(chainCachePath('/h', base.profile, TARGET, 'ext-2'));
    expect(chainCachePath('/h', base.profile, TARGET, 'ext-1')).not.toContain('ext-1');
  });
});

describe('cachedChainedRole', () => {
  const params = () => ({ base, roleArn: TARGET, region: 'eu-west-1', cacheDir: join(dir, 'cache'), assume: fakeAssume });

  it('assumes on a miss and writes the cache 0600 in a 0700 folder', async () => {
    const creds = await cachedChainedRole(params(), NOW);
    expect(calls).toHaveLength(1);
    expect(creds.accessKeyId).toBe('ASIACHAIN1');
    const path = chainCachePath(dir, base.profile, TARGET);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'cache'))).mode & 0o777).toBe(0o700);
    const saved = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    expect(saved).toMatchObject({ version: 1, BaseProfile: base.profile, RoleArn: TARGET, AccessKeyId: 'ASIACHAIN1', Expiration: '2030-01-01T01:00:00.000Z' });
    // The session name is fixed before the call, so the cache records the one STS saw.
    expect(calls[0]?.sessionName).toBe(saved.SessionName);
  });

  it('reuses fresh credentials without calling STS', async () => {
    await cachedChainedRole(params(), NOW);
    const again = await cachedChainedRole(params(), NOW + 50 * 60_000); // 10 minutes left
    expect(calls).toHaveLength(1);
    expect(again).toEqual({
      profile: 'okta-111111111111-Admin+Auditor',
      roleArn: TARGET,
      region: 'eu-west-1',
      partition: 'aws',
      chained: true,
      accessKeyId: 'ASIACHAIN1',
      secretAccessKey: 'chain-secret-1',
      sessionToken: 'chain-token-1',
      expiration: new Date(NOW + 3600_000),
    });
  });

  it('assumes again within 5 minutes of expiry, and after it', async () => {
    await cachedChainedRole(params(), NOW);
    await cachedChainedRole(params(), NOW + 55 * 60_000 + 1); // just under 5 minutes left
    expect(calls).toHaveLength(2);
    lifetimeMs = 2 * 3600_000;
    await cachedChainedRole(params(), NOW + 3 * 3600_000);
    expect(calls).toHaveLength(3);
  });

  it('keeps sessions of different external IDs and session names apart', async () => {
    await cachedChainedRole({ ...params(), externalId: 'ext-1' }, NOW);
    await cachedChainedRole({ ...params(), externalId: 'ext-2' }, NOW);
    await cachedChainedRole({ ...params(), externalId: 'ext-1' }, NOW);
    expect(calls).toHaveLength(2);
    await cachedChainedRole({ ...params(), externalId: 'ext-1', sessionName: 'someone-else' }, NOW);
    expect(calls).toHaveLength(3);
    expect(await readdir(join(dir, 'cache'))).toHaveLength(2);
  });

  it('never shares an entry between identities, or with a base profile that now names another role', async () => {
    await cachedChainedRole({ ...params(), identity: 'https://a.okta.com alice' }, NOW);
    await cachedChainedRole({ ...params(), identity: 'https://b.okta.com alice' }, NOW);
    expect(calls).toHaveLength(2);
    await cachedChainedRole({ ...params(), identity: 'https://a.okta.com alice' }, NOW);
    expect(calls).toHaveLength(2);
    await cachedChainedRole({ ...params(), identity: 'https://a.okta.com alice', base: { ...base, roleArn: 'arn:aws:iam::111111111111:role/Other' } }, NOW);
    expect(calls).toHaveLength(3);
  });

  it('treats a corrupt cache file as a miss and tightens a loosened one', async () => {
    const path = chainCachePath(dir, base.profile, TARGET);
    await cachedChainedRole(params(), NOW);
    await writeFile(path, '{not json');
    await chmod(path, 0o644);
    await cachedChainedRole(params(), NOW);
    expect(calls).toHaveLength(2);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('validates before touching the cache or STS', async () => {
    await expect(cachedChainedRole({ ...params(), durationSeconds: 43200 }, NOW)).rejects.toMatchObject({ code: 'CHAIN_DURATION' });
    expect(calls).toHaveLength(0);
  });
});

/** A minimal STS Query endpoint on loopback that answers AssumeRole. */
describe('assumeChainedRole against a loopback STS', () => {
  let server: Server;
  let endpoint: string;
  let seen: { form: URLSearchParams; authorization: string }[];
  let reply: { status: number; body: string };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ form: new URLSearchParams(body), authorization: String(req.headers.authorization ?? '') });
        res.writeHead(reply.status, { 'Content-Type': 'text/xml' });
        res.end(reply.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    seen = [];
    reply = {
      status: 200,
      body: `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>ASIACHAINED</AccessKeyId><SecretAccessKey>chained-secret</SecretAccessKey><SessionToken>chained-token</SessionToken><Expiration>2030-01-01T01:00:00Z</Expiration></Credentials>
<AssumedRoleUser><Arn>arn:aws:sts::222222222222:assumed-role/Auditor/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    };
  });

  it('sends AssumeRole signed with the base credentials and returns chained credentials', async () => {
    const creds = await assumeChainedRole({ base, roleArn: TARGET, region: 'ap-southeast-2', externalId: 'ext-id', sessionName: 'me', durationSeconds: 1800, stsEndpoint: endpoint, env: {} });
    expect(seen).toHaveLength(1);
    expect(Object.fromEntries(seen[0]?.form ?? [])).toEqual({
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: TARGET,
      RoleSessionName: 'me',
      DurationSeconds: '1800',
      ExternalId: 'ext-id',
    });
    expect(seen[0]?.authorization).toContain('Credential=ASIABASE/');
    expect(creds).toEqual({
      profile: 'okta-111111111111-Admin+Auditor',
      roleArn: TARGET,
      region: 'ap-southeast-2',
      partition: 'aws',
      chained: true,
      accessKeyId: 'ASIACHAINED',
      secretAccessKey: 'chained-secret',
      sessionToken: 'chained-token',
      expiration: new Date('2030-01-01T01:00:00Z'),
    });
  });

  it('turns an STS error into a UserError with its code, message and a hint', async () => {
    reply = {
      status: 403,
      body: '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole</Message></Error><RequestId>r-2</RequestId></ErrorResponse>',
    };
    const error = (await assumeChainedRole({ base, roleArn: TARGET, region: 'ap-southeast-2', stsEndpoint: endpoint, env: {} }).catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.code).toBe('AccessDenied');
    expect(error.message).toContain('AccessDenied: User is not authorized to perform: sts:AssumeRole');
    expect(error.hint).toContain('trust policy');
  });

  it('sends expired-credential errors to `okta-aws refresh`', async () => {
    reply = {
      status: 400,
      body: '<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error><RequestId>r-3</RequestId></ErrorResponse>',
    };
    const error = (await assumeChainedRole({ base, roleArn: TARGET, region: 'ap-southeast-2', stsEndpoint: endpoint, env: {} }).catch((e: unknown) => e)) as UserError;
    expect(error.code).toBe('ExpiredToken');
    expect(error.hint).toContain('okta-aws refresh');
  });

  it('refuses base credentials that already expired, without calling STS', async () => {
    const expired = { ...base, expiration: new Date(Date.now() - 1000) };
    await expect(assumeChainedRole({ base: expired, roleArn: TARGET, region: 'ap-southeast-2', stsEndpoint: endpoint, env: {} })).rejects.toMatchObject({ code: 'EXPIRED' });
    expect(seen).toHaveLength(0);
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));
