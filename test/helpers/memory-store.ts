import { UserError } from '../../src/lib/errors.js';
import type { StoreName } from '../../src/lib/settings.js';
import type { SecretName, SecretStore } from '../../src/stores/secret-store.js';

/**
 * A SecretStore in memory, for tests of modules that use a store. `unavailable` makes `check()`
 * and every operation fail the way an unusable store does; `writable: false` behaves like the
 * environment.
 */
export class MemoryStore implements SecretStore {
  readonly name: StoreName;
  readonly writable: boolean;
  /** `<user>\n<secret name>` → value; public so a test can look or seed directly. */
  readonly entries = new Map<string, string>();
  private readonly unavailable: UserError | undefined;

  constructor(options: { name?: StoreName; writable?: boolean; unavailable?: UserError } = {}) {
    this.name = options.name ?? 'file';
    this.writable = options.writable ?? true;
    this.unavailable = options.unavailable;
  }

  static key(user: string, name: SecretName): string {
    return `${user}\n${name}`;
  }

  async check(): Promise<void> {
    if (this.unavailable) throw this.unavailable;
  }

  async get(user: string, name: SecretName): Promise<string | undefined> {
    await this.check();
    return this.entries.get(MemoryStore.key(user, name));
  }

  async set(user: string, name: SecretName, value: string): Promise<void> {
    this.assertWritable();
    this.entries.set(MemoryStore.key(user, name), value);
  }

  async delete(user: string, name: SecretName): Promise<void> {
    this.assertWritable();
    this.entries.delete(MemoryStore.key(user, name));
  }

  private assertWritable(): void {
    if (this.unavailable) throw this.unavailable;
    if (!this.writable) throw new UserError(`The ${this.name} store is read-only`, { hint: 'Write to another store.', code: 'READ_ONLY_STORE' });
  }
}
