/**
 * The OAuth side of an emulated Okta Identity Engine org, as okta-aws-cli and gimme-aws-creds use it
 * (protocols.md "Okta Identity Engine (OIE) orgs"): device authorization (RFC 8628), the token
 * endpoint (device code, refresh token with rotation, token exchange for a web SSO token), the
 * user's app links, and `/login/token/sso`. Strict about methods, media types, client ids, scopes
 * and the polling interval; knobs for approval, slow_down, assurance failures and revocation.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from './http.js';
import { mediaType, randomString, randomUpper, readBody, sendJson } from './http.js';
import type { OktaUser } from './okta-authn.js';

export type DeviceApproval = 'auto' | 'manual' | 'deny' | 'expire';

export interface OAuthKnobs {
  /** auto: approved as `approveAs` at once; manual: via POST /__emulator/oauth/approve; deny/expire: refused. */
  approval: DeviceApproval;
  /** Login of the user an approval signs in. Default alice. */
  approveAs: string;
  /** `interval` of the device authorization answer, seconds. Default 5 (Okta's). */
  interval: number;
  /** `expires_in` of the device code, seconds. Default 600. */
  expiresIn: number;
  /** Answer this many polls with slow_down (besides the polls that come too fast). */
  slowDown: number;
  /** Refuse this many token exchanges with the assurance invalid_grant. */
  assuranceFailures: number;
  /** Whether /api/v1/authn works (an idx org with a policy that refuses it: false). */
  classicLogin: boolean;
  /** More amazon_aws app links besides the one the client may use (several → the client must ask). */
  extraAwsApps: number;
  /** Refresh token lifetime, seconds. Default 90 days. */
  refreshLifetime: number;
  /** Appended to the user_code the client is shown (and to verification_uri_complete), as a hostile org could. Default ''. */
  userCodeSuffix?: string;
}

export interface OAuthCounters {
  deviceAuthorizations: number;
  devicePolls: number;
  /** Polls that came before the interval had passed (a compliant client makes none). */
  tooFastPolls: number;
  slowDowns: number;
  deviceLogins: number;
  refreshTokenUses: number;
  refreshTokenRefusals: number;
  tokenExchanges: number;
  assuranceFailures: number;
  webSsoLogins: number;
  appLinks: number;
}

export const newOAuthCounters = (): OAuthCounters => ({
  deviceAuthorizations: 0,
  devicePolls: 0,
  tooFastPolls: 0,
  slowDowns: 0,
  deviceLogins: 0,
  refreshTokenUses: 0,
  refreshTokenRefusals: 0,
  tokenExchanges: 0,
  assuranceFailures: 0,
  webSsoLogins: 0,
  appLinks: 0,
});

interface DeviceCode {
  deviceCode: string;
  userCode: string;
  scopes: string[];
  expiresAt: number;
  interval: number;
  lastPollAt: number | undefined;
  state: 'pending' | 'approved' | 'denied' | 'used';
  user?: OktaUser;
}

interface Grant {
  user: OktaUser;
  scopes: string[];
}

interface Issued extends Grant {
  expiresAt: number;
}

const ALLOWED_SCOPES = new Set(['openid', 'profile', 'email', 'okta.apps.sso', 'okta.apps.read', 'okta.users.read.self', 'offline_access']);
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ASSURANCE = "The application's assurance requirements are not met by the 'subject_token'.";

/** A JWT-shaped opaque token: three base64url parts, as Okta's access and id tokens look. */
const jwtLike = () => `eyJraWQiOiJlbXUiLCJhbGciOiJSUzI1NiJ9.${randomString(120)}.${randomString(86)}`;

export interface OAuthServerOptions {
  clock: Clock;
  users: Map<string, OktaUser>;
  origin: () => string;
  /** The SAML form page Okta serves the user for the AWS app (as the SSO URL does). */
  samlFormFor: (user: OktaUser) => string;
  clientId: string;
  /** The AWS app instance id (0oa…) the client's web SSO tokens are for. */
  awsAppInstanceId: string;
}

