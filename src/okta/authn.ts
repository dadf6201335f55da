import { UserError } from '../lib/errors.js';
import type { HttpClient } from '../lib/http.js';
import { debug } from '../lib/log.js';
import type { Wait } from '../lib/wait.js';
import { OktaApiError, commonOktaError, oktaPost } from './api.js';

/** The parts of an `/api/v1/authn` answer this flow reads. */
interface AuthnResponse {
  status: string;
  stateToken?: string;
  sessionToken?: string;
  factorResult?: string;
  _embedded?: { factors?: OktaFactor[] };
}

export interface OktaFactor {
  id?: string;
  factorType: string;
  provider: string;
  status?: string;
  _links?: { verify?: { href: string } };
}

/** Gives the code for the next unused TOTP step; `afterReuse` asks for a strictly later step. */
export type CodeSource = (afterReuse: boolean) => Promise<string>;

export interface PasswordLogin {
  origin: string;
  username: string;
  password: string;
  nextCode: CodeSource;
  /** How a rate-limit pause is shown. */
  wait?: Wait;
  /** Called as a second factor is used, with what it is (for progress output). */
  onFactor?: (factor: string) => void;
}

/** Google Authenticator first (what the original tool used), then Okta Verify's code; never push. */
export function chooseTotpFactor(factors: OktaFactor[]): OktaFactor | undefined {
  const totp = factors.filter((f) => f.factorType === 'token:software:totp' && f.id && f._links?.verify?.href);
  return totp.find((f) => f.provider === 'GOOGLE') ?? totp.find((f) => f.provider === 'OKTA');
}

/**
 * Classic Okta authentication: password, then a TOTP code from the stored secret. Returns the
 * single-use session token. Each Okta state that needs a person ends in a UserError saying what to do.
 */
export async function loginWithPassword(http: HttpClient, login: PasswordLogin): Promise<string> {
  const { origin, username } = login;
  let answer: AuthnResponse;
  try {
    answer = await oktaPost<AuthnResponse>(
      http,
      `${origin}/api/v1/authn`,
      { username, password: login.password, options: { multiOptionalFactorEnroll: false, warnBeforePasswordExpired: false } },
      login.wait,
    );
  } catch (error) {
    if (error instanceof OktaApiError && error.errorCode === 'E0000004') {
      throw new UserError(`Okta rejected the username or password for ${username} (E0000004)`, {
        hint: `Store the right ones with \`okta-aws init\`; if they are right, sign in at ${origin} in a browser to check for a lockout.`,
        code: 'E0000004',
      });
    }
    throw commonOktaError(error, origin);
  }
  debug(`authn status ${answer.status}`);
  switch (answer.status) {
    case 'SUCCESS':
      return requireSessionToken(answer);
    case 'MFA_REQUIRED':
      return verifyTotp(http, login, answer);
    default:
      throw stateError(answer, username, origin);
  }
}

async function verifyTotp(http: HttpClient, login: PasswordLogin, answer: AuthnResponse): Promise<string> {
  const factors = answer._embedded?.factors ?? [];
  const factor = chooseTotpFactor(factors);
  if (!factor?._links?.verify) {
    const offered = [...new Set(factors.map(describeFactor))].join(', ') || 'none';
    throw new UserError(`No TOTP factor (Google Authenticator or Okta Verify code) is enrolled for ${login.username}; Okta offers: ${offered}`, {
      hint: `Enroll Google Authenticator at ${login.origin} (Settings → Extra Verification), then store its secret with \`okta-aws init\`.`,
      code: 'NO_TOTP_FACTOR',
    });
  }
  const url = factor._links.verify.href;
  login.onFactor?.('TOTP');
  let afterReuse = false;
  for (;;) {
    const passCode = await login.nextCode(afterReuse);
    try {
      // passCode stays a string: a number would drop a leading zero.
      const verified = await oktaPost<AuthnResponse>(http, url, { stateToken: answer.stateToken, passCode }, login.wait);
      if (verified.status === 'SUCCESS') return requireSessionToken(verified);
      throw stateError(verified, login.username, login.origin);
    } catch (error) {
      if (error instanceof OktaApiError && error.errorCode === 'E0000068') {
        if (/only be used once/i.test(error.allText) && !afterReuse) {
          debug('Okta saw this TOTP step already; using the next one');
          afterReuse = true;
          continue;
        }
        throw new UserError(`Okta refused the TOTP code (E0000068)`, {
          hint: 'The stored TOTP secret is probably wrong, or this machine\'s clock is off: re-enter the secret with `okta-aws init` and check the clock.',
          code: 'E0000068',
        });
      }
      throw commonOktaError(error, login.origin);
    }
  }
}

function describeFactor(factor: OktaFactor): string {
  if (factor.factorType === 'push') return 'Okta Verify push';
  return `${factor.provider} ${factor.factorType}${factor.status === 'NOT_SETUP' ? ' (not set up)' : ''}`;
}

function requireSessionToken(answer: AuthnResponse): string {
  if (!answer.sessionToken) throw new UserError('Okta reported SUCCESS without a session token', { hint: 'Try again; if it persists, report it with --debug output.' });
  return answer.sessionToken;
}

function stateError(answer: AuthnResponse, username: string, origin: string): UserError {
  switch (answer.status) {
    case 'LOCKED_OUT':
      return new UserError(`Okta says the account ${username} is locked out`, {
        hint: `Unlock it at ${origin} (Forgot password → Unlock account) or ask your Okta admin, then run the command again.`,
        code: 'LOCKED_OUT',
      });
    case 'PASSWORD_EXPIRED':
      return new UserError(`The Okta password for ${username} has expired`, {
        hint: `Change it at ${origin} in a browser, then store the new one with \`okta-aws init\`.`,
        code: 'PASSWORD_EXPIRED',
      });
    case 'MFA_ENROLL':
      return new UserError(`Okta requires ${username} to enroll a second factor first`, {
        hint: `Enroll Google Authenticator at ${origin}, then store its secret with \`okta-aws init\`.`,
        code: 'MFA_ENROLL',
      });
    case 'MFA_CHALLENGE':
      return new UserError(`Okta is waiting for an interactive MFA challenge (${answer.factorResult ?? 'unknown result'})`, {
        hint: 'okta-aws answers with TOTP codes only; make sure a Google Authenticator factor is enrolled.',
        code: 'MFA_CHALLENGE',
      });
    default:
      return new UserError(`Okta answered with a login state this tool cannot complete unattended: ${answer.status}`, {
        hint: `Sign in at ${origin} in a browser to finish what Okta asks, then try again.`,
        code: answer.status,
      });
  }
}
