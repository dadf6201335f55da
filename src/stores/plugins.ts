import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../lib/errors.js';
import type { SecretStoreHook } from '../store-api.js';
import type { SecretName, SecretStore } from './secret-store.js';

/** The oclif hook through which a plugin offers stores (see src/store-api.ts). */
export const STORE_HOOK = 'okta-aws:secret-store';

/** What a store name must look like, built-in or not. */
export const STORE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/** Seconds a plugin gets to offer its stores, and each store call to finish. */
const DEFAULT_TIMEOUT_SECONDS = 15;

/** An installed oclif plugin as far as stores care: oclif's Plugin objects fit this shape. */
export interface InstalledPlugin {
  name: string;
  root: string;
  hooks: Record<string, ReadonlyArray<{ target: string; identifier?: string }>>;
}

export interface PluginOffer {
  store: SecretStore;
  /** The npm package of the plugin. */
  plugin: string;
}

export interface PluginCatalog {
  stores: Map<string, PluginOffer>;
  /** One line per plugin that failed to offer its stores. */
  failures: string[];
}

let installed: () => readonly InstalledPlugin[] = () => [];
/** Per environment (a command has one: process.env), since the hook builds its stores from it. */
let catalogs = new WeakMap<NodeJS.ProcessEnv, Promise<PluginCatalog>>();
let timedOut = false;

/**
 * Where the installed plugins come from; the CLI layer passes oclif's list. Only the list is
 * taken here: no plugin code runs until a store is needed.
 */
export function usePlugins(list: () => readonly InstalledPlugin[]): void {
  installed = list;
  catalogs = new WeakMap();
}

/** True once a plugin missed its deadline: its pending work may keep the process alive. */
export function aPluginHung(): boolean {
  return timedOut;
}

