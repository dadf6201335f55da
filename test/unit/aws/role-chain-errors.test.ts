/** aws/role-chain: what each STS refusal tells the user, and which cache entries count as a hit. */
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assumeChainedRole, cachedChainedRole, chainCachePath, type ChainParams } from '../../../src/aws/role-chain.js';
import type { ProfileCredentials } from '../../../src/aws/types.js';
import { enableDebug } from '../../../src/lib/log.js';
import { UserError } from '../../../src/lib/errors.js';

const TARGET = 'arn:aws:iam::222222222222:role/ops/Auditor';
const base: ProfileCredentials = {
  profile: 'okta-111111111111-Admin',
  roleArn: 'arn:aws:iam::111111111111:role/Admin',
  region: 'eu-west-1',
  partition: 'aws',
  chained: false,
  accessKeyId: 'ASIABASE',
  secretAccessKey: 'base-secret',
  sessionToken: 'base-token',
  expiration: new Date(Date.now() + 3600_000),
};

const errorBody = (code: string, message: string) =>
  `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`;
const credentialsBody = (inner: string) =>
  `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>${inner}</AssumeRoleResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></AssumeRoleResponse>`;

describe('assumeChainedRole: STS refusals', () => {
  let server: Server;
  let endpoint: string;
  let reply: { status: number; body: string };
  let forms: URLSearchParams[];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        forms.push(new URLSearchParams(body));
        res.writeHead(reply.status, { 'Content-Type': 'text/xml' });
        res.end(reply.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    forms = [];
  });

  const assume = (extra: Partial<ChainParams> = {}) =>
    assumeChainedRole({ base, roleArn: TARGET, region: 'eu-west-1', stsEndpoint: endpoint, env: {}, ...extra }).then(
      () => expect.unreachable('AssumeRole should have failed'),
      (e: unknown) => e as UserError,
    );

  const refresh = 'The credentials of okta-111111111111-Admin are no longer valid: run `okta-aws refresh`, then try again.';
  it.each([
    ['ExpiredToken', 400, refresh],
    ['ExpiredTokenException', 400, refresh],
    ['InvalidClientTokenId', 403, refresh],
    ['SignatureDoesNotMatch', 403, refresh],
    ['UnrecognizedClientException', 400, refresh],
    ['RegionDisabledException', 403, 'STS is not activated in eu-west-1 for that account: use another region or ask its admin to activate it.'],
    ['ValidationError', 400, 'Check the role ARN, session name and duration (900–3600 s for a chained role).'],
    ['AccessDenied', 403, "Ask the role's owner to let arn:aws:iam::111111111111:role/Admin call sts:AssumeRole on it (its trust policy), and check the external ID if it needs one."],
    ['OptInRequired', 403, 'Try again; run with --debug to see more.'],
  ])('%s: names the role, the base profile and STS’s words, with its own hint', async (code, status, hint) => {
    reply = { status, body: errorBody(code, 'what STS said') };
    const error = await assume();
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ message: `STS refused ${TARGET} from okta-111111111111-Admin: ${code}: what STS said`, hint, code });
  });

  it('an answer the SDK cannot read is reported with its words and code Error', async () => {
    reply = { status: 400, body: 'not xml' };
    const error = await assume();
    expect(error).toMatchObject({ name: 'UserError', code: 'Error', hint: 'Try again; run with --debug to see more.' });
    expect(error.message).toMatch(new RegExp(`^STS refused ${TARGET} from okta-111111111111-Admin: Error: \\S`));
  });

  it('--debug shows the call, never the keys', async () => {
    reply = { status: 403, body: errorBody('AccessDenied', 'no') };
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      enableDebug();
      await assume({ durationSeconds: 1800 });
    } finally {
      process.stderr.write = write;
    }
    expect(lines).toContain(`okta-aws: AssumeRole ${TARGET} from okta-111111111111-Admin for 1800 s\n`);
    expect(lines.join('')).not.toContain(base.secretAccessKey);
  });

  it('an answer without complete credentials is an error, not half a profile', async () => {
    for (const missing of ['AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']) {
      const parts: Record<string, string> = { AccessKeyId: 'ASIAX', SecretAccessKey: 'secret-x', SessionToken: 'token-x', Expiration: '2030-01-01T01:00:00Z' };
      delete parts[missing];
      reply = { status: 200, body: credentialsBody(`<Credentials>${Object.entries(parts).map(([k, v]) => `<${k}>${v}</${k}>`).join('')}</Credentials>`) };
      expect(await assume(), missing).toMatchObject({
        name: 'UserError',
        message: `STS returned no credentials for ${TARGET}`,
        hint: 'Try again; report it if it persists.',
        code: 'NO_CREDENTIALS',
      });
    }
    reply = { status: 200, body: credentialsBody('') };
    expect(await assume()).toMatchObject({ code: 'NO_CREDENTIALS' });
  });

  it('sends no ExternalId unless one is given, and the trimmed role ARN', async () => {
    reply = { status: 403, body: errorBody('AccessDenied', 'no') };
    await assume({ roleArn: `  ${TARGET}\n` });
    expect(forms[0]?.has('ExternalId')).toBe(false);
    expect(forms[0]?.get('RoleArn')).toBe(TARGET);
  });

  it('an STS nobody answers at is a network error that says what to check', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await assume({ stsEndpoint: `http://127.0.0.1:${port}` });
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(new RegExp(`^Cannot reach STS for ${TARGET}: .*ECONNREFUSED`));
    expect(error.hint).toBe('Check your network and proxy settings (HTTPS_PROXY, NO_PROXY, AWS_ENDPOINT_URL_STS).');
    expect(error.code).toBe('NETWORK');
  });

  describe('through a proxy', () => {
    let proxy: Server;
    let proxied: string[];
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY, http_proxy: process.env.http_proxy, no_proxy: process.env.no_proxy };
    beforeAll(async () => {
      // A forward proxy for plain http: it sees the absolute URL and answers for STS.
      proxy = createServer((req, res) => {
        proxied.push(String(req.url));
        req.resume();
        req.on('end', () => {
          res.writeHead(403, { 'Content-Type': 'text/xml' });
          res.end(errorBody('AccessDenied', 'via proxy'));
        });
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      for (const key of Object.keys(saved)) delete process.env[key];
      process.env.HTTP_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    });
    beforeEach(() => {
      proxied = [];
      reply = { status: 403, body: errorBody('AccessDenied', 'direct') };
    });

    it('goes through HTTP_PROXY when the env it is given has one', async () => {
      const error = await assume({ env: { HTTP_PROXY: process.env.HTTP_PROXY } });
      expect(proxied).toEqual([`${endpoint}/`]);
      expect(forms).toHaveLength(0);
      expect(error.message).toMatch(/: AccessDenied: via proxy$/);
    });

    it('follows the env it is given, not the process’s', async () => {
      const error = await assume({ env: {} });
      expect(proxied).toEqual([]);
      expect(forms).toHaveLength(1);
      expect(error.message).toMatch(/: AccessDenied: direct$/);
    });
  });

  it('refuses base credentials that expire this very millisecond', async () => {
    const error = await assume({ base: { ...base, expiration: new Date(Date.now()) } });
    expect(error).toMatchObject({ hint: 'Run `okta-aws refresh`, then try again.', code: 'EXPIRED' });
    expect(error.message).toMatch(/^The credentials of okta-111111111111-Admin expired at \d{4}-\d\d-\d\dT/);
    expect(forms).toHaveLength(0);
  });
});

