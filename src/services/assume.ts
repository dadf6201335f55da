import { OVERRIDING_ENV, type Shell, credentialEnv, detectShell, renderExports, renderUnsets } from '../shell/exports.js';
import type { Prompter } from '../ui/prompter.js';
import type { FreshOptions } from './fresh-credentials.js';
import { type ChainRequest, pickProfile, roleCredentials } from './role-credentials.js';

export interface AssumeRequest {
  /** Absent: the only role, or a pick on a terminal. */
  target?: string;
  chain?: ChainRequest;
  shell?: Shell;
  prompter?: Prompter;
  /** stdout is a terminal and --force was not given: say how to use it instead of showing secrets. */
  hintOnly?: boolean;
}

/** The shell commands that make a role's credentials the shell's own (or, for a screen, how to run them). */
export async function exportScript(request: AssumeRequest, options: FreshOptions): Promise<{ script: string } | { hint: string }> {
  const target = request.target ?? (await pickProfile(request.prompter, options, 'assume'));
  if (request.hintOnly) return { hint: evalHint(target, request.chain) };
  const { credentials } = await roleCredentials({ target, ...(request.chain ? { chain: request.chain } : {}) }, options);
  const shell = request.shell ?? detectShell(options.env ?? process.env);
  return { script: renderUnsets(OVERRIDING_ENV, shell) + renderExports(credentialEnv(credentials), shell) };
}

/** Secrets on a screen end up in scrollback and screen shares: the forms that put them in the shell instead. */
function evalHint(target: string, chain: ChainRequest | undefined): string {
  const words = /^[\w@%+=:,./-]+$/.test(target) ? target : `'${target.replace(/'/g, `'\\''`)}'`;
  const command = `okta-aws assume ${words}${chain ? ' --role-arn …' : ''}`;
  return (
    `assume prints commands for your shell to run, not for the screen: eval "$(${command})" ` +
    `(fish: ${command} | source; PowerShell: ${command} | Invoke-Expression), or add --force to print them here.`
  );
}
