/** console/signin's one-line errors for bad destinations and sign-in endpoints, and the sign-in endpoint's refusals. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileCredentials } from '../../../src/aws/types.js';
import { federationEndpoint, resolveDestination, signinUrl } from '../../../src/console/signin.js';

const fails = (fn: () => unknown, message: string, hint: string, code: string) => expect(fn).toThrow(expect.objectContaining({ name: 'UserError', message, hint, code }));

describe('destinations', () => {
  it('refuse what is neither a URL nor a service', () => {
    fails(() => resolveDestination('not a url', 'aws', 'eu-west-1'), '"not a url" is neither a console URL nor a service name', 'Use a service name such as s3 or ec2, a path such as /ec2/home, or a full https://console.aws.amazon.com/… URL.', 'BAD_DESTINATION');
  });

  it.each(['https://evil.example/', '//evil.example/x', 'http://console.aws.amazon.com/', 'https://u:p@console.aws.amazon.com/', 'https://console.aws.amazon.com:8443/', 'https://console.amazonaws-us-gov.com/'])('refuse %s, off the aws console', (dest) => {
    fails(
      () => resolveDestination(dest, 'aws', undefined),
      `The destination "${dest}" is not on the AWS console of the aws partition`,
      "Use an https://…console.aws.amazon.com/ URL (of the role's partition), a path such as /ec2/home, or a service name such as s3.",
      'BAD_DESTINATION',
    );
  });

  it('home, services and paths, with the region only when there is one', () => {
    expect(resolveDestination(undefined, 'aws', undefined)).toBe('https://console.aws.amazon.com/console/home');
    expect(resolveDestination(' home ', 'aws', 'eu-west-1')).toBe('https://console.aws.amazon.com/console/home?region=eu-west-1');
    expect(resolveDestination('console', 'aws', 'eu-west-1')).toBe('https://console.aws.amazon.com/console/home?region=eu-west-1');
    expect(resolveDestination('EC2', 'aws', 'us-gov-west-1')).toBe('https://console.aws.amazon.com/ec2/home?region=us-east-1');
    expect(resolveDestination('/ec2/v2/home', 'aws', undefined)).toBe('https://console.aws.amazon.com/ec2/v2/home');
  });
});

describe('sign-in endpoints', () => {
  it('must be a URL, https unless loopback', () => {
    fails(() => federationEndpoint('signin'), 'The sign-in endpoint "signin" is not a URL', 'Set AWS_ENDPOINT_URL_SIGNIN to a base URL such as https://signin.aws.amazon.com, or unset it.', 'BAD_SIGNIN_ENDPOINT');
    fails(() => federationEndpoint('http://signin.example'), 'The sign-in endpoint must use https:// (got http://signin.example)', 'Fix AWS_ENDPOINT_URL_SIGNIN: plain http is accepted only for loopback test servers.', 'BAD_SIGNIN_ENDPOINT');
    expect(federationEndpoint('http://127.0.0.1:9/')).toBe('http://127.0.0.1:9/federation');
  });
});

describe('refusals from the sign-in endpoint', () => {
  let server: Server;
  let base: string;
  let status = 400;
  let body = 'no';
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const creds = (expiresInMs: number): ProfileCredentials => ({
    profile: 'okta-111111111111-Admin',
    roleArn: 'arn:aws:iam::111111111111:role/Admin',
    region: 'eu-west-1',
    partition: 'aws',
    chained: false,
    accessKeyId: 'ASIA',
    secretAccessKey: 'secret-key',
    sessionToken: 'session-token',
    expiration: new Date(Date.now() + expiresInMs),
  });

  it('4xx: refused, said to be expired when they are, with a shorter duration suggested only when one was sent', async () => {
    status = 403;
    await expect(signinUrl({ creds: creds(3600_000), signinBase: base })).rejects.toMatchObject({
      message: 'AWS sign-in refused the credentials of okta-111111111111-Admin (HTTP 403)',
      hint: 'The credentials may be expired or revoked: run `okta-aws refresh`, then try again.',
      code: 'HTTP_403',
    });
    const expired = creds(-1000);
    await expect(signinUrl({ creds: expired, signinBase: base, sessionDuration: 3600 })).rejects.toMatchObject({
      message: `AWS sign-in refused the credentials of okta-111111111111-Admin (HTTP 403): they expired at ${expired.expiration.toISOString()}`,
      hint: 'The credentials may be expired or revoked: run `okta-aws refresh`, then try again, or ask for a shorter --duration.',
    });
    for (const s of [400, 401]) {
      status = s;
      await expect(signinUrl({ creds: creds(3600_000), signinBase: base })).rejects.toMatchObject({ code: `HTTP_${s}`, message: expect.stringContaining('refused the credentials') });
    }
  });

  it('5xx: the endpoint failed; anything else is unexpected', async () => {
    status = 503;
    await expect(signinUrl({ creds: creds(3600_000), signinBase: base })).rejects.toMatchObject({ message: 'The AWS sign-in endpoint failed (HTTP 503)', hint: 'Try again in a minute.', code: 'HTTP_503' });
    status = 302;
    await expect(signinUrl({ creds: creds(3600_000), signinBase: base })).rejects.toMatchObject({
      message: 'Unexpected answer from the AWS sign-in endpoint (HTTP 302)',
      hint: 'Check AWS_ENDPOINT_URL_SIGNIN and your proxy settings, then try again; run with --debug to see more.',
      code: 'HTTP_302',
    });
  });

  it('a 200 without a SigninToken says so', async () => {
    status = 200;
    for (const answer of ['{}', 'not json', '{"SigninToken": ""}', '{"SigninToken": 5}']) {
      body = answer;
      await expect(signinUrl({ creds: creds(3600_000), signinBase: base })).rejects.toMatchObject({
        message: `The AWS sign-in endpoint ${new URL(base).host} answered without a SigninToken`,
        hint: 'Check AWS_ENDPOINT_URL_SIGNIN (or a proxy rewriting answers), then try again.',
        code: 'NO_SIGNIN_TOKEN',
      });
    }
  });
});
