import { cachedCredentials, readCache } from '../aws/credential-cache.js';
import { UserError } from '../lib/errors.js';
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

/** What `roles` prints: the rows as JSON, or one aligned line per role. */
export function rolesOutput(rows: RoleRow[], json: boolean): string {
  if (json) return `${JSON.stringify(rows, null, 2)}\n`;
  const width = Math.max(...rows.map((r) => r.profile.length), 7);
  return rows.map((r) => `${r.profile.padEnd(width)}  ${r.roleArn}  ${r.expiration ? `expires ${r.expiration}` : 'no live credentials'}\n`).join('');
}
