import type { Agent } from 'node:http';
import { UserError } from './errors.js';
import { printable } from './printable.js';
import { debug } from './log.js';
import { requireCjs } from './require-cjs.js';

export interface HttpResponse {
  status: number;
  url: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  redirect?: 'follow' | 'manual';
}

export type HttpFetch = (url: string, init?: HttpRequest) => Promise<HttpResponse>;

export interface HttpClient {
  fetch: HttpFetch;
  /** The `sid` (or any) cookie for a URL, as the jar holds it. */
  cookie(url: string, name: string): Promise<string | undefined>;
  setCookie(url: string, name: string, value: string): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

const MIN_TIMEOUT_S = 1;
const MAX_TIMEOUT_S = 300;

/**
 * `OKTA_AWS_HTTP_TIMEOUT` (seconds) bounds every request, so a silent server never hangs the CLI.
 * A value outside 1–300 s is an error: 0.001 would fail every call, 1e9 would hang.
 */
export function timeoutFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.OKTA_AWS_HTTP_TIMEOUT;
  if (raw === undefined || raw.trim() === '') return DEFAULT_TIMEOUT_MS;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < MIN_TIMEOUT_S || seconds > MAX_TIMEOUT_S) {
    throw new UserError(`OKTA_AWS_HTTP_TIMEOUT="${printable(raw)}" is not a number of seconds from ${MIN_TIMEOUT_S} to ${MAX_TIMEOUT_S}`, {
      hint: `Set it to how long to wait for an answer (default ${DEFAULT_TIMEOUT_MS / 1000}), or unset it.`,
      code: 'BAD_TIMEOUT',
    });
  }
  return seconds * 1000;
}

function proxyConfigured(env: NodeJS.ProcessEnv): boolean {
  return ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'].some((name) => env[name]);
}

/** Picks the agent for a URL: a proxy agent, or undefined to connect directly. */
export type AgentFor = (url: string) => Agent | undefined;

/**
 * Proxy agents that honour HTTP(S)_PROXY and NO_PROXY the way curl does (proxy-from-env), one per
 * proxy and target scheme. They are made synchronously and shared: proxy-agent's ProxyAgent builds
 * one per request racing to its cache and destroys the losers mid-request, which made concurrent
 * STS calls fail with "socket hang up" and retry. Loaded only when a proxy is configured.
 */
export async function proxyAgents(env: NodeJS.ProcessEnv = process.env): Promise<AgentFor | undefined> {
  if (!proxyConfigured(env)) return undefined;
  const [{ getProxyForUrl }, { HttpProxyAgent }, { HttpsProxyAgent }] = await Promise.all([
    import('proxy-from-env'),
    import('http-proxy-agent'),
    import('https-proxy-agent'),
  ]);
  const agents = new Map<string, Agent>();
  return (url) => {
    const proxy = getProxyForUrl(url);
    if (!proxy) return undefined;
    const tls = url.startsWith('https:');
    const key = `${tls ? 'https' : 'http'} via ${proxy}`;
    let agent = agents.get(key);
    if (!agent) {
      agent = tls ? new HttpsProxyAgent(proxy) : new HttpProxyAgent(proxy);
      agents.set(key, agent);
    }
    return agent;
  };
}

/** Bodies past this are refused, unread: Okta's largest pages (a SAML form for hundreds of roles) are far smaller. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/**
 * node-fetch behind a cookie jar (fetch-cookie), with a timeout over the whole exchange (body
 * included), a cap on every body, and readable network errors. Redirects are followed here, not by
 * node-fetch: only within one origin (so never from https to http), and a request body (a password,
 * a code, a state token) is never sent again: 307/308 after a POST are refused, 301/302/303 become
 * a GET. With `origin`, every request must go to that origin: the client of an Okta login refuses
 * any link Okta hands back that points elsewhere, before anything is sent there.
 */
