/**
 * Answers for the commands that can finish from local files — `roles`, `assume` and `exec` with
 * fresh cached credentials — without loading oclif (bin/run.js calls this first). Each answer is
 * the command's own service called the way the command calls it; the only thing decided here is
 * whether the plain form of the command line applies and nothing needs a refresh. Anything else
 * (a flag, --help, a stale or missing cache, an unknown target) returns false and the full command
 * runs, so every message and check stays the command's.
 */
import { resolveTarget } from '../aws/targets.js';
import { freshness } from '../services/fresh-credentials.js';
import { type Shell, isShell } from '../shell/exports.js';

export interface Entry {
  node: string;
  script: string;
}

/** A target word: not a flag, not the `--` separator. */
const isWord = (value: string | undefined): value is string => value !== undefined && value !== '' && !value.startsWith('-');

/** The profile a target names, when its credentials are cached and fresh; undefined otherwise. */
async function freshProfile(target: string): Promise<string | undefined> {
  const { cache } = await freshness('all');
  if (!cache) return undefined;
  const { profile } = resolveTarget(target, cache.roles);
  const { stale } = await freshness([profile]);
  return stale.length === 0 ? profile : undefined;
}

/** `roles` / `roles --json`: as the prerun hook and the command would, when no profile is stale. */
async function roles(args: string[]): Promise<boolean> {
  if (args.length > 1 || (args.length === 1 && args[0] !== '--json')) return false;
  const { cache, stale } = await freshness('all');
  if (!cache || stale.length > 0) return false;
  // Each command's services are loaded by its own branch: roles never loads exec's child_process.
  const [{ listRoles, rolesOutput }, { stdoutColumns }] = await Promise.all([import('../services/roles.js'), import('../ui/terminal.js')]);
  process.stdout.write(rolesOutput(await listRoles(), args.length === 1, stdoutColumns()));
  return true;
}

/** `assume <target> [--shell <shell>]` with stdout captured (eval "$(…)"), the form scripts and shells use. */
async function assume(args: string[], entry: Entry): Promise<boolean> {
  const [target, ...flags] = args;
  if (!isWord(target) || process.stdout.isTTY) return false;
  let shell: Shell | undefined;
  if (flags.length > 0) {
    const value = flags.length === 2 && flags[0] === '--shell' ? flags[1] : flags.length === 1 && flags[0]!.startsWith('--shell=') ? flags[0]!.slice(8) : undefined;
    if (value === undefined || !isShell(value)) return false;
    shell = value;
  }
  if (!(await freshProfile(target))) return false;
  const { exportScript } = await import('../services/assume.js');
  const result = await exportScript({ target, ...(shell ? { shell } : {}) }, { entry });
  if (!('script' in result)) return false;
  process.stdout.write(result.script);
  return true;
}

/**
 * `exec <target> -- <command> [args…]`: once the command has started there is no falling back,
 * so from there on it ends as the full command does (its exit status, or one line and a code).
 */
async function exec(args: string[], entry: Entry): Promise<boolean> {
  const [target, dash, command, ...rest] = args;
  if (!isWord(target) || dash !== '--' || command === undefined) return false;
  if (!(await freshProfile(target))) return false;
  const [{ roleCredentials }, { runWithCredentials }, { oneLine }, { redact }] = await Promise.all([
    import('../services/role-credentials.js'),
    import('../services/exec.js'),
    import('../lib/errors.js'),
    import('../lib/log.js'),
  ]);
  const { credentials } = await roleCredentials({ target }, { entry });
  try {
    process.exitCode = await runWithCredentials(command, rest, credentials);
  } catch (error) {
    process.stderr.write(`okta-aws: ${redact(oneLine(error))}\n`);
    process.exitCode = (error as { exitCode?: number }).exitCode ?? 1;
  }
  return true;
}

/** True when the command line was answered here; false to run the full CLI instead. */
export async function answerOffline(argv: string[], entry: Entry): Promise<boolean> {
  const [command, ...args] = argv;
  if (args.some((a) => a === '--help' || a === '-h' || a === '--debug')) return false;
  try {
    switch (command) {
      case 'roles':
        return await roles(args);
      case 'assume':
        return await assume(args, entry);
      case 'exec':
        return await exec(args, entry);
      default:
        return false;
    }
  } catch {
    // Whatever went wrong, the full command reports it in its own words.
    return false;
  }
}