export class OAuthServer {
  readonly counters = newOAuthCounters();
  readonly knobs: OAuthKnobs = { approval: 'auto', approveAs: '', interval: 5, expiresIn: 600, slowDown: 0, assuranceFailures: 0, classicLogin: true, extraAwsApps: 0, refreshLifetime: 90 * 86400 };
  private readonly deviceCodes = new Map<string, DeviceCode>();
  private readonly accessTokens = new Map<string, Issued>();
  private readonly idTokens = new Map<string, Issued>();
  private readonly refreshTokens = new Map<string, Issued & { active: boolean }>();
  private readonly webSsoTokens = new Map<string, Issued & { used: boolean }>();

  constructor(private readonly o: OAuthServerOptions) {}

  resetCounters(): void {
    Object.assign(this.counters, newOAuthCounters());
  }

  /** Revokes every refresh token (as an admin's "clear user sessions" or a token revocation does). */
  revokeAll(): number {
    let n = 0;
    for (const t of this.refreshTokens.values()) {
      if (!t.active) continue;
      t.active = false;
      n++;
    }
    return n;
  }

  /** The browser side of a device login: the user signs in and approves (or denies) the code. */
  decide(userCode: string, approve: boolean, login?: string): boolean {
    const code = [...this.deviceCodes.values()].find((c) => c.userCode === userCode.replace(/-/g, '').toUpperCase() && c.state === 'pending');
    if (!code) return false;
    if (!approve) {
      code.state = 'denied';
      return true;
    }
    const user = this.userFor(login);
    if (!user) return false;
    code.state = 'approved';
    code.user = user;
    return true;
  }

  /** Every token and device code handed out so far: tests check that none reaches any output. */
  issuedSecrets(): string[] {
    return [...this.deviceCodes.keys(), ...this.accessTokens.keys(), ...this.idTokens.keys(), ...this.refreshTokens.keys(), ...this.webSsoTokens.keys()];
  }

  /** Active refresh tokens (for tests that check rotation without reading the token itself). */
  activeRefreshTokens(): number {
    return [...this.refreshTokens.values()].filter((t) => t.active && t.expiresAt > this.o.clock.now()).length;
  }

