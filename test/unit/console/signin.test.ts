import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import type { ProfileCredentials } from '../../../src/aws/types.js';
import { consoleHosts, federationEndpoint, resolveDestination, signinUrl, type FetchLike } from '../../../src/console/signin.js';
import { UserError } from '../../../src/lib/errors.js';
import type { HttpFetch } from '../../../src/lib/http.js';

const creds: ProfileCredentials = {
  profile: 'okta-111111111111-Admin',
  roleArn: 'arn:aws:iam::111111111111:role/Admin',
  region: 'ap-southeast-2',
  partition: 'aws',
  chained: false,
  accessKeyId: 'ASIAEXAMPLE',
  secretAccessKey: 'wJalr/K7MDENG+bPxRfiCY&=?',
  sessionToken: 'FwoGZXIvYXdz EJr//token+with/odd&chars=',
  expiration: new Date(Date.now() + 3600_000),
};

/** A federation endpoint on loopback: records each request, answers with what the test sets. */
let server: Server;
let base: string;
let requests: { path: string; query: URLSearchParams; raw: string }[];
let answer: { status: number; body: string; delayMs?: number };

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push({ path: url.pathname, query: url.searchParams, raw: req.url ?? '' });
    setTimeout(() => {
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(answer.body);
    }, answer.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  requests = [];
  answer = { status: 200, body: JSON.stringify({ SigninToken: 'tok+en/with=chars&more' }) };
});

describe('signinUrl against a loopback federation endpoint', () => {
  it('asks for a token with the session JSON and SessionDuration, then builds the login URL', async () => {
    const url = await signinUrl({ creds, signinBase: base, sessionDuration: 43200, destination: 's3' });
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request?.path).toBe('/federation');
    expect([...(request?.query.keys() ?? [])]).toEqual(['Action', 'SessionDuration', 'Session']);
    expect(request?.query.get('Action')).toBe('getSigninToken');
    expect(request?.query.get('SessionDuration')).toBe('43200');
    expect(JSON.parse(request?.query.get('Session') ?? '')).toEqual({
      sessionId: creds.accessKeyId,
      sessionKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
    });
    // The Session parameter is percent-encoded (no raw JSON or spaces on the wire).
    expect(request?.raw).toMatch(/&Session=%7B%22sessionId%22%3A%22ASIAEXAMPLE%22/);

    const login = new URL(url);
    expect(`${login.origin}${login.pathname}`).toBe(`${base}/federation`);
    expect([...login.searchParams.keys()]).toEqual(['Action', 'Issuer', 'Destination', 'SigninToken']);
    expect(login.searchParams.get('Action')).toBe('login');
    expect(login.searchParams.get('Issuer')).toBe('okta-aws');
    expect(login.searchParams.get('Destination')).toBe('https://console.aws.amazon.com/s3/home?region=ap-southeast-2');
    expect(login.searchParams.get('SigninToken')).toBe('tok+en/with=chars&more');
    expect(url).toContain('SigninToken=tok%2Ben%2Fwith%3Dchars%26more');
  });

  it('never sends SessionDuration for role-chained credentials', async () => {
    await signinUrl({ creds: { ...creds, chained: true }, signinBase: base, sessionDuration: 3600 });
    expect(requests[0]?.query.has('SessionDuration')).toBe(false);
    expect([...(requests[0]?.query.keys() ?? [])]).toEqual(['Action', 'Session']);
  });

  it('sends no SessionDuration when none is asked for, and uses the issuer given', async () => {
    const url = await signinUrl({ creds, signinBase: `${base}/`, issuer: 'https://example.okta.com/home/amazon_aws/0oa1/272' });
    expect(requests[0]?.query.has('SessionDuration')).toBe(false);
    expect(new URL(url).searchParams.get('Issuer')).toBe('https://example.okta.com/home/amazon_aws/0oa1/272');
    expect(new URL(url).searchParams.get('Destination')).toBe('https://console.aws.amazon.com/console/home?region=ap-southeast-2');
  });

  it('keeps a base path (AWS_ENDPOINT_URL_SIGNIN behind a prefix)', async () => {
    const url = await signinUrl({ creds, signinBase: `${base}/signin` });
    expect(requests[0]?.path).toBe('/signin/federation');
    expect(url.startsWith(`${base}/signin/federation?Action=login&`)).toBe(true);
  });

  it('turns HTTP 400 into a UserError naming the status and `okta-aws refresh`', async () => {
    answer = { status: 400, body: '<html>Bad Request</html>' };
    const error = (await signinUrl({ creds, signinBase: base }).catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain('HTTP 400');
    expect(error.message).toContain(creds.profile);
    expect(error.hint).toContain('okta-aws refresh');
    expect(error.code).toBe('HTTP_400');
  });

  it('says when the credentials had already expired', async () => {
    answer = { status: 400, body: '' };
    const expired = { ...creds, expiration: new Date(Date.now() - 60_000) };
    const error = (await signinUrl({ creds: expired, signinBase: base }).catch((e: unknown) => e)) as UserError;
    expect(error.message).toMatch(/expired at/);
  });

  it('reports a 5xx and a 200 without a token as UserErrors', async () => {
    answer = { status: 503, body: '' };
    await expect(signinUrl({ creds, signinBase: base })).rejects.toMatchObject({ name: 'UserError', message: expect.stringContaining('HTTP 503') });
    answer = { status: 200, body: '{"nope":1}' };
    await expect(signinUrl({ creds, signinBase: base })).rejects.toMatchObject({ name: 'UserError', code: 'NO_SIGNIN_TOKEN' });
    answer = { status: 200, body: 'not json' };
    await expect(signinUrl({ creds, signinBase: base })).rejects.toMatchObject({ name: 'UserError', code: 'NO_SIGNIN_TOKEN' });
  });

  it('times out a silent endpoint', async () => {
    answer = { status: 200, body: '{}', delayMs: 2000 };
    await expect(signinUrl({ creds, signinBase: base, timeoutMs: 100 })).rejects.toMatchObject({ name: 'UserError', code: 'TIMEOUT' });
  });

  it('reports an unreachable endpoint', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(signinUrl({ creds, signinBase: `http://127.0.0.1:${port}` })).rejects.toMatchObject({ name: 'UserError', code: 'NETWORK' });
  });

  it('uses an injected fetch', async () => {
    const seen: string[] = [];
    const url = await signinUrl({
      creds: { ...creds, partition: 'aws-us-gov', region: 'us-gov-west-1' },
      fetch: async (u) => {
        seen.push(u);
        return { status: 200, text: async () => '{"SigninToken":"T"}' };
      },
    });
    expect(seen[0]?.startsWith('https://signin.amazonaws-us-gov.com/federation?Action=getSigninToken&Session=')).toBe(true);
    expect(url).toBe(
      `https://signin.amazonaws-us-gov.com/federation?Action=login&Issuer=okta-aws&Destination=${encodeURIComponent('https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1')}&SigninToken=T`,
    );
  });

  it('validates the duration before any request', async () => {
    for (const d of [899, 43201, 1.5]) {
      await expect(signinUrl({ creds, signinBase: base, sessionDuration: d })).rejects.toMatchObject({ code: 'BAD_DURATION' });
    }
    expect(requests).toHaveLength(0);
  });
});

