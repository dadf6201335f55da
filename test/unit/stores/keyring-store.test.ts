/**
 * The keyring store's own logic against a fake of @napi-rs/keyring's AsyncEntry (an in-memory
 * keyring, as aws-vault tests its keyring wrapper), and its Secret Service probe against fake
 * native modules in a real child process. test/keyring/ covers the real Secret Service.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type Server, type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError, oneLine } from '../../../src/lib/errors.js';
import { type KeyringDeps, type KeyringModule, KeyringStore, PROBE_TIMEOUT_MS, probeSecretService, probeVerdict } from '../../../src/stores/keyring-store.js';
import { secretStoreContract } from './contract.js';

const FIX = 'Use `--store file`, or start and unlock a Secret Service (gnome-keyring, KeePassXC).';
const UNLOCK = 'Unlock your keyring (it may be waiting for a password), or use `--store file`.';
const PINNED = { linux: { store: 'secret-service' } };

/** What a fake entry does on its next call: answer from the map, or throw this. */
interface FakeKeyring {
  module: KeyringModule;
  items: Map<string, string>;
  created: unknown[][];
  failConstruct?: unknown;
  failCall?: unknown;
}

function fakeKeyring(): FakeKeyring {
  const fake: FakeKeyring = { items: new Map(), created: [], module: undefined as unknown as KeyringModule };
  class AsyncEntry {
    private readonly key: string;
    constructor(service: string, account: string, options?: unknown) {
      fake.created.push([service, account, options]);
      if (fake.failConstruct !== undefined) throw fake.failConstruct;
      this.key = `${service}/${account}`;
    }
    async getPassword(): Promise<string | null> {
      if (fake.failCall !== undefined) throw fake.failCall;
      return fake.items.get(this.key) ?? null;
    }
    async setPassword(password: string): Promise<void> {
      if (fake.failCall !== undefined) throw fake.failCall;
      fake.items.set(this.key, password);
    }
    async deleteCredential(): Promise<boolean> {
      if (fake.failCall !== undefined) throw fake.failCall;
      return fake.items.delete(this.key);
    }
  }
  fake.module = { AsyncEntry };
  return fake;
}

