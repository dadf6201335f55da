/**
 * The store plugin API, published as `okta-aws-credential-helper/store-api` (types only).
 *
 * A store plugin is an oclif plugin whose package.json declares the hook
 *   "oclif": { "hooks": { "okta-aws:secret-store": "./dist/stores.js" } }
 * The hook module's default export (a `SecretStoreHook`) returns the stores the plugin offers.
 * okta-aws imports it only when a command needs a store the built-ins do not provide (or for
 * `okta-aws stores`), bounds the hook and every store call by OKTA_AWS_PLUGIN_TIMEOUT, and
 * reports a failure in one line naming the plugin.
 */

/**
 * The secrets okta-aws keeps per Okta user. More may be added in later versions, so a store must
 * treat the name as an opaque key (letters, digits and `_`).
 */
export type SecretName = 'password' | 'totp_secret' | 'okta_session' | (string & Record<never, never>);

export interface SecretStore {
  /** What users type after `--store`: lower-case letters, digits and `-`, unique among stores. */
  readonly name: string;
  /** False for stores that can only be read. */
  readonly writable: boolean;
  /**
   * Resolves when the store can be used here; otherwise throws a `StoreError` whose message says
   * what is missing and whose `hint` says how to fix it (shown as one line).
   */
  check(): Promise<void>;
  /** The secret, or undefined when the store has none for this user. */
  get(user: string, name: SecretName): Promise<string | undefined>;
  /** Replaces the secret whole: after a failure the old value (or none) must still be there. */
  set(user: string, name: SecretName, value: string): Promise<void>;
  /** Removing a secret that is not there is not an error. */
  delete(user: string, name: SecretName): Promise<void>;
}

/**
 * An error a user can act on. Any error with a string `hint` is shown as `message. hint`; any
 * other error is reported as a failure of the plugin. Never put a secret in either.
 */
export interface StoreError extends Error {
  hint: string;
}

export interface SecretStoreHookOptions {
  /** Bumped only on an incompatible change of this file. */
  apiVersion: 1;
  /** The environment okta-aws runs with: read the plugin's settings from here, not from process.env. */
  env: NodeJS.ProcessEnv;
}

/** The default export of the hook module. It should only construct stores: no I/O, no waiting. */
export type SecretStoreHook = (options: SecretStoreHookOptions) => SecretStore[] | Promise<SecretStore[]>;
