/**
 * An emulated AWS sign-in endpoint: GET /federation (getSigninToken from STS credentials, checked against
 * what the STS emulator issued, and login: 302 to the console Destination), and POST /saml, the page a
 * browser gets when it posts Okta's SAMLResponse (role selection with account names, in either format AWS
 * has served, or a redirect for a single role).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Clock, mediaType, randomString, readBody, readControlJson, sendJson, startServer } from './http.js';
import type { Trust } from './saml.js';
import type { Sts } from './sts.js';

/** How POST /saml answers: the classic page, the newer `<meta name="data">` page, or a broken one. */
export type SamlPageFormat = 'classic' | 'meta' | 'garbage' | 'error' | 'hang';

export interface FederationOptions {
  sts: Sts;
  /** Default: the STS emulator's clock. */
  clock?: Clock;
  /** How long a SigninToken can be used for Action=login. Default 900 s. */
  tokenLifetimeSeconds?: number;
  /** Checks POSTed SAMLResponses as AWS does (signature, expiry). Without it /saml answers 404. */
  trust?: Trust;
  /** Account aliases shown on the role-selection page. */
  accountAliases?: Record<string, string>;
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
  /** POST /saml requests. */
  samlPage: number;
  /** 4xx answers by reason. */
  errors: Record<string, number>;
}

export interface Federation {
  url: string;
  counters: FederationCounters;
  tokens: Map<string, SigninTokenRecord>;
  /** The last successful login: where it sent the browser, and with which token. */
  lastLogin: { destination: string; issuer: string | null; token: SigninTokenRecord } | undefined;
  /** POST /saml's page format and the aliases it shows; tests change them (or POST /__emulator/saml-page). */
  samlPage: { format: SamlPageFormat; accountAliases: Record<string, string> };
  close(): Promise<void>;
}

const newCounters = (): FederationCounters => ({ getSigninToken: 0, login: 0, tokensIssued: 0, logins: 0, samlPage: 0, errors: {} });
const SAML_PAGE_FORMATS: SamlPageFormat[] = ['classic', 'meta', 'garbage', 'error', 'hang'];

class FederationError extends Error {}

export async function startFederation(opts: FederationOptions): Promise<Federation> {
  const clock = opts.clock ?? opts.sts.clock;
  const lifetimeMs = (opts.tokenLifetimeSeconds ?? 900) * 1000;
  const fed: Federation = {
    url: '',
    counters: newCounters(),
    tokens: new Map(),
    lastLogin: undefined,
    samlPage: { format: 'classic', accountAliases: { ...opts.accountAliases } },
    close: async () => undefined,
  };

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

  /** The roles of a POSTed SAMLResponse that this IdP issued, unmodified and unexpired; else undefined. */
  const trustedRoles = (b64: string) => {
    const xml = Buffer.from(b64, 'base64');
    const id = /<saml2:Assertion\b[^>]*\sID="([^"]+)"/.exec(xml.toString('utf8'))?.[1];
    const trusted = id === undefined ? undefined : opts.trust?.get(id);
    if (!trusted || trusted.digest !== createHash('sha256').update(xml).digest('hex')) return undefined;
    if (clock.now() >= trusted.notOnOrAfter) return undefined;
    return trusted.roles.map((r) => r.roleArn);
  };

  const samlPage = async (req: IncomingMessage, res: ServerResponse) => {
    fed.counters.samlPage++;
    if (req.method !== 'POST' || mediaType(req.headers['content-type']) !== 'application/x-www-form-urlencoded') {
      res.writeHead(405, { 'Content-Type': 'text/plain' });
      return res.end('Method Not Allowed');
    }
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    const roles = trustedRoles(form.get('SAMLResponse') ?? '');
    const { format, accountAliases } = fed.samlPage;
    if (format === 'hang') return; // never answers: the client's timeout must end it
    if (format === 'error' || !roles) {
      res.writeHead(roles ? 500 : 400, { 'Content-Type': 'text/html' });
      return res.end(`<html><body><h1>${roles ? 'Internal error' : 'Your request included an invalid SAML response.'}</h1></body></html>`);
    }
    if (new Set(roles).size === 1) {
      res.writeHead(302, { Location: 'https://console.aws.amazon.com/', 'Content-Length': 0 });
      return res.end();
    }
    res.writeHead(200, { 'Content-Type': 'text/html;charset=UTF-8' });
    if (format === 'garbage') return res.end('<html><body><p>We are upgrading this page. Please try later.</p></body></html>');
    const byAccount = new Map<string, string[]>();
    for (const arn of roles) {
      const account = arn.split(':')[4]!;
      byAccount.set(account, [...(byAccount.get(account) ?? []), arn]);
    }
    const label = (account: string) => (accountAliases[account] ? `${accountAliases[account]} (${account})` : account);
    if (format === 'meta') {
      const data = { roles_accounts: Object.fromEntries([...byAccount].map(([account, arns]) => [label(account), arns])), saml_response: '…' };
      return res.end(`<!DOCTYPE html><html><head><meta name="data" content="${Buffer.from(JSON.stringify(data)).toString('base64')}"><title>Amazon Web Services Sign-In</title></head><body><div id="root"></div></body></html>`);
    }
    const accounts = [...byAccount]
      .map(
        ([account, arns]) =>
          `<div class="saml-account"> <div onClick="expandCollapse(0);"><img id="image0" src="/static/image/down.png" valign="middle"></img>` +
          `<div class="saml-account-name">Account: ${label(account)}</div></div><hr style="border: 1px solid #ddd;"><div id="0" class="saml-account" >` +
          arns.map((arn) => `<div class="saml-role" onClick="checkRadio(this);"><input type="radio" name="roleIndex" value="${arn}" class="saml-radio" id="${arn}" /><label for="${arn}" class="saml-role-description">${arn.split(':role/')[1]}</label><span style="clear: both;"></span></div>`).join('') +
          '</div></div>',
      )
      .join('');
    return res.end(`<!DOCTYPE html><html><head><title>Amazon Web Services Sign-In</title></head><body><form id="saml_form" name="saml_form" action="/saml" method="post"><fieldset>${accounts}</fieldset></form></body></html>`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', fed.url);
    if (url.pathname === '/__emulator/saml-page' && req.method === 'POST') {
      const body = await readControlJson(req);
      if (body.format !== undefined) {
        if (!SAML_PAGE_FORMATS.includes(body.format as SamlPageFormat)) return sendJson(res, 400, { error: `format must be one of ${SAML_PAGE_FORMATS.join(', ')}` });
        fed.samlPage.format = body.format as SamlPageFormat;
      }
      if (body.accountAliases !== undefined) fed.samlPage.accountAliases = body.accountAliases as Record<string, string>;
      return sendJson(res, 200, fed.samlPage);
    }
    if (url.pathname === '/saml' && opts.trust) return samlPage(req, res);
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