export async function createHttpClient(options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; origin?: string; maxBodyBytes?: number } = {}): Promise<HttpClient> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? timeoutFromEnv(env);
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  // fetch-cookie's CommonJS build, so tough-cookie and tldts load without the export-name scan.
  const { default: fetchCookie } = requireCjs('fetch-cookie') as typeof import('fetch-cookie');
  const [{ default: nodeFetch }, agentFor] = await Promise.all([import('node-fetch'), proxyAgents(env)]);
  const jar = new fetchCookie.toughCookie.CookieJar();
  const cookieFetch = fetchCookie(nodeFetch, jar);

  const once = async (url: string, init: HttpRequest): Promise<HttpResponse> => {
    const method = init.method ?? 'GET';
    const shown = loggableUrl(url);
    debug(`${method} ${shown}`);
    let response;
    try {
      const agent = agentFor ? (target: URL) => agentFor(target.href) : undefined;
      const request = { ...(init.headers ? { headers: init.headers } : {}), ...(init.body === undefined ? {} : { body: init.body }) };
      response = await cookieFetch(url, { ...request, method, redirect: 'manual', agent, size: maxBodyBytes, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw networkError(url, error, timeoutMs);
    }
    debug(`${response.status} ${method} ${shown}`);
    const answer = response;
    return {
      status: answer.status,
      url,
      headers: answer.headers,
      async text() {
        try {
          return await answer.text();
        } catch (error) {
          throw bodyError(url, error, timeoutMs, maxBodyBytes);
        }
      },
    };
  };

  const fetch: HttpFetch = async (url, init = {}) => {
    let current = url;
    let request = init;
    for (let hops = 0; ; hops += 1) {
      if (options.origin !== undefined) requireOrigin(current, options.origin);
      const response = await once(current, request);
      const location = response.headers.get('location');
      if (!REDIRECTS.has(response.status) || location === null || init.redirect === 'manual') return response;
      const from = new URL(current);
      const to = new URL(location, from);
      if (to.origin !== from.origin) {
        throw new UserError(`${from.host} redirected to ${to.protocol}//${to.host}, another origin; okta-aws follows redirects only within one origin`, {
          hint: 'Check the SSO URL (`okta-aws init`) and any proxy in between; Okta itself answers from its own origin.',
          code: 'REDIRECT_ELSEWHERE',
        });
      }
      if (request.body !== undefined) {
        if (response.status === 307 || response.status === 308) {
          throw new UserError(`${from.host} asked for the request body to be sent again to ${to.pathname} (HTTP ${response.status}); okta-aws never re-sends a password or code`, {
            hint: 'Check the SSO URL (`okta-aws init`) and any proxy in between.',
            code: 'REDIRECT_BODY',
          });
        }
        const headers = Object.entries(request.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'content-type');
        request = { method: 'GET', headers: Object.fromEntries(headers) };
      }
      if (hops >= MAX_REDIRECTS) {
        throw new UserError(`${from.host} redirected more than ${MAX_REDIRECTS} times`, { hint: 'Check the SSO URL with `okta-aws init`.', code: 'REDIRECT_LOOP' });
      }
      current = to.href;
    }
  };
  return {
    fetch,
    async cookie(url, name) {
      const cookies = await jar.getCookies(url);
      return cookies.find((c) => c.key === name)?.value;
    },
    async setCookie(url, name, value) {
      // Secure on https: the jar then never hands it to a plain-http URL, whatever redirects.
      await jar.setCookie(`${name}=${value}; Path=/${url.startsWith('https:') ? '; Secure' : ''}`, url);
    },
  };
}

function requireOrigin(url: string, origin: string): void {
  const target = new URL(url);
  if (target.origin === origin) return;
  throw new UserError(`Okta pointed okta-aws at ${target.protocol}//${target.host}, which is not the SSO URL's origin ${origin}; nothing was sent there`, {
    hint: 'Check the SSO URL (`okta-aws init`) and any proxy in between; an Okta org links only to itself.',
    code: 'FOREIGN_LINK',
  });
}

/** Query parameters whose values say what a request is, and are never secret. */
const SHOWN_PARAMS = new Set(['Action', 'SessionDuration', 'Destination', 'Issuer', 'rememberDevice', 'redirectUrl', 'fromURI']);

/**
 * The URL for --debug, every other query value replaced. log.redact() knows some token names and
 * the registered secrets, but not everything: console-url's getSigninToken call carries
 * `Session={"sessionKey":…,"sessionToken":…}` URL-encoded, which matched neither and was logged.
 */
export function loggableUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '[unparsable URL]';
  }
  if (parsed.search === '') return url;
  const params = [...parsed.searchParams.keys()].map((key) => (SHOWN_PARAMS.has(key) ? `${key}=${encodeURIComponent(parsed.searchParams.get(key) ?? '')}` : `${key}=[redacted]`));
  return `${parsed.origin}${parsed.pathname}?${params.join('&')}`;
}

/** A body that broke off, stalled past the timeout, or grew past the cap: one line, like any network error. */
function bodyError(url: string, error: unknown, timeoutMs: number, maxBodyBytes: number): UserError {
  const err = error as { type?: string; name?: string; code?: string };
  const host = new URL(url).host;
  if (err.type === 'max-size') {
    return new UserError(`${host} sent an answer larger than ${Math.round(maxBodyBytes / (1024 * 1024))} MB; okta-aws stopped reading it`, {
      hint: "Check the SSO URL (`okta-aws init`) and any proxy in between; Okta's answers are far smaller.",
      code: 'TOO_LARGE',
    });
  }
  if (err.name === 'AbortError' || err.name === 'TimeoutError') return networkError(url, error, timeoutMs);
  return new UserError(`The connection to ${host} broke while its answer was being read (${err.code ?? err.type ?? 'network error'})`, {
    hint: 'Check your network and proxy settings (HTTPS_PROXY, NO_PROXY), then try again.',
    code: 'NETWORK',
  });
}

function networkError(url: string, error: unknown, timeoutMs: number): UserError {
  const host = new URL(url).host;
  const err = error as { name?: string; code?: string; message?: string; cause?: { code?: string } };
  if (err.name === 'AbortError' || err.name === 'TimeoutError') {
    return new UserError(`No answer from ${host} within ${Math.round(timeoutMs / 1000)} s`, {
      hint: 'Check your network or proxy (HTTPS_PROXY), or raise OKTA_AWS_HTTP_TIMEOUT (seconds).',
      code: 'TIMEOUT',
    });
  }
  const code = err.code ?? err.cause?.code ?? 'network error';
  return new UserError(`Cannot reach ${host} (${code})`, {
    hint: 'Check the address, your network and proxy settings (HTTPS_PROXY, NO_PROXY), then try again.',
    code: 'NETWORK',
  });
}
