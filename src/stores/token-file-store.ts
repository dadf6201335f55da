import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, ensurePrivateFile, isCode, writeFileAtomic } from '../lib/atomic-file.js';
import { withLock } from '../lib/lock.js';
import { appHome } from '../lib/paths.js';
import type { SecretName, SecretStore } from './secret-store.js';

/** `oauth-tokens.json`: `{ "<okta user>": "<refresh token>" }`, 0600 in the 0700 app home. */
export function tokenFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(appHome(env), 'oauth-tokens.json');
}

/**
 * The file store's home for each user's OAuth refresh token: a private file of its own, not
 * settings.json (which users copy between machines and the Python tool rewrites). Every
 * change is a locked read-modify-write, because each use of a rotating refresh token replaces it.
 */
export class TokenFileStore implements SecretStore {
  readonly name = 'file' as const;
  readonly writable = true;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async check(): Promise<void> {}

  async get(user: string, name: SecretName): Promise<string | undefined> {
    onlyRefreshToken(name);
    const token = (await this.read()).get(user);
    return typeof token === 'string' && token !== '' ? token : undefined;
  }

  async set(user: string, name: SecretName, value: string): Promise<void> {
    onlyRefreshToken(name);
    await this.update((tokens) => {
      tokens.set(user, value);
      return true;
    });
  }

  async delete(user: string, name: SecretName): Promise<void> {
    onlyRefreshToken(name);
    await this.update((tokens) => tokens.delete(user));
  }

  /** A Map, so a user named `__proto__` is just another key; an unreadable file means "log in again". */
  private async read(): Promise<Map<string, unknown>> {
    const path = tokenFile(this.env);
    let text;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (isCode(error, 'ENOENT')) return new Map();
      throw error;
    }
    await ensurePrivateFile(path);
    try {
      const parsed: unknown = JSON.parse(text);
      return new Map(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? Object.entries(parsed) : []);
    } catch {
      return new Map();
    }
  }

  private async update(change: (tokens: Map<string, unknown>) => boolean): Promise<void> {
    const path = tokenFile(this.env);
    await ensurePrivateDir(appHome(this.env));
    await withLock(`${path}.lock`, async () => {
      const tokens = await this.read();
      if (!change(tokens)) return;
      await writeFileAtomic(path, JSON.stringify(Object.fromEntries(tokens), null, 2) + '\n', { mode: 0o600 });
      await ensurePrivateFile(path);
    });
  }
}

function onlyRefreshToken(name: SecretName): void {
  if (name !== 'oauth_refresh_token') throw new Error(`oauth-tokens.json keeps only refresh tokens, not the ${name}`);
}
