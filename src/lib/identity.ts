import { readSettings } from './settings.js';

/**
 * Who the cached credentials and the Okta session belong to: the SSO origin and the Okta user,
 * as `<origin> <username>`. Another org or user (a new `init`, OKTA_AWS_SSO_URL, OKTA_AWS_USERNAME)
 * is another identity, and nothing cached for one is served to the other.
 */
export function identityKey(ssoUrl: string, username: string): string {
  return `${new URL(ssoUrl).origin} ${username}`;
}

/**
 * The identity the next login would use, from the environment over settings.json (services/config's
 * precedence; bin/run.js mirrors it). Undefined when there is none, or the URL does not parse:
 * then no cache matches, and the command's own settings check says what is wrong.
 */
export async function currentIdentity(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const { settings } = await readSettings(env);
  const ssoUrl = env.OKTA_AWS_SSO_URL || settings?.sso_url;
  const username = env.OKTA_AWS_USERNAME || settings?.user_name;
  if (typeof ssoUrl !== 'string' || typeof username !== 'string' || !username) return undefined;
  try {
    return identityKey(ssoUrl, username); // an empty or broken URL throws here (URL trims spaces itself)
  } catch {
    return undefined;
  }
}

/**
 * The name an Okta session is filed under in a secret store: `<username>@<scheme>:<host>`, one per
 * (SSO origin, username), with no `/` so that stores which make it a path (pass) can file it.
 */
export function sessionOwner(ssoUrl: string, username: string): string {
  const url = new URL(ssoUrl);
  return `${username}@${url.protocol}${url.host}`;
}
