import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_TIMEOUT_MS, createHttpClient, loggableUrl, proxyAgents, timeoutFromEnv } from '../../../src/lib/http.js';
import { enableDebug } from '../../../src/lib/log.js';

/** A loopback server: `/slow` never answers in time, everything else echoes the Cookie header. */
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/slow') return void setTimeout(() => res.end('late'), 3_000);
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Set-Cookie': 'sid=from-server; Path=/' });
    res.end(`cookie: ${req.headers.cookie ?? ''}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('timeoutFromEnv', () => {
  it.each([
    [undefined, DEFAULT_TIMEOUT_MS],
    ['5', 5_000],
    ['1.5', 1_500],
  ])('OKTA_AWS_HTTP_TIMEOUT=%s → %i ms', (value, ms) => {
    expect(timeoutFromEnv(value === undefined ? {} : { OKTA_AWS_HTTP_TIMEOUT: value })).toBe(ms);
  });

  // Outside 1–300 s is a clear error (issue 9 item 13), never a 1 ms timeout or a silent default.
  it.each(['0.5', '0', '-3', 'soon', 'Infinity'])('OKTA_AWS_HTTP_TIMEOUT=%s is an error', (value) => {
    expect(() => timeoutFromEnv({ OKTA_AWS_HTTP_TIMEOUT: value })).toThrow(`OKTA_AWS_HTTP_TIMEOUT="${value}" is not a number of seconds from 1 to 300`);
  });

  it('is 30 s by default', () => {
    expect(DEFAULT_TIMEOUT_MS).toBe(30_000);
  });
});

describe('loggableUrl', () => {
  it('keeps a URL without a query as it is', () => {
    expect(loggableUrl('https://o.okta.com/app/amazon_aws/exk1/sso/saml')).toBe('https://o.okta.com/app/amazon_aws/exk1/sso/saml');
  });

  it('shows the parameters that say what a request is and hides every other value', () => {
    expect(loggableUrl('https://signin.aws.amazon.com/federation?Action=getSigninToken&SessionDuration=3600&Session=%7B%22k%22%3A1%7D')).toBe(
      'https://signin.aws.amazon.com/federation?Action=getSigninToken&SessionDuration=3600&Session=[redacted]',
    );
    expect(loggableUrl('https://o.okta.com/login/sessionCookieRedirect?token=abc&redirectUrl=https%3A%2F%2Fo%2Fapp&rememberDevice=false&fromURI=%2Fx&Issuer=i&Destination=d')).toBe(
      'https://o.okta.com/login/sessionCookieRedirect?token=[redacted]&redirectUrl=https%3A%2F%2Fo%2Fapp&rememberDevice=false&fromURI=%2Fx&Issuer=i&Destination=d',
    );
  });

  it('does not echo what it cannot parse', () => {
    expect(loggableUrl('not a url ?token=secret')).toBe('[unparsable URL]');
  });
});

describe('proxyAgents', () => {
  it('is undefined without a proxy, so requests go direct', async () => {
    expect(await proxyAgents({})).toBeUndefined();
  });

  it.each(['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'])('%s turns the proxy agents on', async (name) => {
    expect(await proxyAgents({ [name]: 'http://proxy.example:3128' })).toBeTypeOf('function');
  });

  it('one shared agent per proxy and scheme, none for NO_PROXY hosts', async () => {
    vi.stubEnv('HTTPS_PROXY', 'http://proxy.example:3128');
    vi.stubEnv('HTTP_PROXY', 'http://proxy.example:3128');
    vi.stubEnv('NO_PROXY', 'internal.example');
    const agentFor = (await proxyAgents(process.env))!;
    const https = agentFor('https://sts.amazonaws.com/');
    expect(https?.constructor.name).toBe('HttpsProxyAgent');
    expect(agentFor('https://o.okta.com/x')).toBe(https);
    const http = agentFor('http://plain.example/');
    expect(http?.constructor.name).toBe('HttpProxyAgent');
    expect(http).not.toBe(https);
    expect(agentFor('https://internal.example/')).toBeUndefined();
  });
});

describe('createHttpClient', () => {
  it('keeps cookies per origin, and takes one set by hand', async () => {
    const http = await createHttpClient({ env: {} });
    const first = await http.fetch(`${base}/a`);
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('cookie: ');
    expect(await http.cookie(base, 'sid')).toBe('from-server');
    await http.setCookie(base, 'sid', 'by-hand');
    expect(await (await http.fetch(`${base}/b`, { method: 'POST', body: 'x' })).text()).toBe('cookie: sid=by-hand');
    expect(await http.cookie(base, 'other')).toBeUndefined();
  });

  it('logs each request and its status under --debug, without query values', async () => {
    enableDebug();
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const http = await createHttpClient({ env: {} });
    await http.fetch(`${base}/c?token=s3cr3t&Action=x`);
    expect(lines).toEqual([`okta-aws: GET ${base}/c?token=[redacted]&Action=x\n`, `okta-aws: 200 GET ${base}/c?token=[redacted]&Action=x\n`]);
  });

  it('a server that does not answer in time is a TIMEOUT error naming the host', async () => {
    const http = await createHttpClient({ env: { OKTA_AWS_HTTP_TIMEOUT: '1' } });
    await expect(http.fetch(`${base}/slow`)).rejects.toMatchObject({
      name: 'UserError',
      message: `No answer from ${new URL(base).host} within 1 s`,
      hint: 'Check your network or proxy (HTTPS_PROXY), or raise OKTA_AWS_HTTP_TIMEOUT (seconds).',
      code: 'TIMEOUT',
    });
  });

  it('a refused connection is a NETWORK error naming the host and the cause', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const http = await createHttpClient({ env: {}, timeoutMs: 5_000 });
    await expect(http.fetch(`http://${host}/`)).rejects.toMatchObject({
      name: 'UserError',
      message: `Cannot reach ${host} (ECONNREFUSED)`,
      hint: 'Check the address, your network and proxy settings (HTTPS_PROXY, NO_PROXY), then try again.',
      code: 'NETWORK',
    });
  });
});
