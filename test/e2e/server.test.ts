/**
 * The credential server: `exec --server` and `serve`, driven as a user would, with a Node child that
 * probes the server and makes a plain SDK call (the AWS CLI and botocore are in test/interop).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulators, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET, startEmulators } from '../emulators/index.js';
import { CLI, type Sandbox, runCli, sandbox } from '../helpers/cli.js';
import { writePythonSettings } from '../helpers/journey.js';

const PROBE = fileURLToPath(new URL('../helpers/container-probe.mjs', import.meta.url));

interface Answer {
  status: number;
  body: string;
}
interface Probe {
  present: string[];
  uri: string;
  token: string;
  region: string;
  right: Answer;
  wrong: Answer;
  missing: Answer;
  foreignHost: Answer;
  otherPath: Answer;
  sdkArn: string;
}
interface CacheFile {
  credentials: Record<string, { AccessKeyId: string; Expiration: string }>;
}

let emu: Emulators;
let box: Sandbox;

beforeEach(async () => {
  emu = await startEmulators();
  box = await sandbox({ ...emu.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
  await writePythonSettings(box, emu);
  const refresh = await runCli(['refresh', '--json'], { env: box.env });
  expect(refresh.code, refresh.stderr).toBe(0);
});
afterEach(async () => {
  await Promise.all([box.cleanup(), emu.close()]);
});

const readCache = async () => JSON.parse(await readFile(join(box.env.OKTA_AWS_HOME!, 'cache', 'credentials.json'), 'utf8')) as CacheFile;

describe('exec --server', () => {
  it('gives the child no keys, only a loopback URI and token that a plain SDK call uses; wrong requests get 403', async () => {
    // Keys, a profile and the Okta secrets in our environment must not reach the child.
    const env = { ...box.env, AWS_ACCESS_KEY_ID: 'AKIAPARENT', AWS_SECRET_ACCESS_KEY: 'parent', AWS_SESSION_TOKEN: 'parent', AWS_PROFILE: 'default', OKTA_AWS_PASSWORD: FIXTURE_PASSWORD, OKTA_AWS_TOTP_SECRET: FIXTURE_TOTP_SECRET };
    const run = await runCli(['exec', '--server', 'okta-111111111111-Admin', '--', process.execPath, PROBE], { env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const probe = JSON.parse(run.stdout) as Probe;
    expect(probe.present).toEqual([]);
    expect(probe.uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{16,}$/);
    expect(Buffer.from(probe.token, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(probe.region).toBe('ap-southeast-2');

    const cached = (await readCache()).credentials['okta-111111111111-Admin']!;
    expect(probe.right.status).toBe(200);
    const body = JSON.parse(probe.right.body) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['AccessKeyId', 'Expiration', 'RoleArn', 'SecretAccessKey', 'Token']);
    expect(body.AccessKeyId).toBe(cached.AccessKeyId);
    expect(Date.parse(body.Expiration!)).toBe(Date.parse(cached.Expiration));
    expect(body.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(emu.sts.lookup(body.AccessKeyId!)).toMatchObject({ secretAccessKey: body.SecretAccessKey, sessionToken: body.Token });

    for (const refused of [probe.wrong, probe.missing]) {
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.body)).toEqual({ Message: 'invalid Authorization token' });
    }
    expect(probe.foreignHost.status).toBe(403);
    expect(probe.foreignHost.body).not.toContain(body.AccessKeyId);
    expect(probe.otherPath.status).toBe(404);

    expect(probe.sdkArn).toBe('arn:aws:sts::111111111111:assumed-role/Admin/alice@example.com');
    expect(emu.sts.counters.ok.GetCallerIdentity).toBe(1);
  });

  it('serves the chained role with --role-arn, and the server is gone once the child ends', async () => {
    const chained = 'arn:aws:iam::333333333333:role/Ops';
    const script = `
      const uri = process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
      const answer = await (await fetch(uri, { headers: { authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN } })).json();
      process.stdout.write(JSON.stringify({ uri, roleArn: answer.RoleArn, key: answer.AccessKeyId, profile: process.env.OKTA_AWS_PROFILE }));
      process.exit(3);`;
    const run = await runCli(['exec', '--server', 'Admin', '--role-arn', chained, '--', process.execPath, '--input-type=module', '-e', script], { env: box.env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(3); // the child's exit status
    const seen = JSON.parse(run.stdout) as { uri: string; roleArn: string; key: string; profile: string };
    expect(seen.roleArn).toBe(chained);
    expect(seen.profile).toBe('okta-111111111111-Admin+Ops');
    expect(emu.sts.lookup(seen.key)).toMatchObject({ source: 'chained', roleArn: chained });
    await expect(fetch(seen.uri)).rejects.toThrow();
  });

  it('refreshes credentials that expire while the child runs', async () => {
    // STS now issues credentials that are stale (under 5 minutes left) 3 seconds after they are issued.
    emu.sts.credentialLifetimeSeconds = 303;
    const stale = await readCache();
    stale.credentials['okta-111111111111-Admin']!.Expiration = new Date(Date.now() + 60_000).toISOString();
    await import('node:fs/promises').then((fs) => fs.writeFile(join(box.env.OKTA_AWS_HOME!, 'cache', 'credentials.json'), JSON.stringify(stale), { mode: 0o600 }));
    const script = `
      const get = async () => (await fetch(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, { headers: { authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN } })).json();
      const first = await get();
      while (Date.parse(first.Expiration) - Date.now() > 5 * 60_000 - 500) await new Promise((r) => setTimeout(r, 200));
      const second = await get();
      process.stdout.write(JSON.stringify([first, second].map((a) => ({ key: a.AccessKeyId, expiration: a.Expiration }))));`;
    const run = await runCli(['exec', '--server', 'okta-111111111111-Admin', '--', process.execPath, '--input-type=module', '-e', script], { env: box.env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [first, second] = JSON.parse(run.stdout) as { key: string; expiration: string }[];
    expect(first!.key).not.toBe(stale.credentials['okta-111111111111-Admin']!.AccessKeyId);
    expect(second!.key).not.toBe(first!.key);
    expect(Date.parse(second!.expiration)).toBeGreaterThan(Date.parse(first!.expiration));
  });

  it('fails before starting the child when no credentials can be had', async () => {
    const run = await runCli(['exec', '--server', 'NoSuchRole', '--', process.execPath, '-e', 'process.stdout.write("ran")'], { env: box.env });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^okta-aws: .*NoSuchRole.*\n$/);
  });
});

/** Starts `serve` and waits for the line saying it listens; collects stdout and stderr. */
async function startServe(args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; stdout: () => string; stderr: () => string; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { env: { ...box.env, SHELL: '/bin/bash' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 20_000);
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (stderr.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exit.then(() => reject(new Error(`serve exited: ${stderr}`)));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

describe('serve', () => {
  it('answers every profile at /role/<profile>, logs one line per request without keys, and stops on SIGTERM', async () => {
    const serve = await startServe([]);
    try {
      const exports = Object.fromEntries([...serve.stdout().matchAll(/^export (\w+)='([^']*)';$/gm)].map((m) => [m[1], m[2]]));
      const token = exports.AWS_CONTAINER_AUTHORIZATION_TOKEN!;
      const origin = new URL(exports.AWS_CONTAINER_CREDENTIALS_FULL_URI!).origin;
      expect(exports.AWS_CONTAINER_CREDENTIALS_FULL_URI).toBe(`${origin}/role/okta-111111111111-Admin`);
      expect(serve.stdout()).toContain(`# export AWS_CONTAINER_CREDENTIALS_FULL_URI='${origin}/role/okta-222222222222-Auditor';`);

      const tokenFile = join(box.env.OKTA_AWS_HOME!, 'server-token');
      expect((await readFile(tokenFile, 'utf8')).trim()).toBe(token);
      expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);

      const cache = await readCache();
      const keys: string[] = [];
      for (const profile of ['okta-111111111111-Admin', 'okta-222222222222-Auditor']) {
        const response = await fetch(`${origin}/role/${profile}`, { headers: { authorization: token } });
        expect(response.status).toBe(200);
        const body = (await response.json()) as { AccessKeyId: string; SecretAccessKey: string; Token: string };
        expect(body.AccessKeyId).toBe(cache.credentials[profile]!.AccessKeyId);
        keys.push(body.AccessKeyId, body.SecretAccessKey, body.Token);
      }
      expect((await fetch(`${origin}/role/okta-111111111111-Admin`, { headers: { authorization: 'nope' } })).status).toBe(403);
      expect((await fetch(`${origin}/role/okta-999999999999-Nobody`, { headers: { authorization: token } })).status).toBe(404);

      serve.child.kill('SIGTERM');
      const exit = await serve.exit;
      expect(exit).toEqual({ code: 0, signal: null });
      const log = serve.stderr().trim().split('\n');
      expect(log.filter((l) => / GET /.test(l))).toHaveLength(4);
      expect(log.some((l) => /GET \/role\/okta-222222222222-Auditor 200 okta-222222222222-Auditor until /.test(l))).toBe(true);
      expect(log.at(-1)).toMatch(/stopped \(SIGTERM\)$/);
      for (const secret of [...keys, token]) expect(serve.stderr()).not.toContain(secret);
      await expect(fetch(`${origin}/role/okta-111111111111-Admin`)).rejects.toThrow();
    } finally {
      serve.child.kill('SIGKILL');
    }
  });

  it('keeps its token and takes the port it is given; a taken port fails in one line', async () => {
    const first = await startServe([]);
    const token = /AWS_CONTAINER_AUTHORIZATION_TOKEN='([^']+)'/.exec(first.stdout())![1]!;
    const port = new URL(/FULL_URI='([^']+)'/.exec(first.stdout())![1]!).port;
    try {
      const clash = await runCli(['serve', '--port', port], { env: box.env });
      expect(clash.code).toBe(1);
      expect(clash.stderr).toMatch(new RegExp(`^okta-aws: Port ${port} on 127\\.0\\.0\\.1 is already in use\\. .*--port.*\\n$`));
    } finally {
      first.child.kill('SIGINT');
      expect((await first.exit).code).toBe(0);
    }
    const second = await startServe(['--port', port]);
    try {
      expect(second.stdout()).toContain(`AWS_CONTAINER_AUTHORIZATION_TOKEN='${token}'`);
      expect(second.stdout()).toContain(`http://127.0.0.1:${port}/role/`);
    } finally {
      second.child.kill('SIGTERM');
      await second.exit;
    }
  }, 90_000);
});
