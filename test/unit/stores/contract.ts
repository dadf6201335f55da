import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/lib/errors.js';
import { SECRET_NAMES, type SecretName, type SecretStore } from '../../../src/stores/secret-store.js';

export interface Seed {
  user: string;
  name: SecretName;
  value: string;
}

export interface StoreSubject {
  /**
   * A store for one test. Writable stores are filled through `set`; a read-only store gets its
   * values only from `seed`, so its subject must honour it.
   */
  open(seed: readonly Seed[]): Promise<SecretStore>;
  /** Undo what `open` set up (temporary folders); entries the tests wrote are deleted already. */
  cleanup?(): Promise<void>;
  /** set/delete must fail: the environment. */
  readOnly?: boolean;
  /** Holds one user's password and TOTP secret (settings.json, the environment). */
  singleUser?: boolean;
}

const UNICODE = 'pässwörd 🔑 密码 "quoted" back\\slash: @=;\u00a0end';
/** Longer than any password, TOTP secret or Okta sid, yet within Windows Credential Manager's 2,560 bytes of UTF-16. */
const LONG = randomBytes(750).toString('base64');
/** Per user in every store, never one user's settings.json entry: the session and the refresh token. */
const LOGIN_SECRETS = SECRET_NAMES.filter((n) => n !== 'okta_session' && n !== 'oauth_refresh_token');

