import type { StoreName } from '../lib/settings.js';

/**
 * What a store keeps per Okta user: the two login secrets, the Okta session cookie (`sid`), which
 * is as good as a password while it lives, and the OAuth refresh token of the device flow, which
 * is as good as a browser login until it is rotated, revoked or expires.
 */
export type SecretName = 'password' | 'totp_secret' | 'okta_session' | 'oauth_refresh_token';
export const SECRET_NAMES: readonly SecretName[] = ['password', 'totp_secret', 'okta_session', 'oauth_refresh_token'];

export interface SecretStore {
  readonly name: StoreName;
  /** False for stores that can only be read (the environment). */
  readonly writable: boolean;
  /**
   * Resolves when the store can be used here; otherwise throws a UserError that names the fix. A
   * read-only store also checks it holds `needed` (default: both login secrets; a push login needs no TOTP secret).
   */
  check(needed?: readonly SecretName[]): Promise<void>;
  get(user: string, name: SecretName): Promise<string | undefined>;
  set(user: string, name: SecretName, value: string): Promise<void>;
  delete(user: string, name: SecretName): Promise<void>;
}
