import { UserError } from '../lib/errors.js';
import { configName } from '../lib/paths.js';
import { ConfigScopedStore } from './config-scoped.js';
import { BUILTIN_STORES, type BuiltinStoreName, type Settings, type StoreName } from '../lib/settings.js';
import { EnvStore } from './env-store.js';
import { FileStore } from './file-store.js';
import { KeyringStore } from './keyring-store.js';
import { STORE_NAME_PATTERN, pluginStores } from './plugins.js';
import type { SecretName, SecretStore } from './secret-store.js';
import { sessionFileStore } from './user-file-store.js';

export { migrateSecrets } from './migrate.js';
export type { SecretName, SecretStore } from './secret-store.js';
export { SECRET_NAMES } from './secret-store.js';

/**
 * The store to use: OKTA_AWS_SECRET_STORE (a CI job's setting beats everything), then `--store`,
 * then `secret_store` in settings.json, then `file`, the original tool's behaviour. A name no
 * built-in store has is taken for a plugin's: whether one offers it is known when it is opened.
 */
export function storeNameFrom(sources: { flag?: string; settings?: Settings; env: NodeJS.ProcessEnv }): StoreName {
  const { flag, settings, env } = sources;
  if (env.OKTA_AWS_SECRET_STORE) return valid(env.OKTA_AWS_SECRET_STORE, 'OKTA_AWS_SECRET_STORE');
  if (flag !== undefined) return valid(flag, '--store');
  if (settings?.secret_store !== undefined) return valid(settings.secret_store, '"secret_store" in settings.json');
  return 'file';
}

function valid(name: unknown, source: string): StoreName {
  if (typeof name === 'string' && STORE_NAME_PATTERN.test(name)) return name;
  throw new UserError(`${source} names an unknown secret store "${String(name)}"`, {
    hint: `Use one of: ${BUILTIN_STORES.join(', ')}, or the name of a store a plugin offers (\`okta-aws stores\` lists them).`,
    code: 'BAD_STORE',
  });
}

function isBuiltin(name: StoreName): name is BuiltinStoreName {
  return (BUILTIN_STORES as readonly string[]).includes(name);
}

/**
 * Opening is cheap and never fails: whether the store works here is `check()`'s answer. A
 * plugin's store is looked up on its first call, so a command that reads no secret loads no plugin.
 */
export function openStore(name: StoreName, env: NodeJS.ProcessEnv = process.env): SecretStore {
  if (!isBuiltin(name)) return forConfig(new PluginStore(name, env), env);
  switch (name) {
    case 'file':
      return new FileStore(env);
    case 'keyring':
      return forConfig(new KeyringStore(env), env);
    case 'env':
      return new EnvStore(env);
  }
}

/** A store shared by every configuration (the keyring, a plugin's) keeps each named one's entries apart. */
function forConfig(store: SecretStore, env: NodeJS.ProcessEnv): SecretStore {
  const config = configName(env);
  return config ? new ConfigScopedStore(store, config) : store;
}

/** Where the Okta session goes: the store itself, or a 0600 file when the store is read-only. */
export function sessionStoreFor(store: SecretStore, env: NodeJS.ProcessEnv = process.env): SecretStore {
  return store.writable ? store : sessionFileStore(env);
}

/**
 * A store a plugin offers, found on first use. Until then it counts as writable; a read-only one
 * leaves the Okta session to session.json, as the env store does.
 */
class PluginStore implements SecretStore {
  private found: Promise<SecretStore> | undefined;
  private resolved: SecretStore | undefined;

  constructor(
    readonly name: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get writable(): boolean {
    return this.resolved?.writable ?? true;
  }

  async check(needed?: readonly SecretName[]): Promise<void> {
    await (await this.store()).check(needed);
  }

  async get(user: string, name: SecretName): Promise<string | undefined> {
    return (await this.storeFor(name)).get(user, name);
  }

  async set(user: string, name: SecretName, value: string): Promise<void> {
    await (await this.storeFor(name)).set(user, name, value);
  }

  async delete(user: string, name: SecretName): Promise<void> {
    await (await this.storeFor(name)).delete(user, name);
  }

  private async storeFor(name: SecretName): Promise<SecretStore> {
    const store = await this.store();
    return name === 'okta_session' && !store.writable ? sessionFileStore(this.env) : store;
  }

  private store(): Promise<SecretStore> {
    this.found ??= pluginStores(BUILTIN_STORES, this.env).then(({ stores, failures }) => {
      const offer = stores.get(this.name);
      if (offer) return (this.resolved = offer.store);
      const names = [...BUILTIN_STORES, ...stores.keys()].join(', ');
      const broken = failures.length > 0 ? ` (and ${failures.join('; ')})` : '';
      throw new UserError(`No installed store is named "${this.name}": the stores here are ${names}${broken}`, {
        hint: 'Install the plugin that offers it (`okta-aws plugins install <package>`), or choose one of those with `okta-aws init --store NAME`.',
        code: 'UNKNOWN_STORE',
      });
    });
    return this.found;
  }
}
