import { cachedCredentials, readCache } from '../aws/credential-cache.js';
import { UserError } from '../lib/errors.js';
import { profileListing } from '../lib/table.js';
import { rfc3339 } from '../lib/time.js';

export interface RoleRow {
  profile: string;
  roleArn: string;
  principalArn: string;
  accountId: string;
  /** The account's alias (settings, else the AWS sign-in page), or null. */
  accountAlias: string | null;
  roleName: string;
  /** RFC 3339, or null when the profile has no live credentials. */
  expiration: string | null;
}

/** The roles of the last refresh (the prerun hook has made them fresh). */
export async function listRoles(env: NodeJS.ProcessEnv = process.env, now = Date.now()): Promise<RoleRow[]> {
  const cache = await readCache(env);
  if (!cache) throw new UserError('No roles known yet', { hint: 'Run `okta-aws refresh` first.', code: 'NO_CACHE' });
  return cache.roles.map((role) => {
    const credentials = cachedCredentials(cache, role.profile);
    const live = credentials && credentials.expiration.getTime() > now;
    return {
      profile: role.profile,
      roleArn: role.roleArn,
      principalArn: role.principalArn,
      accountId: role.accountId,
      accountAlias: role.accountAlias ?? null,
      roleName: role.roleName,
      expiration: live ? rfc3339(credentials.expiration) : null,
    };
  });
}

/** What `roles` prints: the rows as JSON, a table fitted to `columns` (a terminal), or tab-separated rows. */
export function rolesOutput(rows: RoleRow[], json: boolean, columns: number | undefined): string {
  if (json) return `${JSON.stringify(rows, null, 2)}\n`;
  return profileListing(rows, { columns, expiry: true, account: true });
}

/** The profile names of the last refresh, for shell completion: the cache only, never the network. */
export async function cachedProfileNames(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const cache = await readCache(env).catch(() => undefined);
  return cache ? cache.roles.map((r) => r.profile) : [];
}
