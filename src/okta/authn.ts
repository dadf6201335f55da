import { UserError } from '../lib/errors.js';
import type { HttpClient } from '../lib/http.js';
import { debug } from '../lib/log.js';
import type { Wait } from '../lib/wait.js';
import type { MfaFactor } from '../lib/settings.js';
import { OktaApiError, commonOktaError, oktaPost } from './api.js';
import { type OktaFactor, chooseFactor } from './factors.js';
import { type PushOptions, verifyPush } from './push.js';

/** The parts of an `/api/v1/authn` answer this flow reads. */
export interface AuthnResponse {
  status: string;
  stateToken?: string;
  sessionToken?: string;
  factorResult?: string;
  _embedded?: { factors?: OktaFactor[]; factor?: { _embedded?: { challenge?: { correctAnswer?: number } } } };
  _links?: { next?: { name?: string; href?: string }; cancel?: { href?: string } };
}

/** Gives the code for the next unused TOTP step; `afterReuse` asks for a strictly later step. */
export type CodeSource = (afterReuse: boolean) => Promise<string>;

/** How the second factor is answered. */
export interface MfaAnswers {
  preference: MfaFactor;
  /** TOTP codes; undefined when no TOTP secret is stored. */
  nextCode: CodeSource | undefined;
  /** OKTA_AWS_PUSH_DEVICE */
  pushDevice?: string;
  push: PushOptions;
}

export interface PasswordLogin {
  origin: string;
  username: string;
  password: string;
  mfa: MfaAnswers;
  /** How a rate-limit pause is shown. */
  wait?: Wait;
}

export interface LoggedIn {
  sessionToken: string;
  /** The factor that answered MFA (none when Okta asked for none). */
  factor: 'totp' | 'push' | 'none';
}

/**
 * Classic Okta authentication: password, then a TOTP code from the stored secret or an Okta Verify
 * push. Returns the single-use session token. Each Okta state that needs a person ends in a
 * UserError saying what to do.
 */
export async function loginWithPassword(http: HttpClient, login: PasswordLogin): Promise<LoggedIn> {
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
      return { sessionToken: requireSessionToken(answer), factor: 'none' };
    case 'MFA_REQUIRED':
      return answerMfa(http, login, answer);
    default:
      throw stateError(answer, username, origin);
  }
}

async function answerMfa(http: HttpClient, login: PasswordLogin, answer: AuthnResponse): Promise<LoggedIn> {
  const { mfa } = login;
  const choice = chooseFactor(
    answer._embedded?.factors ?? [],
    { preference: mfa.preference, haveTotpSecret: mfa.nextCode !== undefined, pushDevice: mfa.pushDevice },
    login,
  );
  debug(`MFA with ${choice.kind}`);
  if (choice.kind === 'push') {
    const verified = await verifyPush(http, login.origin, { verifyUrl: choice.verifyUrl, stateToken: answer.stateToken ?? '', device: choice.device }, { ...mfa.push, wait: login.wait });
    if (verified.status === 'SUCCESS') return { sessionToken: requireSessionToken(verified), factor: 'push' };
    throw stateError(verified, login.username, login.origin);
  }
  if (!mfa.nextCode) throw new Error('TOTP chosen without a TOTP secret');
  return { sessionToken: await verifyTotp(http, login, answer.stateToken, choice.verifyUrl, mfa.nextCode), factor: 'totp' };
}

async function verifyTotp(http: HttpClient, login: PasswordLogin, stateToken: string | undefined, url: string, nextCode: CodeSource): Promise<string> {
  let afterReuse = false;
  for (;;) {
    const passCode = await nextCode(afterReuse);
    try {
      // passCode stays a string: a number would drop a leading zero.
      const verified = await oktaPost<AuthnResponse>(http, url, { stateToken, passCode }, login.wait);
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
        hint: 'okta-aws answers with a TOTP code or an Okta Verify push; choose one with `okta-aws init --factor`.',
        code: 'MFA_CHALLENGE',
      });
    default:
      return new UserError(`Okta answered with a login state this tool cannot complete unattended: ${answer.status}`, {
        hint: `Sign in at ${origin} in a browser to finish what Okta asks, then try again.`,
        code: answer.status,
      });
  }
}
