import { UserError } from '../lib/errors.js';
import { debug } from '../lib/log.js';
import { regionFor } from './partitions.js';
import { loadSts, stsEndpointUrl, stsRequestHandler } from './sdk.js';
import type { AwsCredentials, GrantedRole } from './types.js';

/** STS's documented range for DurationSeconds. */
export const MIN_DURATION = 900;
export const MAX_DURATION = 43200;
/** What to try next when a role's MaxSessionDuration is lower than asked (it is 1–12 h). */
const DURATION_LADDER = [43200, 14400, 3600];
const CONCURRENCY = 8;

export type RoleOutcome =
  | { role: GrantedRole; credentials: AwsCredentials; durationSeconds: number }
  | { role: GrantedRole; error: UserError };

export interface AssumeAllOptions {
  roles: GrantedRole[];
  samlAssertion: string;
  /** The duration to ask first for each role: the one that worked last time, or the requested one. */
  durationFor: (role: GrantedRole) => number;
  region: string | undefined;
  env?: NodeJS.ProcessEnv;
  onStart?: (role: GrantedRole) => void;
  onDone?: (outcome: RoleOutcome) => void;
}

/**
 * AssumeRoleWithSAML for every role, at most 8 calls in flight, all with the same assertion (it is
 * valid for ~5 minutes). A role that fails does not stop the others.
 */
export async function assumeAllRoles(options: AssumeAllOptions): Promise<RoleOutcome[]> {
  const env = options.env ?? process.env;
  const { STSClient, AssumeRoleWithSAMLCommand } = await loadSts();
  // One client per region (roles of other partitions use that partition's region).
  const clients = new Map<string, InstanceType<typeof STSClient>>();
  for (const region of new Set(options.roles.map((role) => regionFor(role.partition, options.region)))) {
    clients.set(region, new STSClient({ region, requestHandler: await stsRequestHandler(env, stsEndpointUrl(region, env)) }));
  }
  const clientFor = (role: GrantedRole) => clients.get(regionFor(role.partition, options.region))!;

  const assumeOne = async (role: GrantedRole): Promise<RoleOutcome> => {
    options.onStart?.(role);
    let duration = options.durationFor(role);
    for (;;) {
      try {
        const answer = await clientFor(role).send(
          new AssumeRoleWithSAMLCommand({
            RoleArn: role.roleArn,
            PrincipalArn: role.principalArn,
            SAMLAssertion: options.samlAssertion,
            DurationSeconds: duration,
          }),
        );
        const c = answer.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
          throw new UserError(`STS returned no credentials for ${role.roleArn}`, { hint: 'Try again; report it if it persists.' });
        }
        return {
          role,
          durationSeconds: duration,
          credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration },
        };
      } catch (error) {
        const shorter = exceedsMaxDuration(error) ? DURATION_LADDER.find((d) => d < duration) : undefined;
        if (shorter !== undefined) {
          debug(`${role.roleArn}: ${duration} s exceeds its MaxSessionDuration; trying ${shorter} s`);
          duration = shorter;
          continue;
        }
        return { role, error: stsError(error, role, duration) };
      }
    }
  };

  try {
    return await mapConcurrent(options.roles, CONCURRENCY, async (role) => {
      const outcome = await assumeOne(role);
      options.onDone?.(outcome);
      return outcome;
    });
  } finally {
    for (const client of clients.values()) client.destroy();
  }
}

/** Runs `fn` over `items` with at most `limit` at once, keeping the input order in the result. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function exceedsMaxDuration(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e.name === 'ValidationError' && /MaxSessionDuration/i.test(e.message ?? '');
}

function stsError(error: unknown, role: GrantedRole, duration: number): UserError {
  if (error instanceof UserError) return error;
  const e = error as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const code = e.name && e.name !== 'Error' ? e.name : (e.code ?? 'Error');
  const what = `STS refused ${role.roleArn}: ${code}: ${e.message ?? 'no message'}`;
  switch (code) {
    case 'AccessDenied':
      return new UserError(what, { hint: "Ask your AWS admin to let the role's trust policy allow sts:AssumeRoleWithSAML from the Okta provider.", code });
    case 'ExpiredTokenException':
      return new UserError(what, { hint: "The SAML assertion expired before STS saw it: check this machine's clock, then run `okta-aws refresh`.", code });
    case 'InvalidIdentityTokenException': // the SDK's name for STS's InvalidIdentityToken
      return new UserError(what, { hint: "Ask your AWS admin to check the IAM SAML provider's metadata against Okta's.", code });
    case 'ValidationError':
      // Past the end of the ladder the role's MaxSessionDuration is below what we asked: saying
      // "use 900–43200" would be no help, since the duration asked already was in that range.
      if (exceedsMaxDuration(error)) {
        return new UserError(what, {
          hint: `The role allows less than ${duration} s: ask for less with \`okta-aws refresh --duration ${MIN_DURATION}\`, or ask your AWS admin to raise its MaxSessionDuration.`,
          code,
        });
      }
      return new UserError(what, { hint: `Use --duration between ${MIN_DURATION} and ${MAX_DURATION} seconds.`, code });
    default:
      // The request timeout (OKTA_AWS_HTTP_TIMEOUT) as smithy reports it: say so plainly, not as
      // "@smithy/node-http-handler - [ERROR] a request has exceeded the configured 2000 ms requestTimeout".
      // smithy names every timeout TimeoutError, ETIMEDOUT ones included.
      if (e.name === 'TimeoutError') {
        const ms = /(\d+) ms/.exec(e.message ?? '')?.[1];
        return new UserError(`No answer from STS for ${role.roleArn}${ms ? ` within ${Math.round(Number(ms) / 1000)} s` : ''}`, {
          hint: 'Check your network and proxy settings (HTTPS_PROXY, NO_PROXY, AWS_ENDPOINT_URL_STS), or raise OKTA_AWS_HTTP_TIMEOUT (seconds).',
          code: 'TIMEOUT',
        });
      }
      if ((e.code ?? '').startsWith('E') || /ECONN|ENOTFOUND|socket/i.test(e.message ?? '')) {
        return new UserError(`Cannot reach STS for ${role.roleArn}: ${e.message ?? code}`, {
          hint: 'Check your network and proxy settings (HTTPS_PROXY, NO_PROXY, AWS_ENDPOINT_URL_STS).',
          code: 'NETWORK',
        });
      }
      return new UserError(what, { hint: 'Try again; run with --debug to see more.', code });
  }
}
