import { readCache } from '../aws/credential-cache.js';
import { cachedChainedRole } from '../aws/role-chain.js';
import type { ProfileCredentials } from '../aws/types.js';
import { UserError } from '../lib/errors.js';
import { cacheDir } from '../lib/paths.js';
import type { Prompter } from '../ui/prompter.js';
import { type FreshOptions, credentialsFor, ensureFresh } from './fresh-credentials.js';

export interface ChainRequest {
  roleArn: string;
  externalId?: string;
  sessionName?: string;
  durationSeconds?: number;
}

export interface RoleCredentials {
  credentials: ProfileCredentials;
  /** The SAML SessionDuration attribute: the console session length the Okta admin chose. */
  sessionDuration: number | undefined;
}

/**
 * The credentials a command runs with: the chosen Okta role (fresh), and optionally a further role
 * assumed from it (role chaining, cached until near expiry).
 */
export async function roleCredentials(
  request: { target?: string; chain?: ChainRequest; prompter?: Prompter; command?: string },
  options: FreshOptions,
): Promise<RoleCredentials> {
  const env = options.env ?? process.env;
  const target = request.target ?? (await pickProfile(request.prompter, options, request.command ?? 'console-url'));
  const { credentials: base, cache } = await credentialsFor(target, options);
  if (!request.chain) return { credentials: base, sessionDuration: cache.sessionDuration };
  const credentials = await cachedChainedRole({ base, ...request.chain, region: base.region, cacheDir: cacheDir(env), identity: cache.identity, env });
  return { credentials, sessionDuration: undefined };
}

/** No target: the only profile, or a pick from a list on a terminal, or an error naming the choices. */
export async function pickProfile(prompter: Prompter | undefined, options: FreshOptions, command: string): Promise<string> {
  const cache = (await readCache(options.env)) ?? (await ensureFresh('all', options));
  const profiles = cache.roles.map((r) => r.profile);
  if (profiles.length === 1) return profiles[0]!;
  if (profiles.length === 0) throw new UserError('Okta grants you no AWS role', { hint: 'Run `okta-aws refresh`, or ask your Okta admin to assign one.' });
  if (prompter?.interactive) return prompter.select('Which role?', cache.roles.map((r) => ({ name: `${r.profile}  (${r.roleArn})`, value: r.profile })));
  const shown = profiles.slice(0, 10).join(', ') + (profiles.length > 10 ? `, and ${profiles.length - 10} more` : '');
  throw new UserError(`Several roles and no terminal to choose: ${shown}`, { hint: `Name one, e.g. \`okta-aws ${command} ${profiles[0]}\`.`, code: 'NEED_TARGET' });
}
