/**
 * `okta-aws init` without oclif, so that its first question is on the screen within a few
 * milliseconds of Node starting (bin/run.js loads this as an esbuild bundle, see
 * scripts/build-fast.js). It runs the command's own code (ui/init-command, services/init); all it
 * decides is whether the command line is one it parses exactly as oclif would, and whether no
 * installed plugin could change what happens. Otherwise it returns false before doing anything,
 * and bin/run.js runs the full command.
 */
import { LOGIN_FLOWS, MFA_FACTORS, type MfaFactor, PROFILE_NAMINGS, type ProfileNaming } from '../lib/settings.js';
import type { InitOptions } from '../services/init.js';
import { initCommand } from '../ui/init-command.js';
import { hasTerminal } from '../ui/prompter.js';
import { type ValueCheck, onlyBuiltinStores, parseFlags, runAsOclif } from './as-oclif.js';

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
} as const satisfies Record<string, ValueCheck>;

type ValueFlag = keyof typeof VALUE_FLAGS;

/** init's flags, when oclif would take every argument the same way (parseFlags); undefined otherwise. */
export function parseInitArgs(args: readonly string[]): { values: Partial<Record<ValueFlag, string>>; verify: boolean; debug: boolean } | undefined {
  const parsed = parseFlags(args, VALUE_FLAGS, { verify: { allowNo: true }, debug: { allowNo: false } });
  return parsed && { values: parsed.values, verify: parsed.booleans.verify ?? true, debug: parsed.booleans.debug ?? false };
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
  // init's prerun hook does nothing for init.
  await runAsOclif(debug, () =>
    initCommand({
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
    }),
  );
  return true;
}
