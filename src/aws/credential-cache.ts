import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, isCode, writeFileAtomic } from '../lib/atomic-file.js';
import { withLock } from '../lib/lock.js';
import { cacheDir } from '../lib/paths.js';
import type { GrantedRole, Partition, ProfileCredentials } from './types.js';
import { rfc3339 } from '../lib/time.js';

/** Credentials are served from cache while they have more than this left (the spec's 5 minutes). */
export const FRESH_FOR_MS = 5 * 60 * 1000;

interface CachedEntry {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
  RoleArn: string;
  Region: string;
  Partition: Partition;
}

/**
 * `cache/credentials.json` (0600 in a 0700 folder): the roles last granted and each profile's live
 * credentials. Its entries are already in credential_process's field names, so the fast path in
 * bin/run.js prints one without loading anything.
 */
export interface CredentialCache {
  version: 1;
  updatedAt: string;
  /** The SAML SessionDuration attribute: the console session length the admin chose. */
  sessionDuration?: number;
  roles: GrantedRole[];
  credentials: Record<string, CachedEntry>;
}

export function cacheFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'credentials.json');
}

export async function readCache(env: NodeJS.ProcessEnv = process.env): Promise<CredentialCache | undefined> {
  try {
    const parsed = JSON.parse(await readFile(cacheFile(env), 'utf8')) as CredentialCache;
    return parsed.version === 1 && Array.isArray(parsed.roles) ? parsed : undefined;
  } catch (error) {
    if (isCode(error, 'ENOENT') || error instanceof SyntaxError) return undefined; // a cache can always be rebuilt
    throw error;
  }
}

export function cachedCredentials(cache: CredentialCache | undefined, profile: string): ProfileCredentials | undefined {
  const entry = cache?.credentials[profile];
  if (!entry) return undefined;
  return {
    profile,
    accessKeyId: entry.AccessKeyId,
    secretAccessKey: entry.SecretAccessKey,
    sessionToken: entry.SessionToken,
    expiration: new Date(entry.Expiration),
    roleArn: entry.RoleArn,
    region: entry.Region,
    partition: entry.Partition,
    chained: false,
  };
}

export function isFresh(credentials: { expiration: Date } | undefined, now = Date.now()): boolean {
  return credentials !== undefined && credentials.expiration.getTime() - now > FRESH_FOR_MS;
}

/** Replaces the granted roles and merges in new credentials; entries of roles no longer granted go. */
export async function writeCache(
  update: { roles: GrantedRole[]; sessionDuration?: number; credentials: ProfileCredentials[] },
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const path = cacheFile(env);
  await ensurePrivateDir(cacheDir(env));
  await withLock(`${path}.lock`, async () => {
    const previous = await readCache(env);
    const granted = new Set(update.roles.map((r) => r.profile));
    const credentials: Record<string, CachedEntry> = {};
    for (const [profile, entry] of Object.entries(previous?.credentials ?? {})) {
      if (granted.has(profile)) credentials[profile] = entry;
    }
    for (const c of update.credentials) {
      credentials[c.profile] = {
        AccessKeyId: c.accessKeyId,
        SecretAccessKey: c.secretAccessKey,
        SessionToken: c.sessionToken,
        Expiration: rfc3339(c.expiration),
        RoleArn: c.roleArn,
        Region: c.region,
        Partition: c.partition,
      };
    }
    const cache: CredentialCache = {
      version: 1,
      updatedAt: new Date().toISOString(),
      ...(update.sessionDuration === undefined ? {} : { sessionDuration: update.sessionDuration }),
      roles: update.roles,
      credentials,
    };
    await writeFileAtomic(path, JSON.stringify(cache) + '\n', { mode: 0o600 });
  });
}
