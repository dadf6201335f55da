/**
 * The Okta Classic authentication state machine (/api/v1/authn and factor verification), independent of HTTP:
 * every entry point takes parsed input and returns { status, body }.
 */
import { randomInt } from 'node:crypto';
import { Clock, isoMillis, randomString } from './http.js';
import { DEFAULT_PUSH_SCRIPT, type LivePush, newPush, pollPush, type PushCounters, type PushScript } from './okta-push.js';
import type { Partition, SamlRole } from './saml.js';
import { timeStep, totpForStep } from './totp.js';

export type FactorKind = 'push' | 'google-totp' | 'okta-totp' | 'sms' | 'call' | 'email' | 'webauthn' | 'hardware';
export type UserStatus = 'ACTIVE' | 'LOCKED_OUT' | 'PASSWORD_EXPIRED';

export interface OktaUserConfig {
  login: string;
  password: string;
  /** Base32 secret shared by every TOTP factor of the user (Google Authenticator and/or Okta Verify). */
  totpSecret?: string;
  status?: UserStatus;
  /** Enrolled factors, in the order Okta lists them. Default: push first, then Google Authenticator. [] = no MFA. */
  factors?: FactorKind[];
  /** Device names (profile.name) of the push factors, in order. Default "<first name>'s iPhone", "… 2", … */
  pushDevices?: string[];
  /** How this user's phone answers pushes. Default: approve after 2 WAITING polls, no number challenge. */
  push?: PushScript;
  /** MFA is required but nothing is enrolled: primary auth answers MFA_ENROLL with NOT_SETUP factors. */
  mfaEnroll?: boolean;
  /** Answer PASSWORD_WARN when the client asks (options.warnBeforePasswordExpired). */
  passwordWarn?: boolean;
  /** After this many wrong passwords in a row the user is silently locked (401 E0000004 from then on). */
  lockoutAfter?: number;
  roles: SamlRole[];
  /** Partition (and region) of the AWS app instance: decides the form action / SAML Destination. */
  partition?: Partition;
  region?: string;
  /** RoleSessionName attribute; default the login. */
  sessionName?: string;
  /** SessionDuration attribute in seconds; default 3600. */
  sessionDuration?: number;
  firstName?: string;
  lastName?: string;
}

export interface Factor {
  id: string;
  kind: FactorKind;
  factorType: string;
  provider: string;
  /** Okta Verify's device name. */
  device?: string;
}

export interface OktaUser {
  id: string;
  config: OktaUserConfig;
  factors: Factor[];
  /** Highest TOTP time step accepted so far (codes at or before it are refused as replays). */
  lastTotpStep: number;
  failedPasswords: number;
  hiddenLock: boolean;
}

type TxStatus = 'MFA_REQUIRED' | 'MFA_CHALLENGE' | 'MFA_ENROLL' | 'PASSWORD_EXPIRED' | 'PASSWORD_WARN';

interface Transaction {
  stateToken: string;
  user: OktaUser;
  status: TxStatus;
  expiresAt: number;
  challengeFactorId?: string;
  /** Code "sent" by SMS/call/email for this transaction. */
  sentCode?: string;
  push?: LivePush;
}

export interface Reply {
  status: number;
  body: unknown;
}

export interface AuthnCounters extends PushCounters {
  authn: number;
  /** Every POST to a factor's verify URL (push polls included). */
  verify: number;
  /** Verifications that carried a passCode (TOTP, SMS, …). */
  passCodes: number;
  cancels: number;
  mfaFailures: number;
  sessionTokensIssued: number;
}

const FACTOR_META: Record<FactorKind, { prefix: string; factorType: string; provider: string }> = {
  push: { prefix: 'opf', factorType: 'push', provider: 'OKTA' },
  'google-totp': { prefix: 'uft', factorType: 'token:software:totp', provider: 'GOOGLE' },
  'okta-totp': { prefix: 'ost', factorType: 'token:software:totp', provider: 'OKTA' },
  sms: { prefix: 'mbl', factorType: 'sms', provider: 'OKTA' },
  call: { prefix: 'clf', factorType: 'call', provider: 'OKTA' },
  email: { prefix: 'emf', factorType: 'email', provider: 'OKTA' },
  webauthn: { prefix: 'fwf', factorType: 'webauthn', provider: 'FIDO' },
  hardware: { prefix: 'ykf', factorType: 'token:hardware', provider: 'YUBICO' },
};

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
export const REPLAY_CAUSE = 'Each code can only be used once. Please wait for a new code and try again.';
const WRONG_CODE_CAUSE = "Your passcode doesn't match our records. Please try again.";