describe('cachedChainedRole: what counts as a hit', () => {
  const NOW = Date.parse('2030-01-01T00:00:00Z');
  let dir: string;
  let calls: number;
  const assume = async (params: ChainParams): Promise<ProfileCredentials> => {
    calls += 1;
    return { ...base, profile: `${params.base.profile}+Auditor`, roleArn: params.roleArn, chained: true, accessKeyId: `ASIANEW${calls}`, expiration: new Date(NOW + 3600_000) };
  };
  const params = (extra: Partial<ChainParams> = {}) => ({ base, roleArn: TARGET, region: 'eu-west-1', cacheDir: join(dir, 'cache'), assume, ...extra });
  const path = () => chainCachePath(dir, base.profile, TARGET);
  const entry = {
    version: 1,
    BaseProfile: base.profile,
    BaseRoleArn: base.roleArn,
    RoleArn: TARGET,
    SessionName: 'okta-aws-1',
    Partition: 'aws',
    AccessKeyId: 'ASIACACHED',
    SecretAccessKey: 'cached-secret',
    SessionToken: 'cached-token',
    Expiration: '2030-01-01T01:00:00.000Z',
  };
  const seed = async (e: Record<string, unknown>) => {
    await cachedChainedRole(params(), NOW); // creates the folder
    calls = 0;
    await writeFile(path(), JSON.stringify(e));
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chain-hit-'));
    calls = 0;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a complete, matching, fresh entry is used as it is', async () => {
    await seed(entry);
    expect((await cachedChainedRole(params(), NOW)).accessKeyId).toBe('ASIACACHED');
    expect((await cachedChainedRole(params({ sessionName: 'okta-aws-1' }), NOW)).accessKeyId).toBe('ASIACACHED');
    expect(calls).toBe(0);
  });

  it.each([
    ['another version', { version: 2 }],
    ['no version', { version: undefined }],
    ['an empty access key', { AccessKeyId: '' }],
    ['a numeric secret', { SecretAccessKey: 12345 }],
    ['no session token', { SessionToken: undefined }],
    ['no expiration', { Expiration: undefined }],
    ['another base profile', { BaseProfile: 'okta-other' }],
    ['another role', { RoleArn: `${TARGET}2` }],
  ])('an entry with %s is a miss', async (_what, change) => {
    await seed({ ...entry, ...change });
    expect((await cachedChainedRole(params(), NOW)).accessKeyId).toBe('ASIANEW1');
    expect(calls).toBe(1);
  });

  it('keeps the file names sessions had before caches were bound to an identity', () => {
    // Upgrading must not orphan cached sessions: without an identity, the name is the one earlier releases used.
    expect(chainCachePath('/h', base.profile, TARGET)).toBe('/h/cache/chain-fc7b949408dcc5323327407821492dd0.json');
    expect(chainCachePath('/h', base.profile, TARGET, 'ext-1')).toBe('/h/cache/chain-3c8705034919c486bbd25cbb2992114f.json');
    expect(chainCachePath('/h', base.profile, TARGET, undefined, 'https://a.okta.com alice')).not.toBe(chainCachePath('/h', base.profile, TARGET));
  });

  it('--debug says when a cached session is used', async () => {
    await seed(entry);
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      enableDebug();
      await cachedChainedRole(params(), NOW);
    } finally {
      process.stderr.write = write;
    }
    expect(lines).toEqual([`okta-aws: chained role ${TARGET}: cached credentials until 2030-01-01T01:00:00.000Z\n`]);
  });

  it('an entry with exactly 5 minutes left is a miss; a millisecond more is a hit', async () => {
    await seed(entry);
    expect((await cachedChainedRole(params(), NOW + 55 * 60_000 - 1)).accessKeyId).toBe('ASIACACHED');
    await writeFile(path(), JSON.stringify(entry));
    expect((await cachedChainedRole(params(), NOW + 55 * 60_000)).accessKeyId).toBe('ASIANEW1');
  });

  it('a cache file it cannot read is an error, not a silent miss', async () => {
    await seed(entry);
    rmSync(path());
    // A folder where the file should be: reading it fails with EISDIR.
    await mkdir(path());
    await expect(cachedChainedRole(params(), NOW)).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it('a cache it cannot write costs nothing but a debug line', async () => {
    // A cache folder that is a dangling link: reading finds nothing, creating the folder fails.
    symlinkSync(join(dir, 'nowhere'), join(dir, 'cache'));
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      enableDebug();
      expect((await cachedChainedRole(params(), NOW)).accessKeyId).toBe('ASIANEW1');
    } finally {
      process.stderr.write = write;
    }
    expect(lines.join('')).toContain(`okta-aws: could not cache chained credentials in ${path()}: `);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });
});
