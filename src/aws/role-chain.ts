import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, ensurePrivateFile, isCode, writeFileAtomic } from '../lib/atomic-file.js';
import { UserError } from '../lib/errors.js';
import { debug, registerSecret } from '../lib/log.js';
import { FRESH_FOR_MS } from './credential-cache.js';
import { regionFor } from './partitions.js';
import type { Partition, ProfileCredentials } from './types.js';

/** AWS caps AssumeRole from role credentials ("role chaining") at one hour, whatever the role allows. */
export const CHAIN_MAX_DURATION = 3600;
export const CHAIN_MIN_DURATION = 900;

const ROLE_ARN = /^arn:(aws|aws-us-gov|aws-cn):iam::(\d{12}):role\/((?:[\x21-\x7e]+\/)?([\w+=,.@-]{1,64}))$/;
/** STS's own limits for RoleSessionName and ExternalId. */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

export interface ChainParams {
  /** Credentials of the role we chain from (usually straight from AssumeRoleWithSAML). */
  base: ProfileCredentials;
  roleArn: string;
  externalId?: string;
  /** RoleSessionName; `okta-aws-<unix time>` when not given. */
  sessionName?: string;
  /** At most 3600 (role chaining); 3600 when not given. */
  durationSeconds?: number;
  region: string;
  /** An STS endpoint URL; without it the SDK uses AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL or the regional one. */
  stsEndpoint?: string;
  env?: NodeJS.ProcessEnv;
}

export interface ChainRequest {
  roleArn: string;
  roleName: string;
  partition: Partition;
  durationSeconds: number;
  sessionName: string;
  externalId: string | undefined;
  /** The region STS is called in and the credentials are for: the given one if it is in the role's partition. */
  region: string;
}

/** Checks everything STS would refuse, so a bad flag fails at once with the reason and the fix. */
export function validateChain(params: ChainParams, now = Date.now()): ChainRequest {
  const match = ROLE_ARN.exec(params.roleArn.trim());
  if (!match) {
    throw new UserError(`"${params.roleArn}" is not an IAM role ARN`, {
      hint: 'Give the role to chain to as arn:aws:iam::<12-digit account>:role/<name>.',
      code: 'BAD_ROLE_ARN',
    });
  }
  // The pattern has no optional groups: both are always there.
  const partition = match[1] as Partition;
  const roleName = match[4]!;
  if (partition !== params.base.partition) {
    throw new UserError(`Cannot chain from ${params.base.profile} (${params.base.partition}) to a role in the ${partition} partition`, {
      hint: 'Role chaining works only within one partition: start from a profile of the same partition.',
      code: 'PARTITION_MISMATCH',
    });
  }

  const duration = params.durationSeconds ?? CHAIN_MAX_DURATION;
  if (!Number.isInteger(duration) || duration < CHAIN_MIN_DURATION) {
    throw new UserError(`The duration ${duration} is outside what STS allows`, {
      hint: `Use a whole number of seconds from ${CHAIN_MIN_DURATION} to ${CHAIN_MAX_DURATION}.`,
      code: 'BAD_DURATION',
    });
  }
  if (duration > CHAIN_MAX_DURATION) {
    throw new UserError(`A chained role session cannot last ${duration} s: AWS limits role chaining to 1 hour`, {
      hint: `Use --duration ${CHAIN_MAX_DURATION} or less; for longer sessions, have the role granted in Okta directly.`,
      code: 'CHAIN_DURATION',
    });
  }

  const sessionName = params.sessionName ?? `okta-aws-${Math.floor(now / 1000)}`;
  if (!SESSION_NAME.test(sessionName)) {
    throw new UserError(`"${sessionName}" is not a valid role session name`, {
      hint: 'Use 2–64 characters from letters, digits and _+=,.@-',
      code: 'BAD_SESSION_NAME',
    });
  }
  if (params.externalId !== undefined && !EXTERNAL_ID.test(params.externalId)) {
    throw new UserError('The external ID is not one STS accepts', {
      hint: 'Use 2–1224 characters from letters, digits and _+=,.@:/- as the role owner gave it.',
      code: 'BAD_EXTERNAL_ID',
    });
  }
  return {
    roleArn: params.roleArn.trim(),
    roleName,
    partition,
    durationSeconds: duration,
    sessionName,
    externalId: params.externalId,
    region: regionFor(partition, params.region),
  };
}

/** The profile name of a chained role: `<base profile>+<role name>`. */
export function chainedProfile(baseProfile: string, roleName: string): string {
  return `${baseProfile}+${roleName}`;
}

