import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, ensurePrivateFile, isCode, writeFileAtomic } from '../lib/atomic-file.js';
import { withLock } from '../lib/lock.js';
import { appHome } from '../lib/paths.js';
import type { SecretName, SecretStore } from './secret-store.js';

/** `session.json`: `{ "<okta user>": "<sid>" }`, 0600 in the 0700 app home. */
export function sessionFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(appHome(env), 'session.json');
}

/**
 * The Okta session cookie of each user, in a private file of its own: the file store keeps it
 * here rather than in settings.json (a file users copy between machines and the Python tool
 * rewrites), and so does every store that cannot be written (the environment).
 */
export class SessionFileStore implements SecretStore {
  readonly name = 'file' as const;
  readonly writable = true;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async check(): Promise<void> {}

  async get(user: string, name: SecretName): Promise<string | undefined> {
    onlySession(name);
    const sid = (await this.read()).get(user);
    return typeof sid === 'string' && sid !== '' ? sid : undefined;
  }

  async set(user: string, name: SecretName, value: string): Promise<void> {
    onlySession(name);
    await this.update((sessions) => {
      sessions.set(user, value);
      return true;
    });
  }

  async delete(user: string, name: SecretName): Promise<void> {
    onlySession(name);
    await this.update((sessions) => sessions.delete(user));
  }

  /** A Map, so a user named `__proto__` is just another key. */
  private async read(): Promise<Map<string, unknown>> {
    const path = sessionFile(this.env);
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
      return new Map(); // a session can always be replaced by a fresh login
    }
  }

  /**
   * Read-modify-write under a lock, so two concurrent logins never drop each other's session.
   * `change` says whether it changed anything; a no-op writes nothing.
   */
  private async update(change: (sessions: Map<string, unknown>) => boolean): Promise<void> {
    const path = sessionFile(this.env);
    await ensurePrivateDir(appHome(this.env));
    await withLock(`${path}.lock`, async () => {
      const sessions = await this.read();
      if (!change(sessions)) return;
      await writeFileAtomic(path, JSON.stringify(Object.fromEntries(sessions), null, 2) + '\n', { mode: 0o600 });
      await ensurePrivateFile(path);
    });
  }
}

function onlySession(name: SecretName): void {
  if (name !== 'okta_session') {
    throw new Error(`session.json keeps only the Okta session, not the ${name}`);
  }
}
