import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError, oneLine } from '../../../src/lib/errors.js';
import { migrateSecrets, openStore, sessionStoreFor } from '../../../src/stores/index.js';
import { type InstalledPlugin, STORE_HOOK, pluginStores, usePlugins } from '../../../src/stores/plugins.js';
import { MemoryStore } from '../../helpers/memory-store.js';

const fixture = (name: string): InstalledPlugin => ({
  name: `okta-aws-${name}`,
  root: fileURLToPath(new URL(`../../fixtures/plugins/${name}`, import.meta.url)),
  hooks: { [STORE_HOOK]: [{ target: './index.js' }] },
});
const HELP: InstalledPlugin = { name: '@oclif/plugin-help', root: '/nonexistent', hooks: {} };

let dir: string;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'okta-aws-plugins-'));
  env = { MEMO_FILE: join(dir, 'memo.json'), MEMO_LOG: join(dir, 'memo.log'), OKTA_AWS_HOME: join(dir, 'home'), OKTA_AWS_PLUGIN_TIMEOUT: '5' };
});
afterEach(async () => {
  usePlugins(() => []);
  await rm(dir, { recursive: true, force: true });
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => 'no error',
    (error: unknown) => {
      expect(error).toBeInstanceOf(UserError);
      return oneLine(error);
    },
  );

describe('plugin stores', () => {
  it('come from the plugins that declare the hook; the others are never imported', async () => {
    usePlugins(() => [HELP, fixture('store-memo')]);
    const { stores, failures } = await pluginStores(['file', 'keyring', 'env'], env);
    expect([...stores.keys()]).toEqual(['memo']);
    expect(stores.get('memo')?.plugin).toBe('okta-aws-store-memo');
    expect(failures).toEqual([]);
  });

  it('are asked for once per process, and only when a store is used', async () => {
    let listed = 0;
    usePlugins(() => {
      listed++;
      return [fixture('store-memo')];
    });
    const store = openStore('memo', env);
    expect(listed).toBe(0);
    await store.set('me', 'password', 'pw');
    expect(await openStore('memo', env).get('me', 'password')).toBe('pw');
    expect(listed).toBe(1);
  });

  it('never take a built-in name, nor one another plugin took first', async () => {
    const memoAgain: InstalledPlugin = { ...fixture('store-memo'), name: 'okta-aws-store-memo-fork' };
    usePlugins(() => [memoAgain, fixture('store-memo')]);
    const { stores, failures } = await pluginStores(['file', 'memo'], env);
    expect(stores.size).toBe(0);
    expect(failures).toEqual([
      'plugin okta-aws-store-memo offers a store "memo", which okta-aws already provides; it is ignored',
      'plugin okta-aws-store-memo-fork offers a store "memo", which okta-aws already provides; it is ignored',
    ]);
    // The first by package name wins, whatever order oclif lists them in.
    usePlugins(() => [memoAgain, fixture('store-memo')]);
    expect((await pluginStores(['file'], env)).failures).toEqual([
      'plugin okta-aws-store-memo-fork offers a store "memo", which okta-aws-store-memo already provides; it is ignored',
    ]);
  });

  it('an unknown name fails on first use, naming the stores there are', async () => {
    usePlugins(() => [fixture('store-memo')]);
    expect(await failure(openStore('vault', env).check())).toBe(
      'No installed store is named "vault": the stores here are file, keyring, env, memo. ' +
        'Install the plugin that offers it (`okta-aws plugins install <package>`), or choose one of those with `okta-aws init --store NAME`.',
    );
  });

  it('an unknown name names the plugins that failed too, and counts as writable until found', async () => {
    usePlugins(() => [fixture('store-memo'), fixture('store-broken')]);
    const store = openStore('vault', { ...env, BROKEN_STORE: 'hook-throws' });
    expect(store.writable).toBe(true);
    await expect(store.get('me', 'password')).rejects.toMatchObject({
      message: `No installed store is named "vault": the stores here are file, keyring, env, memo (and plugin okta-aws-store-broken offers no store: Cannot read properties of undefined (reading 'vault'))`,
      code: 'UNKNOWN_STORE',
    });
  });

  it('deletes through the plugin store it found', async () => {
    usePlugins(() => [fixture('store-memo')]);
    const store = openStore('memo', env);
    await store.set('me', 'password', 'pw');
    await store.delete('me', 'password');
    expect(await openStore('memo', env).get('me', 'password')).toBeUndefined();
  });

  it("a plugin's error with a hint is shown as it is; any other names the plugin", async () => {
    usePlugins(() => [fixture('store-memo'), fixture('store-broken')]);
    expect(await failure(openStore('memo', { ...env, MEMO_FILE: '' }).check())).toBe('The memo store has no file. Set MEMO_FILE.');
    expect(await failure(openStore('broken', env).get('me', 'password'))).toBe(
      "The broken store (plugin okta-aws-store-broken) failed: segfault in the vault client. Check the plugin's setup (`okta-aws stores` shows whether it is available), or use `--store file`.",
    );
  });

  it('a hook that hangs or throws costs only its own stores', async () => {
    for (const mode of ['hook-hangs', 'hook-throws']) {
      usePlugins(() => [fixture('store-memo'), fixture('store-broken')]);
      const { stores, failures } = await pluginStores(['file'], { ...env, BROKEN_STORE: mode, OKTA_AWS_PLUGIN_TIMEOUT: '0.5' });
      expect([...stores.keys()]).toEqual(['memo']);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatch(/^plugin okta-aws-store-broken offers no store: (its okta-aws:secret-store hook did not finish within 0\.5 s|Cannot read properties)/);
    }
  });

  it('a store call that runs out of time marks the store hung: later calls fail with that verdict at once', async () => {
    usePlugins(() => [fixture('store-broken')]);
    const store = openStore('broken', { ...env, BROKEN_STORE: 'store-hangs', OKTA_AWS_PLUGIN_TIMEOUT: '0.5' });
    const first = await failure(store.get('me', 'okta_session'));
    expect(first).toMatch(/^The broken store \(plugin okta-aws-store-broken\) failed: reading the okta_session did not finish within 0\.5 s/);
    expect(await failure(store.check())).toBe(first);
  });

  it('a hook file that is missing (a plugin never built) is reported, not thrown', async () => {
    usePlugins(() => [{ ...fixture('store-memo'), hooks: { [STORE_HOOK]: [{ target: './dist/missing.js' }] } }]);
    expect((await pluginStores(['file'], env)).failures).toEqual(['plugin okta-aws-store-memo offers no store: its hook file ./dist/missing.js does not exist (is the plugin built?)']);
  });

  it('a read-only one says so once found, leaves the Okta session to session.json, and keeps what a migration copied out', async () => {
    usePlugins(() => [fixture('store-memo')]);
    const readOnly = { ...env, MEMO_READ_ONLY: '1' };
    await openStore('memo', env).set('me', 'password', 'pw');
    const store = openStore('memo', readOnly);
    await store.check();
    expect(store.writable).toBe(false);
    await store.set('me', 'okta_session', 'sid');
    expect(JSON.parse(await readFile(join(env.OKTA_AWS_HOME!, 'session.json'), 'utf8'))).toEqual({ me: 'sid' });
    expect(await store.get('me', 'okta_session')).toBe('sid');
    const to = new MemoryStore({ name: 'keyring' });
    expect(await migrateSecrets({ from: store, to, user: 'me' })).toEqual(['password', 'okta_session']);
    expect(await openStore('memo', env).get('me', 'password')).toBe('pw');
  });

  it('migration hands the plugin only the moving user’s secrets', async () => {
    usePlugins(() => [fixture('store-memo')]);
    const from = new MemoryStore({ name: 'keyring' });
    await from.set('me', 'password', 'pw');
    await from.set('me', 'totp_secret', 'JBSWY3DPEHPK3PXP');
    await from.set('someone-else', 'password', 'not-theirs');
    const to = openStore('memo', env);
    expect(await migrateSecrets({ from, to, user: 'me' })).toEqual(['password', 'totp_secret']);
    const seen = await readFile(env.MEMO_FILE!, 'utf8');
    expect(JSON.parse(seen)).toEqual({ 'me/password': 'pw', 'me/totp_secret': 'JBSWY3DPEHPK3PXP' });
    expect(await readFile(env.MEMO_LOG!, 'utf8')).not.toContain('someone-else');
    expect(sessionStoreFor(to, env)).toBe(to);
  });
});
