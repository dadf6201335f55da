import { UserError } from '../lib/errors.js';
import type { GrantedRole } from './types.js';

/** How many profiles a "not found" message lists before "and N more". */
const LISTED = 10;

/** Everything after `role/` in the ARN: the role's path and name (`team/dev/Deployer`). */
function rolePath(role: GrantedRole): string {
  // Granted roles come from the SAML assertion's role ARNs: every one has `:role/`.
  return role.roleArn.slice(role.roleArn.indexOf(':role/') + ':role/'.length);
}

/** The last segment of the path: the name IAM shows (`Deployer`). */
function shortName(role: GrantedRole): string {
  return rolePath(role).split('/').pop()!;
}

/** `<account>/<role>` spellings of a role: its alias and its id, each with the path or the bare name. */
function accountQualified(role: GrantedRole): string[] {
  const accounts = role.accountAlias ? [role.accountAlias, role.accountId] : [role.accountId];
  return accounts.flatMap((account) => [`${account}/${rolePath(role)}`, `${account}/${shortName(role)}`]);
}

/**
 * Finds the role a user means by `target`: a profile name (`okta-…`), a role ARN, a role name
 * (the bare name or its path after `role/`), or either qualified by the account's alias or id
 * (`acme-prod/Admin`, `111111111111/Admin`). Exact matches win over case-insensitive ones, so
 * `Admin` and `admin` can both be picked when both exist; a name two accounts share is ambiguous.
 */
export function resolveTarget(target: string, roles: GrantedRole[]): GrantedRole {
  const wanted = target.trim();
  if (wanted === '') throw notFound(target, roles);

  const matchers: ((role: GrantedRole) => boolean)[] = wanted.startsWith('arn:')
    ? [(r) => r.roleArn === wanted, (r) => r.roleArn.toLowerCase() === wanted.toLowerCase()]
    : [
        (r) => r.profile === wanted,
        (r) => r.profile.toLowerCase() === wanted.toLowerCase(),
        (r) => accountQualified(r).includes(wanted),
        (r) => accountQualified(r).some((name) => name.toLowerCase() === wanted.toLowerCase()),
        (r) => rolePath(r) === wanted || shortName(r) === wanted,
        (r) => rolePath(r).toLowerCase() === wanted.toLowerCase() || shortName(r).toLowerCase() === wanted.toLowerCase(),
      ];

  for (const matches of matchers) {
    const found = uniqueByProfile(roles.filter(matches));
    if (found.length === 1) return found[0] as GrantedRole;
    if (found.length > 1) {
      throw new UserError(`"${wanted}" matches ${found.length} roles: ${found.map((r) => r.profile).join(', ')}`, {
        hint: 'Give the profile name or the role ARN to pick one.',
        code: 'AMBIGUOUS_TARGET',
      });
    }
  }
  throw notFound(wanted, roles);
}

/** The same role can appear twice (two SAML providers); it is still one profile. */
function uniqueByProfile(roles: GrantedRole[]): GrantedRole[] {
  const seen = new Map<string, GrantedRole>();
  for (const role of roles) if (!seen.has(role.profile)) seen.set(role.profile, role);
  return [...seen.values()];
}

function notFound(target: string, roles: GrantedRole[]): UserError {
  if (roles.length === 0) {
    return new UserError(`No granted role matches "${target}": no roles are known yet`, {
      hint: 'Run `okta-aws refresh` to log in and fetch your roles.',
      code: 'UNKNOWN_TARGET',
    });
  }
  const profiles = [...new Set(roles.map((r) => r.profile))].sort();
  const listed = profiles.slice(0, LISTED).join(', ');
  const more = profiles.length > LISTED ? ` and ${profiles.length - LISTED} more (see \`okta-aws roles\`)` : '';
  return new UserError(`No granted role matches "${target}"`, {
    hint: `Use a profile name, role name or role ARN; available: ${listed}${more}. If the role was granted recently, run \`okta-aws refresh\`.`,
    code: 'UNKNOWN_TARGET',
  });
}
