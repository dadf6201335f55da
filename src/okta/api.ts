import { UserError } from '../lib/errors.js';
import { printable } from '../lib/printable.js';
import type { HttpClient, HttpResponse } from '../lib/http.js';
import { type Wait, quietWait } from '../lib/wait.js';

/** Okta's shared error body. */
export interface OktaErrorBody {
  errorCode?: string;
  errorSummary?: string;
  errorCauses?: { errorSummary?: string }[];
}

/** An error answer from the Okta API; callers turn it into a message that fits what they asked. */
export class OktaApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: OktaErrorBody,
  ) {
    super(`Okta answered HTTP ${status}${body.errorCode ? ` ${body.errorCode}` : ''}: ${body.errorSummary ?? 'no summary'}`);
  }

  get errorCode(): string | undefined {
    return this.body.errorCode;
  }

  /** The summary and every cause, for matching Okta's wording (e.g. a code used twice). */
  get allText(): string {
    return [this.body.errorSummary, ...(this.body.errorCauses?.map((c) => c.errorSummary) ?? [])].filter(Boolean).join(' ');
  }
}

/** Longest we sleep for one rate-limit window before giving up: a CLI must not stall for minutes. */
const MAX_RATE_LIMIT_WAIT_MS = 60_000;
const MAX_RATE_LIMIT_RETRIES = 2;

/**
 * POSTs JSON to the Okta API and returns the parsed answer. A 429 waits until
 * `X-Rate-Limit-Reset` (bounded) and retries; other failures become OktaApiError or a UserError.
 */
export async function oktaPost<T>(http: HttpClient, url: string, body: unknown, wait: Wait = quietWait): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    const response = await http.fetch(url, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status === 429 && attempt < MAX_RATE_LIMIT_RETRIES) {
      const waitMs = rateLimitWait(response);
      if (waitMs !== undefined) {
        await wait(waitMs, rateLimitSay);
        continue;
      }
    }
    return readJson<T>(response, url);
  }
}

/** What a 429 wait is called while it counts down. */
export const rateLimitSay = (seconds: number) => `Okta rate limit: retrying in ${seconds} s`;

/**
 * How long to wait before retrying a 429: until `X-Rate-Limit-Reset` (epoch seconds) plus a margin,
 * or `undefined` when that is further away than we are willing to stall. Shared with the SSO page.
 */
export function rateLimitWait(response: HttpResponse): number | undefined {
  const reset = Number(response.headers.get('x-rate-limit-reset'));
  if (!Number.isFinite(reset) || reset <= 0) return 1_000;
  const waitMs = Math.max(0, reset * 1000 - Date.now()) + 250;
  return waitMs <= MAX_RATE_LIMIT_WAIT_MS ? waitMs : undefined;
}

async function readJson<T>(response: HttpResponse, url: string): Promise<T> {
  const host = new URL(url).host;
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  let parsed: unknown;
  if (type.includes('json')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: parsed stays undefined.
    }
  }
  if (typeof parsed !== 'object' || parsed === null) {
    if (response.status >= 500) throw serverError(host, response.status);
    throw new UserError(`${host} answered HTTP ${response.status} with ${type.split(';')[0] || 'an unknown type'} instead of Okta's JSON API`, {
      hint: 'Check that sso_url is your Okta org\'s AWS app link (https://<org>.okta.com/app/amazon_aws/…/sso/saml) and that no proxy rewrites it.',
      code: 'NOT_OKTA',
    });
  }
  if (response.status < 300) return parsed as T; // fetch never hands back a 1xx
  // A 5xx is Okta's trouble even when it comes with Okta's error body (500 E0000009 "Internal Server
  // Error"): telling the user to check their settings, as for a 4xx, would send them the wrong way.
  if (response.status >= 500) throw serverError(host, response.status, (parsed as OktaErrorBody).errorCode);
  throw new OktaApiError(response.status, parsed as OktaErrorBody);
}

function serverError(host: string, status: number, errorCode?: string): UserError {
  return new UserError(`Okta (${host}) answered HTTP ${status}${errorCode ? ` (${errorCode})` : ''}`, {
    hint: 'Okta may be having trouble; try again in a minute (status.okta.com shows incidents).',
    code: errorCode ?? `HTTP_${status}`,
  });
}

/** Turns Okta API errors that mean the same thing everywhere into UserErrors; others pass through. */
export function commonOktaError(error: unknown, origin: string): unknown {
  if (!(error instanceof OktaApiError)) return error;
  const code = error.errorCode;
  if (code === 'E0000047' || error.status === 429) {
    return new UserError(`Okta's rate limit was hit (${code ?? 'HTTP 429'})`, {
      hint: 'Wait a minute and try again; if it keeps happening, ask your Okta admin about the API rate limits.',
      code,
    });
  }
  if (code === 'E0000011') {
    return new UserError(`The Okta login transaction expired (${code})`, { hint: 'Run the command again.', code });
  }
  return new UserError(`Okta refused the request: ${printable(error.body.errorSummary ?? `HTTP ${error.status}`)}${code ? ` (${printable(code)})` : ''}`, {
    hint: `Check your settings with \`okta-aws init\`, or sign in at ${origin} in a browser to see what Okta expects.`,
    code,
  });
}
