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
      const entry = { method: req.method ?? '', path: req.url ?? '', body, cookie: req.headers.cookie };
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
    const response = await http.fetch(`${origin}/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"password":"hunter2"}' });
    expect(await response.text()).toBe('ok');
    expect(seen.map((s) => [s.method, s.path, s.body])).toEqual([
      ['POST', '/login', '{"password":"hunter2"}'],
      ['GET', '/done', ''],
    ]);
  });

  it('never re-sends a body: a 307 after a POST is refused, and the target never hears of it', async () => {
    const { origin, seen } = await serve((req, res) => {
      if (req.url === '/api/v1/authn') res.writeHead(307, { Location: '/elsewhere' }).end();
      else res.writeHead(200).end('{}');
    });
    const http = await createHttpClient({ env: {} });
    const error = await failure(http.fetch(`${origin}/api/v1/authn`, { method: 'POST', body: '{"password":"hunter2"}' }));
    expect(error.code).toBe('REDIRECT_BODY');
    expect(error.message).not.toContain('hunter2');
    expect(seen.map((s) => s.path)).toEqual(['/api/v1/authn']);
  });

  it('does not follow a redirect to another origin', async () => {
    const other = await serve((_req, res) => res.writeHead(200).end('{}'));
    const { origin } = await serve((_req, res) => res.writeHead(302, { Location: `${other.origin}/steal` }).end());
    const http = await createHttpClient({ env: {} });
    const error = await failure(http.fetch(`${origin}/app/amazon_aws/x/sso/saml`));
    expect(error.code).toBe('REDIRECT_ELSEWHERE');
    expect(other.seen).toEqual([]);
  });

  it('gives up on a loop', async () => {
    const { origin } = await serve((_req, res) => res.writeHead(302, { Location: '/again' }).end());
    const http = await createHttpClient({ env: {} });
    expect((await failure(http.fetch(`${origin}/start`))).code).toBe('REDIRECT_LOOP');
  });
});

describe('an origin-pinned client', () => {
  it('refuses any URL off its origin before sending anything', async () => {
    const other = await serve((_req, res) => res.writeHead(200).end('{}'));
    const http = await createHttpClient({ env: {}, origin: 'http://127.0.0.1:1' });
    const error = await failure(http.fetch(`${other.origin}/api/v1/authn/factors/x/verify`, { method: 'POST', body: '{"stateToken":"st","passCode":"123456"}' }));
    expect(error.code).toBe('FOREIGN_LINK');
    expect(other.seen).toEqual([]);
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
    const http = await createHttpClient({ env: {}, maxBodyBytes: 1000 });
    const response = await http.fetch(`${origin}/big`);
    const error = await failure(response.text());
    expect(error.code).toBe('TOO_LARGE');
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
