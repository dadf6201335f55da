import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readCache } from '../aws/credential-cache.js';
import { ensurePrivateDir, ensurePrivateFile, isCode, writeFileAtomic } from '../lib/atomic-file.js';
import { appHome } from '../lib/paths.js';
import { type CredentialServer, type RequestRecord, newToken, startCredentialServer } from '../server/credential-server.js';
import { type RefreshingSource, refreshingSource } from '../server/refreshing-source.js';
import { type FreshOptions, credentialsFor, ensureFresh } from './fresh-credentials.js';

/** The path prefix of every profile: `/role/<profile>`. */
export const ROLE_PATH = '/role/';

/** `<settings folder>/server-token` (0600): the token `serve` accepts, kept across restarts. */
export function serverTokenFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(appHome(env), 'server-token');
}

/** The saved token, or a new one saved first; a token file anyone else can read is tightened. */
export async function loadServerToken(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const path = serverTokenFile(env);
  try {
    const saved = (await readFile(path, 'utf8')).trim();
    if (saved.length >= 43) {
      await ensurePrivateFile(path);
      return saved;
    }
  } catch (error) {
    if (!isCode(error, 'ENOENT')) throw error;
  }
  const token = newToken();
  await ensurePrivateDir(appHome(env));
  await writeFileAtomic(path, `${token}\n`, { mode: 0o600 });
  await ensurePrivateFile(path);
  return token;
}

export interface Serving {
  server: CredentialServer;
  token: string;
  tokenFile: string;
  /** The profiles known when it started, each served at `${origin}/role/<profile>`. */
  profiles: string[];
  close(): Promise<void>;
}

/**
 * `serve`: one loopback server for every granted profile, each refreshed on demand through the
 * same chain as credential-process, and ahead of expiry while someone is using it.
 */
export async function startServing(options: FreshOptions & { port?: number; onRequest: (record: RequestRecord) => void; onBackgroundError?: (profile: string, error: unknown) => void }): Promise<Serving> {
  const env = options.env ?? process.env;
  const cache = (await readCache(env)) ?? (await ensureFresh('all', options));
  const granted = new Set(cache.roles.map((r) => r.profile));
  const sources = new Map<string, RefreshingSource>();
  const sourceFor = (profile: string): RefreshingSource => {
    let source = sources.get(profile);
    if (!source) {
      source = refreshingSource(
        async () => {
          const { credentials, cache: after } = await credentialsFor(profile, options);
          // A refresh may grant or revoke roles: later requests follow it.
          granted.clear();
          for (const role of after.roles) granted.add(role.profile);
          return credentials;
        },
        (error) => options.onBackgroundError?.(profile, error),
      );
      sources.set(profile, source);
    }
    return source;
  };

  const token = await loadServerToken(env);
  const server = await startCredentialServer({
    token,
    ...(options.port === undefined ? {} : { port: options.port }),
    route: (path) => {
      if (!path.startsWith(ROLE_PATH)) return undefined;
      const profile = path.slice(ROLE_PATH.length);
      return granted.has(profile) ? { profile, source: sourceFor(profile).get } : undefined;
    },
    onRequest: options.onRequest,
  });
  return {
    server,
    token,
    tokenFile: serverTokenFile(env),
    profiles: cache.roles.map((r) => r.profile),
    close: async () => {
      for (const source of sources.values()) source.stop();
      await server.close();
    },
  };
}
