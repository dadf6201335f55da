import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, ensurePrivateFile, isCode, writeFileAtomic } from '../lib/atomic-file.js';
import { withLock } from '../lib/lock.js';
import { appHome } from '../lib/paths.js';
import type { SecretName, SecretStore } from './secret-store.js';

/** One private file `{ "<okta user>": "<value>" }` that keeps one kind of secret. */
interface UserFile {
  file: string;
  secret: SecretName;
  /** What it keeps, for the error when asked to keep something else. */
  keeps: string;
}

const SESSIONS: UserFile = { file: 'session.json', secret: 'okta_session', keeps: 'the Okta session' };
const REFRESH_TOKENS: UserFile = { file: 'oauth-tokens.json', secret: 'oauth_refresh_token', keeps: 'refresh tokens' };

/** `session.json`: each user's Okta session cookie, 0600 in the 0700 app home. */
export function sessionFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(appHome(env), SESSIONS.file);
}

/** `oauth-tokens.json`: each user's OAuth refresh token, 0600 in the 0700 app home. */
export function tokenFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(appHome(env), REFRESH_TOKENS.file);
}

/**
 * The Okta session of each user, in a private file of its own: the file store keeps it here rather
 * than in settings.json (a file users copy between machines and the Python tool rewrites), and so
 * does every store that cannot be written (the environment).
 */
export function sessionFileStore(env: NodeJS.ProcessEnv = process.env): UserFileStore {
  return new UserFileStore(SESSIONS, env);
}

/** The file store's home for each user's OAuth refresh token, rotated on every use. */
export function tokenFileStore(env: NodeJS.ProcessEnv = process.env): UserFileStore {
  return new UserFileStore(REFRESH_TOKENS, env);
}

/** A secret per user in a private JSON file; every change is a locked read-modify-write. */
export class UserFileStore implements SecretStore {
  readonly name = 'file' as const;
  readonly writable = true;

  constructor(
    private readonly kind: UserFile,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  async check(): Promise<void> {}

  async get(user: string, name: SecretName): Promise<string | undefined> {
    this.only(name);
    const value = (await this.read()).get(user);
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  async set(user: string, name: SecretName, value: string): Promise<void> {
    this.only(name);
    await this.update((values) => {
      values.set(user, value);
      return true;
    });
  }

  async delete(user: string, name: SecretName): Promise<void> {
    this.only(name);
    await this.update((values) => values.delete(user));
  }

  private path(): string {
    return join(appHome(this.env), this.kind.file);
  }

  private only(name: SecretName): void {
    if (name !== this.kind.secret) throw new Error(`${this.kind.file} keeps only ${this.kind.keeps}, not the ${name}`);
  }

  /** A Map, so a user named `__proto__` is just another key; an unreadable file means "log in again". */
  private async read(): Promise<Map<string, unknown>> {
    const path = this.path();
    let text;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (isCode(error, 'ENOENT')) return new Map();
      throw error;
    }
    await ensurePrivateFile(path);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return new Map();
    }
    return new Map(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? Object.entries(parsed) : []);
  }

  /**
   * Under a lock, so two concurrent logins (or refresh-token rotations) never drop each other's
   * value. `change` says whether it changed anything; a no-op writes nothing.
   */
  private async update(change: (values: Map<string, unknown>) => boolean): Promise<void> {
    const path = this.path();
    await ensurePrivateDir(appHome(this.env));
    await withLock(`${path}.lock`, async () => {
      const values = await this.read();
      if (!change(values)) return;
      await writeFileAtomic(path, JSON.stringify(Object.fromEntries(values), null, 2) + '\n'); // new files are 0600
      await ensurePrivateFile(path);
    });
  }
}
