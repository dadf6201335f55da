/**
 * Interop: AWS CLI v2 and botocore, run under `okta-aws exec --server`, find the credential server by
 * themselves (the container-credentials provider), sign calls the emulated STS verifies, and keep
 * working after the credentials they first got have expired.
 */
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { type Emulators, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET, FIXTURE_USERNAME, startEmulators } from '../emulators/index.js';
import { type Sandbox, runCli, sandbox } from '../helpers/cli.js';
import { AWS_CLI, PYTHON, requireTools } from './tools.js';

const secrets = { OKTA_AWS_PASSWORD: FIXTURE_PASSWORD, OKTA_AWS_TOTP_SECRET: FIXTURE_TOTP_SECRET };
const ARN = /^arn:aws:sts::111111111111:assumed-role\/Admin\/alice@example\.com$/;

/**
 * The child: one botocore session (its provider chain picks the container provider) and the AWS CLI
 * as a subprocess, each calling GetCallerIdentity; then it waits for the test to say "go" and calls
 * again. Also the AWS CLI with a wrong token, which must fail.
 */
const CHILD = `
import json, os, subprocess, sys, time
import botocore.session
aws, endpoint, ready, go = sys.argv[1:5]
present = [n for n in ('AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE') if n in os.environ]
session = botocore.session.Session()
client = session.create_client('sts', endpoint_url=endpoint)
def boto():
    arn = client.get_caller_identity()['Arn']
    credentials = session.get_credentials()
    return {'arn': arn, 'key': credentials.get_frozen_credentials().access_key, 'method': credentials.method}
def cli(token=None):
    env = {k: v for k, v in os.environ.items() if k not in ('PYTHONPATH', 'PYTHONHOME')}
    env['AWS_PAGER'] = ''
    if token is not None:
        env['AWS_CONTAINER_AUTHORIZATION_TOKEN'] = token
    out = subprocess.run([aws, 'sts', 'get-caller-identity', '--endpoint-url', endpoint, '--output', 'json'], env=env, capture_output=True, text=True, timeout=120)
    return {'code': out.returncode, 'arn': json.loads(out.stdout)['Arn'] if out.returncode == 0 else None, 'stderr': out.stderr[-400:]}
first = {'boto': boto(), 'cli': cli(), 'wrongToken': cli('x' * 43)}
open(ready, 'w').close()
while not os.path.exists(go):
    time.sleep(0.1)
second = {'boto': boto(), 'cli': cli()}
print(json.dumps({'present': present, 'first': first, 'second': second}))
`;

let emu: Emulators;
let box: Sandbox;

beforeAll(async () => {
  await requireTools();
}, 180_000);

beforeEach(async () => {
  emu = await startEmulators();
  box = await sandbox(emu.env);
  const init = await runCli(['init', '--no-verify', '--sso-url', emu.okta.ssoUrl, '--username', FIXTURE_USERNAME], { env: { ...box.env, ...secrets }, timeoutMs: 60_000 });
  expect(init.code, init.stderr).toBe(0);
}, 120_000);
afterEach(async () => {
  await Promise.all([box?.cleanup(), emu?.close()]);
});

const exists = (path: string) => access(path).then(
  () => true,
  () => false,
);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it(
  'AWS CLI v2 and botocore sign through exec --server with no keys in their environment, a wrong token fails, and expired credentials are replaced',
  async () => {
    // Credentials that go stale (under 5 minutes left) 20 s after STS issues them.
    emu.sts.credentialLifetimeSeconds = 320;
    const ready = join(box.home, 'ready');
    const go = join(box.home, 'go');
    const env = { ...box.env, AWS_ACCESS_KEY_ID: 'AKIAPARENTKEY', AWS_SECRET_ACCESS_KEY: 'parent', AWS_PROFILE: 'default' };
    const running = runCli(['exec', '--server', 'okta-111111111111-Admin', '--', PYTHON, '-c', CHILD, AWS_CLI, emu.sts.url, ready, go], { env, timeoutMs: 200_000 });

    // After the first calls: wait until the key botocore used is stale for okta-aws, then move STS's
    // clock past its expiry, so a call with it would now be refused.
    let finished = false;
    void running.then(() => (finished = true));
    while (!(await exists(ready)) && !finished) await sleep(200);
    expect(finished, 'the child ended before its first calls were done').toBe(false);
    const issued = [...emu.sts.credentials.values()];
    const firstKeys = new Set(issued.map((c) => c.accessKeyId));
    const latest = Math.max(...issued.map((c) => c.expiration));
    while (latest - Date.now() > 5 * 60_000 - 1_000) await sleep(200);
    emu.clock.advance(latest - emu.clock.now() + 1_000);
    for (const c of issued) expect(emu.clock.now()).toBeGreaterThan(c.expiration);
    await writeFile(go, '');

    const run = await running;
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as {
      present: string[];
      first: { boto: { arn: string; key: string; method: string }; cli: { code: number; arn: string }; wrongToken: { code: number; stderr: string } };
      second: { boto: { arn: string; key: string }; cli: { code: number; arn: string } };
    };
    expect(out.present).toEqual([]);
    expect(out.first.boto.method).toBe('container-role');
    expect(out.first.boto.arn).toMatch(ARN);
    expect(out.first.cli.arn).toMatch(ARN);
    expect(out.first.wrongToken.code).not.toBe(0);
    expect(out.first.wrongToken.stderr).toMatch(/403|invalid Authorization token|Unable to locate credentials|credential/i);

    // The second round ran with credentials issued after the first ones had expired.
    expect(out.second.boto.arn).toMatch(ARN);
    expect(out.second.cli.arn).toMatch(ARN);
    expect(firstKeys.has(out.first.boto.key)).toBe(true);
    expect(firstKeys.has(out.second.boto.key)).toBe(false);
    expect(emu.sts.lookup(out.second.boto.key)!.expiration).toBeGreaterThan(emu.clock.now());
    // Every signed call was accepted (refreshes add AssumeRoleWithSAML calls, some retried shorter for the 1-hour Auditor role).
    expect(emu.sts.counters.byAction.GetCallerIdentity).toBe(4);
    expect(emu.sts.counters.ok.GetCallerIdentity).toBe(4);
  },
  300_000,
);