/** AssumeRole with the base credentials; the result is marked `chained` (the console treats it differently). */
export async function assumeChainedRole(params: ChainParams): Promise<ProfileCredentials> {
  const request = validateChain(params);
  const { base } = params;
  if (base.expiration.getTime() <= Date.now()) {
    throw new UserError(`The credentials of ${base.profile} expired at ${base.expiration.toISOString()}`, {
      hint: 'Run `okta-aws refresh`, then try again.',
      code: 'EXPIRED',
    });
  }
  const env = params.env ?? process.env;
  // Loaded only for a call: a cached chained session needs neither the SDK nor the HTTP stack.
  const { loadSts, stsEndpointUrl, stsRequestHandler } = await import('./sdk.js');
  const endpoint = params.stsEndpoint ?? stsEndpointUrl(request.region, env);
  const [{ STSClient, AssumeRoleCommand }, requestHandler] = await Promise.all([loadSts(), stsRequestHandler(env, endpoint)]);
  const client = new STSClient({
    region: request.region,
    credentials: { accessKeyId: base.accessKeyId, secretAccessKey: base.secretAccessKey, sessionToken: base.sessionToken, expiration: base.expiration },
    ...(params.stsEndpoint ? { endpoint: params.stsEndpoint } : {}),
    requestHandler,
  });
  debug(`AssumeRole ${request.roleArn} from ${base.profile} for ${request.durationSeconds} s`);
  try {
    const answer = await client.send(
      new AssumeRoleCommand({
        RoleArn: request.roleArn,
        RoleSessionName: request.sessionName,
        DurationSeconds: request.durationSeconds,
        ExternalId: request.externalId, // the SDK leaves out a parameter that is undefined
      }),
    );
    const c = answer.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new UserError(`STS returned no credentials for ${request.roleArn}`, { hint: 'Try again; report it if it persists.', code: 'NO_CREDENTIALS' });
    }
    registerSecret(c.SecretAccessKey);
    registerSecret(c.SessionToken);
    return {
      profile: chainedProfile(base.profile, request.roleName),
      roleArn: request.roleArn,
      region: request.region,
      partition: request.partition,
      chained: true,
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  } catch (error) {
    throw chainError(error, base, request);
  } finally {
    client.destroy();
  }
}

function chainError(error: unknown, base: ProfileCredentials, request: ChainRequest): UserError {
  if (error instanceof UserError) return error;
  const e = error as { name?: string; message?: string; code?: string };
  const code = e.name && e.name !== 'Error' ? e.name : (e.code ?? 'Error');
  const what = `STS refused ${request.roleArn} from ${base.profile}: ${code}: ${e.message ?? 'no message'}`;
  switch (code) {
    case 'AccessDenied':
      return new UserError(what, {
        hint: `Ask the role's owner to let ${base.roleArn} call sts:AssumeRole on it (its trust policy), and check the external ID if it needs one.`,
        code,
      });
    case 'ExpiredToken':
    case 'ExpiredTokenException':
    case 'InvalidClientTokenId':
    case 'SignatureDoesNotMatch':
    case 'UnrecognizedClientException':
      return new UserError(what, { hint: `The credentials of ${base.profile} are no longer valid: run \`okta-aws refresh\`, then try again.`, code });
    case 'RegionDisabledException':
      return new UserError(what, { hint: `STS is not activated in ${request.region} for that account: use another region or ask its admin to activate it.`, code });
    case 'ValidationError':
      return new UserError(what, { hint: `Check the role ARN, session name and duration (${CHAIN_MIN_DURATION}–${CHAIN_MAX_DURATION} s for a chained role).`, code });
    default:
      if (e.name === 'TimeoutError' || /ECONN|ENOTFOUND|EAI_AGAIN|socket|timed? ?out/i.test(`${e.code ?? ''} ${e.message ?? ''}`)) {
        return new UserError(`Cannot reach STS for ${request.roleArn}: ${e.message ?? code}`, {
          hint: 'Check your network and proxy settings (HTTPS_PROXY, NO_PROXY, AWS_ENDPOINT_URL_STS).',
          code: 'NETWORK',
        });
      }
      return new UserError(what, { hint: 'Try again; run with --debug to see more.', code });
  }
}