describe('federationEndpoint', () => {
  it('appends /federation and refuses plain http off loopback', () => {
    expect(federationEndpoint('https://signin.aws.amazon.com')).toBe('https://signin.aws.amazon.com/federation');
    expect(federationEndpoint('https://signin.aws.amazon.com/')).toBe('https://signin.aws.amazon.com/federation');
    expect(federationEndpoint('http://localhost:8080')).toBe('http://localhost:8080/federation');
    expect(() => federationEndpoint('http://signin.example.com')).toThrow(UserError);
    expect(() => federationEndpoint('not a url')).toThrow(UserError);
  });
});

describe('consoleHosts', () => {
  it('maps each partition', () => {
    expect(consoleHosts('aws')).toEqual({ signin: 'https://signin.aws.amazon.com', console: 'https://console.aws.amazon.com' });
    expect(consoleHosts('aws-us-gov', 'us-gov-east-1')).toEqual({ signin: 'https://signin.amazonaws-us-gov.com', console: 'https://console.amazonaws-us-gov.com' });
    expect(consoleHosts('aws-cn')).toEqual({ signin: 'https://signin.amazonaws.cn', console: 'https://console.amazonaws.cn' });
  });
});

describe('resolveDestination', () => {
  it('gives the console home by default, with the region', () => {
    expect(resolveDestination(undefined, 'aws', 'eu-west-1')).toBe('https://console.aws.amazon.com/console/home?region=eu-west-1');
    expect(resolveDestination('', 'aws', undefined)).toBe('https://console.aws.amazon.com/console/home');
    // A region of another partition is replaced by the partition's home region.
    expect(resolveDestination(undefined, 'aws-cn', 'ap-southeast-2')).toBe('https://console.amazonaws.cn/console/home?region=cn-north-1');
  });

  it('turns a service name into its console page', () => {
    expect(resolveDestination('s3', 'aws', 'us-east-1')).toBe('https://console.aws.amazon.com/s3/home?region=us-east-1');
    expect(resolveDestination('EC2', 'aws', 'us-east-1')).toBe('https://console.aws.amazon.com/ec2/home?region=us-east-1');
    expect(resolveDestination('cloudwatch', 'aws-us-gov', 'us-gov-west-1')).toBe('https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1');
  });

  it('accepts a path on the console', () => {
    expect(resolveDestination('/ec2/v2/home?region=us-west-2#Instances:', 'aws', 'us-east-1')).toBe(
      'https://console.aws.amazon.com/ec2/v2/home?region=us-west-2#Instances:',
    );
  });

  it('accepts full console URLs of the partition, regional and service hosts included', () => {
    for (const url of [
      'https://console.aws.amazon.com/iam/home#/roles',
      'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1',
      'https://s3.console.aws.amazon.com/s3/buckets/my-bucket',
      'https://CONSOLE.AWS.AMAZON.COM/',
    ]) {
      expect(resolveDestination(url, 'aws', 'us-east-1')).toBe(new URL(url).toString());
    }
    expect(resolveDestination('https://console.amazonaws.cn/ec2/home', 'aws-cn', 'cn-north-1')).toBe('https://console.amazonaws.cn/ec2/home');
  });

  it('refuses anything that is not this partition’s console', () => {
    for (const url of [
      'http://console.aws.amazon.com/',
      'https://evil.example/console.aws.amazon.com',
      'https://console.aws.amazon.com.evil.example/',
      'https://evilconsole.aws.amazon.com/',
      'https://a.b.console.aws.amazon.com/',
      'https://user:pw@console.aws.amazon.com/',
      'https://console.aws.amazon.com:8443/',
      'https://console.amazonaws.cn/',
      '//evil.example/x',
      '/\\evil.example/x',
      'javascript:alert(1)',
      'not a url at all',
    ]) {
      expect(() => resolveDestination(url, 'aws', 'us-east-1'), url).toThrow(UserError);
    }
  });
});

// Type tests: `npm run lint` runs tsc over them (at run time they do nothing). signinUrl takes the
// global fetch and lib/http's proxy-aware fetch alike.
expectTypeOf<HttpFetch>().toExtend<FetchLike>();
expectTypeOf<typeof fetch>().toExtend<FetchLike>();
