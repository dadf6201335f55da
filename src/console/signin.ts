import { regionFor } from '../aws/partitions.js';
import type { Partition, ProfileCredentials } from '../aws/types.js';
import { UserError } from '../lib/errors.js';
import { timeoutFromEnv } from '../lib/http.js';
import { debug, redact, registerSecret } from '../lib/log.js';
import { isLoopbackHost } from '../lib/validate.js';

export interface ConsoleHosts {
  /** The federation endpoint's origin; the tool appends /federation. */
  signin: string;
  console: string;
}

const HOSTS: Record<Partition, ConsoleHosts> = {
  aws: { signin: 'https://signin.aws.amazon.com', console: 'https://console.aws.amazon.com' },
  'aws-us-gov': { signin: 'https://signin.amazonaws-us-gov.com', console: 'https://console.amazonaws-us-gov.com' },
  'aws-cn': { signin: 'https://signin.amazonaws.cn', console: 'https://console.amazonaws.cn' },
};

/** Console session lengths the federation endpoint accepts (SessionDuration). */
export const MIN_SESSION_DURATION = 900;
export const MAX_SESSION_DURATION = 43200;

/**
 * The partition's global sign-in and console origins. The region is not part of the host: like
 * aws-vault we send `?region=` to the global console, which then redirects to the regional one;
 * that works the same in every partition.
 */
export function consoleHosts(partition: Partition, _region?: string): ConsoleHosts {
  return HOSTS[partition];
}

/** `console.aws.amazon.com` or one label below it (`eu-west-1.console…`, `s3.console…`). */
function isConsoleHost(hostname: string, partition: Partition): boolean {
  const base = new URL(HOSTS[partition].console).hostname;
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return host === base || (host.endsWith(`.${base}`) && /^[a-z0-9-]+$/.test(host.slice(0, -base.length - 1)));
}

const SERVICE = /^[a-z0-9][a-z0-9-]*$/i;

/**
 * Where the browser lands after sign-in: a full console URL (https, on this partition's console,
 * checked so a signed URL never sends anyone elsewhere), a path on the console (`/ec2/v2/home`),
 * a service name (`s3` → /s3/home?region=…), or the console home.
 */
export function resolveDestination(dest: string | undefined, partition: Partition, region: string | undefined): string {
  const consoleOrigin = HOSTS[partition].console;
  const home = region ? regionFor(partition, region) : undefined;
  const query = home ? `?region=${encodeURIComponent(home)}` : '';
  const text = dest?.trim() ?? '';
  // "console" itself is a service name: it lands on /console/home below.
  if (text === '' || text === 'home') return `${consoleOrigin}/console/home${query}`;
  if (SERVICE.test(text)) return `${consoleOrigin}/${text.toLowerCase()}/home${query}`;

  let url: URL;
  try {
    // A path resolves against the console; the host check below still applies, since "//evil.example" is a host.
    url = text.startsWith('/') ? new URL(text, consoleOrigin) : new URL(text);
  } catch {
    throw new UserError(`"${text}" is neither a console URL nor a service name`, {
      hint: `Use a service name such as s3 or ec2, a path such as /ec2/home, or a full ${consoleOrigin}/… URL.`,
      code: 'BAD_DESTINATION',
    });
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.port || !isConsoleHost(url.hostname, partition)) {
    throw new UserError(`The destination "${text}" is not on the AWS console of the ${partition} partition`, {
      hint: `Use an https://…${new URL(consoleOrigin).hostname}/ URL (of the role's partition), a path such as /ec2/home, or a service name such as s3.`,
      code: 'BAD_DESTINATION',
    });
  }
  return url.toString();
}

/** What we need from a fetch: the global one, node-fetch, or lib/http's proxy-aware client. */
export type FetchLike = (
  url: string,
  init?: { method?: 'GET'; headers?: Record<string, string>; signal?: AbortSignal },
) => Promise<{ status: number; text(): Promise<string> }>;

export interface SigninUrlOptions {
  creds: ProfileCredentials;
  /** As the user gave it; see resolveDestination. */
  destination?: string;
  /** Console session length in seconds; ignored for chained credentials, which the endpoint refuses it for. */
  sessionDuration?: number;
  /** AWS_ENDPOINT_URL_SIGNIN: a base URL; /federation is appended. Defaults to the partition's. */
  signinBase?: string;
  /** Where the console sends the user when the session ends (Issuer). */
  issuer?: string;
  /** Global fetch by default, which ignores HTTPS_PROXY: pass a proxy-aware one when a proxy is set. */
  fetch?: FetchLike;
  timeoutMs?: number;
}

