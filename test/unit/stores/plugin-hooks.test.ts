/**
 * How okta-aws loads a plugin's store hook and guards each store call, with plugins written on the
 * fly: what each kind of broken plugin costs, in the one line a user sees.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type InstalledPlugin, STORE_HOOK, aPluginHung, pluginStores, usePlugins } from '../../../src/stores/plugins.js';

let dir: string;
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'okta-aws-plugin-hooks-'));
  env = { OKTA_AWS_PLUGIN_TIMEOUT: '5' };
});
afterEach(async () => {
  vi.useRealTimers();
  usePlugins(() => []);
  await rm(dir, { recursive: true, force: true });
});

/** A plugin whose files are `files` (path → JavaScript), its hook at `target`. */
async function plugin(name: string, files: Record<string, string>, hook: { target: string; identifier?: string } = { target: './index.js' }): Promise<InstalledPlugin> {
  const root = join(dir, name);
  for (const [path, text] of Object.entries({ 'package.json': '{ "type": "module" }', ...files })) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return { name, root, hooks: { [STORE_HOOK]: [hook] } };
}

/** A hook module offering one store `name` whose methods are the given JavaScript bodies. */
function storeModule(name: string, methods: Partial<Record<'check' | 'get' | 'set' | 'delete', string>> = {}): string {
  const body = (m: 'check' | 'get' | 'set' | 'delete') => `async ${m}(user, name, value) { ${methods[m] ?? ''} }`;
  return `const values = new Map();
export default () => [{ name: ${JSON.stringify(name)}, writable: true, ${body('check')}, ${body('get')}, ${body('set')}, ${body('delete')} }];`;
}

async function catalog(...plugins: InstalledPlugin[]) {
  usePlugins(() => plugins);
  return pluginStores(['file'], env);
}

async function failureOf(promise: Promise<unknown>): Promise<{ message: string; hint?: string; code?: string }> {
  return promise.then(
    () => ({ message: 'no error' }),
    (error: { message: string; hint?: string; code?: string }) => ({ message: error.message, hint: error.hint, code: error.code }),
  );
}

// First: once any plugin misses a deadline, aPluginHung() stays true for the process.
describe('a store call', () => {
  it('passes values through, reads an empty value as none, and refuses a value that is not a string', async () => {
    const p = await plugin('p', { 'index.js': storeModule('vault', { get: 'return { password: "pw", totp_secret: "", okta_session: 7 }[name];', set: 'values.set(name, value);', delete: 'globalThis.deleted = name;' }) });
    const store = (await catalog(p)).stores.get('vault')!.store;
    expect(await store.get('me', 'password')).toBe('pw');
    expect(await store.get('me', 'totp_secret')).toBeUndefined();
    expect(await failureOf(store.get('me', 'okta_session'))).toEqual({
      message: 'The vault store (plugin p) failed: get returned number, not a string',
      hint: "Check the plugin's setup (`okta-aws stores` shows whether it is available), or use `--store file`.",
      code: 'PLUGIN_FAILED',
    });
    await store.delete('me', 'totp_secret');
    expect((globalThis as { deleted?: string }).deleted).toBe('totp_secret');
  });

  it("shows a plugin's error that carries a hint as it is, and the first line of any other", async () => {
    const p = await plugin('p', {
      'index.js': storeModule('vault', {
        check: 'throw Object.assign(new Error("The vault is sealed"), { hint: "Run vault operator unseal." });',
        get: 'throw new Error("\\n   Permission denied...  \\n    at Vault.read (vault.js:1:1)");',
        set: 'throw new Error("");',
        delete: 'throw undefined;',
      }),
    });
    const store = (await catalog(p)).stores.get('vault')!.store;
    expect(await failureOf(store.check())).toEqual({ message: 'The vault is sealed', hint: 'Run vault operator unseal.', code: 'STORE_FAILED' });
    expect((await failureOf(store.get('me', 'password'))).message).toBe('The vault store (plugin p) failed: Permission denied');
    expect((await failureOf(store.set('me', 'password', 'x'))).message).toBe('The vault store (plugin p) failed: unknown error');
    expect((await failureOf(store.delete('me', 'password'))).message).toBe('The vault store (plugin p) failed: undefined');
    // None of these was a time-out: the store is still asked.
    expect((await failureOf(store.check())).message).toBe('The vault is sealed');
  });

  it('that runs out of time says which call, and marks the plugin hung; calls that finished in time never do', async () => {
    env.OKTA_AWS_PLUGIN_TIMEOUT = '0.2';
    const p = await plugin('p', { 'index.js': storeModule('vault', { get: 'return "pw";', set: 'await new Promise(() => {});', delete: 'await new Promise(() => {});' }) });
    const store = (await catalog(p)).stores.get('vault')!.store;
    expect(await store.get('me', 'password')).toBe('pw');
    await new Promise((resolve) => setTimeout(resolve, 300)); // past the deadline the finished call had
    expect(aPluginHung()).toBe(false);
    expect((await failureOf(store.set('me', 'password', 'x'))).message).toBe(
      'The vault store (plugin p) failed: storing the password did not finish within 0.2 s (OKTA_AWS_PLUGIN_TIMEOUT)',
    );
    expect(aPluginHung()).toBe(true);
  });

  it.each(['', '0', '-1', 'abc', 'Infinity'])('with OKTA_AWS_PLUGIN_TIMEOUT=%j gets the default 15 s', async (timeout) => {
    const p = await plugin('p', { 'index.js': storeModule('vault', { delete: 'await new Promise(() => {});' }) });
    const store = (await catalog(p)).stores.get('vault')!.store;
    env.OKTA_AWS_PLUGIN_TIMEOUT = timeout;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let outcome: { message: string } | undefined;
    void failureOf(store.delete('me', 'password')).then((failure) => (outcome = failure));
    await vi.advanceTimersByTimeAsync(14_999);
    expect(outcome).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome?.message).toBe('The vault store (plugin p) failed: deleting the password did not finish within 15 s (OKTA_AWS_PLUGIN_TIMEOUT)');
  });
});

