import type { SecretName, SecretStore } from './secret-store.js';

/**
 * A shared store (the keyring, a plugin's) seen from a named configuration: its entries are filed
 * under `<config>/<user>`, so two configurations for one username at two orgs never share a secret.
 * The file store needs no scope: each configuration has its own settings.json.
 */
export class ConfigScopedStore implements SecretStore {
  constructor(
    private readonly inner: SecretStore,
    private readonly config: string,
  ) {}

  get name(): SecretStore['name'] {
    return this.inner.name;
  }

  get writable(): boolean {
    return this.inner.writable;
  }

  check(): Promise<void> {
    return this.inner.check();
  }

  get(user: string, name: SecretName): Promise<string | undefined> {
    return this.inner.get(this.scoped(user), name);
  }

  set(user: string, name: SecretName, value: string): Promise<void> {
    return this.inner.set(this.scoped(user), name, value);
  }

  delete(user: string, name: SecretName): Promise<void> {
    return this.inner.delete(this.scoped(user), name);
  }

  private scoped(user: string): string {
    return `${this.config}/${user}`;
  }
}
