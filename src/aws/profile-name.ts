import { createHash } from 'node:crypto';
import { UserError } from '../lib/errors.js';

/** Every profile this tool writes starts with this; sections with other names are never touched. */
export const PROFILE_PREFIX = 'okta-';

/** Each run of characters outside [0-9A-Za-z] becomes one `-`, as the original tool did. */
function sanitize(text: string): string {
  return text.replace(/[^0-9A-Za-z]+/g, '-');
}

/**
 * `okta-<alias or account id>-<role>`: `arn:aws:iam::111111111111:role/team/dev/Deployer` →
 * `okta-111111111111-team-dev-Deployer`. The name the original tool gave, so profiles keep their names.
 */
export function profileName(roleArn: string, aliases: Record<string, string> = {}, prefix = PROFILE_PREFIX): string {
  const match = /^arn:[\w-]+:iam::(\d{12}):role\/(.+)$/.exec(roleArn);
  if (!match?.[1] || !match[2]) {
    throw new UserError(`"${roleArn}" is not an IAM role ARN`, { hint: 'Expected arn:aws:iam::<12-digit account>:role/<name>.', code: 'BAD_ROLE' });
  }
  const alias = aliases[match[1]]?.trim();
  return `${prefix}${alias ? sanitize(alias) : match[1]}-${sanitize(match[2])}`;
}

/** Roles whose plain names fold together, and the names they get instead. */
export interface NameCollision {
  name: string;
  roles: { roleArn: string; profile: string }[];
}

/**
 * A profile name for every distinct role ARN. Where two ARNs fold to one name (`ReadOnly_Admin` and
 * `ReadOnly-Admin`, or two accounts given one alias), each of them gets `-<8 hex of the ARN's
 * SHA-256>`: a suffix that depends on the ARN alone, so a role keeps its name from run to run and a
 * lookup by ARN can never land on another role's credentials.
 */
export function profileNames(
  roleArns: readonly string[],
  aliases: Record<string, string> = {},
  prefix = PROFILE_PREFIX,
): { names: Map<string, string>; collisions: NameCollision[] } {
  const byName = new Map<string, string[]>();
  for (const arn of new Set(roleArns)) {
    const name = profileName(arn, aliases, prefix);
    byName.set(name, [...(byName.get(name) ?? []), arn]);
  }
  const names = new Map<string, string>();
  const collisions: NameCollision[] = [];
  for (const [name, arns] of byName) {
    if (arns.length === 1) {
      names.set(arns[0]!, name);
      continue;
    }
    const roles = arns.map((roleArn) => ({ roleArn, profile: `${name}-${arnSuffix(roleArn)}` }));
    for (const role of roles) names.set(role.roleArn, role.profile);
    collisions.push({ name, roles });
  }
  return { names, collisions };
}

function arnSuffix(roleArn: string): string {
  return createHash('sha256').update(roleArn).digest('hex').slice(0, 8);
}

export function isOwnedProfile(name: string): boolean {
  return name.startsWith(PROFILE_PREFIX);
}

/** The prefix of a configuration's profiles: `okta-` for the default one, `okta-<name>-` for a named one. */
export function profilePrefix(config: string | undefined): string {
  return config ? `${PROFILE_PREFIX}${config}-` : PROFILE_PREFIX;
}

/**
 * Which `okta-` sections a configuration may remove as no longer granted: a named one only its own
 * `okta-<name>-…`; the default one every `okta-…` (as the original tool did) except the named
 * configurations' (`others`).
 */
export function ownsProfile(config: string | undefined, others: string[]): (name: string) => boolean {
  if (config) return (name) => name.startsWith(profilePrefix(config));
  const foreign = others.map(profilePrefix);
  return (name) => isOwnedProfile(name) && !foreign.some((prefix) => name.startsWith(prefix));
}