  /** Handles the OAuth-side paths; false when the path is not one of them. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL, headers: Record<string, string>): Promise<boolean> {
    const p = url.pathname;
    const m = req.method ?? 'GET';
    if (p === '/oauth2/v1/device/authorize' || p === '/oauth2/v1/token') {
      if (m !== 'POST') return (this.error(res, 405, 'invalid_request', 'The endpoint requires POST.', headers), true);
      if (mediaType(req.headers['content-type']) !== 'application/x-www-form-urlencoded')
        return (this.error(res, 400, 'invalid_request', 'The request body must be application/x-www-form-urlencoded.', headers), true);
      const form = new URLSearchParams((await readBody(req)).toString('utf8'));
      const repeated = [...new Set(form.keys())].find((k) => form.getAll(k).length > 1);
      if (repeated) return (this.error(res, 400, 'invalid_request', `The parameter '${repeated}' was repeated.`, headers), true);
      if (form.get('client_id') !== this.o.clientId) return (this.error(res, 401, 'invalid_client', 'Invalid value for \'client_id\' parameter.', headers), true);
      if (p === '/oauth2/v1/device/authorize') this.authorize(res, form, headers);
      else this.token(res, form, headers);
      return true;
    }
    if (p === '/api/v1/users/me/appLinks') return (this.appLinks(req, res, headers), true);
    if (p === '/login/token/sso') return (await this.tokenSso(req, res, url, headers), true);
    return false;
  }

  private userFor(login?: string): OktaUser | undefined {
    const wanted = (login || this.knobs.approveAs).toLowerCase();
    return wanted ? this.o.users.get(wanted) : this.o.users.values().next().value;
  }

  private error(res: ServerResponse, status: number, error: string, description: string, headers: Record<string, string>): void {
    sendJson(res, status, { error, error_description: description }, { ...headers, 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  }

  private authorize(res: ServerResponse, form: URLSearchParams, headers: Record<string, string>): void {
    const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
    const bad = scopes.find((s) => !ALLOWED_SCOPES.has(s));
    if (bad || !scopes.includes('openid') || !scopes.includes('okta.apps.sso'))
      return this.error(res, 400, 'invalid_scope', `The following scope(s) are invalid or not allowed: ${bad ?? 'openid okta.apps.sso (required)'}.`, headers);
    this.counters.deviceAuthorizations++;
    const now = this.o.clock.now();
    const code: DeviceCode = {
      deviceCode: `${randomString(8, 'abcdef0123456789')}-${randomString(4, 'abcdef0123456789')}-${randomString(12, 'abcdef0123456789')}`,
      userCode: randomUpper(8).replace(/[0-9]/g, 'X'),
      scopes,
      expiresAt: now + this.knobs.expiresIn * 1000,
      interval: this.knobs.interval,
      lastPollAt: undefined,
      state: 'pending',
    };
    this.deviceCodes.set(code.deviceCode, code);
    if (this.knobs.approval === 'auto') this.decide(code.userCode, true);
    if (this.knobs.approval === 'deny') this.decide(code.userCode, false);
    if (this.knobs.approval === 'expire') code.expiresAt = now;
    const origin = this.o.origin();
    sendJson(res, 200, {
      device_code: code.deviceCode,
      user_code: `${code.userCode}${this.knobs.userCodeSuffix ?? ''}`,
      verification_uri: `${origin}/activate`,
      verification_uri_complete: `${origin}/activate?user_code=${code.userCode}${this.knobs.userCodeSuffix ?? ''}`,
      expires_in: this.knobs.expiresIn,
      interval: code.interval,
    }, headers);
  }

  private token(res: ServerResponse, form: URLSearchParams, headers: Record<string, string>): void {
    const grant = form.get('grant_type');
    if (grant === DEVICE_GRANT) return this.deviceToken(res, form, headers);
    if (grant === 'refresh_token') return this.refreshToken(res, form, headers);
    if (grant === EXCHANGE_GRANT) return this.exchange(res, form, headers);
    this.error(res, 400, 'unsupported_grant_type', `The authorization grant type is not supported by the authorization server: '${grant ?? ''}'.`, headers);
  }

  private deviceToken(res: ServerResponse, form: URLSearchParams, headers: Record<string, string>): void {
    this.counters.devicePolls++;
    const code = this.deviceCodes.get(form.get('device_code') ?? '');
    if (!code || code.state === 'used') return this.error(res, 400, 'invalid_grant', 'The device code is invalid or has expired.', headers);
    const now = this.o.clock.now();
    if (now >= code.expiresAt) return this.error(res, 400, 'expired_token', 'The device code has expired.', headers);
    if (code.state === 'denied') return this.error(res, 400, 'access_denied', 'The resource owner or authorization server denied the request.', headers);
    const tooFast = code.lastPollAt !== undefined && now - code.lastPollAt < code.interval * 1000 - 50;
    code.lastPollAt = now;
    if (tooFast || this.knobs.slowDown > 0) {
      if (tooFast) this.counters.tooFastPolls++;
      else this.knobs.slowDown--;
      this.counters.slowDowns++;
      code.interval += 5; // RFC 8628 §3.5: the client must add 5 s for this and every later poll
      return this.error(res, 400, 'slow_down', 'The client is polling too quickly.', headers);
    }
    if (code.state === 'pending') return this.error(res, 400, 'authorization_pending', 'The device authorization is pending. Please try again later.', headers);
    code.state = 'used';
    this.counters.deviceLogins++;
    sendJson(res, 200, this.issue({ user: code.user!, scopes: code.scopes }), { ...headers, 'Cache-Control': 'no-store' });
  }

  private refreshToken(res: ServerResponse, form: URLSearchParams, headers: Record<string, string>): void {
    const old = this.refreshTokens.get(form.get('refresh_token') ?? '');
    if (!old || !old.active || old.expiresAt <= this.o.clock.now()) {
      this.counters.refreshTokenRefusals++;
      return this.error(res, 400, 'invalid_grant', 'The refresh token is invalid or expired.', headers);
    }
    const asked = (form.get('scope') ?? old.scopes.join(' ')).split(' ').filter(Boolean);
    const extra = asked.find((s) => !old.scopes.includes(s));
    if (extra) return this.error(res, 400, 'invalid_scope', `The requested scope '${extra}' was not granted to the refresh token.`, headers);
    this.counters.refreshTokenUses++;
    old.active = false; // rotation: the used token dies, its successor is the only one that works
    sendJson(res, 200, this.issue({ user: old.user, scopes: asked }), { ...headers, 'Cache-Control': 'no-store' });
  }

  private issue(grant: Grant): Record<string, unknown> {
    const now = this.o.clock.now();
    const access = jwtLike();
    const id = jwtLike();
    this.accessTokens.set(access, { ...grant, expiresAt: now + 3600_000 });
    this.idTokens.set(id, { ...grant, expiresAt: now + 3600_000 });
    const body: Record<string, unknown> = { token_type: 'Bearer', expires_in: 3600, access_token: access, scope: grant.scopes.join(' '), id_token: id };
    if (grant.scopes.includes('offline_access')) {
      const refresh = randomString(43, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');
      this.refreshTokens.set(refresh, { ...grant, expiresAt: now + this.knobs.refreshLifetime * 1000, active: true });
      body.refresh_token = refresh;
    }
    return body;
  }

  private live(map: Map<string, Issued>, token: string | null): Issued | undefined {
    const t = token ? map.get(token) : undefined;
    return t && t.expiresAt > this.o.clock.now() ? t : undefined;
  }

  private exchange(res: ServerResponse, form: URLSearchParams, headers: Record<string, string>): void {
    const need = ['actor_token', 'actor_token_type', 'subject_token', 'subject_token_type', 'requested_token_type', 'audience'];
    const missing = need.find((k) => !form.get(k));
    if (missing) return this.error(res, 400, 'invalid_request', `The '${missing}' parameter is required.`, headers);
    if (form.get('actor_token_type') !== 'urn:ietf:params:oauth:token-type:access_token' || form.get('subject_token_type') !== 'urn:ietf:params:oauth:token-type:id_token')
      return this.error(res, 400, 'invalid_request', 'Unsupported token type.', headers);
    if (form.get('requested_token_type') !== 'urn:okta:oauth:token-type:web_sso_token') return this.error(res, 400, 'invalid_request', 'Unsupported requested_token_type.', headers);
    const actor = this.live(this.accessTokens, form.get('actor_token'));
    const subject = this.live(this.idTokens, form.get('subject_token'));
    if (!actor || !actor.scopes.includes('okta.apps.sso')) return this.error(res, 400, 'invalid_grant', "The 'actor_token' is invalid or expired.", headers);
    if (!subject || subject.user !== actor.user) return this.error(res, 400, 'invalid_grant', "The 'subject_token' is invalid or expired.", headers);
    if (form.get('audience') !== `urn:okta:apps:${this.o.awsAppInstanceId}`) return this.error(res, 400, 'invalid_target', "The 'audience' is not an app this client may get web SSO tokens for.", headers);
    this.counters.tokenExchanges++;
    if (this.knobs.assuranceFailures > 0) {
      this.knobs.assuranceFailures--;
      this.counters.assuranceFailures++;
      return this.error(res, 400, 'invalid_grant', ASSURANCE, headers);
    }
    const token = randomString(64);
    this.webSsoTokens.set(token, { user: actor.user, scopes: [], expiresAt: this.o.clock.now() + 300_000, used: false });
    sendJson(res, 200, { token_type: 'N_A', expires_in: 300, access_token: token, issued_token_type: 'urn:okta:oauth:token-type:web_sso_token' }, { ...headers, 'Cache-Control': 'no-store' });
  }

  private appLinks(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): void {
    if (req.method !== 'GET') return sendJson(res, 405, { errorCode: 'E0000022', errorSummary: 'The endpoint does not support the provided HTTP method' }, headers);
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? null;
    const token = this.live(this.accessTokens, bearer);
    if (!token) return sendJson(res, 401, { errorCode: 'E0000011', errorSummary: 'Invalid token provided' }, { ...headers, 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    if (!token.scopes.includes('okta.users.read.self'))
      return sendJson(res, 403, { errorCode: 'E0000006', errorSummary: 'You do not have permission to perform the requested action' }, { ...headers, 'WWW-Authenticate': 'Bearer error="insufficient_scope"' });
    this.counters.appLinks++;
    const origin = this.o.origin();
    const link = (appName: string, label: string, id: string, i: number) => ({
      id: `00ub0oNGTSWTBKOLGLNR${i}`,
      label,
      linkUrl: `${origin}/home/${appName}/${id}/272`,
      logoUrl: `${origin}/img/logos/${appName}.png`,
      appName,
      appInstanceId: id,
      appAssignmentId: `0ua${randomString(17)}`,
      credentialsSetup: false,
      hidden: false,
      sortOrder: i,
    });
    const links = [link('slack', 'Slack', '0oa1slack000000000x7', 0), link('amazon_aws', 'AWS', this.o.awsAppInstanceId, 1)];
    for (let i = 0; i < this.knobs.extraAwsApps; i++) links.push(link('amazon_aws', `AWS GovCloud ${i + 1}`, `0oa2aws${i}000000000x7`, 2 + i));
    sendJson(res, 200, links, headers);
  }

  private async tokenSso(req: IncomingMessage, res: ServerResponse, url: URL, headers: Record<string, string>): Promise<void> {
    let token: string | null;
    if (req.method === 'POST') {
      if (mediaType(req.headers['content-type']) !== 'application/x-www-form-urlencoded') return this.page(res, 400, 'Bad Request', headers);
      token = new URLSearchParams((await readBody(req)).toString('utf8')).get('token');
    } else if (req.method === 'GET') {
      token = url.searchParams.get('token');
    } else {
      return this.page(res, 405, 'Method Not Allowed', headers);
    }
    const t = token ? this.webSsoTokens.get(token) : undefined;
    if (!t || t.used || t.expiresAt <= this.o.clock.now()) return this.page(res, 403, 'The token is invalid, used or expired', headers);
    t.used = true;
    this.counters.webSsoLogins++;
    res.writeHead(200, { ...headers, 'Content-Type': 'text/html;charset=utf-8', 'Cache-Control': 'no-cache, no-store' });
    res.end(this.o.samlFormFor(t.user));
  }

  private page(res: ServerResponse, status: number, text: string, headers: Record<string, string>): void {
    res.writeHead(status, { ...headers, 'Content-Type': 'text/html;charset=utf-8' });
    res.end(`<!DOCTYPE html><html><body><h1>${text}</h1></body></html>`);
  }

  /** `/__emulator/oauth/*`: knobs, approve/deny, revoke. Undefined when the path is not one of them. */
  control(path: string, method: string, body: Record<string, unknown>): unknown {
    if (path === '/__emulator/oauth/config' && method === 'POST') {
      for (const [key, value] of Object.entries(body)) {
        if (!(key in this.knobs)) throw new Error(`unknown OAuth knob ${key}`);
        if (typeof value !== typeof this.knobs[key as keyof OAuthKnobs]) throw new Error(`${key} must be a ${typeof this.knobs[key as keyof OAuthKnobs]}`);
        if (key === 'approval' && !['auto', 'manual', 'deny', 'expire'].includes(value as string)) throw new Error('approval must be auto, manual, deny or expire');
        Object.assign(this.knobs, { [key]: value });
      }
      return this.knobs;
    }
    if (path === '/__emulator/oauth/approve' && method === 'POST') {
      if (typeof body.userCode !== 'string') throw new Error('userCode must be a string');
      if (!this.decide(body.userCode, body.deny !== true, typeof body.login === 'string' ? body.login : undefined)) throw new Error(`no pending device code ${body.userCode}`);
      return { decided: body.userCode };
    }
    if (path === '/__emulator/oauth/revoke' && method === 'POST') return { revoked: this.revokeAll() };
    if (path === '/__emulator/oauth/counters' && method === 'GET') return { ...this.counters, activeRefreshTokens: this.activeRefreshTokens() };
    return undefined;
  }
}
