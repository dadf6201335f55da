/**
 * An emulated AWS STS (Query protocol, 2011-06-15) on loopback: AssumeRoleWithSAML (unsigned, checked against
 * the IdP's Trust registry), AssumeRole and GetCallerIdentity (SigV4-verified with the secrets it issued).
 * Latency and fault injection, counters, max concurrency; controls at /__emulator/*.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DOMParser } from '@xmldom/xmldom';
import { FaultQueue, optionalNumber, optionalString, requireObject } from './faults.js';
import { Clock, isoMillis, mediaType, randomUpper, readBody, readControlJson, sendJson, sleep, startServer, uuid } from './http.js';
import type { Trust } from './saml.js';
import { parseAuthorization, verifySigV4 } from './sigv4.js';
import {
  assumedRoleUserXml, credentialsXml, elements, errorXml, newAccessKeyId, newSecretAccessKey, newSessionToken,
  PROVIDER_ARN_RE, ROLE_ARN_RE, roleNameOf, SESSION_NAME_RE, successXml, type IssuedCredentials,
} from './sts-xml.js';

export type { IssuedCredentials } from './sts-xml.js';

export interface StsRoleConfig {
  /** MaxSessionDuration of the IAM role, 3600–43200. Default 43200. */
  maxSessionDuration?: number;
  /** AssumeRole into this role requires this ExternalId. */
  externalId?: string;
}

export interface StsOptions {
  trust: Trust;
  clock?: Clock;
  /** Delay before answering each call. */
  latencyMs?: number;
  roles?: Record<string, StsRoleConfig>;
  /** Issue credentials that last at most this long, whatever DurationSeconds asked (to test expiry mid-run). */
  credentialLifetimeSeconds?: number;
}

export type StsFaultCode = 'AccessDenied' | 'ExpiredTokenException' | 'InvalidIdentityToken' | 'Throttling' | 'InternalFailure';
/** Answers no STS gives, from a broken proxy or a hostile endpoint: 8 MB (or `bytes`) of body, or a body that stops halfway. */
export type StsBodyFault = 'hugeBody' | 'stallBody';
/** The next `count` calls (optionally only those with RoleArn=`roleArn` and/or Action=`action`) fail with `kind`. */
export interface StsFault {
  kind: StsFaultCode | StsBodyFault;
  bytes?: number;
  count?: number;
  roleArn?: string;
  action?: string;
}

export interface StsCounters {
  total: number;
  byAction: Record<string, number>;
  /** Successful calls per action. */
  ok: Record<string, number>;
  /** Error responses by code. */
  errors: Record<string, number>;
  inFlight: number;
  maxInFlight: number;
}

export interface Sts {
  url: string;
  clock: Clock;
  counters: StsCounters;
  /** Every credential issued, by access key id. */
  credentials: Map<string, IssuedCredentials>;
  lookup(accessKeyId: string): IssuedCredentials | undefined;
  faults: FaultQueue<StsFault>;
  latencyMs: number;
  roles: Record<string, StsRoleConfig>;
  /** See StsOptions; may be changed while running. */
  credentialLifetimeSeconds: number | undefined;
  resetCounters(): void;
  close(): Promise<void>;
}

class StsError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const FAULTS: Record<StsFaultCode, [number, string]> = {
  AccessDenied: [403, 'Not authorized to perform sts:AssumeRoleWithSAML'],
  ExpiredTokenException: [400, 'Token must be redeemed within 5 minutes of issuance'],
  InvalidIdentityToken: [400, 'Response signature invalid'],
  Throttling: [400, 'Rate exceeded'],
  InternalFailure: [500, 'An internal error occurred. Try again.'],
};

const BODY_FAULTS: ReadonlySet<string> = new Set<StsBodyFault>(['hugeBody', 'stallBody']);

function validateStsFault(raw: unknown): StsFault {
  const o = requireObject(raw);
  if (typeof o.kind !== 'string' || !(o.kind in FAULTS || BODY_FAULTS.has(o.kind)))
    throw new Error(`unknown STS fault kind ${JSON.stringify(o.kind)}; one of ${[...Object.keys(FAULTS), ...BODY_FAULTS].join(', ')}`);
  optionalNumber(o, 'count');
  optionalNumber(o, 'bytes');
  optionalString(o, 'roleArn');
  optionalString(o, 'action');
  return o as unknown as StsFault;
}

const newCounters = (): StsCounters => ({ total: 0, byAction: {}, ok: {}, errors: {}, inFlight: 0, maxInFlight: 0 });
const validation = (msg: string) => new StsError(400, 'ValidationError', msg);
const validationField = (value: string, field: string, constraint: string) =>
  validation(`1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${constraint}`);

