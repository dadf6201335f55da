import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, isCode, writeFileAtomic } from '../lib/atomic-file.js';
import { withLock } from '../lib/lock.js';
import { currentIdentity } from '../lib/identity.js';
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
  /** `<SSO origin> <username>` (lib/identity): a cache of another identity is ignored. */
  identity: string;
  updatedAt: string;
  /** The SAML SessionDuration attribute: the console session length the admin chose. */
  sessionDuration?: number;
  roles: GrantedRole[];
  credentials: Record<string, CachedEntry>;
}

export function cacheFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'credentials.json');
}

/**
 * The cache, when it belongs to the identity the next login would use (`identity`, by default the
 * one settings.json and the environment name now) and names every profile once. Anything else, such
 * as the cache of the user before the last `init`, counts as no cache.
 */
export async function readCache(env: NodeJS.ProcessEnv = process.env, identity?: string): Promise<CredentialCache | undefined> {
  let parsed: CredentialCache;
  try {
    parsed = JSON.parse(await readFile(cacheFile(env), 'utf8')) as CredentialCache;
  } catch (error) {
    if (isCode(error, 'ENOENT') || error instanceof SyntaxError) return undefined; // a cache can always be rebuilt
    throw error;
  }
  if (parsed.version !== 1 || !Array.isArray(parsed.roles) || typeof parsed.credentials !== 'object' || parsed.credentials === null) return undefined;
  if (typeof parsed.identity !== 'string' || parsed.identity !== (identity ?? (await currentIdentity(env)))) return undefined;
  return onePerProfile(parsed.roles) ? parsed : undefined;
}

/** A cache from before profile names were unique can hold two roles under one name: it is not used. */
function onePerProfile(roles: GrantedRole[]): boolean {
  const arnOf = new Map<string, string>();
  for (const role of roles) {
    if ((arnOf.get(role.profile) ?? role.roleArn) !== role.roleArn) return false;
    arnOf.set(role.profile, role.roleArn);
  }
  return true;
}

/** A profile's cached credentials, only when they were issued for the role the cache names it for. */
export function cachedCredentials(cache: CredentialCache | undefined, profile: string): ProfileCredentials | undefined {
  const entry = cache?.credentials[profile];
  const role = cache?.roles.find((r) => r.profile === profile);
  if (!entry || !role || entry.RoleArn !== role.roleArn) return undefined;
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
  update: { identity: string; roles: GrantedRole[]; sessionDuration?: number; credentials: ProfileCredentials[] },
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const path = cacheFile(env);
  await ensurePrivateDir(cacheDir(env));
  await withLock(`${path}.lock`, async () => {
    const previous = await readCache(env, update.identity);
    const granted = new Map(update.roles.map((r) => [r.profile, r.roleArn]));
    const credentials: Record<string, CachedEntry> = {};
    for (const [profile, entry] of Object.entries(previous?.credentials ?? {})) {
      if (granted.get(profile) === entry.RoleArn) credentials[profile] = entry;
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
      identity: update.identity,
      updatedAt: new Date().toISOString(),
      sessionDuration: update.sessionDuration, // JSON leaves it out when undefined
      roles: update.roles,
      credentials,
    };
    await writeFileAtomic(path, JSON.stringify(cache) + '\n', { mode: 0o600 });
  });
}
