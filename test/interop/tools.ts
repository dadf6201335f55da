/**
 * The third-party tools of the interop tier: AWS CLI v2 (Debian's /usr/bin/aws), botocore (python3 on
 * PATH) and Moto's STS server (moto_server on PATH). Missing ones are an error naming them, never a skip:
 * this tier exists to run them.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';

/** AWS CLI v2. The `aws` first on PATH may be a pip-installed v1: it is not what users run. */
export const AWS_CLI = '/usr/bin/aws';
export const PYTHON = 'python3';
export const MOTO_SERVER = 'moto_server';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion (bounded), never through a shell; a missing program gives code null. */
export function run(program: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(program, args, { env: options.env, timeout: options.timeoutMs ?? 60_000, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr: stderr || (error && code === null ? String(error.message) : '') });
    });
  });
}

let checked: Promise<Record<string, string>> | undefined;

/**
 * Checks every tool the tier needs (once per run) and throws one error naming each missing one and
 * how to get it. Returns their versions.
 */
export function requireTools(): Promise<Record<string, string>> {
  checked ??= checkTools();
  return checked;
}

async function checkTools(): Promise<Record<string, string>> {
  const missing: string[] = [];
  const versions: Record<string, string> = {};

  const aws = await run(AWS_CLI, ['--version'], { timeoutMs: 60_000 });
  const awsVersion = `${aws.stdout}${aws.stderr}`.trim();
  if (aws.code !== 0) missing.push(`AWS CLI v2 at ${AWS_CLI} does not run (${awsVersion || 'not found'}): apt-get install awscli`);
  else if (!/^aws-cli\/2\./.test(awsVersion)) missing.push(`${AWS_CLI} is not AWS CLI v2 but "${awsVersion}": apt-get install awscli (Debian 12 ships 2.9)`);
  else versions.aws = awsVersion;

  const boto = await run(PYTHON, ['-c', 'import botocore; print(botocore.__version__)'], { timeoutMs: 60_000 });
  if (boto.code !== 0) missing.push(`botocore for ${PYTHON} on PATH is missing (${boto.stderr.trim().split('\n').pop() || 'python3 not found'}): pip install botocore, or apt-get install python3-botocore`);
  else versions.botocore = boto.stdout.trim();

  const moto = await run(MOTO_SERVER, ['--help'], { timeoutMs: 60_000 });
  if (moto.code !== 0) missing.push(`moto_server is not on PATH (${moto.stderr.trim().split('\n').pop() || 'not found'}): pip install 'moto[server]'`);
  else versions.moto_server = 'on PATH';

  if (missing.length > 0) {
    throw new Error(`The interop tier needs tools that are missing:\n  - ${missing.join('\n  - ')}`);
  }
  return versions;
}

/** The environment for /usr/bin/aws (Debian's python3): no pager, and no Python paths of another interpreter. */
export function awsEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, AWS_PAGER: '' };
  delete out.PYTHONPATH;
  delete out.PYTHONHOME;
  return out;
}

/**
 * botocore as an application uses it: a Session for the profile (so the credentials file, the config
 * file and credential_process are all resolved by botocore itself), the credentials it resolved and
 * the provider that gave them, and GetCallerIdentity through an STS client built from that session.
 */
const BOTOCORE_SCRIPT = `
import json, sys
import botocore.session
profile, endpoint = sys.argv[1], sys.argv[2]
session = botocore.session.Session(profile=profile)
credentials = session.get_credentials()
frozen = credentials.get_frozen_credentials()
client = session.create_client('sts', endpoint_url=endpoint)
identity = client.get_caller_identity()
print(json.dumps({
    'method': credentials.method,
    'accessKeyId': frozen.access_key,
    'secretAccessKey': frozen.secret_key,
    'sessionToken': frozen.token,
    'region': session.get_config_variable('region'),
    'identity': {k: identity[k] for k in ('UserId', 'Account', 'Arn')},
}))
`;

export interface BotocoreResult {
  method: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  region: string | null;
  identity: { UserId: string; Account: string; Arn: string };
}

export async function botocore(profile: string, endpoint: string, env: NodeJS.ProcessEnv): Promise<BotocoreResult> {
  const result = await run(PYTHON, ['-c', BOTOCORE_SCRIPT, profile, endpoint], { env, timeoutMs: 90_000 });
  if (result.code !== 0) throw new Error(`botocore failed for ${profile} (exit ${result.code}):\n${result.stderr}`);
  return JSON.parse(result.stdout) as BotocoreResult;
}

/** `aws <args> --output json` with AWS CLI v2; throws with its stderr on failure. */
export async function awsCli<T = unknown>(args: string[], env: NodeJS.ProcessEnv): Promise<T> {
  const result = await run(AWS_CLI, [...args, '--output', 'json'], { env: awsEnv(env), timeoutMs: 90_000 });
  if (result.code !== 0) throw new Error(`aws ${args.join(' ')} failed (exit ${result.code}):\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** What Moto's STS backend holds for one AssumeRoleWithSAML (from /moto-api/data.json). */
export interface MotoAssumedRole {
  access_key_id: string;
  secret_access_key: string;
  session_token: string;
  role_arn: string;
  session_name: string;
  arn: string;
}

export interface Moto {
  url: string;
  /** Every role Moto's STS has handed out credentials for since the last reset. */
  assumedRoles(): Promise<MotoAssumedRole[]>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `moto_server -H 127.0.0.1 -p PORT` on a free loopback port and waits until it answers.
 *
 * MOTO_ACCOUNT_ID pins the account Moto serves every request from. Without it, Moto 5 stores an
 * AssumeRoleWithSAML (an unsigned call, so the default account 123456789012) in that account's STS
 * backend but looks the keys up in the role's account (111111111111) on GetCallerIdentity, and
 * answers `user/moto` instead of the assumed role.
 */
export async function startMoto(account: string, startTimeoutMs = 60_000): Promise<Moto> {
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child: ChildProcess = spawn(MOTO_SERVER, ['-H', '127.0.0.1', '-p', String(port)], {
      env: { ...process.env, MOTO_ACCOUNT_ID: account },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true, // its own process group, so close() ends the shim and the server it started
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    let exited = false;
    const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
    child.once('error', (error) => {
      stderr += String(error);
      exited = true; // spawn failed: there may be no 'exit' event
    });

    const stop = async () => {
      if (exited || child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return;
      }
      await Promise.race([exit, sleep(5_000)]);
      if (!exited) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        await Promise.race([exit, sleep(5_000)]);
      }
    };

    const deadline = Date.now() + startTimeoutMs;
    while (!exited && Date.now() < deadline) {
      try {
        const response = await fetch(`${url}/moto-api/data.json`, { signal: AbortSignal.timeout(2_000) });
        if (response.ok) {
          await response.arrayBuffer();
          return {
            url,
            async assumedRoles() {
              const data = (await (await fetch(`${url}/moto-api/data.json`)).json()) as { sts?: { AssumedRole?: MotoAssumedRole[] } };
              return data.sts?.AssumedRole ?? [];
            },
            async reset() {
              const response = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
              if (!response.ok) throw new Error(`Moto reset failed: ${response.status}`);
            },
            close: stop,
          };
        }
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    await stop();
    lastError = exited ? `moto_server exited early: ${stderr.trim()}` : `moto_server did not answer on ${url} within ${startTimeoutMs / 1000} s: ${stderr.trim()}`;
  }
  throw new Error(lastError);
}
