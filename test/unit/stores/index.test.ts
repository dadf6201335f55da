import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/lib/errors.js';
import { EnvStore } from '../../../src/stores/env-store.js';
import { FileStore } from '../../../src/stores/file-store.js';
import { openStore, sessionStoreFor, storeNameFrom } from '../../../src/stores/index.js';
import { KeyringStore } from '../../../src/stores/keyring-store.js';
import { UserFileStore } from '../../../src/stores/user-file-store.js';

describe('storeNameFrom', () => {
  it('is file when nothing says otherwise', () => {
    expect(storeNameFrom({ env: {} })).toBe('file');
    expect(storeNameFrom({ settings: { sso_url: 'https://x' }, env: {} })).toBe('file');
  });

  it('ranks OKTA_AWS_SECRET_STORE over --store over settings', () => {
    const settings = { secret_store: 'keyring' as const };
    expect(storeNameFrom({ settings, env: {} })).toBe('keyring');
    expect(storeNameFrom({ flag: 'file', settings, env: {} })).toBe('file');
    expect(storeNameFrom({ flag: 'file', settings, env: { OKTA_AWS_SECRET_STORE: 'env' } })).toBe('env');
    expect(storeNameFrom({ flag: 'file', settings, env: { OKTA_AWS_SECRET_STORE: '' } })).toBe('file');
  });

  it('names the source and the valid names for a name no store can have', () => {
    for (const [sources, source, name] of [
      [{ env: { OKTA_AWS_SECRET_STORE: 'My Vault' } }, 'OKTA_AWS_SECRET_STORE', 'My Vault'],
      [{ flag: 'vault;rm', env: {} }, '--store', 'vault;rm'],
      [{ settings: { secret_store: 42 as never }, env: {} }, 'secret_store', '42'],
      [{ settings: { secret_store: ['file'] as never }, env: {} }, 'secret_store', 'file'],
    ] as const) {
      const error = (() => {
        try {
          storeNameFrom(sources);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).message).toContain(source);
      expect((error as UserError).message).toContain(`"${name}"`);
      expect((error as UserError).hint).toBe('Use one of: file, keyring, env, or the name of a store a plugin offers (`okta-aws stores` lists them).');
      expect((error as UserError).code).toBe('BAD_STORE');
    }
  });

  it('takes any other name for a plugin store, from each source', () => {
    expect(storeNameFrom({ env: { OKTA_AWS_SECRET_STORE: 'pass' } })).toBe('pass');
    expect(storeNameFrom({ flag: 'one-password', env: {} })).toBe('one-password');
    expect(storeNameFrom({ settings: { secret_store: 'kwallet5' }, env: {} })).toBe('kwallet5');
  });
});

describe('openStore', () => {
  it('opens each store without touching anything (the keyring module loads on first use)', () => {
    expect(openStore('file', {})).toBeInstanceOf(FileStore);
    expect(openStore('env', {})).toBeInstanceOf(EnvStore);
    expect(openStore('keyring', {})).toBeInstanceOf(KeyringStore);
  });
});

describe('sessionStoreFor', () => {
  it('keeps the session in a writable store, and in session.json beside a read-only one', () => {
    const file = new FileStore({});
    expect(sessionStoreFor(file, {})).toBe(file);
    expect(sessionStoreFor(new EnvStore({}), {})).toBeInstanceOf(UserFileStore);
  });
});
