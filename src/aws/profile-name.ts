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
export function profileName(roleArn: string, aliases: Record<string, string> = {}): string {
  const match = /^arn:[\w-]+:iam::(\d{12}):role\/(.+)$/.exec(roleArn);
  if (!match?.[1] || !match[2]) {
    throw new UserError(`"${roleArn}" is not an IAM role ARN`, { hint: 'Expected arn:aws:iam::<12-digit account>:role/<name>.', code: 'BAD_ROLE' });
  }
  const alias = aliases[match[1]]?.trim();
  return `${PROFILE_PREFIX}${alias ? sanitize(alias) : match[1]}-${sanitize(match[2])}`;
}

export function isOwnedProfile(name: string): boolean {
  return name.startsWith(PROFILE_PREFIX);
}
