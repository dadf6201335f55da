/**
 * An emulated AWS sign-in federation endpoint (GET /federation): getSigninToken from STS credentials
 * (checked against what the STS emulator issued) and login (302 to the console Destination).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Clock, randomString, sendJson, startServer } from './http.js';
import type { Sts } from './sts.js';

export interface FederationOptions {
  sts: Sts;
  /** Default: the STS emulator's clock. */
  clock?: Clock;
  /** How long a SigninToken can be used for Action=login. Default 900 s. */
  tokenLifetimeSeconds?: number;
}

export interface SigninTokenRecord {
  token: string;
  accessKeyId: string;
  issuedAt: number;
  /** Console session length asked for (SessionDuration), if any. */
  sessionDuration: number | undefined;
}

export interface FederationCounters {
  getSigninToken: number;
  login: number;
  tokensIssued: number;
  logins: number;
  /** 4xx answers by reason. */
  errors: Record<string, number>;
}

export interface Federation {
  url: string;
  counters: FederationCounters;
  tokens: Map<string, SigninTokenRecord>;
  /** The last successful login: where it sent the browser, and with which token. */
  lastLogin: { destination: string; issuer: string | null; token: SigninTokenRecord } | undefined;
  close(): Promise<void>;
}

const newCounters = (): FederationCounters => ({ getSigninToken: 0, login: 0, tokensIssued: 0, logins: 0, errors: {} });

class FederationError extends Error {}

export async function startFederation(opts: FederationOptions): Promise<Federation> {
  const clock = opts.clock ?? opts.sts.clock;
  const lifetimeMs = (opts.tokenLifetimeSeconds ?? 900) * 1000;
  const fed: Federation = { url: '', counters: newCounters(), tokens: new Map(), lastLogin: undefined, close: async () => undefined };

  const getSigninToken = (q: URLSearchParams): SigninTokenRecord => {
    const raw = q.get('Session');
    if (raw === null) throw new FederationError('Missing Session parameter');
    let session: unknown;
    try {
      session = JSON.parse(raw);
    } catch {
      throw new FederationError('Invalid credentials parameter');
    }
    const s = session as Record<string, unknown> | null;
    if (!s || typeof s !== 'object' || Array.isArray(s)) throw new FederationError('Invalid credentials parameter');
    for (const k of ['sessionId', 'sessionKey', 'sessionToken'])
      if (typeof s[k] !== 'string' || s[k] === '') throw new FederationError('Invalid credentials parameter');
    const creds = opts.sts.lookup(s.sessionId as string);
    if (!creds || creds.secretAccessKey !== s.sessionKey || creds.sessionToken !== s.sessionToken)
      throw new FederationError('Invalid credentials parameter');
    if (clock.now() >= creds.expiration) throw new FederationError('Invalid credentials parameter: credentials have expired');
    const type = q.get('SessionType');
    if (type !== null && type !== 'json') throw new FederationError('Invalid SessionType');
    const rawDuration = q.get('SessionDuration');
    let sessionDuration: number | undefined;
    if (rawDuration !== null) {
      if (!/^\d+$/.test(rawDuration) || +rawDuration < 900 || +rawDuration > 43200) throw new FederationError('Invalid SessionDuration');
      if (creds.source === 'chained') throw new FederationError('Invalid credentials parameter');
      sessionDuration = +rawDuration;
    }
    const rec = { token: randomString(600, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), accessKeyId: creds.accessKeyId, issuedAt: clock.now(), sessionDuration };
    fed.tokens.set(rec.token, rec);
    fed.counters.tokensIssued++;
    return rec;
  };

  const login = (q: URLSearchParams, res: ServerResponse) => {
    const token = q.get('SigninToken');
    const destination = q.get('Destination');
    if (!token) throw new FederationError('Missing SigninToken');
    if (!destination) throw new FederationError('Missing Destination');
    let dest: URL;
    try {
      dest = new URL(destination);
    } catch {
      throw new FederationError('Invalid Destination');
    }
    if (dest.protocol !== 'https:') throw new FederationError('Invalid Destination');
    const rec = fed.tokens.get(token);
    if (!rec || clock.now() - rec.issuedAt > lifetimeMs) throw new FederationError('Invalid or expired SigninToken');
    fed.counters.logins++;
    fed.lastLogin = { destination: dest.href, issuer: q.get('Issuer'), token: rec };
    res.writeHead(302, { Location: dest.href, 'Content-Length': 0 });
    res.end();
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', fed.url);
    if (url.pathname === '/__emulator/counters' && req.method === 'GET') return sendJson(res, 200, fed.counters);
    if (url.pathname === '/__emulator/counters/reset' && req.method === 'POST') {
      Object.assign(fed.counters, newCounters());
      return sendJson(res, 200, fed.counters);
    }
    if (url.pathname !== '/federation') {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return res.end('Not Found');
    }
    const action = url.searchParams.get('Action');
    try {
      if (req.method !== 'GET') throw new FederationError('Only GET is supported');
      if (action === 'getSigninToken') {
        fed.counters.getSigninToken++;
        const rec = getSigninToken(url.searchParams);
        return sendJson(res, 200, { SigninToken: rec.token }, { 'Content-Type': 'application/json;charset=UTF-8' });
      }
      if (action === 'login') {
        fed.counters.login++;
        return login(url.searchParams, res);
      }
      throw new FederationError(`Invalid Action ${action ?? ''}`.trim());
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      fed.counters.errors[message] = (fed.counters.errors[message] ?? 0) + 1;
      res.writeHead(400, { 'Content-Type': 'text/plain;charset=UTF-8' });
      res.end(message);
    }
  };

  const server = await startServer(handle, clock);
  fed.url = server.url;
  fed.close = () => server.close();
  return fed;
}
