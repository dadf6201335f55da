import { UserError } from '../lib/errors.js';
import { SECRET_VARIABLES } from '../lib/secret-env.js';
import type { SecretName, SecretStore } from './secret-store.js';

/** The variables the env store reads its login secrets from (kept out of every child process). */
export { SECRET_VARIABLES };

type LoginSecret = keyof typeof SECRET_VARIABLES;

/**
 * Read-only secrets from the environment, for CI jobs and containers that must leave no file
 * behind. The values belong to OKTA_AWS_USERNAME when that is set, so they are never sent as
 * another user's. The Okta session is not an environment value: `sessionStoreFor` keeps it in a
 * 0600 file instead.
 */
export class EnvStore implements SecretStore {
  readonly name = 'env' as const;
  readonly writable = false;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async check(needed: readonly SecretName[] = ['password', 'totp_secret']): Promise<void> {
    const missing = needed.filter((name): name is LoginSecret => name in SECRET_VARIABLES).map((name) => SECRET_VARIABLES[name]).filter((variable) => !this.env[variable]);
    if (missing.length > 0) {
      throw new UserError(`The env store reads the Okta secrets from the environment, and ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set`, {
        hint: `Set ${missing.join(' and ')} (with OKTA_AWS_SSO_URL and OKTA_AWS_USERNAME), or use \`--store file\`.`,
        code: 'ENV_STORE_EMPTY',
      });
    }
  }

  async get(user: string, name: SecretName): Promise<string | undefined> {
    if (name === 'okta_session' || name === 'oauth_refresh_token') return undefined;
    if (this.env.OKTA_AWS_USERNAME && this.env.OKTA_AWS_USERNAME !== user) return undefined;
    return this.env[SECRET_VARIABLES[name]] || undefined;
  }

  async set(_user: string, name: SecretName, _value: string): Promise<void> {
    throw readOnly(name);
  }

  async delete(_user: string, name: SecretName): Promise<void> {
    throw readOnly(name);
  }
}

function readOnly(name: SecretName): UserError {
  const variables = name === 'password' || name === 'totp_secret' ? [SECRET_VARIABLES[name]] : Object.values(SECRET_VARIABLES);
  return new UserError('The env store is read-only: okta-aws cannot change environment variables', {
    hint: `Set ${variables.join(' and ')} in the environment yourself, or use \`--store file\` or \`--store keyring\`.`,
    code: 'READ_ONLY_STORE',
  });
}