describe('loading a hook', () => {
  it('finds the compiled module as oclif names it: with or without .js, a folder, .mjs or .cjs', async () => {
    const found = await catalog(
      await plugin('p-bare', { 'lib/hook.js': storeModule('bare') }, { target: './lib/hook' }),
      await plugin('p-folder', { 'lib/index.js': storeModule('folder') }, { target: './lib' }),
      await plugin('p-mjs', { 'hook.mjs': storeModule('mjs') }, { target: './hook.mjs' }),
      await plugin('p-named', { 'index.js': `export const offer = () => [];\n${storeModule('named').replace('export default', 'export const stores =')}` }, { target: './index.js', identifier: 'stores' }),
    );
    expect(found.failures).toEqual([]);
    expect([...found.stores.keys()]).toEqual(['bare', 'folder', 'mjs', 'named']);
  });

  it('takes only JavaScript: a TypeScript source or a source map is no hook', async () => {
    const found = await catalog(
      await plugin('p-ts', { 'hook.ts': storeModule('ts') }, { target: './hook.ts' }),
      await plugin('p-map', { 'hook.js.map': '{}' }, { target: './hook.js.map' }),
    );
    expect(found.failures).toEqual([
      'plugin p-map offers no store: its hook file ./hook.js.map does not exist (is the plugin built?)',
      'plugin p-ts offers no store: its hook file ./hook.ts does not exist (is the plugin built?)',
    ]);
  });

  it('names a missing export, a hook that does not return a list, and what is not a store', async () => {
    const found = await catalog(
      await plugin('a-no-default', { 'index.js': 'export const x = 1;' }),
      await plugin('b-no-named', { 'index.js': 'export default () => [];' }, { target: './index.js', identifier: 'stores' }),
      await plugin('c-object', { 'index.js': 'export default () => ({ stores: [] });' }),
      await plugin('d-null', { 'index.js': 'export default () => [null];' }),
      await plugin('e-string', { 'index.js': 'export default () => ["vault"];' }),
      await plugin('f-unnamed', { 'index.js': storeModule('x').replace('name: "x", ', '') }),
      await plugin('g-three-methods', { 'index.js': 'export default () => [{ name: "three", check() {}, get() {}, set() {} }];' }),
      await plugin('h-bad-name', { 'index.js': storeModule('My Vault') }),
    );
    const notAStore = 'its hook returned something that is not a store (name, writable, check, get, set, delete)';
    expect(found.failures).toEqual([
      'plugin a-no-default offers no store: ./index.js has no default export',
      'plugin b-no-named offers no store: ./index.js has no stores export',
      `plugin c-object offers no store: its ${STORE_HOOK} hook returned object, not an array of stores`,
      `plugin d-null offers no store: ${notAStore}`,
      `plugin e-string offers no store: ${notAStore}`,
      `plugin f-unnamed offers no store: ${notAStore}`,
      `plugin g-three-methods offers no store: ${notAStore}`,
      'plugin h-bad-name offers no store: its store name "My Vault" is not lower-case letters, digits and -',
    ]);
    expect(found.stores.size).toBe(0);
  });

  it('bounds the import of the hook module itself', async () => {
    env.OKTA_AWS_PLUGIN_TIMEOUT = '0.3';
    const found = await catalog(await plugin('p-slow-import', { 'index.js': 'await new Promise(() => {});\nexport default () => [];' }));
    expect(found.failures).toEqual([`plugin p-slow-import offers no store: loading its ${STORE_HOOK} hook did not finish within 0.3 s (OKTA_AWS_PLUGIN_TIMEOUT)`]);
  });

  it('a plugin that declares no hook is never loaded', async () => {
    const found = await catalog({ name: 'p-none', root: join(dir, 'nowhere'), hooks: {} }, { name: 'p-empty', root: join(dir, 'nowhere'), hooks: { [STORE_HOOK]: [] } });
    expect(found).toEqual({ stores: new Map(), failures: [] });
  });
});