/** The behaviour every SecretStore shares, run against one implementation. */
export function secretStoreContract(label: string, subject: StoreSubject): void {
  describe(`SecretStore contract: ${label}`, () => {
    // Users unique to each test, so a real keyring shared with other runs never collides.
    let alice = '';
    let bob = '';
    const opened: SecretStore[] = [];
    const open = async (seed: readonly Seed[] = []) => {
      const store = await subject.open(seed);
      opened.push(store);
      return store;
    };
    const fresh = () => {
      const id = randomUUID().slice(0, 8);
      alice = `alice.${id}@example.com`;
      bob = `bob.${id}@example.com`;
    };

    afterEach(async () => {
      if (!subject.readOnly) {
        for (const store of opened) {
          for (const user of [alice, bob]) for (const name of SECRET_NAMES) await store.delete(user, name).catch(() => undefined);
        }
      }
      opened.length = 0;
      await subject.cleanup?.();
    });

    it('says what it is, and that it works here', async () => {
      fresh();
      const store = await open(LOGIN_SECRETS.map((name) => ({ user: alice, name, value: 'x' })));
      expect(store.writable).toBe(!subject.readOnly);
      await expect(store.check()).resolves.toBeUndefined();
    });

    it('has nothing for a user it never saw', async () => {
      fresh();
      const store = await open([]);
      for (const name of SECRET_NAMES) expect(await store.get(alice, name)).toBeUndefined();
    });

    if (subject.readOnly) {
      it('returns the login secrets it was given, and keeps no Okta session', async () => {
        fresh();
        const store = await open([
          { user: alice, name: 'password', value: UNICODE },
          { user: alice, name: 'totp_secret', value: LONG },
        ]);
        expect(await store.get(alice, 'password')).toBe(UNICODE);
        expect(await store.get(alice, 'totp_secret')).toBe(LONG);
        expect(await store.get(alice, 'okta_session')).toBeUndefined();
      });

      it('never hands one user the secrets of another', async () => {
        fresh();
        const store = await open([{ user: alice, name: 'password', value: 'alice-pw' }]);
        expect(await store.get(bob, 'password')).toBeUndefined();
      });

      it('refuses to write or delete, naming the variables to set instead', async () => {
        fresh();
        const store = await open([{ user: alice, name: 'password', value: 'alice-pw' }]);
        for (const name of SECRET_NAMES) {
          for (const write of [() => store.set(alice, name, 'new'), () => store.delete(alice, name)]) {
            const error = await write().then(() => undefined, (e: unknown) => e);
            expect(error).toBeInstanceOf(UserError);
            expect(`${(error as UserError).message} ${(error as UserError).hint}`).toMatch(/OKTA_AWS_(PASSWORD|TOTP_SECRET)/);
          }
        }
        expect(await store.get(alice, 'password')).toBe('alice-pw');
      });
      return;
    }

    it('returns what was set, each secret apart from the others', async () => {
      fresh();
      const store = await open([]);
      for (const name of SECRET_NAMES) await store.set(alice, name, `${name}-value`);
      for (const name of SECRET_NAMES) expect(await store.get(alice, name)).toBe(`${name}-value`);
    });

    it('overwrites', async () => {
      fresh();
      const store = await open([]);
      for (const name of SECRET_NAMES) {
        await store.set(alice, name, 'first');
        await store.set(alice, name, 'second');
        expect(await store.get(alice, name)).toBe('second');
      }
    });

    it('deletes one secret and leaves the others; deleting what is absent is no error', async () => {
      fresh();
      const store = await open([]);
      for (const name of SECRET_NAMES) await store.set(alice, name, `${name}-value`);
      await store.delete(alice, 'password');
      expect(await store.get(alice, 'password')).toBeUndefined();
      expect(await store.get(alice, 'totp_secret')).toBe('totp_secret-value');
      expect(await store.get(alice, 'okta_session')).toBe('okta_session-value');
      await expect(store.delete(alice, 'password')).resolves.toBeUndefined();
      await expect(store.delete(bob, 'okta_session')).resolves.toBeUndefined();
    });

    it('keeps unicode and punctuation byte for byte', async () => {
      fresh();
      const store = await open([]);
      for (const name of SECRET_NAMES) await store.set(alice, name, UNICODE);
      for (const name of SECRET_NAMES) expect(await store.get(alice, name)).toBe(UNICODE);
    });

    it('keeps a long value whole', async () => {
      fresh();
      const store = await open([]);
      for (const name of SECRET_NAMES) await store.set(alice, name, LONG);
      for (const name of SECRET_NAMES) expect(await store.get(alice, name)).toBe(LONG);
    });

    it('survives being opened again (nothing lives only in the object)', async () => {
      fresh();
      await (await open([])).set(alice, 'password', 'kept');
      expect(await (await open([])).get(alice, 'password')).toBe('kept');
    });

    it('keeps each user’s Okta session apart', async () => {
      fresh();
      const store = await open([]);
      await store.set(alice, 'okta_session', 'alice-sid');
      await store.set(bob, 'okta_session', 'bob-sid');
      expect(await store.get(alice, 'okta_session')).toBe('alice-sid');
      await store.delete(bob, 'okta_session');
      expect(await store.get(alice, 'okta_session')).toBe('alice-sid');
      expect(await store.get(bob, 'okta_session')).toBeUndefined();
    });

    if (subject.singleUser) {
      it('never hands one user the login secrets of another, and refuses to write over them', async () => {
        fresh();
        const store = await open([]);
        for (const name of LOGIN_SECRETS) await store.set(alice, name, `alice-${name}`);
        for (const name of LOGIN_SECRETS) {
          expect(await store.get(bob, name)).toBeUndefined();
          await expect(store.set(bob, name, `bob-${name}`)).rejects.toBeInstanceOf(UserError);
          await store.delete(bob, name);
          expect(await store.get(alice, name)).toBe(`alice-${name}`);
        }
      });
    } else {
      it('keeps users apart', async () => {
        fresh();
        const store = await open([]);
        for (const name of SECRET_NAMES) {
          await store.set(alice, name, `alice-${name}`);
          await store.set(bob, name, `bob-${name}`);
        }
        for (const name of SECRET_NAMES) await store.delete(bob, name);
        for (const name of SECRET_NAMES) {
          expect(await store.get(alice, name)).toBe(`alice-${name}`);
          expect(await store.get(bob, name)).toBeUndefined();
        }
      });
    }
  });
}
