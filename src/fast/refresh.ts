/**
 * `okta-aws refresh` without oclif (bin/run.js loads this as an esbuild bundle, see
 * scripts/build-fast.js): oclif, its command discovery and the ES modules of dist/ take a fifth of
 * a second before the first request to Okta, on every refresh. It runs the command's own code
 * (ui/refresh-command); all it decides is whether the command line is one it parses exactly as
 * oclif would, and whether no installed plugin could change what happens. Otherwise it returns
 * false before doing anything, and bin/run.js runs the full command.
 */
import { MAX_DURATION, MIN_DURATION } from '../aws/sts.js';
import { REFRESH_MODES, type RefreshCommandOptions, isRefreshMode, refreshCommand } from '../ui/refresh-command.js';
import { type ValueCheck, onlyBuiltinStores, parseFlags, runAsOclif } from './as-oclif.js';

export interface FastRefreshContext {
  entry: RefreshCommandOptions['entry'];
  /** The user has installed or linked plugins; each offers at most secret stores (bin/fast-help.js). */
  storePlugins: boolean;
}

/** refresh's flags that take a value (src/commands/refresh.ts), with what oclif accepts for each. */
export const VALUE_FLAGS = {
  // Flags.integer({ min, max }): digits only here; a sign or a value out of range is oclif's to refuse.
  duration: (value: string) => /^\d+$/.test(value) && Number.parseInt(value, 10) >= MIN_DURATION && Number.parseInt(value, 10) <= MAX_DURATION,
  mode: REFRESH_MODES,
} as const satisfies Record<string, ValueCheck>;

/** refresh's flags, when oclif would take every argument the same way (parseFlags); undefined otherwise. */
export function parseRefreshArgs(args: readonly string[]): { duration?: number; mode?: 'static' | 'process'; json: boolean; debug: boolean } | undefined {
  const parsed = parseFlags(args, VALUE_FLAGS, { json: { allowNo: false }, debug: { allowNo: false } });
  if (!parsed) return undefined;
  const { duration, mode } = parsed.values;
  return {
    ...(duration === undefined ? {} : { duration: Number.parseInt(duration, 10) }),
    ...(isRefreshMode(mode) ? { mode } : {}),
    json: parsed.booleans.json ?? false,
    debug: parsed.booleans.debug ?? false,
  };
}

/** True when refresh ran here (its exit code set); false, having done nothing, to run the full command. */
export async function answerRefresh(args: readonly string[], context: FastRefreshContext): Promise<boolean> {
  const parsed = parseRefreshArgs(args);
  if (!parsed) return false;
  if (context.storePlugins && !(await onlyBuiltinStores(undefined))) return false;
  // The prerun hook does nothing for refresh.
  await runAsOclif(parsed.debug, () => refreshCommand({ duration: parsed.duration, mode: parsed.mode, json: parsed.json, entry: context.entry }));
  return true;
}
