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

/**
 * The agent for every outgoing connection: `proxy-agent` honours HTTP(S)_PROXY and NO_PROXY the
 * way curl does. Loaded only when a proxy is configured, since most runs need none.
 */
export async function proxyAgent(env: NodeJS.ProcessEnv = process.env): Promise<Agent | undefined> {
  if (!proxyConfigured(env)) return undefined;
  const { ProxyAgent } = await import('proxy-agent');
  return new ProxyAgent() as unknown as Agent;
}

/** node-fetch behind a cookie jar (fetch-cookie), with a timeout and readable network errors. */
export async function createHttpClient(options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<HttpClient> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? timeoutFromEnv(env);
  const [{ default: nodeFetch }, { default: fetchCookie }, agent] = await Promise.all([
    import('node-fetch'),
    import('fetch-cookie'),
    proxyAgent(env),
  ]);
  const jar = new fetchCookie.toughCookie.CookieJar();
  const cookieFetch = fetchCookie(nodeFetch, jar);

  const fetch: HttpFetch = async (url, init = {}) => {
    const method = init.method ?? 'GET';
    debug(`${method} ${url}`);
    try {
      const response = await cookieFetch(url, { ...init, method, agent, signal: AbortSignal.timeout(timeoutMs) });
      debug(`${response.status} ${method} ${url}`);
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
