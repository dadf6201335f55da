import { OVERRIDING_ENV, type Shell, credentialEnv, detectShell, renderExports, renderUnsets } from '../shell/exports.js';
import type { FreshOptions } from './fresh-credentials.js';
import { type ChainRequest, roleCredentials } from './role-credentials.js';

/** The shell commands that make a role's credentials the shell's own. */
export async function exportScript(request: { target: string; chain?: ChainRequest; shell?: Shell }, options: FreshOptions): Promise<string> {
  const { credentials } = await roleCredentials({ target: request.target, ...(request.chain ? { chain: request.chain } : {}) }, options);
  const shell = request.shell ?? detectShell(options.env ?? process.env);
  return renderUnsets(OVERRIDING_ENV, shell) + renderExports(credentialEnv(credentials), shell);
}
