import { join } from 'node:path';
import { type RoleOutcome, assumeAllRoles } from '../aws/sts.js';
import { cachedCredentials, isFresh, readCache, writeCache } from '../aws/credential-cache.js';
import { checkCredentialsFile, updateOwnedProfiles } from '../aws/credentials-file.js';
import { timeoutFromEnv } from '../lib/http.js';
import { regionFor } from '../aws/partitions.js';
import type { ProfileCredentials } from '../aws/types.js';
import { ensurePrivateDir } from '../lib/atomic-file.js';
import { UserError } from '../lib/errors.js';
import { identityKey } from '../lib/identity.js';
import { withLock } from '../lib/lock.js';
import { registerSecret } from '../lib/log.js';
import { appHome, configName, credentialsFile } from '../lib/paths.js';
import type { CredentialMode } from '../lib/settings.js';
import { readState, updateState } from '../lib/state.js';
import type { Config } from './config.js';
import { type Reporter, quietReporter } from './reporter.js';
import { profileScope } from './configs.js';
import { checkProcessEntry, profileEntries } from './profile-entries.js';
import { signIn } from './sign-in.js';
import type { DeviceLoginUi } from './device-sign-in.js';
import { rfc3339 } from '../lib/time.js';

export const DEFAULT_DURATION = 43200;

export interface RefreshOptions {
  config: Config;
  env?: NodeJS.ProcessEnv;
  duration?: number;
  mode?: CredentialMode;
  reporter?: Reporter;
  /** How profiles in process mode call us back: absolute node and entry script. */
  entry: { node: string; script: string };
  /**
   * Refresh only if one of these profiles is missing or stale once the lock is ours: a caller that
   * waited for another process's refresh then finds fresh credentials and does nothing.
   */
  onlyIfStale?: string[];
  /** Who may approve a browser login when the device flow needs one (nobody by default). */
  device?: DeviceLoginUi;
}

export interface RefreshResult {
  profiles: { profile: string; roleArn: string; expiration: string }[];
  removed: string[];
  failed: { profile: string; roleArn: string; error: string }[];
  /** For stderr, even with --json: what the user should know although the refresh worked (names that collided, account names unreadable). */
  warnings: string[];
}

/**
 * One refresh: Okta session (or login) → SAML assertion → every role through STS at once → the
 * credential cache and the credentials file. Serialized across processes, so concurrent callers
 * share one Okta login instead of racing for the same TOTP step.
 */
export async function refresh(options: RefreshOptions & { onlyIfStale?: undefined }): Promise<RefreshResult>;
export async function refresh(options: RefreshOptions): Promise<RefreshResult | undefined>;
export async function refresh(options: RefreshOptions): Promise<RefreshResult | undefined> {
  const env = options.env ?? process.env;
  await ensurePrivateDir(appHome(env));
  return withLock(
    join(appHome(env), 'refresh.lock'),
    async () => {
      if (options.onlyIfStale) {
        const cache = await readCache(env, identityKey(options.config.ssoUrl, options.config.username));
        if (cache && options.onlyIfStale.every((p) => isFresh(cachedCredentials(cache, p)))) return undefined;
      }
      return refreshLocked(options, env);
    },
    // The holder may be waiting for a push to be approved: callers wait that long, and then some.
    { timeoutMs: 120_000 + options.config.pushTimeoutSeconds * 1000 },
  );
}

