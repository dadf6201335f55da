/**
 * `okta-aws init` without oclif, so that its first question is on the screen within a few
 * milliseconds of Node starting (bin/run.js loads this as an esbuild bundle, see
 * scripts/build-fast.js). It runs the command's own code (ui/init-command, services/init); all it
 * decides is whether the command line is one it parses exactly as oclif would, and whether no
 * installed plugin could change what happens. Otherwise it returns false before doing anything,
 * and bin/run.js runs the full command.
 */
import { enableDebug } from '../lib/log.js';
import { BUILTIN_STORES, LOGIN_FLOWS, MFA_FACTORS, type MfaFactor, PROFILE_NAMINGS, type ProfileNaming, readSettings } from '../lib/settings.js';
import type { InitOptions } from '../services/init.js';
import { storeNameFrom } from '../stores/index.js';
import { reportFailure } from '../ui/failure.js';
import { initCommand } from '../ui/init-command.js';
import { hasTerminal } from '../ui/prompter.js';

export interface FastInitContext {
  entry: InitOptions['entry'];
  /** The user has installed or linked plugins; each offers at most secret stores (bin/fast-help.js). */
  storePlugins: boolean;
}

/** init's flags that take a value (src/commands/init.ts), with the values oclif accepts where it checks them. */
export const VALUE_FLAGS = {
  'sso-url': undefined,
  username: undefined,
  region: undefined,
  store: undefined,
  flow: LOGIN_FLOWS,
  'client-id': undefined,
  'profile-names': PROFILE_NAMINGS,
  factor: MFA_FACTORS,
} as const satisfies Record<string, readonly string[] | undefined>;

type ValueFlag = keyof typeof VALUE_FLAGS;
const isValueFlag = (name: string): name is ValueFlag => Object.hasOwn(VALUE_FLAGS, name);

/**
 * The flags, when every argument is one oclif would take the same way: `--flag value` or
 * `--flag=value` (a value that is not empty and does not start with -), `--verify`,
 * `--no-verify`, `--debug`, each at most once. Anything else (help, an unknown or repeated flag,
 * an argument, a value oclif refuses) is for oclif to answer.
 */
export function parseInitArgs(args: readonly string[]): { values: Partial<Record<ValueFlag, string>>; verify: boolean; debug: boolean } | undefined {
  const values: Partial<Record<ValueFlag, string>> = {};
  const seen = new Set<string>();
  let verify = true;
  let debug = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) return undefined;
    const equals = arg.indexOf('=');
    const name = arg.slice(2, equals === -1 ? undefined : equals);
    const key = name === 'no-verify' ? 'verify' : name;
    if (seen.has(key)) return undefined;
    seen.add(key);
    if (isValueFlag(name)) {
      const value = equals === -1 ? args[++i] : arg.slice(equals + 1);
      const allowed: readonly string[] | undefined = VALUE_FLAGS[name];
      if (value === undefined || value === '' || value.startsWith('-') || (allowed && !allowed.includes(value))) return undefined;
      values[name] = value;
    } else if (equals !== -1) return undefined;
    else if (name === 'verify' || name === 'no-verify') verify = name === 'verify';
    else if (name === 'debug') debug = true;
    else return undefined;
  }
  return { values, verify, debug };
}

const builtin = (name: string) => (BUILTIN_STORES as readonly string[]).includes(name);

/**
 * A plugin's store is found through oclif's list of plugins: with store plugins installed, the
 * stores init uses (the one it saves to, the one it moves secrets from) must be built in.
 */
async function onlyBuiltinStores(flag: string | undefined): Promise<boolean> {
  try {
    const { settings } = await readSettings();
    return builtin(storeNameFrom({ flag, settings, env: process.env })) && builtin(settings?.secret_store ?? 'file');
  } catch {
    return false; // the full command says what is wrong
  }
}

/** True when init ran here (its exit code set); false, having done nothing, to run the full command. */
export async function answerInit(args: readonly string[], context: FastInitContext): Promise<boolean> {
  const parsed = parseInitArgs(args);
  if (!parsed) return false;
  const { values, verify, debug } = parsed;
  if (context.storePlugins && !(await onlyBuiltinStores(values.store))) return false;
  // The first question's prompt, loaded before runInit asks it: runInit starts loading the rest once
  // the question is drawn, which then happens without waiting for another file.
  if (hasTerminal()) await import('@inquirer/input');
  // As @oclif/core does once loaded: a reader that closed stdout early is no error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  // As BaseCommand.init; init's prerun hook does nothing else for init.
  if (debug) enableDebug();
  try {
    await initCommand({
      ssoUrl: values['sso-url'],
      username: values.username,
      region: values.region,
      store: values.store,
      flow: values.flow,
      clientId: values['client-id'],
      profileNames: values['profile-names'] as ProfileNaming | undefined,
      factor: values.factor as MfaFactor | undefined,
      verify,
      entry: context.entry,
    });
  } catch (error) {
    reportFailure(error as Error);
  }
  return true;
}
