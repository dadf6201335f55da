import { UserError } from '../lib/errors.js';
import type { HttpClient } from '../lib/http.js';
import { registerSecret } from '../lib/log.js';

/** What the token endpoint hands out (device code, refresh and token-exchange grants). */
export interface TokenSet {
  accessToken: string;
  idToken: string | undefined;
  refreshToken: string | undefined;
  scope: string | undefined;
}

/** An RFC 6749 error answer (`{"error","error_description"}`), kept whole so callers can tell them apart. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string | undefined,
  ) {
    super(`Okta answered ${error}${description ? `: ${description}` : ''} (HTTP ${status})`);
  }

  /** The token exchange's "the application's assurance requirements are not met" refusal. */
  get assuranceNotMet(): boolean {
    return this.error === 'invalid_grant' && /assurance/i.test(String(this.description));
  }
}

/**
 * The body of an OAuth answer: JSON object, or an OAuthError for an RFC 6749 error body, or a
 * UserError for anything else (an HTML page from a proxy, a 5xx).
 */
export function parseOAuthAnswer(status: number, contentType: string, text: string, host: string): Record<string, unknown> {
  let parsed: unknown;
  if (contentType.includes('json')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: parsed stays undefined.
    }
  }
  const body = parsed instanceof Object && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  if (body && status < 300) return body; // fetch never hands back a 1xx
  if (body && typeof body.error === 'string') {
    throw new OAuthError(status, body.error, typeof body.error_description === 'string' ? body.error_description : undefined);
  }
  if (status >= 500) {
    throw new UserError(`Okta (${host}) answered HTTP ${status}`, { hint: 'Okta may be having trouble; try again in a minute.', code: `HTTP_${status}` });
  }
  throw new UserError(`${host} answered HTTP ${status} with ${contentType.split(';')[0] || 'an unknown type'} instead of Okta's OAuth JSON`, {
    hint: "Check that sso_url is your Okta org's AWS app link and that no proxy rewrites it.",
    code: 'NOT_OKTA',
  });
}

/** POSTs a form to an OAuth endpoint of the org and returns the JSON answer. */
export async function oauthPost(http: HttpClient, url: string, form: Record<string, string>): Promise<Record<string, unknown>> {
  const response = await http.fetch(url, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return parseOAuthAnswer(response.status, response.headers.get('content-type') ?? '', await response.text(), new URL(url).host);
}

/** A token answer → TokenSet, every token registered for redaction before anyone can log it. */
export function tokenSetFrom(body: Record<string, unknown>): TokenSet {
  const text = (key: string) => (typeof body[key] === 'string' && body[key] !== '' ? (body[key] as string) : undefined);
  const accessToken = text('access_token');
  if (!accessToken) throw new UserError("Okta's token answer has no access_token", { hint: 'Run again with --debug and report it.', code: 'BAD_TOKEN_ANSWER' });
  const set = { accessToken, idToken: text('id_token'), refreshToken: text('refresh_token'), scope: text('scope') };
  for (const token of [set.accessToken, set.idToken, set.refreshToken]) registerSecret(token);
  return set;
}

export const tokenEndpoint = (origin: string) => `${origin}/oauth2/v1/token`;

/** The scopes the CLI asks for: SSO to apps, its own app links, and a refresh token. */
export const DEVICE_SCOPES = 'openid okta.apps.sso okta.users.read.self offline_access';

/** Refresh grant: new access and id tokens, and (with rotation) a new refresh token. */
export async function refreshTokens(http: HttpClient, origin: string, clientId: string, refreshToken: string): Promise<TokenSet> {
  registerSecret(refreshToken);
  const body = await oauthPost(http, tokenEndpoint(origin), { client_id: clientId, grant_type: 'refresh_token', refresh_token: refreshToken, scope: DEVICE_SCOPES });
  return tokenSetFrom(body);
}
