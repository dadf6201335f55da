import { oneLine } from '../lib/errors.js';
import { BUILTIN_STORES } from '../lib/settings.js';
import { openStore } from '../stores/index.js';
import { pluginStores } from '../stores/plugins.js';
import type { SecretStore } from '../stores/secret-store.js';

/** This package, the source of the built-in stores. */
const OWN_PACKAGE = 'okta-aws-credential-helper';

export interface StoreRow {
  name: string;
  /** The npm package that provides the store. */
  package: string;
  writable: boolean;
  available: boolean;
  /** Why the store cannot be used here, or null when it can. */
  reason: string | null;
}

/** Every store, built-in then plugin, each checked here; `failures` are plugins that offered none. */
export async function listStores(env: NodeJS.ProcessEnv = process.env): Promise<{ stores: StoreRow[]; failures: string[] }> {
  const { stores, failures } = await pluginStores(BUILTIN_STORES, env);
  const all: Array<{ store: SecretStore; source: string }> = [
    ...BUILTIN_STORES.map((name) => ({ store: openStore(name, env), source: OWN_PACKAGE })),
    ...[...stores.values()].map(({ store, plugin }) => ({ store, source: plugin })),
  ];
  const rows = await Promise.all(
    all.map(async ({ store, source }) => {
      const reason = await store.check().then(
        () => null,
        (error: unknown) => oneLine(error),
      );
      return { name: store.name, package: source, writable: store.writable, available: reason === null, reason };
    }),
  );
  return { stores: rows, failures };
}
