import { type CredentialCache, cachedCredentials, isFresh, readCache } from '../aws/credential-cache.js';
import { resolveTarget } from '../aws/targets.js';
import type { GrantedRole, ProfileCredentials } from '../aws/types.js';
import { UserError } from '../lib/errors.js';
import { rfc3339 } from '../lib/time.js';
import type { DeviceLoginUi } from './device-sign-in.js';
import type { RefreshResult } from './refresh.js';

export interface FreshOptions {
  env?: NodeJS.ProcessEnv;
  entry: { node: string; script: string };
  /** Told why a refresh is about to happen (one line for stderr). */
  onRefresh?: (reason: string) => void;
  /** Who may approve a browser login when the device flow needs one (nobody by default). */
  device?: DeviceLoginUi;
}

/**
 * The credential provider chain of this tool: the cache while it has more than 5 minutes left, else
 * one refresh (Okta session reuse first) shared with any concurrent caller.
 */
export async function ensureFresh(profiles: string[] | 'all', options: FreshOptions): Promise<CredentialCache> {
  const env = options.env ?? process.env;
  const { cache, wanted, stale } = await freshness(profiles, env);
  if (cache && stale.length === 0) return cache;

  // Loaded only now: a fresh cache (the common case, and bin/run.js's offline answers) needs none of the sign-in code.
  const [{ loadConfig }, { partialFailure, refresh }, { quietReporter }] = await Promise.all([import('./config.js'), import('./refresh.js'), import('./reporter.js')]);

  // Settings first: before any `init` the one line says so, not "refreshing" and then a failure.
  const config = await loadConfig(env);
  options.onRefresh?.(
    !cache ? 'no cached credentials yet; refreshing' : `credentials for ${stale.length === 1 ? stale[0] : `${stale.length} profiles`} expire within 5 minutes; refreshing`,
  );
  const result: RefreshResult | undefined = await refresh({ config, env, entry: options.entry, reporter: quietReporter, device: options.device, onlyIfStale: profiles === 'all' && !cache ? undefined : wanted });
  const after = await readCache(env);
  if (!after) throw new UserError('The refresh wrote no credential cache', { hint: 'Run `okta-aws refresh --debug` to see what happened.' });
  const stillStale = wanted.filter((p) => after.roles.some((r) => r.profile === p) && !isFresh(cachedCredentials(after, p)));
  if (stillStale.length > 0 && result) throw partialFailure(result) ?? new UserError(`No fresh credentials for ${stillStale.join(', ')}`, { hint: 'Run `okta-aws refresh`.' });
  return after;
}

/** The cache and which of the wanted profiles (all granted ones for 'all') would need a refresh. */
export async function freshness(profiles: string[] | 'all', env: NodeJS.ProcessEnv = process.env): Promise<{ cache: CredentialCache | undefined; wanted: string[]; stale: string[] }> {
  const cache = await readCache(env);
  const wanted = profiles === 'all' ? (cache?.roles.map((r) => r.profile) ?? []) : profiles;
  return { cache, wanted, stale: wanted.filter((p) => !isFresh(cachedCredentials(cache, p))) };
}

/** Profile name, role name or role ARN → the role and its fresh credentials. */
export async function credentialsFor(target: string, options: FreshOptions): Promise<{ role: GrantedRole; credentials: ProfileCredentials; cache: CredentialCache }> {
  const env = options.env ?? process.env;
  let cache = (await readCache(env)) ?? (await ensureFresh('all', options));
  const role = resolveTarget(target, cache.roles);
  cache = await ensureFresh([role.profile], options);
  const credentials = cachedCredentials(cache, role.profile);
  if (!credentials) throw new UserError(`${role.profile} is no longer granted to you`, { hint: 'Run `okta-aws roles` to see the roles you have.' });
  return { role, credentials, cache };
}

/** credential_process's output for a profile (botocore and the SDKs read exactly these fields). */
export async function credentialProcessOutput(profile: string, options: FreshOptions): Promise<string> {
  // A profile the last refresh did not grant is a typo or a revoked role: say so rather than log in
  // to Okta again on every call an SDK makes.
  const known = await readCache(options.env ?? process.env);
  const cache = known && !known.roles.some((r) => r.profile === profile) ? known : await ensureFresh([profile], options);
  const entry = cachedCredentials(cache, profile);
  if (!entry) {
    throw new UserError(`${profile} is not one of your Okta roles`, {
      hint: 'Run `okta-aws roles` to list them (or `okta-aws refresh` if it was granted just now), and fix the profile name.',
      code: 'UNKNOWN_PROFILE',
    });
  }
  return JSON.stringify({ Version: 1, AccessKeyId: entry.accessKeyId, SecretAccessKey: entry.secretAccessKey, SessionToken: entry.sessionToken, Expiration: rfc3339(entry.expiration) }) + '\n';
}