function required(params: Map<string, string>, name: string): string {
  const v = params.get(name);
  if (v === undefined) throw validation(`1 validation error detected: Value null at '${name[0]!.toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`);
  return v;
}

function duration(params: Map<string, string>): number | undefined {
  const raw = params.get('DurationSeconds');
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw validationField(raw, 'durationSeconds', 'Member must be an integer');
  const n = Number(raw);
  if (n < 900) throw validationField(raw, 'durationSeconds', 'Member must have value greater than or equal to 900');
  if (n > 43200) throw validationField(raw, 'durationSeconds', 'Member must have value less than or equal to 43200');
  return n;
}

function roleArnParam(params: Map<string, string>): string {
  const arn = required(params, 'RoleArn');
  if (arn.length < 20 || arn.length > 2048) throw validationField(arn, 'roleArn', 'Member must have length greater than or equal to 20');
  return arn;
}

/** Parses application/x-www-form-urlencoded strictly: no repeated keys. */
function parseForm(body: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(body)) {
    if (out.has(k)) throw new StsError(400, 'InvalidParameterCombination', `Parameter ${k} given more than once`);
    out.set(k, v);
  }
  return out;
}

export async function startSts(opts: StsOptions): Promise<Sts> {
  const clock = opts.clock ?? new Clock();
  const counters = newCounters();
  const roleIds = new Map<string, string>();
  const sts: Sts = {
    url: '',
    clock,
    counters,
    credentials: new Map(),
    lookup: (id) => sts.credentials.get(id),
    faults: new FaultQueue(validateStsFault),
    latencyMs: opts.latencyMs ?? 0,
    roles: { ...(opts.roles ?? {}) },
    credentialLifetimeSeconds: opts.credentialLifetimeSeconds,
    resetCounters: () => Object.assign(counters, newCounters(), { inFlight: counters.inFlight }),
    close: async () => undefined,
  };

  const issue = (roleArn: string, sessionName: string, seconds: number, source: IssuedCredentials['source']): IssuedCredentials => {
    const m = ROLE_ARN_RE.exec(roleArn)!;
    const [, partition, account] = m;
    let roleId = roleIds.get(roleArn);
    if (!roleId) roleIds.set(roleArn, (roleId = `AROA${randomUpper(17)}`));
    const now = clock.now();
    const c: IssuedCredentials = {
      accessKeyId: newAccessKeyId(),
      secretAccessKey: newSecretAccessKey(),
      sessionToken: newSessionToken(),
      expiration: Math.floor((now + Math.min(seconds, sts.credentialLifetimeSeconds ?? seconds) * 1000) / 1000) * 1000,
      issuedAt: now,
      source,
      roleArn,
      roleSessionName: sessionName,
      account: account!,
      partition: partition!,
      arn: `arn:${partition}:sts::${account}:assumed-role/${roleNameOf(roleArn)}/${sessionName}`,
      assumedRoleId: `${roleId}:${sessionName}`,
      durationSeconds: seconds,
    };
    sts.credentials.set(c.accessKeyId, c);
    return c;
  };

  const maxDuration = (roleArn: string) => sts.roles[roleArn]?.maxSessionDuration ?? 43200;

  const assumeRoleWithSaml = (params: Map<string, string>): string => {
    const roleArn = roleArnParam(params);
    const principalArn = required(params, 'PrincipalArn');
    const assertionB64 = required(params, 'SAMLAssertion');
    const seconds = duration(params) ?? 3600;
    if (principalArn.length < 20) throw validationField(principalArn, 'principalArn', 'Member must have length greater than or equal to 20');
    if (assertionB64.length < 4 || assertionB64.length > 100000)
      throw validationField('***', 'sAMLAssertion', 'Member must have length less than or equal to 100000');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(assertionB64) || assertionB64.length % 4 !== 0)
      throw new StsError(400, 'InvalidIdentityToken', 'Invalid base64 SAMLResponse');
    const xml = Buffer.from(assertionB64, 'base64');
    let assertionId: string | null = null;
    try {
      const doc = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') throw new Error(msg); } }).parseFromString(xml.toString('utf8'), 'text/xml');
      const el = doc.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'Assertion')[0];
      assertionId = el?.getAttribute('ID') ?? null;
    } catch {
      assertionId = null;
    }
    if (!assertionId) throw new StsError(400, 'InvalidIdentityToken', 'Response is not a valid SAML response');
    const trusted = opts.trust.get(assertionId);
    if (!trusted || trusted.digest !== createHash('sha256').update(xml).digest('hex'))
      throw new StsError(400, 'InvalidIdentityToken', 'Response signature invalid');
    if (clock.now() >= trusted.notOnOrAfter)
      throw new StsError(400, 'ExpiredTokenException', 'Token must be redeemed within 5 minutes of issuance');
    if (!trusted.roles.some((r) => r.roleArn === roleArn && r.principalArn === principalArn))
      throw new StsError(403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithSAML');
    if (!ROLE_ARN_RE.test(roleArn) || !PROVIDER_ARN_RE.test(principalArn)) throw validation('Invalid ARN');
    if (seconds > maxDuration(roleArn)) throw validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    const sessionName = trusted.sessionName;
    if (!sessionName || !SESSION_NAME_RE.test(sessionName))
      throw new StsError(400, 'InvalidIdentityToken', 'RoleSessionName in the SAML assertion is missing or invalid');
    const c = issue(roleArn, sessionName, seconds, 'saml');
    const providerName = principalArn.slice(principalArn.lastIndexOf('/') + 1);
    const nameQualifier = createHash('sha1').update(`${trusted.issuer}${c.account}/${providerName}`).digest('base64');
    return (
      elements(4, [['Issuer', trusted.issuer]]) +
      assumedRoleUserXml(c) +
      credentialsXml(c) +
      elements(4, [
        ['Audience', trusted.recipient],
        ['SubjectType', 'unspecified'],
        ['NameQualifier', nameQualifier],
        ['Subject', trusted.subject],
      ])
    );
  };

  /** Authenticates a signed call; returns the caller's credentials. */
  const authenticate = (req: IncomingMessage, body: Buffer): IssuedCredentials => {
    const header = req.headers.authorization;
    if (!header) throw new StsError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    const auth = parseAuthorization(header);
    if (!auth) throw new StsError(400, 'IncompleteSignature', 'Authorization header requires Credential, SignedHeaders and Signature.');
    const creds = sts.lookup(auth.accessKeyId);
    const token = req.headers['x-amz-security-token'];
    if (!creds || token !== creds.sessionToken)
      throw new StsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    const bad = verifySigV4(req, body, auth, creds.secretAccessKey, clock.now());
    if (bad) throw new StsError(bad.status, bad.code, bad.message);
    if (clock.now() >= creds.expiration) throw new StsError(400, 'ExpiredToken', 'The security token included in the request is expired');
    return creds;
  };

  const assumeRole = (caller: IssuedCredentials, params: Map<string, string>): string => {
    const roleArn = roleArnParam(params);
    const sessionName = required(params, 'RoleSessionName');
    if (!SESSION_NAME_RE.test(sessionName)) throw validationField(sessionName, 'roleSessionName', 'Member must satisfy regular expression pattern: [\\w+=,.@-]*');
    const seconds = duration(params) ?? 3600;
    if (!ROLE_ARN_RE.test(roleArn)) throw new StsError(403, 'AccessDenied', denied(caller, roleArn));
    if (seconds > 3600) throw validation('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    const cfg = sts.roles[roleArn];
    if (cfg?.externalId !== undefined && params.get('ExternalId') !== cfg.externalId) throw new StsError(403, 'AccessDenied', denied(caller, roleArn));
    if (seconds > maxDuration(roleArn)) throw validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    const c = issue(roleArn, sessionName, seconds, 'chained');
    return assumedRoleUserXml(c) + credentialsXml(c);
  };
  const denied = (caller: IssuedCredentials, roleArn: string) => `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const requestId = uuid();
    const send = (status: number, xml: string) => {
      res.writeHead(status, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(xml), 'x-amzn-RequestId': requestId });
      res.end(xml);
    };
    let action = '(none)';
    try {
      if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/')
        throw new StsError(405, 'InvalidAction', 'This emulator accepts only POST / with a form-encoded body');
      const body = await readBody(req);
      if (mediaType(req.headers['content-type']) !== 'application/x-www-form-urlencoded')
        throw new StsError(400, 'InvalidAction', 'Content-Type must be application/x-www-form-urlencoded');
      const params = parseForm(body.toString('utf8'));
      action = params.get('Action') ?? '(none)';
      counters.byAction[action] = (counters.byAction[action] ?? 0) + 1;
      if (!params.has('Action')) throw new StsError(400, 'MissingAction', 'Missing Action');
      if (params.get('Version') !== '2011-06-15' || !['AssumeRoleWithSAML', 'AssumeRole', 'GetCallerIdentity'].includes(action))
        throw new StsError(400, 'InvalidAction', `Could not find operation ${action} for version ${params.get('Version') ?? 'NO_VERSION_SPECIFIED'}`);
      const fault = sts.faults.take((f) => (!f.action || f.action === action) && (!f.roleArn || f.roleArn === params.get('RoleArn')));
      if (fault?.kind === 'hugeBody') return await sendHuge(res, action, fault.bytes ?? 8 * 1024 * 1024);
      if (fault?.kind === 'stallBody') {
        res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': '4096', 'x-amzn-RequestId': requestId });
        return void res.write(`<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n  <${action}Result>`); // the rest never comes (closed by close())
      }
      if (fault) {
        const [status, message] = FAULTS[fault.kind as StsFaultCode];
        throw new StsError(status, fault.kind, fault.kind === 'AccessDenied' ? `Not authorized to perform sts:${action}` : message);
      }
      let result: string;
      if (action === 'AssumeRoleWithSAML') result = assumeRoleWithSaml(params);
      else {
        const caller = authenticate(req, body);
        if (action === 'AssumeRole') result = assumeRole(caller, params);
        else result = elements(4, [['Arn', caller.arn], ['UserId', caller.assumedRoleId], ['Account', caller.account]]);
      }
      if (sts.latencyMs > 0) await sleep(sts.latencyMs);
      counters.ok[action] = (counters.ok[action] ?? 0) + 1;
      send(200, successXml(action, result, requestId));
    } catch (err) {
      if (sts.latencyMs > 0) await sleep(sts.latencyMs);
      const e = err instanceof StsError ? err : new StsError(500, 'InternalFailure', err instanceof Error ? err.message : String(err));
      counters.errors[e.code] = (counters.errors[e.code] ?? 0) + 1;
      send(e.status, errorXml(e.status >= 500 ? 'Receiver' : 'Sender', e.code, e.message, requestId));
    }
  };

  /** A success envelope padded past any sane size, streamed as the client reads it. */
  const sendHuge = async (res: ServerResponse, action: string, bytes: number) => {
    res.writeHead(200, { 'Content-Type': 'text/xml' });
    res.write(`<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n<!--`);
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const closed = new Promise((r) => res.once('close', r));
    for (let sent = 0; sent < bytes; sent += chunk.length) {
      if (res.destroyed) return;
      if (!res.write(chunk)) await Promise.race([new Promise((r) => res.once('drain', r)), closed]);
    }
    res.end(`-->\n</${action}Response>\n`);
  };

  const control = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    try {
      const m = req.method;
      if (path === '/__emulator/counters' && m === 'GET') return sendJson(res, 200, counters);
      if (path === '/__emulator/counters/reset' && m === 'POST') return (sts.resetCounters(), sendJson(res, 200, counters));
      if (path === '/__emulator/faults' && m === 'GET') return sendJson(res, 200, sts.faults.list());
      if (path === '/__emulator/faults' && m === 'POST') return (sts.faults.add(await readControlJson(req)), sendJson(res, 200, sts.faults.list()));
      if (path === '/__emulator/faults' && m === 'DELETE') return (sts.faults.clear(), sendJson(res, 200, []));
      if (path === '/__emulator/config' && m === 'POST') {
        const b = await readControlJson(req);
        if (b.latencyMs !== undefined) {
          if (typeof b.latencyMs !== 'number') throw new Error('latencyMs must be a number');
          sts.latencyMs = b.latencyMs;
        }
        return sendJson(res, 200, { latencyMs: sts.latencyMs });
      }
      if (path === '/__emulator/clock' && m === 'POST') {
        const b = await readControlJson(req);
        if (typeof b.advanceSeconds !== 'number') throw new Error('advanceSeconds must be a number');
        clock.advance(b.advanceSeconds * 1000);
        return sendJson(res, 200, { now: isoMillis(clock.now()) });
      }
      sendJson(res, 404, { error: `no control endpoint ${m} ${path}` });
    } catch (err) {
      sendJson(res, 400, { error: err instanceof Error ? err.message : String(err) });
    }
  };

  const server = await startServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path.startsWith('/__emulator/')) return control(req, res, path);
    counters.total++;
    counters.inFlight++;
    counters.maxInFlight = Math.max(counters.maxInFlight, counters.inFlight);
    try {
      await handle(req, res);
    } finally {
      counters.inFlight--;
    }
  }, clock);
  sts.url = server.url;
  sts.close = () => server.close();
  return sts;
}
