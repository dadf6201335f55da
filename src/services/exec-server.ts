import { randomBytes } from 'node:crypto';
import { debug } from '../lib/log.js';
import { isSecretVariable } from '../lib/secret-env.js';
import { newToken, startCredentialServer } from '../server/credential-server.js';
import { refreshingSource } from '../server/refreshing-source.js';
import { OVERRIDING_ENV } from '../shell/exports.js';
import { PROFILE_MARKER, type RunOptions, runChild } from './exec.js';
import type { FreshOptions } from './fresh-credentials.js';
import { type ChainRequest, roleCredentials } from './role-credentials.js';

/**
 * What the child must not inherit: keys (SDKs prefer them to the server), profiles (they win over the
 * container provider) and other container settings (a relative URI or a token file would win over ours).
 * The Okta secret variables go too, as for every child (lib/secret-env).
 */
const DROPPED = new Set<string>([
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  ...OVERRIDING_ENV,
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
]);

/** The child's environment: no keys, the server's URI and token, the role's region. */
export function serverChildEnv(
  server: { uri: string; token: string; profile: string; region: string },
  base: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined || DROPPED.has(platform === 'win32' ? name.toUpperCase() : name) || isSecretVariable(name, platform)) continue;
    env[name] = value;
  }
  return {
    ...env,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: server.uri,
    AWS_CONTAINER_AUTHORIZATION_TOKEN: server.token,
    AWS_REGION: server.region,
    AWS_DEFAULT_REGION: server.region,
    [PROFILE_MARKER]: server.profile,
  };
}

export interface ServerRunOptions extends FreshOptions, Omit<RunOptions, 'env'> {
  /** A line for stderr when the server could not answer (the child sees only an SDK error). */
  onFailure?: (line: string) => void;
  /** Called as soon as the child runs (and its signal forwarding is in place). */
  onChildStarted?: () => void;
}

/**
 * `exec --server`: a container-credentials server on a random loopback port and path for the life
 * of `command`, which gets only the URI and the token. Credentials are fetched once before the
 * child starts (a login failure stops here, not in the child), then refreshed in the background.
 */
export async function runWithServer(command: string, args: string[], request: { target: string; chain?: ChainRequest }, options: ServerRunOptions): Promise<number> {
  const source = refreshingSource(
    async () => (await roleCredentials(request, options)).credentials,
    (error) => debug(`background refresh failed: ${error instanceof Error ? error.message : String(error)}`),
  );
  const first = await source.get();
  const token = newToken();
  const path = `/${randomBytes(16).toString('base64url')}`;
  const server = await startCredentialServer({
    token,
    route: (p) => (p === path ? { profile: first.profile, source: source.get } : undefined),
    onRequest: (r) => {
      debug(`credential server: ${r.method} ${r.status} ${r.outcome}`);
      if (r.status >= 500) options.onFailure?.(`credential server could not answer: ${r.outcome}`);
    },
  });
  try {
    const env = serverChildEnv({ uri: `${server.origin}${path}`, token, profile: first.profile, region: first.region }, options.env ?? process.env);
    const running = runChild(command, args, env, options);
    options.onChildStarted?.();
    return await running;
  } finally {
    source.stop();
    await server.close();
  }
}
