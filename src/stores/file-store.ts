import { ensurePrivateDir } from '../lib/atomic-file.js';
import { UserError } from '../lib/errors.js';
import { withLock } from '../lib/lock.js';
import { appHome, settingsFile } from '../lib/paths.js';
import { type Settings, readSettings, writeSettings } from '../lib/settings.js';
import type { SecretName, SecretStore } from './secret-store.js';
import { type UserFileStore, sessionFileStore, tokenFileStore } from './user-file-store.js';

/** Where the original Python tool kept each login secret in settings.json. */
const SETTINGS_KEY = { password: 'password', totp_secret: 'google_2fa_totp' } as const;

/**
 * The settings file as the original tool wrote it: `password` and `google_2fa_totp` beside
 * `user_name`, so one file serves both tools. That layout holds one user's login secrets: they
 * belong to `user_name`, are never handed to another user, and another user's are refused rather
 * than written over them. The Okta session goes to session.json (see user-file-store), the OAuth
 * refresh token to oauth-tokens.json.
 */
export class FileStore implements SecretStore {
  readonly name = 'file' as const;
  readonly writable = true;
  private readonly sessions: UserFileStore;
  private readonly tokens: UserFileStore;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {
    this.sessions = sessionFileStore(env);
    this.tokens = tokenFileStore(env);
  }

  async check(): Promise<void> {}

  async get(user: string, name: SecretName): Promise<string | undefined> {
    if (name === 'okta_session') return this.sessions.get(user, name);
    if (name === 'oauth_refresh_token') return this.tokens.get(user, name);
    const { settings } = await readSettings(this.env);
    if (settings?.user_name !== user) return undefined;
    const value = settings[SETTINGS_KEY[name]];
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  async set(user: string, name: SecretName, value: string): Promise<void> {
    if (name === 'okta_session') return this.sessions.set(user, name, value);
    if (name === 'oauth_refresh_token') return this.tokens.set(user, name, value);
    await this.update((settings) => {
      if (settings.user_name !== undefined && settings.user_name !== user) {
        throw new UserError(`${settingsFile(this.env)} holds the secrets of ${settings.user_name}, not ${user}`, {
          hint: `The file store keeps one user's secrets: run \`okta-aws init --username ${user}\` to switch, or use \`--store keyring\`.`,
          code: 'OTHER_USER',
        });
      }
      settings.user_name = user;
      settings[SETTINGS_KEY[name]] = value;
      return true;
    });
  }

  async delete(user: string, name: SecretName): Promise<void> {
    if (name === 'okta_session') return this.sessions.delete(user, name);
    if (name === 'oauth_refresh_token') return this.tokens.delete(user, name);
    await this.update((settings) => {
      if (settings.user_name !== user || !(SETTINGS_KEY[name] in settings)) return false;
      delete settings[SETTINGS_KEY[name]];
      return true;
    });
  }

  /**
   * Read-modify-write of settings.json, keeping every key it does not touch; `change` says whether
   * anything changed. The write is atomic, so the file on disk is always either before or after.
   */
  private async update(change: (settings: Settings) => boolean): Promise<void> {
    await ensurePrivateDir(appHome(this.env));
    await withLock(`${settingsFile(this.env)}.lock`, async () => {
      const settings = (await readSettings(this.env)).settings ?? {};
      if (change(settings)) await writeSettings(settings, this.env);
    });
  }
}