export function oktaError(status: number, errorCode: string, errorSummary: string, causes: string[] = []): Reply {
  return {
    status,
    body: {
      errorCode,
      errorSummary,
      errorLink: errorCode,
      errorId: `oae${randomString(22)}`,
      errorCauses: causes.map((c) => ({ errorSummary: c })),
    },
  };
}

export const invalidToken = (): Reply => oktaError(401, 'E0000011', 'Invalid token provided');
export const authFailed = (): Reply => oktaError(401, 'E0000004', 'Authentication failed');
export const malformed = (cause?: string): Reply =>
  oktaError(400, 'E0000003', 'The request body was not well-formed.', cause ? [cause] : []);

export function makeUser(config: OktaUserConfig): OktaUser {
  const kinds = config.mfaEnroll ? [] : (config.factors ?? ['push', 'google-totp']);
  const owner = config.firstName ?? config.login.split('@')[0];
  let pushes = 0;
  const factors = kinds.map((kind): Factor => {
    const m = FACTOR_META[kind];
    const factor: Factor = { id: `${m.prefix}${randomString(17)}`, kind, factorType: m.factorType, provider: m.provider };
    if (kind === 'push') {
      factor.device = config.pushDevices?.[pushes] ?? `${owner}'s iPhone${pushes ? ` ${pushes + 1}` : ''}`;
      pushes++;
    }
    return factor;
  });
  if (factors.some((f) => f.factorType === 'token:software:totp') && !config.totpSecret)
    throw new Error(`user ${config.login} has a TOTP factor but no totpSecret`);
  return { id: `00u${randomString(17)}`, config, factors, lastTotpStep: -1, failedPasswords: 0, hiddenLock: false };
}

export class AuthnEngine {
  private readonly txns = new Map<string, Transaction>();
  private readonly sessionTokens = new Map<string, { user: OktaUser; expiresAt: number }>();
  stateTokenLifetimeSeconds = 300;
  sessionTokenLifetimeSeconds = 300;
  /** Okta gives up on an unanswered push after about 5 minutes (emulated clock). */
  pushLifetimeSeconds = 300;

  constructor(
    private readonly users: Map<string, OktaUser>,
    private readonly clock: Clock,
    private readonly origin: () => string,
    readonly counters: AuthnCounters,
  ) {}

  /** POST /api/v1/authn */
  authn(body: Record<string, unknown>): Reply {
    this.counters.authn++;
    if (body.username === undefined && body.password === undefined && body.stateToken !== undefined) {
      const tx = this.liveTx(body.stateToken);
      return tx ? this.txReply(tx) : invalidToken();
    }
    if (typeof body.username !== 'string' || body.username === '')
      return oktaError(400, 'E0000001', 'Api validation failed: username', ['username: The field cannot be left blank']);
    if (typeof body.password !== 'string' || body.password === '')
      return oktaError(400, 'E0000001', 'Api validation failed: password', ['password: The field cannot be left blank']);
    const options = body.options ?? {};
    if (options === null || typeof options !== 'object' || Array.isArray(options)) return malformed('options: must be an object');
    for (const [k, v] of Object.entries(options)) if (typeof v !== 'boolean') return malformed(`options.${k}: must be a boolean`);
    const user = this.users.get(body.username.toLowerCase());
    if (!user || user.hiddenLock) return authFailed();
    const c = user.config;
    if (c.status === 'LOCKED_OUT')
      return { status: 200, body: { status: 'LOCKED_OUT', _links: { next: this.link('unlock', '/api/v1/authn/recovery/unlock') } } };
    if (body.password !== c.password) {
      user.failedPasswords++;
      if (c.lockoutAfter !== undefined && user.failedPasswords >= c.lockoutAfter) user.hiddenLock = true;
      return authFailed();
    }
    user.failedPasswords = 0;
    if (c.status === 'PASSWORD_EXPIRED') return this.txReply(this.newTx(user, 'PASSWORD_EXPIRED'));
    if (c.passwordWarn && (options as Record<string, unknown>).warnBeforePasswordExpired === true)
      return this.txReply(this.newTx(user, 'PASSWORD_WARN'));
    return this.afterPrimary(user);
  }

