import { spawn, type StdioOptions } from 'node:child_process';
import { constants } from 'node:os';
import { isatty } from 'node:tty';
import type { ProfileCredentials } from '../aws/types.js';
import { UserError } from '../lib/errors.js';
import { isSecretVariable } from '../lib/secret-env.js';
import { credentialEnv, OVERRIDING_ENV } from '../shell/exports.js';

/** Set in the child so scripts (and a nested okta-aws) can tell which profile they run under. */
export const PROFILE_MARKER = 'OKTA_AWS_PROFILE';

/** Signals the child must see when they are sent to us; the terminal's own keys reach it directly. */
const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

/** Signals a terminal sends to its whole foreground process group, the child included. */
const TERMINAL_SIGNALS: ReadonlySet<NodeJS.Signals> = new Set(['SIGINT', 'SIGQUIT']);

/** Older credential variables some tools still read; a stale one would not match the new keys. */
const STALE_ENV = ['AWS_SECURITY_TOKEN'];

export interface RunOptions {
  /** The environment to start from (default: this process's). */
  env?: NodeJS.ProcessEnv;
  stdio?: StdioOptions;
  /**
   * Whether we share a terminal with the child (default: any of our stdin/stdout/stderr is a TTY).
   * Then Ctrl-C / Ctrl-\ already reached the child from the terminal, and forwarding them would
   * deliver a second one (a second Ctrl-C means "abort now" to terraform and others).
   */
  interactive?: boolean;
}

/**
 * The child's environment: the parent's plus the role's credentials, without what would make an
 * SDK ignore them and without the Okta secrets. On Windows names are case-insensitive, so
 * `aws_profile` goes too.
 */
export function childEnv(creds: ProfileCredentials, base: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): NodeJS.ProcessEnv {
  const drop = new Set<string>([...OVERRIDING_ENV, ...STALE_ENV]);
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined || drop.has(platform === 'win32' ? name.toUpperCase() : name) || isSecretVariable(name, platform)) continue;
    env[name] = value;
  }
  return { ...env, ...credentialEnv(creds), [PROFILE_MARKER]: creds.profile };
}

/**
 * Runs `command` (no shell: arguments arrive exactly as given) with the role's credentials and
 * resolves with its exit status, or 128 + the signal number when a signal ended it, as shells report.
 * While it runs, termination signals sent to us are passed on, and we stay alive to report how it ended.
 */
export function runWithCredentials(command: string, args: string[], creds: ProfileCredentials, options: RunOptions = {}): Promise<number> {
  return runChild(command, args, childEnv(creds, options.env ?? process.env), options);
}

/** Runs `command` with exactly `env`; signals and exit status as for runWithCredentials. */
export function runChild(command: string, args: string[], env: NodeJS.ProcessEnv, options: Omit<RunOptions, 'env'> = {}): Promise<number> {
  const interactive = options.interactive ?? (isatty(0) || isatty(1) || isatty(2));
  return new Promise<number>((resolve, reject) => {
    const child = spawn(command, args, {
      env,
      stdio: options.stdio ?? 'inherit',
      shell: false,
    });

    const forward = (signal: NodeJS.Signals) => {
      if (interactive && TERMINAL_SIGNALS.has(signal)) return; // the terminal already told the child
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    const listeners = FORWARDED.map((signal) => {
      const listener = () => forward(signal);
      process.on(signal, listener);
      return [signal, listener] as const;
    });
    const cleanup = () => {
      for (const [signal, listener] of listeners) process.off(signal, listener);
    };

    child.once('error', (error) => {
      cleanup();
      reject(spawnError(command, error));
    });
    child.once('exit', (code, signal) => {
      cleanup();
      if (code !== null) resolve(code);
      else resolve(128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}

function spawnError(command: string, error: NodeJS.ErrnoException): UserError {
  switch (error.code) {
    case 'ENOENT':
      return new UserError(`command not found: ${command}`, {
        hint: 'Check the spelling or give its full path; it runs without a shell, so aliases and shell functions are not available (wrap them in `sh -c "…"`).',
        exitCode: 127,
        code: 'ENOENT',
        cause: error,
      });
    case 'EACCES':
      return new UserError(`permission denied: ${command}`, {
        hint: `Make it executable (chmod +x ${command}) or run it through its interpreter.`,
        exitCode: 126,
        code: 'EACCES',
        cause: error,
      });
    case 'EINVAL':
      // Node refuses to start .bat/.cmd files without a shell on Windows.
      return new UserError(`cannot start ${command} without a shell`, {
        hint: `Run it through cmd instead: cmd /c ${command} …`,
        exitCode: 126,
        code: 'EINVAL',
        cause: error,
      });
    default:
      return new UserError(`cannot start ${command}: ${error.message}`, {
        hint: 'Check that the command exists and can be run, then try again.',
        exitCode: 126,
        code: error.code,
        cause: error,
      });
  }
}
