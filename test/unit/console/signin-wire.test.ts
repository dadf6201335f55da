/** console/signin: what goes over the wire, what --debug shows, and how each fetch failure reads. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProfileCredentials } from '../../../src/aws/types.js';
import { federationEndpoint, resolveDestination, signinUrl, type FetchLike } from '../../../src/console/signin.js';
import { UserError } from '../../../src/lib/errors.js';
import { enableDebug } from '../../../src/lib/log.js';

const creds: ProfileCredentials = {
  profile: 'okta-111111111111-Admin',
  roleArn: 'arn:aws:iam::111111111111:role/Admin',
  region: 'eu-west-1',
  partition: 'aws',
  chained: false,
  accessKeyId: 'ASIAWIRE',
  secretAccessKey: 'wire-secret-key',
  sessionToken: 'wire-session-token',
  expiration: new Date(Date.now() + 3600_000),
};

let server: Server;
let base: string;
let seen: { url: string; accept: string | undefined; method: string | undefined }[];
let answer: { status: number; body: string };
let stderr: string[];
const realWrite = process.stderr.write.bind(process.stderr);

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: String(req.url), accept: req.headers.accept, method: req.method });
    res.writeHead(answer.status, { 'Content-Type': 'application/json' });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  enableDebug();
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
  answer = { status: 200, body: '{"SigninToken":"T0KEN-wire"}' };
  stderr = [];
  process.stderr.write = ((chunk: string) => (stderr.push(String(chunk)), true)) as typeof process.stderr.write;
});
afterEach(() => {
  process.stderr.write = realWrite;
  vi.useRealTimers();
});

describe('the getSigninToken request', () => {
  it('is a GET that asks for JSON, and --debug shows it without the session', async () => {
    await signinUrl({ creds, signinBase: base, sessionDuration: 900 });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'GET', accept: 'application/json' });
    expect(seen[0]?.url).toMatch(/^\/federation\?Action=getSigninToken&SessionDuration=900&Session=/);
    expect(stderr).toEqual([
      `okta-aws: GET ${base}/federation?Action=getSigninToken&SessionDuration=900\n`,
      `okta-aws: 200 GET ${base}/federation?Action=getSigninToken\n`,
    ]);
  });

  it('says in --debug why a chained session gets no SessionDuration', async () => {
    await signinUrl({ creds: { ...creds, chained: true }, signinBase: base, sessionDuration: 3600 });
    expect(stderr[0]).toBe('okta-aws: console-url: role-chained credentials; SessionDuration not sent (the endpoint refuses it)\n');
  });

  it('shows a refusal’s body in --debug, secrets redacted, cut at 500 characters', async () => {
    answer = { status: 403, body: `denied ${creds.secretAccessKey} ${'x'.repeat(600)}` };
    await expect(signinUrl({ creds, signinBase: base })).rejects.toMatchObject({ code: 'HTTP_403' });
    const line = stderr.find((l) => l.startsWith('okta-aws: sign-in endpoint answered'));
    expect(line).toBe(`okta-aws: sign-in endpoint answered 403: ${`denied [redacted] ${'x'.repeat(600)}`.slice(0, 500)}\n`);
  });
});

describe('refusals at the edges', () => {
  it('HTTP 500 is the endpoint failing', async () => {
    answer = { status: 500, body: '' };
    await expect(signinUrl({ creds, signinBase: base })).rejects.toMatchObject({ message: 'The AWS sign-in endpoint failed (HTTP 500)', hint: 'Try again in a minute.', code: 'HTTP_500' });
  });

  it('HTTP 404 is unexpected, not a refusal of the credentials', async () => {
    answer = { status: 404, body: '' };
    await expect(signinUrl({ creds, signinBase: base })).rejects.toMatchObject({ message: 'Unexpected answer from the AWS sign-in endpoint (HTTP 404)', code: 'HTTP_404' });
  });

  it('credentials that expire this very millisecond are said to be expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const now = new Date('2030-06-01T12:00:00.000Z');
    vi.setSystemTime(now);
    answer = { status: 403, body: '' };
    await expect(signinUrl({ creds: { ...creds, expiration: now }, signinBase: base })).rejects.toMatchObject({
      message: 'AWS sign-in refused the credentials of okta-111111111111-Admin (HTTP 403): they expired at 2030-06-01T12:00:00.000Z',
    });
  });

  it('a session duration outside 900–43200 s is refused with the range', async () => {
    await expect(signinUrl({ creds, signinBase: base, sessionDuration: 899 })).rejects.toMatchObject({
      message: 'The console session duration 899 is outside what AWS allows',
      hint: 'Use a whole number of seconds from 900 to 43200.',
      code: 'BAD_DURATION',
    });
    expect(seen).toHaveLength(0);
  });
});

describe('fetch failures', () => {
  const failing =
    (error: unknown): FetchLike =>
    async () => {
      throw error;
    };
  const attempt = (error: unknown, timeoutMs = 30_000) => signinUrl({ creds, signinBase: 'https://signin.example.com', fetch: failing(error), timeoutMs }).catch((e: unknown) => e as UserError);

  it('a UserError from lib/http passes through as it is', async () => {
    const original = new UserError('lib/http explained it', { hint: 'its hint', code: 'PROXY' });
    expect(await attempt(original)).toBe(original);
  });

  it.each(['TimeoutError', 'AbortError'])('%s: no answer within the timeout, in whole seconds', async (name) => {
    const error = Object.assign(new Error('aborted'), { name });
    expect(await attempt(error, 2500)).toMatchObject({
      message: 'No answer from signin.example.com within 3 s',
      hint: 'Check your network or proxy (HTTPS_PROXY), or raise OKTA_AWS_HTTP_TIMEOUT (seconds).',
      code: 'TIMEOUT',
    });
  });

  it('names the cause’s code, else the error’s, else says network error', async () => {
    const hint = 'Check your network and proxy settings (HTTPS_PROXY, NO_PROXY, AWS_ENDPOINT_URL_SIGNIN), then try again.';
    const fetchFailed = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }), code: 'OUTER' });
    expect(await attempt(fetchFailed)).toMatchObject({ message: 'Cannot reach signin.example.com (ECONNRESET)', hint, code: 'NETWORK' });
    expect(await attempt(Object.assign(new Error('getaddrinfo'), { code: 'EAI_AGAIN' }))).toMatchObject({ message: 'Cannot reach signin.example.com (EAI_AGAIN)', code: 'NETWORK' });
    expect(await attempt(new Error('boom'))).toMatchObject({ message: 'Cannot reach signin.example.com (network error)', code: 'NETWORK' });
  });
});

describe('endpoints and destinations', () => {
  it('only https, or plain http to loopback; never another scheme', () => {
    expect(() => federationEndpoint('ftp://127.0.0.1:2121/')).toThrow(expect.objectContaining({ message: 'The sign-in endpoint must use https:// (got ftp://127.0.0.1:2121)', code: 'BAD_SIGNIN_ENDPOINT' }));
  });

  it('drops every trailing slash of a base path', () => {
    expect(federationEndpoint('https://signin.example.com/prefix///')).toBe('https://signin.example.com/prefix/federation');
  });

  it('takes "console" as the console home, and a console host written with its final dot', () => {
    expect(resolveDestination('console', 'aws', 'eu-west-1')).toBe('https://console.aws.amazon.com/console/home?region=eu-west-1');
    expect(resolveDestination('https://console.aws.amazon.com./ec2/home', 'aws', undefined)).toBe('https://console.aws.amazon.com./ec2/home');
    expect(resolveDestination('https://eu-west-1.console.aws.amazon.com./ec2/home', 'aws', undefined)).toBe('https://eu-west-1.console.aws.amazon.com./ec2/home');
  });
});
