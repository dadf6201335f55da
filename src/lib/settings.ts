import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ensurePrivateDir, ensurePrivateFile, isCode, writeFileAtomic } from './atomic-file.js';
import { UserError } from './errors.js';
import { jsonErrorPosition } from './json-position.js';
import { settingsFile } from './paths.js';

/** A built-in store, or one a plugin offers (see stores/plugins). */
export type StoreName = string;
export type BuiltinStoreName = 'file' | 'keyring' | 'env';
export const BUILTIN_STORES: readonly BuiltinStoreName[] = ['file', 'keyring', 'env'];
export type CredentialMode = 'static' | 'process';
/** How to log in: Classic `/api/v1/authn`, or the OAuth device flow (Identity Engine orgs); `auto` picks by client id. */
export type LoginFlow = 'auto' | 'authn' | 'device';
export const LOGIN_FLOWS: readonly LoginFlow[] = ['auto', 'authn', 'device'];
/** `account-id`: the original tool's `okta-<account id>-<role>`; `alias`: `okta-<alias>-<role>` where the account has one. */
export type ProfileNaming = 'account-id' | 'alias';
export const PROFILE_NAMINGS: readonly ProfileNaming[] = ['account-id', 'alias'];
/** Which second factor a password login answers: `auto` is TOTP when a secret is stored and enrolled, else push. */
export type MfaFactor = 'auto' | 'totp' | 'push';
export const MFA_FACTORS: readonly MfaFactor[] = ['auto', 'totp', 'push'];

/**
 * `settings.json`, key for key as the Python okta-aws-cred-helper wrote it, so its users switch
 * without retyping. Keys this version does not know are kept as they are.
 */
export interface Settings {
  sso_url?: string;
  region?: string;
  user_name?: string;
  /** Only with the file store, as the original tool kept it. */
  password?: string;
  /** Only with the file store: the base32 TOTP secret. */
  google_2fa_totp?: string;
  secret_store?: StoreName;
  duration?: number;
  mode?: CredentialMode;
  account_aliases?: Record<string, string>;
  login_flow?: LoginFlow;
  /** The client id of the org's OIDC native app for CLIs (device flow). */
  oidc_client_id?: string;
  profile_names?: ProfileNaming;
  mfa_factor?: MfaFactor;
  [key: string]: unknown;
}

export interface LoadedSettings {
  settings: Settings | undefined;
  /** Permission repairs made while reading, for the caller to print on stderr. */
  warnings: string[];
}

/** Reads settings.json; `undefined` settings when there is none. A file that is not JSON is an error, never overwritten. */
export async function readSettings(env: NodeJS.ProcessEnv = process.env): Promise<LoadedSettings> {
  const path = settingsFile(env);
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isCode(error, 'ENOENT')) return { settings: undefined, warnings: [] };
    throw new UserError(`Cannot read ${path}: ${(error as Error).message}`, { hint: 'Check its permissions, or run `okta-aws init`.' });
  }
  const warnings = [await ensurePrivateDir(dirname(path)), await ensurePrivateFile(path)].filter((w): w is string => w !== undefined);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Never the parser's message: it quotes the text around the error, and this file holds secrets.
    const { line, column } = jsonErrorPosition(text);
    throw new UserError(`${path} is not valid JSON (line ${line}, column ${column})`, {
      hint: 'Fix the file by hand, or move it away and run `okta-aws init`.',
      code: 'BAD_SETTINGS',
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UserError(`${path} does not hold a JSON object`, { hint: 'Move it away and run `okta-aws init`.' });
  }
  return { settings: parsed as Settings, warnings };
}

/** Writes settings.json atomically, 0600 in a 0700 folder. */
export async function writeSettings(settings: Settings, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const path = settingsFile(env);
  await ensurePrivateDir(dirname(path));
  await writeFileAtomic(path, JSON.stringify(settings, null, 2) + '\n', { mode: 0o600 });
  await ensurePrivateFile(path);
}