  /** POST /api/v1/authn/skip (past PASSWORD_WARN). */
  skip(body: Record<string, unknown>): Reply {
    const tx = this.liveTx(body.stateToken);
    if (!tx) return invalidToken();
    if (tx.status !== 'PASSWORD_WARN') return notAllowed();
    this.txns.delete(tx.stateToken);
    return this.afterPrimary(tx.user);
  }

  /** POST /api/v1/authn/cancel */
  cancel(body: Record<string, unknown>): Reply {
    const tx = this.liveTx(body.stateToken);
    if (!tx) return invalidToken();
    this.counters.cancels++;
    if (tx.push) this.counters.pushCancels++;
    this.txns.delete(tx.stateToken);
    return { status: 200, body: { status: 'UNAUTHENTICATED', _links: {} } };
  }

  /** POST /api/v1/authn/factors/{id}/verify[?rememberDevice=true] */
  verify(factorId: string, query: URLSearchParams, body: Record<string, unknown>): Reply {
    this.counters.verify++;
    const remember = query.get('rememberDevice');
    if (remember !== null && remember !== 'true' && remember !== 'false')
      return oktaError(400, 'E0000001', 'Api validation failed: rememberDevice', ['rememberDevice: must be true or false']);
    const tx = this.liveTx(body.stateToken);
    if (!tx) return invalidToken();
    if (tx.status !== 'MFA_REQUIRED' && tx.status !== 'MFA_CHALLENGE') return notAllowed();
    const factor = tx.user.factors.find((f) => f.id === factorId);
    if (!factor) return oktaError(404, 'E0000007', `Not found: Resource not found: ${factorId} (UserFactor)`);
    const passCode = body.passCode;
    if (passCode !== undefined && typeof passCode !== 'string') return malformed('passCode: must be a string');
    if (factor.kind === 'push') {
      if (passCode !== undefined) return malformed('passCode: not allowed for push');
      return this.pushVerify(tx, factor);
    }
    if (passCode === undefined) {
      if (factor.kind === 'sms' || factor.kind === 'call' || factor.kind === 'email')
        tx.sentCode = String(randomInt(1_000_000)).padStart(6, '0');
      return this.challenge(tx, factor);
    }
    this.counters.passCodes++;
    if (factor.factorType === 'token:software:totp') {
      if (!/^\d{6}$/.test(passCode)) return this.wrongCode();
      const now = timeStep(this.clock.now() / 1000);
      let replay = false;
      for (const step of [now + 1, now, now - 1]) {
        if (totpForStep(tx.user.config.totpSecret!, step) !== passCode) continue;
        if (step <= tx.user.lastTotpStep) {
          replay = true;
          continue;
        }
        tx.user.lastTotpStep = step;
        return this.success(tx);
      }
      if (replay) {
        this.counters.mfaFailures++;
        return oktaError(403, 'E0000068', 'Invalid Passcode/Answer', [REPLAY_CAUSE]);
      }
      return this.wrongCode();
    }
    if (tx.sentCode !== undefined && passCode === tx.sentCode && tx.challengeFactorId === factor.id) return this.success(tx);
    return this.wrongCode();
  }

  /** POST /api/v1/authn/factors/{id}/verify/resend: a new push in the same transaction. */
  resend(factorId: string, body: Record<string, unknown>): Reply {
    const tx = this.liveTx(body.stateToken);
    if (!tx) return invalidToken();
    const factor = tx.user.factors.find((f) => f.id === factorId);
    if (!factor) return oktaError(404, 'E0000007', `Not found: Resource not found: ${factorId} (UserFactor)`);
    if (factor.kind !== 'push' || tx.push?.factorId !== factor.id) return notAllowed();
    this.counters.pushResends++;
    return this.sendPush(tx, factor);
  }

  /** Answers the user's push that is waiting now, as the phone would (control API). False when none waits. */
  answerPush(login: string, answer: 'approve' | 'reject'): boolean {
    const push = [...this.txns.values()].find((t) => t.user.config.login.toLowerCase() === login.toLowerCase() && t.push?.state === 'WAITING')?.push;
    if (push) push.liveAnswer = answer;
    return push !== undefined;
  }

  /** The code "sent" to a user's SMS/call/email factor in their latest challenge, for tests. */
  sentCode(stateToken: string): string | undefined {
    return this.txns.get(stateToken)?.sentCode;
  }

  /** Mints a MFA_REQUIRED transaction (used by the SSO step-up page). */
  stepUpTransaction(user: OktaUser): string {
    return this.newTx(user, 'MFA_REQUIRED').stateToken;
  }

