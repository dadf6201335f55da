import { regionFor } from '../aws/partitions.js';
import type { GrantedRole, ProfileCredentials } from '../aws/types.js';
import { UserError } from '../lib/errors.js';
import { printable } from '../lib/printable.js';
import type { CredentialMode } from '../lib/settings.js';
import { rfc3339 } from '../lib/time.js';

/**
 * One path of a credential_process line, quoted for the SDKs of `platform`. botocore splits the
 * line like a POSIX shell (on Windows by CommandLineToArgvW's rules) and the JS and Go SDKs hand it
 * to `sh -c` (on Windows `cmd.exe /c`). Double quotes work for all of them; what each cannot carry
 * inside them is refused, as is `#`/`;` after a space, which SDK ini parsers cut as a comment.
 */
export function quoteForCredentialProcess(path: string, platform: NodeJS.Platform = process.platform): string {
  const refuse = (what: string, hint = 'Install okta-aws under a plainer path, or use --mode static.') =>
    new UserError(`Cannot write credential_process for the path ${printable(path)}: ${what}`, { hint, code: 'BAD_INSTALL_PATH' });
  // eslint-disable-next-line no-control-regex -- a control character would end or garble the line
  if (/[\u0000-\u001f\u007f]/.test(path)) throw refuse('it contains a control character');
  if (/\s[#;]/.test(path)) throw refuse('" #" or " ;" starts a comment for some SDKs\' ini parsers', 'Install okta-aws under a path without " #" or " ;", or use --mode static.');
  if (platform === 'win32') {
    // cmd.exe expands %NAME% even inside quotes; a Windows path cannot hold a double quote anyway.
    if (/["%]/.test(path)) throw refuse('it contains a double quote or %');
    // Backslashes are literal except right before a quote: double the ones before the closing one.
    return `"${path.replace(/(\\+)$/, '$1$1')}"`;
  }
  if (/["$`\\]/.test(path)) throw refuse('it contains a quote, $, backtick or backslash');
  return `"${path}"`;
}

/** Fails now, before any login, when process mode could not write these paths. */
export function checkProcessEntry(entry: { node: string; script: string }, platform: NodeJS.Platform = process.platform): void {
  quoteForCredentialProcess(entry.node, platform);
  quoteForCredentialProcess(entry.script, platform);
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
        credential_process: `${quoteForCredentialProcess(input.entry.node)} ${quoteForCredentialProcess(input.entry.script)} credential-process ${role.profile}${config}`,
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
