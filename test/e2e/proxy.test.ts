/**
 * Corporate proxies: every request okta-aws makes (Okta, STS, federation) must go through
 * HTTP(S)_PROXY, and none of them when NO_PROXY names the host.
 *
 * The proxy is a real one, written here with node:http: absolute-form forwarding for http://
 * targets (what http-proxy-agent sends, and so what proxy-agent uses for the plain-http emulators)
 * and CONNECT tunnels (what https-proxy-agent sends for https:// targets). It forwards only to
 * loopback, and counts what it forwarded per target origin, so a test can tell that *every* request
 * an emulator received came through it.
 *
 * How proxy-agent 8 picks a proxy: proxy-from-env 2.1 `getProxyForUrl(url)` takes `<scheme>_proxy`
 * (lower case first, then upper), else `all_proxy`, unless NO_PROXY matches the host (exact name, or
 * a suffix when the entry starts with `.` or `*`, optionally with `:port`; `*` alone disables the
 * proxy). Loopback is NOT special-cased there: 127.0.0.1 and localhost are proxied unless NO_PROXY
 * names them; CIDR entries such as 127.0.0.0/8 are not understood, and `localhost` does not cover
 * 127.0.0.1.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect as netConnect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulators, startEmulators } from '../emulators/index.js';
import { type Sandbox, runCli, sandbox } from '../helpers/cli.js';
import { writePythonSettings } from '../helpers/journey.js';

interface SeenRequest {
  kind: 'forward' | 'connect';
  /** Target origin: `http://127.0.0.1:PORT` for forwards, `127.0.0.1:PORT` for CONNECT. */
  target: string;
  method: string;
  path: string;
  /** Form fields of a forwarded form-encoded body (STS's Action, RoleArn, ...). */
  form?: Record<string, string>;
}