/** Validates the sign-in base and returns its federation endpoint. */
export function federationEndpoint(signinBase: string): string {
  let url: URL;
  try {
    url = new URL(signinBase);
  } catch {
    throw new UserError(`The sign-in endpoint "${signinBase}" is not a URL`, {
      hint: 'Set AWS_ENDPOINT_URL_SIGNIN to a base URL such as https://signin.aws.amazon.com, or unset it.',
      code: 'BAD_SIGNIN_ENDPOINT',
    });
  }
  // The credentials travel in the query string: only TLS, or a loopback test server.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new UserError(`The sign-in endpoint must use https:// (got ${url.protocol}//${url.host})`, {
      hint: 'Fix AWS_ENDPOINT_URL_SIGNIN: plain http is accepted only for loopback test servers.',
      code: 'BAD_SIGNIN_ENDPOINT',
    });
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}/federation`;
}

/**
 * A console sign-in URL for the credentials (AWS's federation flow): getSigninToken, then the
 * Action=login URL. The URL is a bearer credential, valid for 15 minutes.
 */
export async function signinUrl(options: SigninUrlOptions): Promise<string> {
  const { creds } = options;
  const destination = resolveDestination(options.destination, creds.partition, creds.region);
  const endpoint = federationEndpoint(options.signinBase ?? HOSTS[creds.partition].signin);
  const fetcher: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  const timeoutMs = options.timeoutMs ?? timeoutFromEnv();

  let durationParam = '';
  if (options.sessionDuration !== undefined) {
    const d = options.sessionDuration;
    if (!Number.isInteger(d) || d < MIN_SESSION_DURATION || d > MAX_SESSION_DURATION) {
      throw new UserError(`The console session duration ${d} is outside what AWS allows`, {
        hint: `Use a whole number of seconds from ${MIN_SESSION_DURATION} to ${MAX_SESSION_DURATION}.`,
        code: 'BAD_DURATION',
      });
    }
    if (creds.chained) debug('console-url: role-chained credentials; SessionDuration not sent (the endpoint refuses it)');
    else durationParam = `&SessionDuration=${d}`;
  }

  registerSecret(creds.secretAccessKey);
  registerSecret(creds.sessionToken);
  const session = JSON.stringify({ sessionId: creds.accessKeyId, sessionKey: creds.secretAccessKey, sessionToken: creds.sessionToken });
  const tokenUrl = `${endpoint}?Action=getSigninToken${durationParam}&Session=${encodeURIComponent(session)}`;

  debug(`GET ${endpoint}?Action=getSigninToken${durationParam}`); // never the Session: it holds the keys
  let status: number;
  let body: string;
  try {
    const response = await fetcher(tokenUrl, { method: 'GET', headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    status = response.status;
    body = await response.text();
  } catch (error) {
    throw networkError(endpoint, error, timeoutMs);
  }
  debug(`${status} GET ${endpoint}?Action=getSigninToken`);

  if (status !== 200) throw refusal(status, body, creds, durationParam !== '');
  let token: unknown;
  try {
    token = (JSON.parse(body) as { SigninToken?: unknown }).SigninToken;
  } catch {
    // Not JSON: no token, said below.
  }
  if (typeof token !== 'string' || token === '') {
    throw new UserError(`The AWS sign-in endpoint ${new URL(endpoint).host} answered without a SigninToken`, {
      hint: 'Check AWS_ENDPOINT_URL_SIGNIN (or a proxy rewriting answers), then try again.',
      code: 'NO_SIGNIN_TOKEN',
    });
  }
  registerSecret(token);

  const issuer = options.issuer ?? 'okta-aws';
  return `${endpoint}?Action=login&Issuer=${encodeURIComponent(issuer)}&Destination=${encodeURIComponent(destination)}&SigninToken=${encodeURIComponent(token)}`;
}

function refusal(status: number, body: string, creds: ProfileCredentials, sentDuration: boolean): UserError {
  // Redact before cutting: a secret cut in half no longer matches what redact() looks for.
  debug(`sign-in endpoint answered ${status}: ${redact(body).slice(0, 500)}`);
  const what = `AWS sign-in refused the credentials of ${creds.profile} (HTTP ${status})`;
  if (status === 400 || status === 401 || status === 403) {
    const expired = creds.expiration.getTime() <= Date.now();
    return new UserError(expired ? `${what}: they expired at ${creds.expiration.toISOString()}` : what, {
      hint: sentDuration
        ? 'The credentials may be expired or revoked: run `okta-aws refresh`, then try again, or ask for a shorter --duration.'
        : 'The credentials may be expired or revoked: run `okta-aws refresh`, then try again.',
      code: `HTTP_${status}`,
    });
  }
  if (status >= 500) {
    return new UserError(`The AWS sign-in endpoint failed (HTTP ${status})`, { hint: 'Try again in a minute.', code: `HTTP_${status}` });
  }
  return new UserError(`Unexpected answer from the AWS sign-in endpoint (HTTP ${status})`, {
    hint: 'Check AWS_ENDPOINT_URL_SIGNIN and your proxy settings, then try again; run with --debug to see more.',
    code: `HTTP_${status}`,
  });
}

function networkError(endpoint: string, error: unknown, timeoutMs: number): UserError {
  if (error instanceof UserError) return error; // lib/http's client already explains its failures
  const host = new URL(endpoint).host;
  const err = error as { name?: string; code?: string; cause?: { code?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') {
    return new UserError(`No answer from ${host} within ${Math.round(timeoutMs / 1000)} s`, {
      hint: 'Check your network or proxy (HTTPS_PROXY), or raise OKTA_AWS_HTTP_TIMEOUT (seconds).',
      code: 'TIMEOUT',
    });
  }
  return new UserError(`Cannot reach ${host} (${err.cause?.code ?? err.code ?? 'network error'})`, {
    hint: 'Check your network and proxy settings (HTTPS_PROXY, NO_PROXY, AWS_ENDPOINT_URL_SIGNIN), then try again.',
    code: 'NETWORK',
    cause: error,
  });
}
