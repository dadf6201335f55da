import { cachedCredentials, readCache, writeCache } from '../aws/credential-cache.js';
import { updateOwnedProfiles } from '../aws/credentials-file.js';
import { profileNames, profilePrefix } from '../aws/profile-name.js';
import type { GrantedRole, ProfileCredentials } from '../aws/types.js';
import { configName, credentialsFile } from '../lib/paths.js';
import type { CredentialMode, ProfileNaming } from '../lib/settings.js';
import { profileEntries } from './profile-entries.js';

/** The aliases that name profiles: settings' account_aliases always; the AWS page's too with `alias`. */
export function namingAliases(naming: ProfileNaming, fromSettings: Record<string, string>, roles: Pick<GrantedRole, 'accountId' | 'accountAlias'>[]): Record<string, string> {
  if (naming !== 'alias') return fromSettings;
  const aliases: Record<string, string> = {};
  for (const role of roles) if (role.accountAlias) aliases[role.accountId] = role.accountAlias;
  return { ...aliases, ...fromSettings };
}

/**
 * After `profile_names` changed: renames the profiles of the last refresh in one atomic write of the
 * credentials file (the new names written, the old ones removed) and moves their cached credentials
 * along, so nothing waits for the next login. Returns the pairs renamed.
 */
export async function renameProfiles(input: {
  naming: ProfileNaming;
  aliases: Record<string, string>;
  mode: CredentialMode;
  region: string;
  entry: { node: string; script: string };
  env: NodeJS.ProcessEnv;
}): Promise<[string, string][]> {
  const cache = await readCache(input.env);
  if (!cache) return [];
  const aliases = namingAliases(input.naming, input.aliases, cache.roles);
  const { names } = profileNames(
    cache.roles.map((role) => role.roleArn),
    aliases,
    profilePrefix(configName(input.env)),
  );
  const roles = cache.roles.map((role) => ({ ...role, profile: names.get(role.roleArn)! }));
  const renamed = cache.roles.flatMap((role, i): [string, string][] => (role.profile === roles[i]!.profile ? [] : [[role.profile, roles[i]!.profile]]));
  if (renamed.length === 0) return [];
  const credentials = cache.roles.flatMap((role, i): ProfileCredentials[] => {
    const live = cachedCredentials(cache, role.profile);
    return live ? [{ ...live, profile: roles[i]!.profile }] : [];
  });
  const oldNames = new Set(renamed.map(([from]) => from));
  const entries = profileEntries({ mode: input.mode, roles, credentials, region: input.region, entry: input.entry, config: configName(input.env) });
  // Only the renamed profiles' old sections go; anything else stale waits for a refresh to judge it.
  await updateOwnedProfiles(credentialsFile(input.env), entries, { removeStale: true, keep: (name) => !oldNames.has(name) });
  await writeCache({ identity: cache.identity, roles, credentials, ...(cache.sessionDuration === undefined ? {} : { sessionDuration: cache.sessionDuration }) }, input.env);
  return renamed;
}
