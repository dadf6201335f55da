import { UserError } from '../lib/errors.js';
import { sessionOwner } from '../lib/identity.js';
import { registerSecret } from '../lib/log.js';
import { normalizeTotpSecret } from '../lib/totp.js';
import type { SessionKeeper } from '../okta/sso.js';
import { openStore, sessionStoreFor } from '../stores/index.js';
import type { SecretName, SecretStore } from '../stores/secret-store.js';
import type { Config } from './config.js';

const LABEL: Record<SecretName, string> = { password: 'Okta password', totp_secret: 'TOTP secret', okta_session: 'Okta session', oauth_refresh_token: 'Okta refresh token' };
const ENV_NAME: Partial<Record<SecretName, string>> = { password: 'OKTA_AWS_PASSWORD', totp_secret: 'OKTA_AWS_TOTP_SECRET' };

/** The user's secrets, read from the store only when a login needs them, and registered for redaction. */
export interface UserSecrets {
  password(): Promise<string>;
  totpSecret(): Promise<string>;
  /** The TOTP secret, or undefined when none is stored (then `auto` uses push). */
  optionalTotpSecret(): Promise<string | undefined>;
  session: SessionKeeper;
}

/** `given` are secrets typed during init: they are checked by a login before anything stores them. */
export function userSecrets(config: Config, env: NodeJS.ProcessEnv, given?: { password: string; totpSecret?: string }): UserSecrets {
  const store = openStore(config.store, env);
  const sessions = sessionStoreFor(store, env);
  const user = config.username;
  // The session is the org's: filed under (SSO origin, username), so it is only ever sent back to
  // the origin that issued it, never to another org a new SSO URL points at.
  const owner = sessionOwner(config.ssoUrl, user);
  // A stored password or TOTP secret was given for settings.json's org: when OKTA_AWS_SSO_URL names
  // another origin, it is not sent there (the env store's values are the environment's own choice).
  const storedFor = config.settings?.sso_url && URL.canParse(config.settings.sso_url) ? new URL(config.settings.sso_url).origin : undefined;
  const origin = new URL(config.ssoUrl).origin;
  const optional = async (name: SecretName, from: SecretStore, needed: SecretName[] = []) => {
    if (from.name !== 'env' && storedFor !== undefined && storedFor !== origin) {
      throw new UserError(`The stored secrets are for ${storedFor}, but OKTA_AWS_SSO_URL points at ${origin}; they are not sent there`, {
        hint: `Set OKTA_AWS_SECRET_STORE=env with OKTA_AWS_PASSWORD and OKTA_AWS_TOTP_SECRET for that org, or keep a configuration for it: \`okta-aws init --config NAME\`.`,
        code: 'SECRET_ORIGIN',
      });
    }
    await from.check(needed);
    const value = await from.get(user, name);
    registerSecret(value);
    return value || undefined;
  };
  const required = async (name: SecretName, from: SecretStore) => {
    const value = await optional(name, from, [name]);
    if (!value) {
      const fix = from.name === 'env' ? `set ${ENV_NAME[name] ?? name}` : `run \`okta-aws init\``;
      throw new UserError(`No ${LABEL[name]} for ${user} in the ${from.name} store`, { hint: `To store one, ${fix}.`, code: 'NO_SECRET' });
    }
    return value;
  };
  return {
    password: async () => given?.password ?? required('password', store),
    totpSecret: async () => normalizeTotpSecret(given?.totpSecret ?? (await required('totp_secret', store))),
    optionalTotpSecret: async () => {
      const secret = given ? given.totpSecret : await optional('totp_secret', store);
      return secret === undefined ? undefined : normalizeTotpSecret(secret);
    },
    session: {
      async load() {
        const sid = await sessions.get(owner, 'okta_session').catch(() => undefined);
        registerSecret(sid);
        return sid;
      },
      async save(sid) {
        registerSecret(sid);
        await sessions.set(owner, 'okta_session', sid);
        // A session saved by an older version under the bare username: it is never read again.
        await sessions.delete(user, 'okta_session').catch(() => undefined);
      },
      async clear() {
        await sessions.delete(owner, 'okta_session');
      },
    },
  };
}