/** The cache file's name: a hash, so neither the role nor the external ID shows in a listing. */
function chainCacheName(baseProfile: string, roleArn: string, externalId: string | undefined, identity: string | undefined): string {
  // node:crypto is loaded here, on use: start-up of the offline commands does without it.
  const key = process.getBuiltinModule('node:crypto').createHash('sha256').update(JSON.stringify([baseProfile, roleArn, externalId ?? null, ...(identity === undefined ? [] : [identity])])).digest('hex');
  return `chain-${key.slice(0, 32)}.json`;
}

/** `<appHome>/cache/chain-<hash>.json`: one chained session per base profile, role and external ID. */
export function chainCachePath(appHome: string, baseProfile: string, roleArn: string, externalId?: string, identity?: string): string {
  return join(appHome, 'cache', chainCacheName(baseProfile, roleArn, externalId, identity));
}

interface ChainCacheEntry {
  version: 1;
  BaseProfile: string;
  /** The role the base credentials were for: a profile name that now means another role misses. */
  BaseRoleArn?: string;
  RoleArn: string;
  SessionName: string;
  Partition: Partition;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
}

async function readEntry(path: string): Promise<ChainCacheEntry | undefined> {
  try {
    const entry = JSON.parse(await readFile(path, 'utf8')) as Partial<ChainCacheEntry>;
    const complete =
      entry.version === 1 &&
      [entry.BaseProfile, entry.RoleArn, entry.SessionName, entry.AccessKeyId, entry.SecretAccessKey, entry.SessionToken, entry.Expiration].every(
        (v) => typeof v === 'string' && v !== '',
      );
    return complete ? (entry as ChainCacheEntry) : undefined;
  } catch (error) {
    if (isCode(error, 'ENOENT') || error instanceof SyntaxError) return undefined; // a cache can always be rebuilt
    throw error;
  }
}

export interface CachedChainParams extends ChainParams {
  /** The folder the cache file goes in (lib/paths `cacheDir`, i.e. `<appHome>/cache`). */
  cacheDir: string;
  /** The Okta identity (lib/identity) the base credentials belong to: another one never shares the entry. */
  identity?: string;
  /** What fetches new credentials on a miss; assumeChainedRole unless a test replaces it. */
  assume?: (params: ChainParams) => Promise<ProfileCredentials>;
}

/**
 * A chained session from the cache while it has more than 5 minutes left, else a new one, cached
 * (0600) for the next call: every `aws` command is a new process, and AssumeRole takes a round trip.
 * An explicit session name must match the cached one; the cache never decides who you appear as.
 */
export async function cachedChainedRole(params: CachedChainParams, now = Date.now()): Promise<ProfileCredentials> {
  const request = validateChain(params, now);
  const path = join(params.cacheDir, chainCacheName(params.base.profile, request.roleArn, request.externalId, params.identity));

  const entry = await readEntry(path);
  if (
    entry &&
    entry.BaseProfile === params.base.profile &&
    entry.BaseRoleArn === params.base.roleArn &&
    entry.RoleArn === request.roleArn &&
    (params.sessionName === undefined || entry.SessionName === params.sessionName) &&
    new Date(entry.Expiration).getTime() - now > FRESH_FOR_MS
  ) {
    debug(`chained role ${request.roleArn}: cached credentials until ${entry.Expiration}`);
    registerSecret(entry.SecretAccessKey);
    registerSecret(entry.SessionToken);
    return {
      profile: chainedProfile(params.base.profile, request.roleName),
      roleArn: request.roleArn,
      region: request.region,
      partition: request.partition,
      chained: true,
      accessKeyId: entry.AccessKeyId,
      secretAccessKey: entry.SecretAccessKey,
      sessionToken: entry.SessionToken,
      expiration: new Date(entry.Expiration),
    };
  }

  const { cacheDir, assume = assumeChainedRole, ...chain } = params;
  delete chain.identity; // not an STS parameter
  const creds = await assume({ ...chain, sessionName: request.sessionName });
  const fresh: ChainCacheEntry = {
    version: 1,
    BaseProfile: params.base.profile,
    BaseRoleArn: params.base.roleArn,
    RoleArn: request.roleArn,
    SessionName: request.sessionName,
    Partition: creds.partition,
    AccessKeyId: creds.accessKeyId,
    SecretAccessKey: creds.secretAccessKey,
    SessionToken: creds.sessionToken,
    Expiration: creds.expiration.toISOString(),
  };
  try {
    await ensurePrivateDir(cacheDir);
    await writeFileAtomic(path, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600 });
    await ensurePrivateFile(path); // an existing file keeps its mode on replace: keep it owner-only
  } catch (error) {
    // The credentials are good; a cache we cannot write only costs a round trip next time.
    debug(`could not cache chained credentials in ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return creds;
}
