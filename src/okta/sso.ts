import { UserError } from '../lib/errors.js';
import type { HttpClient } from '../lib/http.js';
import { extractSamlForm } from '../saml/form.js';
import { rateLimitSay, rateLimitWait } from './api.js';
import { type Wait, quietWait } from '../lib/wait.js';
import { type LoggedIn, type MfaAnswers, loginWithPassword } from './authn.js';

/** Where the Okta session cookie lives between runs. */
export interface SessionKeeper {
  load(): Promise<string | undefined>;
  save(sid: string): Promise<void>;
  clear(): Promise<void>;
}

export interface SamlLogin {
  ssoUrl: string;
  username: string;
  /** Asked only when the saved Okta session is gone, so a reuse touches no secret store. */
  credentials: () => Promise<{ password: string; mfa: MfaAnswers }>;
  session: SessionKeeper;
  /** How a rate-limit pause is shown. */
  wait?: Wait;
}

export interface SamlResult {
  /** The base64 SAMLResponse, ready for STS. */
  samlResponse: string;
  /** True when the saved Okta session gave the assertion, with no password and no MFA. */
  reusedSession: boolean;
  /** The factor a fresh login used. */
  factor?: LoggedIn['factor'];
}

/**
 * Gets a SAML assertion for the AWS app. A live Okta session (`sid`) is used first; when it is
 * gone, Okta serves a sign-in page without SAMLResponse, and we log in once with password + MFA.
 */
export async function fetchSamlAssertion(http: HttpClient, login: SamlLogin): Promise<SamlResult> {
  const origin = new URL(login.ssoUrl).origin;
  const sid = await login.session.load();
  if (sid) {
    await http.setCookie(origin, 'sid', sid);
    const html = await getSsoPage(http, login.ssoUrl, login.wait);
    try {
      const form = extractSamlForm(html);
      return { samlResponse: form.samlResponse, reusedSession: true };
    } catch (error) {
      if (!(error instanceof UserError) || error.code !== 'NO_SAML_RESPONSE') throw error;
      await login.session.clear(); // the session expired; fall through to a fresh login
    }
  }

  const { sessionToken, factor } = await loginWithPassword(http, { origin, username: login.username, ...(await login.credentials()), wait: login.wait });
  const url = new URL(login.ssoUrl);
  url.searchParams.set('sessionToken', sessionToken);
  const html = await getSsoPage(http, url.toString(), login.wait);
  let form;
  try {
    form = extractSamlForm(html);
  } catch (error) {
    if (error instanceof UserError && error.code === 'NO_SAML_RESPONSE') {
      throw new UserError('Okta logged you in, but the SSO page had no SAMLResponse', {
        hint: "Check that sso_url is the AWS app's embed link (…/app/amazon_aws/<id>/sso/saml) and that the app is assigned to you.",
        code: 'NO_SAML_RESPONSE',
      });
    }
    throw error;
  }
  const newSid = await http.cookie(origin, 'sid');
  if (newSid) await login.session.save(newSid);
  return { samlResponse: form.samlResponse, reusedSession: false, factor };
}

/** As for the JSON API: a rate-limited SSO page is retried after X-Rate-Limit-Reset, at most this often. */
const MAX_SSO_RATE_LIMIT_RETRIES = 2;

async function getSsoPage(http: HttpClient, url: string, wait: Wait = quietWait): Promise<string> {
  let response = await http.fetch(url, { headers: { Accept: 'text/html' } });
  // Okta rate-limits the app's SSO URL too. Without this, a 429 here ended the run with "check
  // sso_url", which is wrong: wait until the reset (bounded) and ask again, like oktaPost does.
  // Safe to repeat: a 429 means Okta did not look at the request (the session token is unspent).
  for (let attempt = 0; response.status === 429 && attempt < MAX_SSO_RATE_LIMIT_RETRIES; attempt += 1) {
    const waitMs = rateLimitWait(response);
    if (waitMs === undefined) break;
    await wait(waitMs, rateLimitSay);
    response = await http.fetch(url, { headers: { Accept: 'text/html' } });
  }
  const host = new URL(url).host;
  if (response.status === 429) {
    throw new UserError(`Okta's rate limit was hit on the SSO page (HTTP 429)`, {
      hint: 'Wait a minute and try again; if it keeps happening, ask your Okta admin about the rate limits.',
      code: 'E0000047',
    });
  }
  if (response.status === 404) {
    throw new UserError(`The SSO URL was not found at ${host} (HTTP 404)`, {
      hint: "Copy the AWS app's embed link from Okta (Admin → Applications → AWS → General) and run `okta-aws init --sso-url …`.",
      code: 'HTTP_404',
    });
  }
  if (response.status >= 400) {
    throw new UserError(`Okta's SSO page answered HTTP ${response.status}`, {
      hint: response.status >= 500 ? 'Okta may be having trouble; try again in a minute.' : 'Check sso_url with `okta-aws init`.',
      code: `HTTP_${response.status}`,
    });
  }
  return response.text();
}