/** A store over `fake` whose probe and loads are counted; the probe succeeds unless told otherwise. */
function storeOver(fake: FakeKeyring, deps: Partial<KeyringDeps> = {}, env: NodeJS.ProcessEnv = { HOME: '/nowhere' }) {
  const seen = { loads: 0, probes: [] as NodeJS.ProcessEnv[] };
  const store = new KeyringStore(env, {
    load: async () => {
      seen.loads += 1;
      return fake.module;
    },
    probe: async (probed) => {
      seen.probes.push(probed);
    },
    platform: 'linux',
    ...deps,
  });
  return { store, seen };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('KeyringStore over a fake native keyring', () => {
  const shared = fakeKeyring();
  secretStoreContract('keyring (fake native module)', { open: async () => storeOver(shared).store });

  it('names itself and files each secret under service okta-aws, account <user>:<secret>, pinned to the Secret Service', async () => {
    const fake = fakeKeyring();
    const { store } = storeOver(fake);
    expect(store.name).toBe('keyring');
    expect(store.writable).toBe(true);
    await store.set('alice@example.com', 'totp_secret', 'JBSWY3DP');
    expect(fake.items).toEqual(new Map([['okta-aws/alice@example.com:totp_secret', 'JBSWY3DP']]));
    expect(await store.get('alice@example.com', 'totp_secret')).toBe('JBSWY3DP');
    await store.delete('alice@example.com', 'totp_secret');
    expect(fake.items.size).toBe(0);
    expect(fake.created).toEqual([
      ['okta-aws', 'alice@example.com:totp_secret', PINNED],
      ['okta-aws', 'alice@example.com:totp_secret', PINNED],
      ['okta-aws', 'alice@example.com:totp_secret', PINNED],
    ]);
  });

  it('reads a missing entry as undefined, not null', async () => {
    const { store } = storeOver(fakeKeyring());
    expect(await store.get('bob', 'password')).toBeUndefined();
  });

  it('loads the module and probes the Secret Service once per store, with the store’s environment', async () => {
    const env = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1/bus' };
    const { store, seen } = storeOver(fakeKeyring(), {}, env);
    expect(seen.loads).toBe(0); // nothing native before first use
    await store.check();
    await store.get('alice', 'password');
    await store.set('alice', 'password', 'x');
    await store.delete('alice', 'password');
    expect(seen.loads).toBe(1);
    expect(seen.probes).toEqual([env]);
  });

  it.each(['darwin', 'win32'] as const)('does not probe on %s, where the keyring is always there', async (platform) => {
    const { store, seen } = storeOver(fakeKeyring(), { platform });
    await store.check();
    expect(seen.loads).toBe(1);
    expect(seen.probes).toEqual([]);
  });

  it('probes on the BSDs too: their keyring is a D-Bus service', async () => {
    const { store, seen } = storeOver(fakeKeyring(), { platform: 'freebsd' });
    await store.check();
    expect(seen.probes).toHaveLength(1);
  });

  it('a probe that fails fails every operation with its error, and is not rerun', async () => {
    const fake = fakeKeyring();
    const refused = new UserError('The OS keyring is not available here (test)', { hint: FIX, code: 'KEYRING_UNAVAILABLE' });
    let probes = 0;
    const { store } = storeOver(fake, {
      probe: async () => {
        probes += 1;
        throw refused;
      },
    });
    for (const operation of [() => store.check(), () => store.get('a', 'password'), () => store.set('a', 'password', 'x'), () => store.delete('a', 'password')]) {
      expect(await rejection(operation())).toBe(refused);
    }
    expect(probes).toBe(1);
    expect(fake.created).toEqual([]);
  });

  it('a module that cannot load is one line naming the reinstall, with the cause kept', async () => {
    const cause = new Error('libc.so.6: version `GLIBC_2.38` not found\n    at Module._extensions');
    const { store, seen } = storeOver(fakeKeyring(), {
      load: async () => {
        throw cause;
      },
    });
    const error = await rejection(store.get('alice', 'password'));
    expect(error).toMatchObject({
      name: 'UserError',
      message: 'The OS keyring module (@napi-rs/keyring) cannot be loaded here: libc.so.6: version `GLIBC_2.38` not found',
      hint: 'Use `--store file`, or reinstall okta-aws so that its native keyring module matches this platform.',
      code: 'KEYRING_UNAVAILABLE',
      cause,
    });
    expect(seen.probes).toEqual([]);
  });

  it('an entry that cannot be made on Linux means the Secret Service went away (pinned: no fallback)', async () => {
    const fake = fakeKeyring();
    const { store } = storeOver(fake);
    await store.check();
    fake.failConstruct = new Error('Platform failure: DBus error: Failed to connect to socket /run/user/1/bus\nstack backtrace:');
    for (const operation of [() => store.get('a', 'password'), () => store.set('a', 'password', 'x'), () => store.delete('a', 'password')]) {
      const error = await rejection(operation());
      expect(error).toBeInstanceOf(UserError);
      expect(error).toMatchObject({ code: 'KEYRING_UNAVAILABLE', hint: FIX });
      expect(oneLine(error)).toBe(`The OS keyring is not available here (the Secret Service went away: Platform failure: DBus error: Failed to connect to socket /run/user/1/bus). ${FIX}`);
    }
    expect(fake.items.size).toBe(0);
  });

  it('an entry that cannot be made on macOS is a keyring failure naming the secret', async () => {
    const fake = fakeKeyring();
    const { store } = storeOver(fake, { platform: 'darwin' });
    const cause = new Error('Attribute too long');
    fake.failConstruct = cause;
    expect(await rejection(store.set('alice', 'okta_session', 'x'))).toMatchObject({
      name: 'UserError',
      message: 'Could not open the okta_session of alice in the OS keyring: Attribute too long',
      hint: UNLOCK,
      code: 'KEYRING_FAILED',
      cause,
    });
  });

  it.each([
    ['get', (s: KeyringStore) => s.get('alice', 'password'), 'Could not read the password of alice from the OS keyring: Couldn\u2019t access platform storage: locked'],
    ['set', (s: KeyringStore) => s.set('alice', 'password', 'pw'), 'Could not store the password of alice in the OS keyring: Couldn\u2019t access platform storage: locked'],
    ['delete', (s: KeyringStore) => s.delete('alice', 'password'), 'Could not delete the password of alice from the OS keyring: Couldn\u2019t access platform storage: locked'],
  ])('a %s the keyring refuses is one line without the native backtrace, naming the unlock', async (_op, operation, message) => {
    const fake = fakeKeyring();
    const { store } = storeOver(fake);
    await store.check();
    const cause = new Error('\n  \nCouldn\u2019t access platform storage: locked  \nstack backtrace:\n   0: keyring::Error');
    fake.failCall = cause;
    expect(await rejection(operation(store))).toMatchObject({ name: 'UserError', message, hint: UNLOCK, code: 'KEYRING_FAILED', cause });
  });

  it('a non-Error rejection is quoted as text; an empty one leaves the sentence without a reason', async () => {
    const fake = fakeKeyring();
    const { store } = storeOver(fake);
    fake.failCall = 'AccessDenied';
    expect(await rejection(store.get('a', 'password'))).toMatchObject({ message: 'Could not read the password of a from the OS keyring: AccessDenied' });
    fake.failCall = new Error(' \n \n');
    expect(await rejection(store.get('a', 'password'))).toMatchObject({ message: 'Could not read the password of a from the OS keyring: ' });
  });
});

describe('probeVerdict', () => {
  const bus = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1/bus' };
  it.each([
    [{ code: null, killed: true, stderr: '' }, bus, `the Secret Service did not answer within ${PROBE_TIMEOUT_MS / 1000} s`],
    [{ code: 3, killed: false, stderr: "Cannot find module 'x'\nRequire stack:" }, {}, "its native module failed to load: Cannot find module 'x'"],
    [{ code: 4, killed: false, stderr: 'anything' }, {}, 'no D-Bus session: DBUS_SESSION_BUS_ADDRESS is not set'],
    [{ code: 4, killed: false, stderr: 'anything' }, { DBUS_SESSION_BUS_ADDRESS: '' }, 'no D-Bus session: DBUS_SESSION_BUS_ADDRESS is not set'],
    [{ code: 4, killed: false, stderr: 'no secret service provider or dbus session found' }, bus, 'no Secret Service on D-Bus'],
    [{ code: 4, killed: false, stderr: 'Platform failure: no DBus Session bus' }, bus, 'no Secret Service on D-Bus'],
    [{ code: 4, killed: false, stderr: 'zbus error: Failed to connect to address `unix:path=/x`: No such file' }, bus, 'no Secret Service on D-Bus'],
    [{ code: 4, killed: false, stderr: '\nPlatform failure: AccessDenied\nmore' }, bus, 'Platform failure: AccessDenied'],
    [{ code: 'ENOENT', killed: false, stderr: '' }, bus, 'the probe exited with ENOENT'],
    [{ code: null, killed: false, stderr: '' }, bus, 'the probe exited with null'],
  ])('%o with %o reads "%s"', (failure, env, verdict) => {
    expect(probeVerdict(failure, env)).toBe(verdict);
  });
});

// The probe child for real, with fake native modules standing in for @napi-rs/keyring.
describe('probeSecretService', () => {
  let dir: string;
  let silent: Server;
  const peers: Socket[] = [];
  const fakeModule = (name: string) => join(dir, `${name}.cjs`);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'okta-aws-probe-'));
    await writeFile(fakeModule('answers'), "exports.findCredentials = (s) => { if (s !== 'okta-aws.probe') throw new Error('asked for ' + s); return []; };");
    await writeFile(fakeModule('refuses'), "exports.findCredentials = () => { throw new Error('Platform failure: AccessDenied\\nstack backtrace:'); };");
    await writeFile(fakeModule('hangs'), 'exports.findCredentials = () => { for (;;); };');
    await writeFile(fakeModule('broken'), "throw new Error('invalid ELF header');");
    silent = createServer((socket) => peers.push(socket));
    await new Promise<void>((resolve) => silent.listen(join(dir, 'silent-bus'), resolve));
  });
  afterAll(async () => {
    for (const socket of peers) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });
  const bus = () => ({ PATH: process.env.PATH, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'silent-bus')}` });
  const verdictOf = (env: NodeJS.ProcessEnv, modulePath?: string) => rejection(probeSecretService(env, modulePath)).then((error) => oneLine(error));

  it('resolves when the module answers for the probe service, even with a user’s broken NODE_OPTIONS', async () => {
    await expect(probeSecretService({ ...bus(), NODE_OPTIONS: '--require /nonexistent/preload.cjs' }, fakeModule('answers'))).resolves.toBeUndefined();
  });

  it('reports what the module said when it refuses', async () => {
    const error = await rejection(probeSecretService(bus(), fakeModule('refuses')));
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ code: 'KEYRING_UNAVAILABLE', hint: FIX });
    expect(oneLine(error)).toBe(`The OS keyring is not available here (Platform failure: AccessDenied). ${FIX}`);
  });

  it('kills a module that never answers at the deadline', async () => {
    expect(await verdictOf(bus(), fakeModule('hangs'))).toBe(`The OS keyring is not available here (the Secret Service did not answer within 0.6 s). ${FIX}`);
  });

  it('reports a module that cannot load', async () => {
    expect(await verdictOf(bus(), fakeModule('broken'))).toBe(`The OS keyring is not available here (its native module failed to load: invalid ELF header). ${FIX}`);
  });

  it.runIf(process.platform === 'linux')('gives up on the real module against a D-Bus peer that never answers', async () => {
    expect(await verdictOf(bus())).toBe(`The OS keyring is not available here (the Secret Service did not answer within 0.6 s). ${FIX}`);
  });

  it.runIf(process.platform === 'linux')('says no Secret Service when nothing listens at the bus address', async () => {
    expect(await verdictOf({ PATH: process.env.PATH, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'no-such-bus')}` })).toBe(
      `The OS keyring is not available here (no Secret Service on D-Bus). ${FIX}`,
    );
  });
});
