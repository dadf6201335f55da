import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../../src/lib/http.js';
import { UserError } from '../../../src/lib/errors.js';

interface Seen {
  method: string;
  path: string;
  body: string;
  cookie: string | undefined;
  contentType: string | undefined;
  accept: string | undefined;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A loopback server that records every request and answers with `handle`. */
async function serve(handle: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void): Promise<{ origin: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const entry = { method: req.method ?? '', path: req.url ?? '', body, cookie: req.headers.cookie, contentType: req.headers['content-type'], accept: req.headers.accept };
      seen.push(entry);
      handle(req, res, entry);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const failure = async (promise: Promise<unknown>): Promise<UserError> => {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
};

describe('redirects', () => {
  it('follows one within the origin, and turns a POST answered 303 into a GET without the body', async () => {
    const { origin, seen } = await serve((req, res) => {
      if (req.url === '/login') res.writeHead(303, { Location: '/done' }).end();
      else res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    });
    const http = await createHttpClient({ env: {} });
    const response = await http.fetch(`${origin}/login`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: '{"password":"hunter2"}' });
    expect(await response.text()).toBe('ok');
    expect(seen.map((s) => [s.method, s.path, s.body, s.contentType, s.accept])).toEqual([
      ['POST', '/login', '{"password":"hunter2"}', 'application/json', 'application/json'],
      ['GET', '/done', '', undefined, 'application/json'],
    ]);
  });

  it('follows a GET as it was, and hands back a redirect when asked to, or one without a Location', async () => {
    const { origin, seen } = await serve((req, res) => {
      if (req.url === '/moved') res.writeHead(302, { Location: '/here' }).end();
      else if (req.url === '/nowhere') res.writeHead(302).end();
      else res.writeHead(200).end('ok');
    });
    const http = await createHttpClient({ env: {} });
    expect(await (await http.fetch(`${origin}/moved`, { headers: { Accept: 'text/html' } })).text()).toBe('ok');
    expect(seen.map((s) => [s.method, s.path, s.accept])).toEqual([
      ['GET', '/moved', 'text/html'],
      ['GET', '/here', 'text/html'],
    ]);
    const manual = await http.fetch(`${origin}/moved`, { redirect: 'manual' });
    expect([manual.status, manual.headers.get('location')]).toEqual([302, '/here']);
    expect((await http.fetch(`${origin}/nowhere`)).status).toBe(302);
    expect(seen).toHaveLength(4);
  });

  it('never re-sends a body: a 307 after a POST is refused, and the target never hears of it', async () => {
    const { origin, seen } = await serve((req, res) => {
      if (req.url === '/api/v1/authn') res.writeHead(307, { Location: '/elsewhere' }).end();
      else res.writeHead(200).end('{}');
    });
    const http = await createHttpClient({ env: {} });
    const error = await failure(http.fetch(`${origin}/api/v1/authn`, { method: 'POST', body: '{"password":"hunter2"}' }));
    expect(error).toMatchObject({
      message: `${new URL(origin).host} asked for the request body to be sent again to /elsewhere (HTTP 307); okta-aws never re-sends a password or code`,
      hint: 'Check the SSO URL (`okta-aws init`) and any proxy in between.',
      code: 'REDIRECT_BODY',
    });
    expect(seen.map((s) => s.path)).toEqual(['/api/v1/authn']);
  });

  it('does not follow a redirect to another origin', async () => {
    const other = await serve((_req, res) => res.writeHead(200).end('{}'));
    const { origin } = await serve((_req, res) => res.writeHead(302, { Location: `${other.origin}/steal` }).end());
    const http = await createHttpClient({ env: {} });
    const error = await failure(http.fetch(`${origin}/app/amazon_aws/x/sso/saml`));
    expect(error).toMatchObject({
      message: `${new URL(origin).host} redirected to http://${new URL(other.origin).host}, another origin; okta-aws follows redirects only within one origin`,
      hint: 'Check the SSO URL (`okta-aws init`) and any proxy in between; Okta itself answers from its own origin.',
      code: 'REDIRECT_ELSEWHERE',
    });
    expect(other.seen).toEqual([]);
  });

  it('gives up on a loop', async () => {
    const { origin, seen } = await serve((_req, res) => res.writeHead(302, { Location: '/again' }).end());
    const http = await createHttpClient({ env: {} });
    expect(await failure(http.fetch(`${origin}/start`))).toMatchObject({
      message: `${new URL(origin).host} redirected more than 10 times`,
      hint: 'Check the SSO URL with `okta-aws init`.',
      code: 'REDIRECT_LOOP',
    });
    expect(seen).toHaveLength(11); // the request and 10 redirects followed
  });
});

describe('an origin-pinned client', () => {
  it('refuses any URL off its origin before sending anything', async () => {
    const other = await serve((_req, res) => res.writeHead(200).end('{}'));
    const http = await createHttpClient({ env: {}, origin: 'http://127.0.0.1:1' });
    const error = await failure(http.fetch(`${other.origin}/api/v1/authn/factors/x/verify`, { method: 'POST', body: '{"stateToken":"st","passCode":"123456"}' }));
    expect(error).toMatchObject({
      message: `Okta pointed okta-aws at http://${new URL(other.origin).host}, which is not the SSO URL's origin http://127.0.0.1:1; nothing was sent there`,
      hint: 'Check the SSO URL (`okta-aws init`) and any proxy in between; an Okta org links only to itself.',
      code: 'FOREIGN_LINK',
    });
    expect(other.seen).toEqual([]);
    const pinned = await createHttpClient({ env: {}, origin: other.origin });
    expect((await pinned.fetch(`${other.origin}/api/v1/authn`)).status).toBe(200);
  });
});

describe('the session cookie', () => {
  it('is Secure when restored for an https origin: never handed to plain http', async () => {
    const http = await createHttpClient({ env: {} });
    await http.setCookie('https://example.okta.com', 'sid', 'secret-sid');
    expect(await http.cookie('https://example.okta.com/app', 'sid')).toBe('secret-sid');
    expect(await http.cookie('http://example.okta.com/app', 'sid')).toBeUndefined();
  });
});

describe('response bodies', () => {
  it('are capped: a body past the limit is one line, not a CPU-bound parse', async () => {
    const { origin } = await serve((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('x'.repeat(5000)));
    const http = await createHttpClient({ env: {}, maxBodyBytes: 3 * 1024 * 1024 - 1 });
    const response = await http.fetch(`${origin}/big`);
    expect(await response.text()).toHaveLength(5000);
    const small = await createHttpClient({ env: {}, maxBodyBytes: 1000 });
    const error = await failure((await small.fetch(`${origin}/big`)).text());
    expect(error).toMatchObject({
      message: `${new URL(origin).host} sent an answer larger than 0 MB; okta-aws stopped reading it`,
      hint: "Check the SSO URL (`okta-aws init`) and any proxy in between; Okta's answers are far smaller.",
      code: 'TOO_LARGE',
    });
    const mb = await createHttpClient({ env: {}, maxBodyBytes: 2.6 * 1024 * 1024 });
    const big = await serve((_req, res) => res.writeHead(200).end('x'.repeat(3 * 1024 * 1024)));
    expect((await failure((await mb.fetch(`${big.origin}/big`)).text())).message).toMatch(/sent an answer larger than 3 MB;/);
  });

  it('that stall past the timeout fail like a connection that never answers', async () => {
    const { origin } = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      res.write('{"status":'); // and nothing more
    });
    const http = await createHttpClient({ env: {}, timeoutMs: 300 });
    const response = await http.fetch(`${origin}/slow`);
    const error = await failure(response.text());
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toMatch(/^No answer from 127\.0\.0\.1:\d+ within 0 s$/);
  });
});