  /** Spends a sessionToken: single use, valid sessionTokenLifetimeSeconds. */
  consumeSessionToken(token: string | null | undefined): OktaUser | undefined {
    if (!token) return undefined;
    const entry = this.sessionTokens.get(token);
    if (!entry) return undefined;
    this.sessionTokens.delete(token);
    return entry.expiresAt > this.clock.now() ? entry.user : undefined;
  }

  /** The first POST sends the push; while it waits, the same URL is the poll. */
  private pushVerify(tx: Transaction, factor: Factor): Reply {
    const push = tx.push;
    if (!push || push.factorId !== factor.id || push.state !== 'WAITING') return this.sendPush(tx, factor);
    const result = pollPush(push, this.clock.now(), this.counters);
    if (result === 'APPROVED') return this.success(tx);
    return this.pushReply(tx, factor, result, result === 'WAITING' ? push.number : undefined);
  }

  private sendPush(tx: Transaction, factor: Factor): Reply {
    const script = tx.user.config.push ?? DEFAULT_PUSH_SCRIPT;
    tx.push = newPush(factor.id, factor.device!, script, this.clock.now() + this.pushLifetimeSeconds * 1000, this.counters);
    return this.pushReply(tx, factor, 'WAITING', undefined);
  }

  private pushReply(tx: Transaction, factor: Factor, factorResult: 'WAITING' | 'REJECTED' | 'TIMEOUT', correctAnswer: number | undefined): Reply {
    const reply = this.challenge(tx, factor, factorResult);
    const body = reply.body as { _embedded: { factor: Record<string, unknown> }; _links: { next: Record<string, unknown> } };
    if (correctAnswer !== undefined) body._embedded.factor._embedded = { challenge: { correctAnswer } };
    if (factorResult === 'WAITING') body._links.next = { ...body._links.next, name: 'poll' };
    return reply;
  }

  private afterPrimary(user: OktaUser): Reply {
    if (user.config.mfaEnroll) return this.txReply(this.newTx(user, 'MFA_ENROLL'));
    if (user.factors.length === 0) return this.successReply(user);
    return this.txReply(this.newTx(user, 'MFA_REQUIRED'));
  }

  private wrongCode(): Reply {
    this.counters.mfaFailures++;
    return oktaError(403, 'E0000068', 'Invalid Passcode/Answer', [WRONG_CODE_CAUSE]);
  }

  private liveTx(token: unknown): Transaction | undefined {
    if (typeof token !== 'string') return undefined;
    const tx = this.txns.get(token);
    if (!tx) return undefined;
    if (tx.expiresAt <= this.clock.now()) {
      this.txns.delete(token);
      return undefined;
    }
    return tx;
  }

  private newTx(user: OktaUser, status: TxStatus): Transaction {
    // Okta state tokens are ~42 url-safe characters; make sure one has a '-' (escaped as \x2D in pages).
    const stateToken = `00${randomString(20, TOKEN_ALPHABET)}-${randomString(19, TOKEN_ALPHABET)}`;
    const tx: Transaction = { stateToken, user, status, expiresAt: this.clock.now() + this.stateTokenLifetimeSeconds * 1000 };
    this.txns.set(stateToken, tx);
    return tx;
  }

  private success(tx: Transaction): Reply {
    this.txns.delete(tx.stateToken);
    return this.successReply(tx.user);
  }

  private successReply(user: OktaUser): Reply {
    const sessionToken = `20111${randomString(52)}`;
    const expiresAt = this.clock.now() + this.sessionTokenLifetimeSeconds * 1000;
    this.sessionTokens.set(sessionToken, { user, expiresAt });
    this.counters.sessionTokensIssued++;
    return {
      status: 200,
      body: { expiresAt: isoMillis(expiresAt), status: 'SUCCESS', sessionToken, _embedded: { user: this.userJson(user) } },
    };
  }

  private challenge(tx: Transaction, factor: Factor, factorResult?: string): Reply {
    tx.status = 'MFA_CHALLENGE';
    tx.challengeFactorId = factor.id;
    const verify = this.verifyHref(factor);
    const factorJson = this.factorJson(tx.user, factor);
    const body: Record<string, unknown> = {
      stateToken: tx.stateToken,
      expiresAt: isoMillis(tx.expiresAt),
      status: 'MFA_CHALLENGE',
      _embedded: { user: this.userJson(tx.user), factor: factorJson, policy: this.policy() },
      _links: {
        next: { name: 'verify', href: verify, hints: { allow: ['POST'] } },
        cancel: this.link(undefined, '/api/v1/authn/cancel'),
        prev: this.link(undefined, '/api/v1/authn/previous'),
        ...(factor.kind === 'push' ? { resend: [{ name: 'push', href: `${verify.replace(/\/verify$/, '')}/verify/resend`, hints: { allow: ['POST'] } }] } : {}),
      },
    };
    if (factorResult) body.factorResult = factorResult;
    return { status: 200, body };
  }