interface TestProxy {
  url: string;
  seen: SeenRequest[];
  /** Requests it refused (not loopback, or not in proxy form). Always expected to stay empty. */
  refused: string[];
  count(target: string, kind?: SeenRequest['kind']): number;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
/**
 * Names under the reserved .test TLD that only this proxy resolves (to 127.0.0.1): a client reaches
 * them only by tunnelling through it, and must check the certificate against the name it asked for.
 */
const TEST_DOMAIN = '.okta-aws.test';

/** A small HTTP proxy on 127.0.0.1: absolute-form forwarding for http:// and CONNECT tunnels, loopback targets only. */
async function startProxy(): Promise<TestProxy> {
  const seen: SeenRequest[] = [];
  const refused: string[] = [];
  const sockets = new Set<Socket>();

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      refused.push(`${req.method} ${req.url} (origin-form: a direct request, not a proxy request)`);
      res.writeHead(400).end('proxy: expected an absolute-form request');
      return;
    }
    if (target.protocol !== 'http:' || !LOOPBACK.has(target.hostname)) {
      refused.push(`${req.method} ${req.url}`);
      res.writeHead(403).end('proxy: this test proxy forwards to loopback http:// only');
      return;
    }
    const entry: SeenRequest = { kind: 'forward', target: target.origin, method: req.method ?? '', path: target.pathname };
    seen.push(entry);
    if (/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')) {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => (entry.form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')))));
    }
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    delete headers['proxy-authorization'];
    const upstream = httpRequest(
      { host: target.hostname, port: target.port || 80, method: req.method, path: `${target.pathname}${target.search}`, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(`proxy: ${error.message}`);
    });
    req.pipe(upstream);
  };

  const server: Server = createHttpServer(forward);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(req.url ?? '');
    if (!match || !(LOOPBACK.has(match[1]!) || match[1]!.endsWith(TEST_DOMAIN))) {
      refused.push(`CONNECT ${req.url}`);
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    seen.push({ kind: 'connect', target: req.url!, method: 'CONNECT', path: '' });
    // The proxy resolves names, as a corporate one does: the test domain (and localhost, which may
    // resolve to ::1 first) is 127.0.0.1, where every server in these tests listens.
    const host = match[1] === 'localhost' || match[1]!.endsWith(TEST_DOMAIN) ? '127.0.0.1' : match[1]!.replace(/^\[|\]$/g, '');
    const upstream = netConnect(Number(match[2]), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    refused,
    count: (target, kind) => seen.filter((s) => s.target === target && (!kind || s.kind === kind)).length,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A TLS front for a plain-http emulator, so a client has to tunnel (CONNECT) to reach it through a proxy. */
async function startTlsFront(name: string, backendUrl: string, key: string, cert: string): Promise<{ url: string; close(): Promise<void> }> {
  const backend = new URL(backendUrl);
  const sockets = new Set<Socket>();
  const server: TlsServer = createTlsServer({ key, cert }, (tlsSocket) => {
    const upstream = netConnect(Number(backend.port), backend.hostname);
    for (const s of [tlsSocket, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    tlsSocket.pipe(upstream).pipe(tlsSocket);
    upstream.on('error', () => tlsSocket.destroy());
    tlsSocket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    // By name, as real endpoints are: see the note on https-proxy-agent and IP literals in the test.
    url: `https://${name}:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A throwaway self-signed certificate for the test names (openssl ships with every Debian system through ca-certificates). */
async function selfSignedCert(dir: string, names: string[]): Promise<{ key: string; cert: string; certFile: string }> {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  try {
    await promisify(execFile)(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', `/CN=${names[0]}`, '-addext', `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`],
      { timeout: 20_000 },
    );
  } catch (error) {
    throw new Error(`openssl could not make a test certificate (is the openssl package installed?): ${(error as Error).message}`);
  }
  return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8'), certFile };
}

const sum = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);

let emu: Emulators;
let box: Sandbox;
let proxy: TestProxy;

beforeEach(async () => {
  emu = await startEmulators();
  box = await sandbox(emu.env);
  await writePythonSettings(box, emu);
  proxy = await startProxy();
});
afterEach(async () => {
  await Promise.all([box.cleanup(), emu.close(), proxy.close()]);
});

const PROFILES = ['okta-111111111111-Admin', 'okta-111111111111-team-dev-Deployer', 'okta-222222222222-Auditor'];

describe('HTTP(S)_PROXY', () => {
  it('sends every Okta, STS and federation request of refresh and console-url through the proxy', async () => {
    const env = { ...box.env, HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: '' };
    const refresh = await runCli(['refresh', '--json'], { env });
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(JSON.parse(refresh.stdout).profiles.map((p: { profile: string }) => p.profile)).toEqual(PROFILES);

    // Okta (node-fetch in lib/http): the password, the TOTP verify and the SSO page, all forwarded.
    const okta = proxy.seen.filter((s) => s.target === emu.okta.url);
    expect(okta.map((s) => `${s.method} ${s.path}`)).toEqual(
      expect.arrayContaining(['POST /api/v1/authn', expect.stringMatching(/^POST \/api\/v1\/authn\/factors\/[^/]+\/verify$/), `GET ${new URL(emu.okta.ssoUrl).pathname}`]),
    );
    // ...and nothing reached Okta around the proxy: it forwarded exactly as many requests as Okta served.
    expect(okta.length).toBe(sum(emu.okta.counters.byPath));

    // STS (the SDK's NodeHttpHandler with the proxy agent): every role's AssumeRoleWithSAML, and
    // every request STS received, came through the proxy.
    const sts = proxy.seen.filter((s) => s.target === emu.sts.url);
    expect(sts.length).toBe(sum(emu.sts.counters.byAction));
    expect(sts.every((s) => s.method === 'POST' && s.path === '/' && s.form?.Action === 'AssumeRoleWithSAML')).toBe(true);
    expect(new Set(sts.map((s) => s.form?.RoleArn))).toEqual(
      new Set(['arn:aws:iam::111111111111:role/Admin', 'arn:aws:iam::111111111111:role/team/dev/Deployer', 'arn:aws:iam::222222222222:role/Auditor']),
    );
    // Exactly one call per role: concurrent requests through the proxy must not be torn down and
    // retried (proxy-agent's ProxyAgent did that; src/lib/http.ts shares one agent per proxy now).
    expect(emu.sts.counters.ok.AssumeRoleWithSAML).toBe(3);

    // The sign-in page (account names, read by refresh) and federation (console-url), node-fetch again.
    expect(emu.federation.counters.samlPage).toBe(1);
    expect(proxy.count(emu.federation.url, 'forward')).toBe(1);
    const consoleUrl = await runCli(['console-url', 'okta-111111111111-Admin'], { env });
    expect(consoleUrl.code, consoleUrl.stderr).toBe(0);
    expect(emu.federation.counters.getSigninToken).toBe(1);
    expect(proxy.count(emu.federation.url, 'forward')).toBe(2);

    expect(proxy.refused).toEqual([]);
  });

  it('sends nothing to the proxy when NO_PROXY names the host, and still works', async () => {
    const env = { ...box.env, HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' };
    const refresh = await runCli(['refresh', '--json'], { env });
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(JSON.parse(refresh.stdout).profiles).toHaveLength(3);
    const consoleUrl = await runCli(['console-url', 'okta-111111111111-Admin'], { env });
    expect(consoleUrl.code, consoleUrl.stderr).toBe(0);

    // The servers were used, directly.
    expect(sum(emu.okta.counters.byPath)).toBeGreaterThanOrEqual(3);
    expect(emu.sts.counters.ok.AssumeRoleWithSAML).toBe(3);
    expect(emu.federation.counters.getSigninToken).toBe(1);
    expect(proxy.seen).toEqual([]);
    expect(proxy.refused).toEqual([]);
  });

  it('fails with a one-line network error, not a hang, when the proxy is down', async () => {
    const deadUrl = proxy.url;
    await proxy.close();
    proxy = await startProxy(); // so afterEach has a live one to close
    const refresh = await runCli(['refresh'], { env: { ...box.env, HTTPS_PROXY: deadUrl, HTTP_PROXY: deadUrl, NO_PROXY: '', OKTA_AWS_HTTP_TIMEOUT: '10' } });
    expect(refresh.code).not.toBe(0);
    expect(refresh.stderr.trim().split('\n').filter((l) => l.startsWith('okta-aws:'))).toEqual([
      expect.stringMatching(/Cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\).*proxy/),
    ]);
    expect(sum(emu.okta.counters.byPath)).toBe(0);
  });
});

describe('HTTPS_PROXY with https:// endpoints (CONNECT tunnels)', () => {
  let certDir: string;
  const fronts: { close(): Promise<void> }[] = [];
  beforeEach(async () => {
    certDir = await mkdtemp(join(tmpdir(), 'okta-aws-proxy-cert-'));
  });
  afterEach(async () => {
    await Promise.all(fronts.splice(0).map((f) => f.close()));
    await rm(certDir, { recursive: true, force: true });
  });

  // The endpoints are named (https://sts.okta-aws.test:PORT), like real ones, and only the proxy
  // can resolve those names: a client that looked them up itself, or skipped the tunnel, fails.
  // The certificate is checked against the name (not "localhost", not the IP). With an IP literal
  // (https://127.0.0.1:PORT) the TLS check fails with "Host: localhost. is not cert's CN": after the
  // CONNECT, https-proxy-agent 9.1 calls tls.connect() without `host` and, for an IP, without
  // `servername`, so Node checks the certificate against "localhost" (TooTallNate/proxy-agents#365,
  // fix proposed in #367). Real Okta and STS endpoints are host names, so okta-aws is not affected.
  it('tunnels STS (SDK) and federation (node-fetch) through CONNECT, trusting NODE_EXTRA_CA_CERTS', async () => {
    const names = [`sts${TEST_DOMAIN}`, `signin${TEST_DOMAIN}`];
    const { key, cert, certFile } = await selfSignedCert(certDir, names);
    const sts = await startTlsFront(names[0]!, emu.sts.url, key, cert);
    const federation = await startTlsFront(names[1]!, emu.federation.url, key, cert);
    fronts.push(sts, federation);
    const stsTarget = new URL(sts.url).host;
    const federationTarget = new URL(federation.url).host;
    const env = {
      ...box.env,
      AWS_ENDPOINT_URL_STS: sts.url,
      AWS_ENDPOINT_URL_SIGNIN: federation.url,
      NODE_EXTRA_CA_CERTS: certFile,
      HTTPS_PROXY: proxy.url,
      HTTP_PROXY: proxy.url,
      NO_PROXY: '',
    };

    const refresh = await runCli(['refresh', '--json'], { env });
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(JSON.parse(refresh.stdout).profiles).toHaveLength(3);
    expect(emu.sts.counters.ok.AssumeRoleWithSAML).toBe(3);
    // At least one tunnel to STS (calls may share one), and no plain forward.
    expect(proxy.count(stsTarget, 'connect')).toBeGreaterThanOrEqual(1);
    expect(proxy.count(emu.sts.url)).toBe(0);

    const consoleUrl = await runCli(['console-url', 'okta-111111111111-Admin'], { env });
    expect(consoleUrl.code, consoleUrl.stderr).toBe(0);
    expect(new URL(consoleUrl.stdout.trim()).origin).toBe(federation.url);
    expect(emu.federation.counters.getSigninToken).toBe(1);
    // One tunnel for refresh's sign-in page (account names), one for console-url's federation call.
    expect(emu.federation.counters.samlPage).toBe(1);
    expect(proxy.count(federationTarget, 'connect')).toBe(2);

    // Okta stayed plain http:// here, so it went through the same proxy by absolute-form forwarding.
    expect(proxy.count(emu.okta.url, 'forward')).toBe(sum(emu.okta.counters.byPath));
    expect(proxy.refused).toEqual([]);
  });
});
