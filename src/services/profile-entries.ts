import { regionFor } from '../aws/partitions.js';
import type { GrantedRole, ProfileCredentials } from '../aws/types.js';
import { UserError } from '../lib/errors.js';
import type { CredentialMode } from '../lib/settings.js';
import { rfc3339 } from '../lib/time.js';

/** Quote for credential_process: botocore splits it like a POSIX shell, the JS SDK runs it in one. */
function quote(path: string): string {
  if (/["$`\\\n]/.test(path)) {
    throw new UserError(`Cannot write credential_process for the path ${path}: it contains a quote, $, backtick or backslash`, {
      hint: 'Install okta-aws under a plainer path, or use --mode static.',
    });
  }
  return `"${path}"`;
}

/**
 * The keys of each `okta-` profile. static: the keys themselves (plus the expiry the original tool
 * wrote); process: a credential_process line, so every SDK refreshes by itself.
 */
export function profileEntries(input: {
  mode: CredentialMode;
  roles: GrantedRole[];
  credentials: ProfileCredentials[];
  region: string;
  entry: { node: string; script: string };
  /** The named configuration the profiles belong to: their credential_process says so. */
  config?: string;
}): Record<string, Record<string, string>> {
  const entries: Record<string, Record<string, string>> = {};
  if (input.mode === 'process') {
    const config = input.config ? ` --config ${input.config}` : '';
    for (const role of input.roles) {
      entries[role.profile] = {
        credential_process: `${quote(input.entry.node)} ${quote(input.entry.script)} credential-process ${role.profile}${config}`,
        region: regionFor(role.partition, input.region),
      };
    }
    return entries;
  }
  for (const c of input.credentials) {
    entries[c.profile] = {
      aws_access_key_id: c.accessKeyId,
      aws_secret_access_key: c.secretAccessKey,
      aws_session_token: c.sessionToken,
      x_security_token_expires: rfc3339(c.expiration),
      region: c.region,
    };
  }
  return entries;
}
