/**
 * An emulated Okta Classic org on loopback: /api/v1/authn (+ factor verify), the AWS app's SSO URL, sessions,
 * sessionCookieRedirect, rate-limit headers, Okta error bodies, counters and fault injection
 * (in process via org.faults, or over HTTP at /__emulator/*).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthnEngine, makeUser, oktaError, malformed, type AuthnCounters, type OktaUser, type OktaUserConfig, type Reply } from './okta-authn.js';
import { type OktaFault, validateOktaFault } from './okta-faults.js';
import { newPushCounters, validatePushScript } from './okta-push.js';
import { FaultQueue } from './faults.js';
import { OAuthServer } from './okta-oauth.js';
import { Clock, isoMillis, mediaType, parseCookies, pathMatches, randomString, readBody, readControlJson, sendJson, startServer } from './http.js';
import { buildSamlResponse, samlFormPage, signInPage, signinSamlUrl, stepUpPage, Trust } from './saml.js';

export type { OktaUserConfig, OktaUser, FactorKind, UserStatus } from './okta-authn.js';
export type { OktaFault } from './okta-faults.js';
export type { OAuthKnobs, OAuthCounters, DeviceApproval } from './okta-oauth.js';

/** The client id of the emulated org's OIDC native app for CLIs (device flow), unless given. */
export const DEFAULT_CLIENT_ID = '0oa1cliapp0000000x7';
/** The AWS app instance id (as in its dashboard link /home/amazon_aws/<id>/272), unless given. */
export const DEFAULT_AWS_APP_INSTANCE_ID = '0oa1awsapp0000000x7';
export type { PushScript, PushAnswer } from './okta-push.js';

export interface OktaOrgOptions {
  users: OktaUserConfig[];
  /** Shared with STS/federation so that assertion and credential lifetimes line up. */
  clock?: Clock;
  /** Shared with STS. A new one by default. */
  trust?: Trust;
  /** The app instance id in the SSO path. Default exk1abc. */
  appId?: string;
  orgName?: string;
  /** Okta session (sid) lifetime. Default 7200 s. */
  sessionLifetimeSeconds?: number;
  /** Lifetime of the assertion's NotOnOrAfter. Default 300 s. */
  assertionLifetimeSeconds?: number;
  /** Requests per minute per endpoint before a natural 429. Default 600. */
  rateLimitPerMinute?: number;
  /** What /.well-known/okta-organization reports. Default v1 (Classic). */
  pipeline?: 'v1' | 'idx';
  /** The OIDC native app's client id (device authorization, token exchange, refresh token). */
  clientId?: string;
  /** The AWS app instance id (0oa…) of the dashboard link and of web SSO token audiences. */
  awsAppInstanceId?: string;
}

export interface OktaCounters extends AuthnCounters {
  ssoPages: number;
  assertionsIssued: number;
  sessionsCreated: number;
  rateLimited: number;
  /** Requests per "METHOD /path" (factor ids kept). */
  byPath: Record<string, number>;
}

export interface OktaSession {
  id: string;
  user: OktaUser;
  createdAt: number;
  expiresAt: number;
}

export interface OktaOrg {
  /** Origin, e.g. http://127.0.0.1:PORT */
  url: string;
  /** The AWS app's SSO URL: {url}/app/amazon_aws/exk1abc/sso/saml */
  ssoUrl: string;
  /** The AWS app's dashboard link: {url}/home/amazon_aws/<app instance id>/272 (serves the same page). */
  dashboardUrl: string;
  /** OAuth endpoints, knobs (`oauth.knobs`) and counters (`oauth.counters`). */
  oauth: OAuthServer;
  trust: Trust;
  clock: Clock;
  counters: OktaCounters;
  /** By lower-cased login. */
  users: Map<string, OktaUser>;
  sessions: Map<string, OktaSession>;
  faults: FaultQueue<OktaFault>;
  authn: AuthnEngine;
  sessionLifetimeSeconds: number;
  assertionLifetimeSeconds: number;
  rateLimitPerMinute: number;
  expireAllSessions(): void;
  resetCounters(): void;
  close(): Promise<void>;
}