async function refreshLocked(options: RefreshOptions, env: NodeJS.ProcessEnv): Promise<RefreshResult> {
  const { config } = options;
  const reporter = options.reporter ?? quietReporter;
  const mode = options.mode ?? config.mode;
  // What would fail after the login fails before it: before the password leaves, before a TOTP
  // step is spent, before any STS call.
  timeoutFromEnv(env);
  if (mode === 'process') checkProcessEntry(options.entry);
  await checkCredentialsFile(credentialsFile(env));
  const { samlAssertion, roles, sessionDuration, collisions, warnings } = await signIn(config, env, reporter, undefined, options.device);

  const requested = options.duration ?? config.duration ?? DEFAULT_DURATION;
  const remembered = (await readState(env)).role_durations ?? {};
  const outcomes = await reporter.itemized(
    `Assuming ${roles.length} role${roles.length === 1 ? '' : 's'} through STS`,
    roles.map((r) => r.profile),
    (finish) =>
      assumeAllRoles({
        roles,
        samlAssertion,
        region: config.region,
        env,
        durationFor: (role) => Math.min(requested, remembered[role.roleArn] ?? requested),
        onDone: (outcome) => finish(roles.indexOf(outcome.role), 'error' in outcome ? outcome.error.message : undefined),
      }),
  );

  const succeeded = outcomes.filter((o): o is Extract<RoleOutcome, { credentials: unknown }> => 'credentials' in o);
  const credentials: ProfileCredentials[] = succeeded.map((o) => ({
    ...o.credentials,
    profile: o.role.profile,
    roleArn: o.role.roleArn,
    region: regionFor(o.role.partition, config.region),
    partition: o.role.partition,
    chained: false,
  }));
  for (const c of credentials) {
    registerSecret(c.secretAccessKey);
    registerSecret(c.sessionToken);
  }

  // Every role failed: nothing was gained, so nothing is written (not even the removal of profiles
  // no longer granted), and the error is the roles' own (its hint says what to fix), instead of
  // partialFailure's "the other profiles were written", which would be untrue.
  const firstError = outcomes.find((o): o is Extract<RoleOutcome, { error: unknown }> => 'error' in o)?.error;
  if (succeeded.length === 0 && firstError) {
    throw new UserError(`${roles.length === 1 ? 'The role' : `All ${roles.length} roles`} failed; first: ${firstError.message}`, {
      hint: `${firstError.hint ?? 'Run again with --debug to see more.'} The credentials file was left unchanged.`,
      code: firstError.code,
    });
  }

  const failedProfiles = new Set(outcomes.filter((o) => 'error' in o).map((o) => o.role.profile));
  const { removed, warning } = await reporter.task(`Writing ${credentialsFile(env)}`, async (retitle) => {
    await writeCache({ identity: identityKey(config.ssoUrl, config.username), roles, credentials, ...(sessionDuration === undefined ? {} : { sessionDuration }) }, env);
    const entries = profileEntries({ mode, roles, credentials, region: config.region, entry: options.entry, config: configName(env) });
    // Another configuration's profiles are never this one's to remove.
    const { owns } = await profileScope(env);
    const written = await updateOwnedProfiles(credentialsFile(env), entries, { removeStale: true, keep: (name) => failedProfiles.has(name) || !owns(name) });
    retitle(`Wrote ${credentialsFile(env)}`); // a finished step reads as done
    return written;
  });
  if (removed.length > 0) reporter.note(`Removed profiles no longer granted: ${removed.join(', ')}`);

  await updateState((state) => {
    state.role_durations = { ...state.role_durations };
    for (const o of succeeded) {
      if (o.durationSeconds < requested) state.role_durations[o.role.roleArn] = o.durationSeconds;
      else delete state.role_durations[o.role.roleArn];
    }
  }, env);

  return {
    profiles: credentials.map((c) => ({ profile: c.profile, roleArn: c.roleArn, expiration: rfc3339(c.expiration) })),
    removed,
    failed: outcomes.flatMap((o) => ('error' in o ? [{ profile: o.role.profile, roleArn: o.role.roleArn, error: o.error.message }] : [])),
    warnings: [
      ...warnings,
      ...collisions.map(
        (c) => `the roles ${c.roles.map((r) => r.roleArn).join(' and ')} would all be named ${c.name}; each has its own profile instead: ${c.roles.map((r) => r.profile).join(', ')}`,
      ),
      ...(warning ? [warning] : []),
    ],
  };
}

/** The error a command exits with when some roles failed (after the others were written). */
export function partialFailure(result: RefreshResult): UserError | undefined {
  if (result.failed.length === 0) return undefined;
  const first = result.failed[0]!;
  return new UserError(`${result.failed.length} of ${result.failed.length + result.profiles.length} roles failed; first: ${first.error}`, {
    hint: 'The other profiles were written; fix that role (`--json` lists every failure under "failed") and run `okta-aws refresh` again.',
    code: 'PARTIAL',
  });
}