  private txReply(tx: Transaction): Reply {
    const base = { stateToken: tx.stateToken, expiresAt: isoMillis(tx.expiresAt), status: tx.status };
    const user = this.userJson(tx.user);
    const cancel = this.link(undefined, '/api/v1/authn/cancel');
    const changePassword = this.link('changePassword', '/api/v1/authn/credentials/change_password');
    switch (tx.status) {
      case 'PASSWORD_EXPIRED':
        return { status: 200, body: { ...base, _embedded: { user, policy: { complexity: { minLength: 8 } } }, _links: { next: changePassword, cancel } } };
      case 'PASSWORD_WARN':
        return {
          status: 200,
          body: {
            ...base,
            _embedded: { user, policy: { expiration: { passwordExpireDays: 4 }, complexity: { minLength: 8 } } },
            _links: { next: changePassword, skip: this.link('skip', '/api/v1/authn/skip'), cancel },
          },
        };
      case 'MFA_ENROLL': {
        const factors = (['google-totp', 'okta-totp', 'push', 'sms'] as const).map((k) => ({
          factorType: FACTOR_META[k].factorType,
          provider: FACTOR_META[k].provider,
          vendorName: FACTOR_META[k].provider,
          status: 'NOT_SETUP',
          enrollment: 'REQUIRED',
          _links: { enroll: this.link(undefined, '/api/v1/authn/factors') },
        }));
        return { status: 200, body: { ...base, _embedded: { user, factors }, _links: { cancel } } };
      }
      default: {
        // MFA_REQUIRED (also what a resumed MFA_CHALLENGE transaction reports)
        const factors = tx.user.factors.map((f) => this.factorJson(tx.user, f));
        return { status: 200, body: { ...base, status: 'MFA_REQUIRED', _embedded: { user, factors, policy: this.policy() }, _links: { cancel } } };
      }
    }
  }

  private verifyHref(f: Factor): string {
    return `${this.origin()}/api/v1/authn/factors/${f.id}/verify`;
  }

  private link(name: string | undefined, path: string): Record<string, unknown> {
    return { ...(name ? { name } : {}), href: `${this.origin()}${path}`, hints: { allow: ['POST'] } };
  }

  private policy(): Record<string, unknown> {
    return { allowRememberDevice: true, rememberDeviceLifetimeInMinutes: 0, rememberDeviceByDefault: false, factorsPolicyInfo: {} };
  }

  private factorJson(user: OktaUser, f: Factor): Record<string, unknown> {
    const login = user.config.login;
    const device = { credentialId: login, deviceType: 'SmartPhone_IPhone', name: f.device ?? 'iPhone', platform: 'IOS', version: '17.4' };
    const profiles: Record<FactorKind, Record<string, unknown>> = {
      push: device,
      'okta-totp': device,
      'google-totp': { credentialId: login },
      sms: { phoneNumber: '+1 XXX-XXX-4242' },
      call: { phoneNumber: '+1 XXX-XXX-4242' },
      email: { email: `${login[0]}...${login.slice(login.indexOf('@') - 1)}` },
      webauthn: { credentialId: randomString(43), authenticatorName: 'Touch ID' },
      hardware: { credentialId: '000009508427' },
    };
    return {
      id: f.id,
      factorType: f.factorType,
      provider: f.provider,
      vendorName: f.provider,
      profile: profiles[f.kind],
      _links: { verify: { href: this.verifyHref(f), hints: { allow: ['POST'] } } },
    };
  }

  userJson(user: OktaUser): Record<string, unknown> {
    const c = user.config;
    return {
      id: user.id,
      passwordChanged: '2024-01-15T09:30:00.000Z',
      profile: {
        login: c.login,
        firstName: c.firstName ?? c.login.split('@')[0],
        lastName: c.lastName ?? 'Example',
        locale: 'en',
        timeZone: 'America/Los_Angeles',
      },
    };
  }
}

function notAllowed(): Reply {
  return oktaError(403, 'E0000079', 'This operation is not allowed in the current authentication state.');
}