const newCounters = (): OktaCounters => ({
  ...newPushCounters(),
  authn: 0,
  verify: 0,
  passCodes: 0,
  cancels: 0,
  mfaFailures: 0,
  sessionTokensIssued: 0,
  ssoPages: 0,
  assertionsIssued: 0,
  sessionsCreated: 0,
  rateLimited: 0,
  byPath: {},
});

export async function startOktaOrg(opts: OktaOrgOptions): Promise<OktaOrg> {
  const clock = opts.clock ?? new Clock();
  const users = new Map(opts.users.map((c) => [c.login.toLowerCase(), makeUser(c)] as const));
  const appId = opts.appId ?? 'exk1abc';
  const ssoPath = `/app/amazon_aws/${appId}/sso/saml`;
  const awsAppInstanceId = opts.awsAppInstanceId ?? DEFAULT_AWS_APP_INSTANCE_ID;
  const dashboardPath = `/home/amazon_aws/${awsAppInstanceId}/272`;
  const orgName = opts.orgName ?? 'Example';
  let origin = '';
  const counters = newCounters();
  const buckets = new Map<string, { window: number; used: number }>();

  const org: OktaOrg = {
    url: '',
    ssoUrl: '',
    dashboardUrl: '',
    oauth: undefined as unknown as OAuthServer,
    trust: opts.trust ?? new Trust(),
    clock,
    counters,
    users,
    sessions: new Map(),
    faults: new FaultQueue(validateOktaFault),
    authn: new AuthnEngine(users, clock, () => origin, counters),
    sessionLifetimeSeconds: opts.sessionLifetimeSeconds ?? 7200,
    assertionLifetimeSeconds: opts.assertionLifetimeSeconds ?? 300,
    rateLimitPerMinute: opts.rateLimitPerMinute ?? 600,
    expireAllSessions: () => org.sessions.clear(),
    resetCounters: () => {
      Object.assign(counters, newCounters());
      org.oauth.resetCounters();
    },
    close: async () => undefined,
  };

  const rateHeaders = (bucketKey: string, consume: boolean): { headers: Record<string, string>; exceeded: boolean } => {
    const window = Math.floor(clock.now() / 60_000);
    let b = buckets.get(bucketKey);
    if (!b || b.window !== window) buckets.set(bucketKey, (b = { window, used: 0 }));
    if (consume) b.used++;
    const limit = org.rateLimitPerMinute;
    return {
      exceeded: b.used > limit,
      headers: {
        'X-Rate-Limit-Limit': String(limit),
        'X-Rate-Limit-Remaining': String(Math.max(0, limit - b.used)),
        'X-Rate-Limit-Reset': String((window + 1) * 60),
      },
    };
  };

  const liveSession = (req: IncomingMessage): OktaSession | undefined => {
    const sid = parseCookies(req.headers.cookie).get('sid');
    const s = sid ? org.sessions.get(sid) : undefined;
    if (s && s.expiresAt <= clock.now()) org.sessions.delete(s.id);
    return s && s.expiresAt > clock.now() ? s : undefined;
  };

  const createSession = (user: OktaUser): OktaSession => {
    const now = clock.now();
    const s = { id: `102${randomString(22)}`, user, createdAt: now, expiresAt: now + org.sessionLifetimeSeconds * 1000 };
    org.sessions.set(s.id, s);
    counters.sessionsCreated++;
    return s;
  };

  const sessionCookies = (s: OktaSession): string[] => [
    `sid=${s.id}; Path=/; HttpOnly`,
    `JSESSIONID=${randomString(32, '0123456789ABCDEF')}; Path=/; HttpOnly`,
  ];

  const sessionJson = (s: OktaSession) => ({
    id: s.id,
    userId: s.user.id,
    login: s.user.config.login,
    createdAt: isoMillis(s.createdAt),
    expiresAt: isoMillis(s.expiresAt),
    status: 'ACTIVE',
    lastPasswordVerification: isoMillis(s.createdAt),
    lastFactorVerification: isoMillis(s.createdAt),
    amr: s.user.factors.length ? ['pwd', 'otp', 'mfa'] : ['pwd'],
    idp: { id: '00o1okta0000000000x7', type: 'OKTA' },
    mfaActive: s.user.factors.length > 0,
    _links: {
      self: { href: `${origin}/api/v1/sessions/me`, hints: { allow: ['GET', 'DELETE'] } },
      refresh: { href: `${origin}/api/v1/sessions/me/lifecycle/refresh`, hints: { allow: ['POST'] } },
      user: { name: s.user.config.login, href: `${origin}/api/v1/users/me`, hints: { allow: ['GET'] } },
    },
  });

  const html = (res: ServerResponse, status: number, body: string, headers: Record<string, string | string[]> = {}) => {
    res.writeHead(status, {
      'Content-Type': 'text/html;charset=utf-8',
      'Cache-Control': 'no-cache, no-store',
      'X-Frame-Options': 'SAMEORIGIN',
      ...headers,
    });
    res.end(body);
  };

  /** The SSO URL: spend a token or use the sid cookie, then serve the SAML form (or a page without it). */
  const ssoPage = (req: IncomingMessage, res: ServerResponse, url: URL, rh: Record<string, string>) => {
    counters.ssoPages++;
    const token = url.searchParams.get('sessionToken') ?? url.searchParams.get('onetimetoken');
    const fromToken = org.authn.consumeSessionToken(token);
    let session: OktaSession | undefined;
    let cookies: string[] = [];
    if (fromToken) {
      session = createSession(fromToken);
      cookies = sessionCookies(session);
    } else {
      session = liveSession(req);
    }
    const headers = { ...rh, ...(cookies.length ? { 'Set-Cookie': cookies } : {}) };
    if (!session) return html(res, 200, signInPage({ orgName, fromUri: url.pathname }), headers);
    const fault = org.faults.take((f) => ['noSamlResponse', 'stepUp', 'brokenSaml', 'noRoles'].includes(f.kind));
    if (fault?.kind === 'noSamlResponse') return html(res, 200, signInPage({ orgName, fromUri: url.pathname }), headers);
    if (fault?.kind === 'stepUp')
      return html(res, 200, stepUpPage({ stateToken: org.authn.stepUpTransaction(session.user), orgName, fromUri: url.pathname }), headers);
    if (fault?.kind === 'brokenSaml') {
      const c = session.user.config;
      const broken = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol"><saml2:Assertion>').toString('base64');
      return html(res, 200, samlFormPage({ samlResponse: broken, action: signinSamlUrl(c.partition ?? 'aws', c.region), orgName }), headers);
    }
    html(res, 200, samlFormFor(session.user, fault?.kind === 'noRoles'), headers);
  };

  /** The AWS app's SAML form page for a signed-in user: a fresh assertion, recorded as trusted. */
  const samlFormFor = (user: OktaUser, omitRoleAttribute = false): string => {
    const c = user.config;
    const action = signinSamlUrl(c.partition ?? 'aws', c.region);
    const built = buildSamlResponse({
      issuer: `http://www.okta.com/${appId}`,
      destination: action,
      nameId: c.login,
      roles: c.roles,
      sessionName: c.sessionName ?? c.login,
      sessionDuration: c.sessionDuration ?? 3600,
      now: clock.now(),
      lifetimeSeconds: org.assertionLifetimeSeconds,
      omitRoleAttribute,
    });
    org.trust.record(built.assertion);
    counters.assertionsIssued++;
    return samlFormPage({ samlResponse: built.base64, action, orgName });
  };
  org.oauth = new OAuthServer({ clock, users, origin: () => origin, samlFormFor: (user) => samlFormFor(user), clientId: opts.clientId ?? DEFAULT_CLIENT_ID, awsAppInstanceId });

  const control = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    try {
      const m = req.method;
      if (path.startsWith('/__emulator/oauth/')) {
        const answer = org.oauth.control(path, m ?? 'GET', m === 'POST' ? await readControlJson(req) : {});
        if (answer !== undefined) return sendJson(res, 200, answer);
      }
      if (path === '/__emulator/counters' && m === 'GET') return sendJson(res, 200, counters);
      if (path === '/__emulator/counters/reset' && m === 'POST') return (org.resetCounters(), sendJson(res, 200, counters));
      if (path === '/__emulator/faults' && m === 'GET') return sendJson(res, 200, org.faults.list());
      if (path === '/__emulator/faults' && m === 'POST') return (org.faults.add(await readControlJson(req)), sendJson(res, 200, org.faults.list()));
      if (path === '/__emulator/faults' && m === 'DELETE') return (org.faults.clear(), sendJson(res, 200, []));
      if (path === '/__emulator/push' && m === 'POST') {
        const b = await readControlJson(req);
        const user = typeof b.login === 'string' ? users.get(b.login.toLowerCase()) : undefined;
        if (!user) throw new Error('login must name a user of this org');
        user.config.push = validatePushScript(b);
        return sendJson(res, 200, user.config.push);
      }
      if (path === '/__emulator/push/answer' && m === 'POST') {
        const b = await readControlJson(req);
        if (typeof b.login !== 'string' || (b.answer !== 'approve' && b.answer !== 'reject')) throw new Error('needs login and answer approve|reject');
        const waiting = org.authn.answerPush(b.login, b.answer);
        return sendJson(res, waiting ? 200 : 404, waiting ? { answered: b.answer } : { error: `no push is waiting for ${b.login}` });
      }
      if (path === '/__emulator/sessions/expire' && m === 'POST') return (org.expireAllSessions(), sendJson(res, 200, { sessions: 0 }));
      if (path === '/__emulator/clock' && m === 'POST') {
        const b = await readControlJson(req);
        if (typeof b.advanceSeconds !== 'number') throw new Error('advanceSeconds must be a number');
        clock.advance(b.advanceSeconds * 1000);
        return sendJson(res, 200, { now: isoMillis(clock.now()) });
      }
      if (path === '/__emulator/config' && m === 'POST') {
        const b = await readControlJson(req);
        for (const key of ['sessionLifetimeSeconds', 'assertionLifetimeSeconds', 'rateLimitPerMinute'] as const) {
          if (b[key] === undefined) continue;
          if (typeof b[key] !== 'number') throw new Error(`${key} must be a number`);
          org[key] = b[key];
        }
        return sendJson(res, 200, { sessionLifetimeSeconds: org.sessionLifetimeSeconds, assertionLifetimeSeconds: org.assertionLifetimeSeconds, rateLimitPerMinute: org.rateLimitPerMinute });
      }
      sendJson(res, 404, { error: `no control endpoint ${m} ${path}` });
    } catch (err) {
      sendJson(res, 400, { error: err instanceof Error ? err.message : String(err) });
    }
  };

  /** Reads a JSON API body strictly: Content-Type application/json and a JSON object. */
  const jsonBody = async (req: IncomingMessage): Promise<{ body: Record<string, unknown> } | { error: Reply }> => {
    if (mediaType(req.headers['content-type']) !== 'application/json')
      return { error: oktaError(415, 'E0000003', 'The request body was not well-formed.', ['Content-Type must be application/json']) };
    const raw = (await readBody(req)).toString('utf8');
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return { body: parsed as Record<string, unknown> };
    } catch {
      // fall through
    }
    return { error: malformed() };
  };

  const api = async (req: IncomingMessage, url: URL): Promise<Reply & { headers?: Record<string, string | string[]> }> => {
    const m = req.method ?? 'GET';
    const p = url.pathname;
    const accept = req.headers.accept ?? '';
    if (!/application\/json/i.test(accept))
      return oktaError(406, 'E0000003', 'Not Acceptable', ['Accept must include application/json']);
    const verify = /^\/api\/v1\/authn\/factors\/([A-Za-z0-9]+)\/verify$/.exec(p);
    const resend = /^\/api\/v1\/authn\/factors\/([A-Za-z0-9]+)\/verify\/resend$/.exec(p);
    const post = async (fn: (b: Record<string, unknown>) => Reply): Promise<Reply> => {
      const b = await jsonBody(req);
      return 'error' in b ? b.error : fn(b.body);
    };
    // An idx org whose policy refuses the classic login (FastPass, passwordless) answers like a failed one.
    if (m === 'POST' && p === '/api/v1/authn' && !org.oauth.knobs.classicLogin) return oktaError(401, 'E0000004', 'Authentication failed');
    if (m === 'POST' && p === '/api/v1/authn') return post((b) => org.authn.authn(b));
    if (m === 'POST' && verify) return post((b) => org.authn.verify(verify[1]!, url.searchParams, b));
    if (m === 'POST' && resend) return post((b) => org.authn.resend(resend[1]!, b));
    if (m === 'POST' && p === '/api/v1/authn/skip') return post((b) => org.authn.skip(b));
    if (m === 'POST' && p === '/api/v1/authn/cancel') return post((b) => org.authn.cancel(b));
    if (m === 'POST' && p === '/api/v1/sessions')
      return post((b) => {
        if (typeof b.sessionToken !== 'string') return oktaError(400, 'E0000001', 'Api validation failed: sessionToken', ['sessionToken: The field cannot be left blank']);
        const user = org.authn.consumeSessionToken(b.sessionToken);
        return user ? { status: 200, body: sessionJson(createSession(user)) } : oktaError(401, 'E0000004', 'Authentication failed');
      });
    if (p === '/api/v1/sessions/me' || p === '/api/v1/sessions/me/lifecycle/refresh') {
      const s = liveSession(req);
      if (!s) return oktaError(404, 'E0000007', 'Not found: Resource not found: me (Session)');
      if (m === 'GET' && p === '/api/v1/sessions/me') return { status: 200, body: sessionJson(s) };
      if (m === 'DELETE' && p === '/api/v1/sessions/me') {
        org.sessions.delete(s.id);
        return { status: 204, body: undefined, headers: { 'Set-Cookie': ['sid=""; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/'] } };
      }
      if (m === 'POST' && p === '/api/v1/sessions/me/lifecycle/refresh') {
        s.expiresAt = clock.now() + org.sessionLifetimeSeconds * 1000;
        return { status: 200, body: sessionJson(s) };
      }
      return oktaError(405, 'E0000022', 'The endpoint does not support the provided HTTP method');
    }
    return oktaError(404, 'E0000007', `Not found: Resource not found: ${p} (GenericResource)`);
  };

  const server = await startServer(async (req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const p = url.pathname;
    if (p.startsWith('/__emulator/')) return control(req, res, p);
    const key = `${req.method} ${p}`;
    counters.byPath[key] = (counters.byPath[key] ?? 0) + 1;

    const netFault = org.faults.take((f) => ['rateLimit', 'serverError', 'html', 'hang', 'oktaError'].includes(f.kind) && pathMatches((f as { path?: string }).path, p));
    if (netFault?.kind === 'hang') return; // accepted, never answered (closed by close())
    const shape = org.faults.take((f) => ['redirect', 'hugeBody', 'stallBody'].includes(f.kind) && pathMatches((f as { path?: string }).path, p));
    if (shape?.kind === 'redirect') {
      res.writeHead(shape.status ?? 307, { Location: shape.location });
      return res.end();
    }
    if (shape?.kind === 'hugeBody') {
      res.writeHead(200, { 'Content-Type': 'text/html;charset=utf-8' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      for (let sent = 0; sent < (shape.bytes ?? 8 * 1024 * 1024); sent += chunk.length) if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
      return res.end();
    }
    if (shape?.kind === 'stallBody') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '4096' });
      return void res.write('{"status":"'); // the rest never comes (closed by close())
    }
    const rl = rateHeaders(p.replace(/\/factors\/[^/]+\//, '/factors/{id}/'), true);
    if (netFault?.kind === 'rateLimit' || rl.exceeded) {
      counters.rateLimited++;
      const reset = netFault?.kind === 'rateLimit' ? clock.nowSeconds() + (netFault.resetInSeconds ?? 1) : Number(rl.headers['X-Rate-Limit-Reset']);
      const e = oktaError(429, 'E0000047', 'API call exceeded rate limit due to too many requests.');
      return sendJson(res, 429, e.body, { ...rl.headers, 'X-Rate-Limit-Remaining': '0', 'X-Rate-Limit-Reset': String(reset) });
    }
    if (netFault?.kind === 'oktaError') {
      const e = oktaError(netFault.status ?? 400, 'E0000001', netFault.summary);
      return sendJson(res, e.status, e.body, rl.headers);
    }
    if (netFault?.kind === 'serverError') {
      const e = oktaError(500, 'E0000009', 'Internal Server Error');
      return sendJson(res, 500, e.body, rl.headers);
    }
    if (netFault?.kind === 'html')
      return html(res, netFault.status ?? 200, '<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body><h1>We are down for maintenance</h1></body></html>', rl.headers);

    if (await org.oauth.handle(req, res, url, rl.headers)) return;
    if (p === ssoPath || p === dashboardPath) {
      if (req.method !== 'GET') return html(res, 405, '<html><body>Method Not Allowed</body></html>', rl.headers);
      return ssoPage(req, res, url, rl.headers);
    }
    if (p === '/login/sessionCookieRedirect' && req.method === 'GET') {
      const redirectUrl = url.searchParams.get('redirectUrl');
      let target: URL | undefined;
      try {
        target = redirectUrl ? new URL(redirectUrl) : undefined;
      } catch {
        target = undefined;
      }
      if (!target || target.origin !== origin) return html(res, 400, '<html><body>Invalid redirectUrl: not a trusted origin</body></html>', rl.headers);
      const user = org.authn.consumeSessionToken(url.searchParams.get('token'));
      const cookies = user ? sessionCookies(createSession(user)) : [];
      res.writeHead(302, { ...rl.headers, Location: target.href, ...(cookies.length ? { 'Set-Cookie': cookies } : {}) });
      return res.end();
    }
    if (p === '/.well-known/okta-organization' && req.method === 'GET')
      return sendJson(res, 200, { id: '00o1okta0000000000x7', pipeline: opts.pipeline ?? 'v1', _links: { organization: { href: origin } } }, rl.headers);
    if (p.startsWith('/api/v1/')) {
      const answer = await api(req, url);
      const foreign = p === '/api/v1/authn' ? org.faults.take((f) => f.kind === 'foreignLinks') : undefined;
      const r = foreign?.kind === 'foreignLinks' ? { ...answer, body: JSON.parse(JSON.stringify(answer.body).replaceAll(origin, foreign.origin)) as unknown } : answer;
      if (r.status === 204) {
        res.writeHead(204, { ...rl.headers, ...(r.headers ?? {}) });
        return res.end();
      }
      return sendJson(res, r.status, r.body, { ...rl.headers, ...(r.headers ?? {}) });
    }
    html(res, 404, '<html><body>Not Found</body></html>', rl.headers);
  }, clock);
  origin = server.url;
  org.url = origin;
  org.ssoUrl = `${origin}${ssoPath}`;
  org.dashboardUrl = `${origin}${dashboardPath}`;
  org.close = () => server.close();
  return org;
}
