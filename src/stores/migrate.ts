import { UserError } from '../lib/errors.js';
import { SECRET_NAMES, type SecretName, type SecretStore } from './secret-store.js';

/**
 * Moves a user's secrets from one store to another: copies each secret `from` holds, reads every
 * copy back and compares, and only when all of them match removes them from `from` (a read-only
 * `from`, the environment, keeps them). Returns the names of the secrets moved. `names` narrows it
 * (the Okta session is filed under its own key: lib/identity sessionOwner).
 *
 * Why an interruption (crash, Ctrl-C, a failing store) never loses a secret: until its copy in
 * `to` has been read back equal, a secret is never deleted from `from`, and each store's own
 * writes are atomic (the file store renames a complete file; a keyring entry is set whole). So
 *  - during the copies or read-backs, every secret is still in `from`;
 *  - during the deletions, every secret has a verified copy in `to`, whether or not its deletion
 *    from `from` happened yet.
 * At every point each secret is readable in at least one store; a rerun finishes the move.
 */
export async function migrateSecrets(options: { from: SecretStore; to: SecretStore; user: string; names?: readonly SecretName[] }): Promise<SecretName[]> {
  const { from, to, user, names = SECRET_NAMES } = options;
  if (from.name === to.name) return [];
  const moved: SecretName[] = [];
  for (const name of names) {
    const value = await from.get(user, name);
    if (value === undefined) continue;
    await to.set(user, name, value);
    if ((await to.get(user, name)) !== value) {
      throw new UserError(`The ${name} read back from the ${to.name} store differs from the one written`, {
        hint: `Nothing was removed from the ${from.name} store; fix the ${to.name} store, or keep \`--store ${from.name}\`.`,
        code: 'MIGRATION_MISMATCH',
      });
    }
    moved.push(name);
  }
  if (from.writable) {
    for (const name of moved) await from.delete(user, name);
  }
  return moved;
}
