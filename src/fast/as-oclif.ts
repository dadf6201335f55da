/**
 * What bin/run.js's fast paths (src/fast/init.ts, src/fast/refresh.ts) do around a command's own
 * code so that it runs as under oclif: the stores check for installed plugins, and what oclif and
 * BaseCommand do before and after `run()`.
 */
import { enableDebug } from '../lib/log.js';
import { BUILTIN_STORES, readSettings } from '../lib/settings.js';
import { storeNameFrom } from '../stores/index.js';
import { reportFailure } from '../ui/failure.js';

/** The values oclif accepts for a flag that takes one: a list (its `options`), a test, or any. */
export type ValueCheck = readonly string[] | ((value: string) => boolean) | undefined;

export interface ParsedFlags<V extends string> {
  values: Partial<Record<V, string>>;
  /** The boolean flags given: true, or false for `--no-<name>`. */
  booleans: Record<string, boolean>;
}

/**
 * A command's flags, when every argument is one oclif would take the same way: `--flag value` or
 * `--flag=value` (a value that is not empty, does not start with - and passes its check), a
 * boolean `--flag` (or `--no-flag` where `booleans` allows it), each at most once. Anything else
 * (help, an unknown or repeated flag, an argument, a value oclif refuses) is undefined: for oclif
 * to answer in its own words.
 */
export function parseFlags<V extends string>(args: readonly string[], values: Record<V, ValueCheck>, booleans: Record<string, { allowNo: boolean }>): ParsedFlags<V> | undefined {
  const parsed: ParsedFlags<V> = { values: {}, booleans: {} };
  const seen = new Set<string>();
  const takesValue = (name: string): name is V => Object.hasOwn(values, name);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) return undefined;
    const equals = arg.indexOf('=');
    const name = arg.slice(2, equals === -1 ? undefined : equals);
    const negated = name.startsWith('no-') && booleans[name.slice(3)]?.allowNo === true;
    const key = negated ? name.slice(3) : name;
    if (seen.has(key)) return undefined;
    seen.add(key);
    if (takesValue(name)) {
      const value = equals === -1 ? args[++i] : arg.slice(equals + 1);
      const check: ValueCheck = values[name];
      if (value === undefined || value === '' || value.startsWith('-')) return undefined;
      if (Array.isArray(check) ? !check.includes(value) : typeof check === 'function' && !check(value)) return undefined;
      parsed.values[name] = value;
    } else if (equals !== -1 || !Object.hasOwn(booleans, key)) return undefined;
    else parsed.booleans[key] = !negated;
  }
  return parsed;
}

const builtin = (name: string) => (BUILTIN_STORES as readonly string[]).includes(name);

/**
 * A plugin's store is found through oclif's list of plugins: with store plugins installed, the
 * stores a command uses (the one `flag` or the settings name, the one the settings name) must be
 * built in for it to run without oclif.
 */
export async function onlyBuiltinStores(flag: string | undefined): Promise<boolean> {
  try {
    const { settings } = await readSettings();
    return builtin(storeNameFrom({ flag, settings, env: process.env })) && builtin(settings?.secret_store ?? 'file');
  } catch {
    return false; // the full command says what is wrong
  }
}

/** Runs `command` as oclif and BaseCommand would: --debug, a reader that left early, one line on failure. */
export async function runAsOclif(debug: boolean, command: () => Promise<void>): Promise<void> {
  // As @oclif/core does once loaded: a reader that closed stdout early is no error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  // As BaseCommand.init.
  if (debug) enableDebug();
  try {
    await command();
  } catch (error) {
    reportFailure(error as Error);
  }
}