/** The stores every installed plugin offers, asked once per process (and environment). */
export function pluginStores(reserved: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<PluginCatalog> {
  let catalog = catalogs.get(env);
  if (!catalog) catalogs.set(env, (catalog = loadCatalog(reserved, env)));
  return catalog;
}

async function loadCatalog(reserved: readonly string[], env: NodeJS.ProcessEnv): Promise<PluginCatalog> {
  const result: PluginCatalog = { stores: new Map(), failures: [] };
  // A plugin without the hook has nothing to load: only those with it are ever imported.
  const plugins = [...installed()].sort((a, b) => a.name.localeCompare(b.name));
  const offers = await Promise.all(plugins.map((p) => offersOf(p, env).then((stores) => ({ p, stores }), (error: unknown) => ({ p, error }))));
  for (const offer of offers) {
    if ('error' in offer) {
      result.failures.push(`plugin ${offer.p.name} offers no store: ${describe(offer.error)}`);
      continue;
    }
    for (const store of offer.stores) {
      const taken = reserved.includes(store.name) ? 'okta-aws' : result.stores.get(store.name)?.plugin;
      if (taken) result.failures.push(`plugin ${offer.p.name} offers a store "${store.name}", which ${taken} already provides; it is ignored`);
      else result.stores.set(store.name, { store: bounded(store, offer.p.name, env), plugin: offer.p.name });
    }
  }
  return result;
}

async function offersOf(plugin: InstalledPlugin, env: NodeJS.ProcessEnv): Promise<SecretStore[]> {
  const stores: SecretStore[] = [];
  for (const hook of plugin.hooks[STORE_HOOK] ?? []) {
    const found = await withDeadline(importHook(plugin, hook), env, `loading its ${STORE_HOOK} hook`);
    const offered = await withDeadline(Promise.resolve(found({ apiVersion: 1, env })), env, `its ${STORE_HOOK} hook`);
    if (!Array.isArray(offered)) throw new Error(`its ${STORE_HOOK} hook returned ${typeof offered}, not an array of stores`);
    for (const store of offered as unknown[]) stores.push(validStore(store));
  }
  return stores;
}

/** The compiled module oclif would load, imported by okta-aws itself so that the deadline covers it. */
async function importHook(plugin: InstalledPlugin, hook: { target: string; identifier?: string }): Promise<SecretStoreHook> {
  const base = join(plugin.root, hook.target);
  const file = [base, `${base}.js`, join(base, 'index.js')].find((candidate) => /\.[cm]?js$/.test(candidate) && existsSync(candidate));
  if (!file) throw new Error(`its hook file ${hook.target} does not exist (is the plugin built?)`);
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const fn = module[hook.identifier ?? 'default'];
  if (typeof fn !== 'function') throw new Error(`${hook.target} has no ${hook.identifier ?? 'default'} export`);
  return fn as SecretStoreHook;
}

function validStore(value: unknown): SecretStore {
  const store = value as Partial<SecretStore> | null;
  const methods = ['check', 'get', 'set', 'delete'] as const;
  if (typeof store !== 'object' || store === null || typeof store.name !== 'string' || !methods.every((m) => typeof store[m] === 'function')) {
    throw new Error('its hook returned something that is not a store (name, writable, check, get, set, delete)');
  }
  if (!STORE_NAME_PATTERN.test(store.name)) throw new Error(`its store name "${store.name}" is not lower-case letters, digits and -`);
  return store as SecretStore;
}

/**
 * The plugin's store behind a deadline on every call, with its failures as one line naming the
 * plugin. An error the plugin meant for users (it has a `hint`) is shown as it is.
 */
function bounded(store: SecretStore, plugin: string, env: NodeJS.ProcessEnv): SecretStore {
  // After one call ran out of time the store is taken for hung: later calls fail at once.
  let hung: unknown;
  const call = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      if (hung) throw hung;
      return await withDeadline(run(), env, what).catch((error: unknown) => {
        if (error instanceof DeadlineError) hung = error;
        throw error;
      });
    } catch (error) {
      const hint = (error as { hint?: unknown } | null)?.hint;
      if (error instanceof Error && typeof hint === 'string') throw new UserError(error.message, { hint, code: 'STORE_FAILED' });
      throw new UserError(`The ${store.name} store (plugin ${plugin}) failed: ${describe(error)}`, {
        hint: `Check the plugin's setup (\`okta-aws stores\` shows whether it is available), or use \`--store file\`.`,
        code: 'PLUGIN_FAILED',
        cause: error,
      });
    }
  };
  return {
    name: store.name,
    writable: store.writable === true,
    check: (needed?: readonly SecretName[]) => call('check', () => store.check(needed)),
    get: (user: string, name: SecretName) => call(`reading the ${name}`, async () => {
      const value: unknown = await store.get(user, name);
      if (value !== undefined && typeof value !== 'string') throw new Error(`get returned ${typeof value}, not a string`);
      return value === '' ? undefined : value;
    }),
    set: (user: string, name: SecretName, value: string) => call(`storing the ${name}`, () => store.set(user, name, value)),
    delete: (user: string, name: SecretName) => call(`deleting the ${name}`, () => store.delete(user, name)),
  };
}

/** Rejects when `work` takes longer than OKTA_AWS_PLUGIN_TIMEOUT; the timer is cleared either way. */
function withDeadline<T>(work: Promise<T>, env: NodeJS.ProcessEnv, what: string): Promise<T> {
  const seconds = timeoutSeconds(env);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    // Not unref'd: a plugin awaiting nothing must not let the process end before the verdict.
    timer = setTimeout(() => {
      timedOut = true;
      reject(new DeadlineError(`${what} did not finish within ${seconds} s (OKTA_AWS_PLUGIN_TIMEOUT)`));
    }, seconds * 1000);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

class DeadlineError extends Error {}

function timeoutSeconds(env: NodeJS.ProcessEnv): number {
  const value = Number(env.OKTA_AWS_PLUGIN_TIMEOUT);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_TIMEOUT_SECONDS;
}

/** A plugin's error as part of one line. */
function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').find((line) => line.trim() !== '')?.trim().replace(/[.\s]+$/, '') ?? 'unknown error';
}
