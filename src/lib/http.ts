import type { Agent } from 'node:http';
import { UserError } from './errors.js';
import { debug } from './log.js';

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

/** `OKTA_AWS_HTTP_TIMEOUT` (seconds) bounds every request, so a silent server never hangs the CLI. */
export function timeoutFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.OKTA_AWS_HTTP_TIMEOUT);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_TIMEOUT_MS;
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

/** node-fetch behind a cookie jar (fetch-cookie), with a timeout and readable network errors. */
export async function createHttpClient(options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<HttpClient> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? timeoutFromEnv(env);
  const [{ default: nodeFetch }, { default: fetchCookie }, agentFor] = await Promise.all([
    import('node-fetch'),
    import('fetch-cookie'),
    proxyAgents(env),
  ]);
  const jar = new fetchCookie.toughCookie.CookieJar();
  const cookieFetch = fetchCookie(nodeFetch, jar);

  const fetch: HttpFetch = async (url, init = {}) => {
    const method = init.method ?? 'GET';
    const shown = loggableUrl(url);
    debug(`${method} ${shown}`);
    try {
      const agent = agentFor ? (target: URL) => agentFor(target.href) : undefined;
      const response = await cookieFetch(url, { ...init, method, agent, signal: AbortSignal.timeout(timeoutMs) });
      debug(`${response.status} ${method} ${shown}`);
      return response;
    } catch (error) {
      throw networkError(url, error, timeoutMs);
    }
  };
  return {
    fetch,
    async cookie(url, name) {
      const cookies = await jar.getCookies(url);
      return cookies.find((c) => c.key === name)?.value;
    },
    async setCookie(url, name, value) {
      await jar.setCookie(`${name}=${value}; Path=/`, url);
    },
  };
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
