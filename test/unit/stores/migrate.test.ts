import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/lib/errors.js';
import { writeSettings } from '../../../src/lib/settings.js';
import { FileStore } from '../../../src/stores/file-store.js';
import { migrateSecrets } from '../../../src/stores/migrate.js';
import { SECRET_NAMES, type SecretName, type SecretStore } from '../../../src/stores/secret-store.js';
import { MemoryStore } from '../../helpers/memory-store.js';

const USER = 'alice@example.com';
const VALUES: Record<SecretName, string> = { password: 'hunter2', totp_secret: 'JBSWY3DPEHPK3PXP', okta_session: 'sid-123', oauth_refresh_token: 'rt-456' };

/** Counts every operation on the stores it wraps, and dies (throws) at operation number `dieAt`. */
class Crash {
  count = 0;
  constructor(private readonly dieAt: number) {}
  wrap(store: SecretStore): SecretStore {
    const step = async <T>(call: () => Promise<T>): Promise<T> => {
      if (this.count++ === this.dieAt) throw new Error(`crash at operation ${this.dieAt}`);
      return call();
    };
    return {
      name: store.name,
      writable: store.writable,
      check: () => step(() => store.check()),
      get: (user, name) => step(() => store.get(user, name)),
      set: (user, name, value) => step(() => store.set(user, name, value)),
      delete: (user, name) => step(() => store.delete(user, name)),
    };
  }
}

/** A store that mangles what it keeps, as a broken keyring might. */
class Lossy extends MemoryStore {
  override async set(user: string, name: SecretName, value: string): Promise<void> {
    await super.set(user, name, value.slice(1));
  }
}

function filled(options: { name: 'file' | 'keyring' | 'env'; writable?: boolean }): MemoryStore {
  const store = new MemoryStore(options);
  for (const name of SECRET_NAMES) store.entries.set(MemoryStore.key(USER, name), VALUES[name]);
  return store;
}

describe('migrateSecrets', () => {
  it('moves every secret, verified, and leaves none behind', async () => {
    const from = filled({ name: 'file' });
    const to = new MemoryStore({ name: 'keyring' });
    expect(await migrateSecrets({ from, to, user: USER })).toEqual(SECRET_NAMES);
    for (const name of SECRET_NAMES) expect(await to.get(USER, name)).toBe(VALUES[name]);
    expect(from.entries.size).toBe(0);
  });

  it('moves only what exists, and nothing between stores of the same name', async () => {
    const from = new MemoryStore({ name: 'file' });
    await from.set(USER, 'password', 'pw');
    const to = new MemoryStore({ name: 'keyring' });
    expect(await migrateSecrets({ from, to, user: USER })).toEqual(['password']);
    const same = new MemoryStore({ name: 'keyring' });
    expect(await migrateSecrets({ from: to, to: same, user: USER })).toEqual([]);
    expect(await to.get(USER, 'password')).toBe('pw');
  });

  it('copies from a read-only store without trying to delete there', async () => {
    const from = filled({ name: 'env', writable: false });
    const to = new MemoryStore({ name: 'keyring' });
    expect(await migrateSecrets({ from, to, user: USER })).toEqual(SECRET_NAMES);
    expect(from.entries.size).toBe(SECRET_NAMES.length);
  });

  it('deletes nothing when a copy reads back different', async () => {
    const from = filled({ name: 'file' });
    const error = await migrateSecrets({ from, to: new Lossy({ name: 'keyring' }), user: USER }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({
      message: `The ${SECRET_NAMES[0]} read back from the keyring store differs from the one written`,
      hint: 'Nothing was removed from the file store; fix the keyring store, or keep `--store file`.',
      code: 'MIGRATION_MISMATCH',
    });
    expect(from.entries.size).toBe(SECRET_NAMES.length);
  });

  it('leaves every secret readable in at least one store, whichever operation it dies at', async () => {
    let completed = false;
    for (let dieAt = 0; !completed; dieAt += 1) {
      const from = filled({ name: 'file' });
      const to = new MemoryStore({ name: 'keyring' });
      const crash = new Crash(dieAt);
      try {
        await migrateSecrets({ from: crash.wrap(from), to: crash.wrap(to), user: USER });
        completed = true;
      } catch (error) {
        expect((error as Error).message).toBe(`crash at operation ${dieAt}`);
      }
      for (const name of SECRET_NAMES) {
        const found = [await from.get(USER, name), await to.get(USER, name)];
        expect(found, `dying at operation ${dieAt}, ${name}`).toContain(VALUES[name]);
      }
      // A rerun after the crash always finishes the move.
      await migrateSecrets({ from, to, user: USER });
      for (const name of SECRET_NAMES) expect(await to.get(USER, name)).toBe(VALUES[name]);
      expect(from.entries.size).toBe(0);
      expect(dieAt).toBeLessThan(20);
    }
  });
});

describe('migrateSecrets with the settings file', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'okta-aws-migrate-'));
    env = { OKTA_AWS_HOME: dir };
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('empties settings.json of secrets into another store, and back again', async () => {
    const settings = { sso_url: 'https://example.okta.com/app', region: 'us-east-1', user_name: USER, password: 'hunter2', google_2fa_totp: 'JBSWY3DPEHPK3PXP' };
    await writeSettings(settings, env);
    const file = new FileStore(env);
    await file.set(USER, 'okta_session', 'sid-123');
    await file.set(USER, 'oauth_refresh_token', 'rt-456');
    const keyring = new MemoryStore({ name: 'keyring' });

    expect(await migrateSecrets({ from: file, to: keyring, user: USER })).toEqual(SECRET_NAMES);
    const text = await readFile(join(dir, 'settings.json'), 'utf8');
    expect(JSON.parse(text)).toEqual({ sso_url: settings.sso_url, region: 'us-east-1', user_name: USER });
    expect(text).not.toContain('hunter2');
    expect(await readFile(join(dir, 'session.json'), 'utf8')).not.toContain('sid-123');
    expect(await readFile(join(dir, 'oauth-tokens.json'), 'utf8')).not.toContain('rt-456');

    expect(await migrateSecrets({ from: keyring, to: file, user: USER })).toEqual(SECRET_NAMES);
    expect(JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'))).toEqual(settings);
    expect(await file.get(USER, 'okta_session')).toBe('sid-123');
    expect(await file.get(USER, 'oauth_refresh_token')).toBe('rt-456');
    expect(keyring.entries.size).toBe(0);
  });
});
