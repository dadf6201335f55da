import { UserError } from '../lib/errors.js';
import type { HttpClient } from '../lib/http.js';
import { registerSecret } from '../lib/log.js';
import { extractSamlForm } from '../saml/form.js';
import { OAuthError, type TokenSet, oauthPost, tokenEndpoint } from './oauth.js';

/** One entry of `/api/v1/users/me/appLinks`. */
export interface AppLink {
  label: string;
  linkUrl: string;
  appName: string;
  appInstanceId: string;
}

/** The AWS app instance id (`0oa…`) in a dashboard link `…/home/amazon_aws/<0oa…>/…`, if the SSO URL is one. */
export function appInstanceIdFromUrl(ssoUrl: string): string | undefined {
  return /\/home\/amazon_aws\/(0oa[A-Za-z0-9]+)(\/|$)/.exec(new URL(ssoUrl).pathname)?.[1];
}

/** The one AWS app among the user's app links (pure); none or several end in a UserError saying what to do. */
export function awsAppInstance(links: AppLink[]): string {
  const aws = links.filter((l) => l.appName === 'amazon_aws' && /^0oa[A-Za-z0-9]+$/.test(l.appInstanceId));
  if (aws.length === 1) return aws[0]!.appInstanceId;
  if (aws.length === 0) {
    throw new UserError('Okta lists no AWS app for you', {
      hint: 'Ask your Okta admin to assign you the AWS app, or set sso_url to its dashboard link (…/home/amazon_aws/0oa…/272) with `okta-aws init --sso-url …`.',
      code: 'NO_AWS_APP',
    });
  }
  throw new UserError(`Okta lists ${aws.length} AWS apps for you: ${aws.map((l) => `"${l.label}" ${l.linkUrl}`).join(', ')}`, {
    hint: 'Pick one and set it as the SSO URL: `okta-aws init --sso-url <its link>`.',
    code: 'SEVERAL_AWS_APPS',
  });
}

/** The user's app links (needs scope okta.users.read.self). */
export async function listAppLinks(http: HttpClient, origin: string, accessToken: string): Promise<AppLink[]> {
  const response = await http.fetch(`${origin}/api/v1/users/me/appLinks`, { headers: { Accept: 'application/json', Authorization: `Bearer ${accessToken}` } });
  const text = await response.text();
  if (response.status === 403 || response.status === 401) {
    throw new UserError(`Okta refused to list your apps (HTTP ${response.status})`, {
      hint: 'Ask your Okta admin to grant the OIDC app the okta.users.read.self scope, or set sso_url to the AWS app\'s dashboard link (…/home/amazon_aws/0oa…/272).',
      code: `HTTP_${response.status}`,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: parsed stays undefined.
  }
  if (response.status !== 200 || !Array.isArray(parsed)) {
    throw new UserError(`Okta answered HTTP ${response.status} when asked for your apps`, { hint: 'Run again with --debug to see more.', code: `HTTP_${response.status}` });
  }
  return parsed
    .filter((l): l is Record<string, unknown> => typeof l === 'object' && l !== null)
    .map((l) => ({ label: String(l.label ?? ''), linkUrl: String(l.linkUrl ?? ''), appName: String(l.appName ?? ''), appInstanceId: String(l.appInstanceId ?? '') }));
}

/** Raised when the AWS app wants a fresher or stronger login than the tokens carry. */
export class AssuranceNotMet extends UserError {
  constructor() {
    super("Okta says your login does not meet the AWS app's assurance requirements", {
      hint: 'Run `okta-aws refresh` on a terminal to sign in again in the browser.',
      code: 'ASSURANCE',
    });
  }
}

/** Access + id token → a single-use web SSO token for the AWS app (`audience urn:okta:apps:<id>`). */
export async function exchangeForWebSsoToken(http: HttpClient, origin: string, clientId: string, tokens: TokenSet, appInstanceId: string): Promise<string> {
  if (!tokens.idToken) throw new UserError('Okta gave no id token', { hint: 'Ask your Okta admin to allow the openid scope on the OIDC app.', code: 'NO_ID_TOKEN' });
  let body;
  try {
    body = await oauthPost(http, tokenEndpoint(origin), {
      client_id: clientId,
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      actor_token: tokens.accessToken,
      actor_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      subject_token: tokens.idToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      requested_token_type: 'urn:okta:oauth:token-type:web_sso_token',
      audience: `urn:okta:apps:${appInstanceId}`,
    });
  } catch (error) {
    if (error instanceof OAuthError && error.assuranceNotMet) throw new AssuranceNotMet();
    if (error instanceof OAuthError) {
      throw new UserError(`Okta refused the web SSO token for the AWS app ${appInstanceId} (${error.error}${error.description ? `: ${error.description}` : ''})`, {
        hint: 'Ask your Okta admin to set the AWS app\'s "Allowed Web SSO Client" to the OIDC app and to enable its Token Exchange grant.',
        code: error.error,
      });
    }
    throw error;
  }
  const token = typeof body.access_token === 'string' ? body.access_token : '';
  if (!token) throw new UserError("Okta's token exchange answer has no web SSO token", { hint: 'Run again with --debug and report it.', code: 'BAD_TOKEN_ANSWER' });
  registerSecret(token);
  return token;
}

/** The web SSO token → the AWS app's SAML form (`POST /login/token/sso`) → the base64 SAMLResponse. */
export async function samlResponseFromWebSsoToken(http: HttpClient, origin: string, webSsoToken: string): Promise<string> {
  const response = await http.fetch(`${origin}/login/token/sso`, {
    method: 'POST',
    headers: { Accept: 'text/html', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: webSsoToken }).toString(),
  });
  const html = await response.text();
  if (response.status !== 200) {
    throw new UserError(`Okta answered HTTP ${response.status} to the web SSO token`, {
      hint: response.status >= 500 ? 'Okta may be having trouble; try again in a minute.' : 'Run the command again; if it repeats, run it with --debug.',
      code: `HTTP_${response.status}`,
    });
  }
  return extractSamlForm(html).samlResponse;
}
