import { UserError } from '../lib/errors.js';
import { STORE_NAMES, type Settings, type StoreName } from '../lib/settings.js';
import { EnvStore } from './env-store.js';
import { FileStore } from './file-store.js';
import { KeyringStore } from './keyring-store.js';
import type { SecretStore } from './secret-store.js';
import { SessionFileStore } from './session-store.js';

export { migrateSecrets } from './migrate.js';
export type { SecretName, SecretStore } from './secret-store.js';
export { SECRET_NAMES } from './secret-store.js';

/**
 * The store to use: OKTA_AWS_SECRET_STORE (a CI job's setting beats everything), then `--store`,
 * then `secret_store` in settings.json, then `file`, the original tool's behaviour.
 */
export function storeNameFrom(sources: { flag?: string; settings?: Settings; env: NodeJS.ProcessEnv }): StoreName {
  const { flag, settings, env } = sources;
  if (env.OKTA_AWS_SECRET_STORE) return valid(env.OKTA_AWS_SECRET_STORE, 'OKTA_AWS_SECRET_STORE');
  if (flag !== undefined) return valid(flag, '--store');
  if (settings?.secret_store !== undefined) return valid(settings.secret_store, '"secret_store" in settings.json');
  return 'file';
}

function valid(name: unknown, source: string): StoreName {
  if (STORE_NAMES.includes(name as StoreName)) return name as StoreName;
  throw new UserError(`${source} names an unknown secret store "${String(name)}"`, {
    hint: `Use one of: ${STORE_NAMES.join(', ')}.`,
    code: 'BAD_STORE',
  });
}

/** Opening is cheap and never fails: whether the store works here is `check()`'s answer. */
export function openStore(name: StoreName, env: NodeJS.ProcessEnv = process.env): SecretStore {
  switch (name) {
    case 'file':
      return new FileStore(env);
    case 'keyring':
      return new KeyringStore(env);
    case 'env':
      return new EnvStore(env);
  }
}

/** Where the Okta session goes: the store itself, or a 0600 file when the store is read-only. */
export function sessionStoreFor(store: SecretStore, env: NodeJS.ProcessEnv = process.env): SecretStore {
  return store.writable ? store : new SessionFileStore(env);
}
