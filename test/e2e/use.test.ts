import { spawn } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulators, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET, startEmulators } from '../emulators/index.js';
import { CLI, type Sandbox, runCli, sandbox } from '../helpers/cli.js';
import { writePythonSettings } from '../helpers/journey.js';

let emu: Emulators;
let box: Sandbox;

beforeEach(async () => {
  emu = await startEmulators();
  box = await sandbox(emu.env);
  await writePythonSettings(box, emu);
  const refresh = await runCli(['refresh', '--json'], { env: box.env });
  expect(refresh.code, refresh.stderr).toBe(0);
});
afterEach(async () => {
  await Promise.all([box.cleanup(), emu.close()]);
});

/** Runs a script in a real shell with the sandbox's environment. */
function shell(program: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const WHOAMI = fileURLToPath(new URL('../helpers/whoami.mjs', import.meta.url));

describe('assume', () => {
  it('eval in bash makes a plain SDK call act as the role, and AWS_PROFILE no longer overrides it', async () => {
    const env = { ...box.env, AWS_PROFILE: 'default', SHELL: '/bin/bash', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    const run = await shell('bash', ['-c', `set -e; eval "$(node '${CLI}' assume okta-111111111111-Admin)"; test -z "\${AWS_PROFILE:-}"; node '${WHOAMI}'`], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^arn:aws:sts::111111111111:assumed-role\/Admin\/alice@example\.com$/);
  });

  it('prints only shell commands on stdout, in the syntax of the chosen shell', async () => {
    const run = await runCli(['assume', 'Deployer', '--shell', 'fish'], { env: box.env });
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.every((l) => /^(set -e|set -gx) AWS_[A-Z_]+/.test(l))).toBe(true);
    expect(run.stdout).toContain("set -gx AWS_REGION 'ap-southeast-2';");
  });

  it('refuses an ambiguous role name and lists the matches', async () => {
    const provider = (account: string) => `arn:aws:iam::${account}:saml-provider/Okta`;
    const bob = {
      login: 'bob@example.com',
      password: FIXTURE_PASSWORD,
      totpSecret: FIXTURE_TOTP_SECRET,
      roles: ['111111111111', '555555555555'].map((account) => ({ roleArn: `arn:aws:iam::${account}:role/Admin`, principalArn: provider(account) })),
    };
    await emu.close();
    emu = await startEmulators({ extraUsers: [bob] });
    const env = { ...box.env, ...emu.env, OKTA_AWS_SECRET_STORE: 'env', OKTA_AWS_SSO_URL: emu.okta.ssoUrl, OKTA_AWS_USERNAME: bob.login, OKTA_AWS_PASSWORD: FIXTURE_PASSWORD, OKTA_AWS_TOTP_SECRET: FIXTURE_TOTP_SECRET };
    expect((await runCli(['refresh'], { env })).code).toBe(0);
    const run = await runCli(['assume', 'Admin'], { env });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/okta-111111111111-Admin.*okta-555555555555-Admin/);
    expect(run.stdout).toBe('');
  });

  it('chains into a role of another account with at most 3600 s', async () => {
    const run = await runCli(['assume', 'Admin', '--role-arn', 'arn:aws:iam::444444444444:role/Ops', '--shell', 'bash'], { env: box.env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const key = /AWS_ACCESS_KEY_ID='([^']+)'/.exec(run.stdout)![1]!;
    const issued = emu.sts.lookup(key)!;
    expect(issued.source).toBe('chained');
    expect(issued.arn).toMatch(/^arn:aws:sts::444444444444:assumed-role\/Ops\//);
    expect(issued.durationSeconds).toBeLessThanOrEqual(3600);
    const tooLong = await runCli(['assume', 'Admin', '--role-arn', 'arn:aws:iam::444444444444:role/Ops', '--duration', '7200'], { env: box.env });
    expect(tooLong.code).not.toBe(0);
    expect(tooLong.stderr).toMatch(/1 hour/);
  });
});

describe('exec', () => {
  it('runs the command as the role and returns its exit code', async () => {
    const run = await runCli(['exec', 'okta-222222222222-Auditor', '--', process.execPath, '-e', 'process.stdout.write(process.env.AWS_ACCESS_KEY_ID + " " + (process.env.AWS_PROFILE ?? "none")); process.exit(7)'], {
      env: { ...box.env, AWS_PROFILE: 'default' },
    });
    expect(run.code).toBe(7);
    const [key, profile] = run.stdout.split(' ');
    expect(emu.sts.lookup(key!)?.roleArn).toBe('arn:aws:iam::222222222222:role/Auditor');
    expect(profile).toBe('none');
  });

  it('says clearly when the command does not exist', async () => {
    const run = await runCli(['exec', 'Admin', '--', 'no-such-command-xyz'], { env: box.env });
    expect(run.code).toBe(127);
    expect(run.stderr).toMatch(/command not found: no-such-command-xyz/);
  });
});

describe('console-url', () => {
  it('prints a sign-in URL whose token the federation endpoint accepted, with the SAML session duration', async () => {
    const run = await runCli(['console-url', 'Admin', '--destination', 's3'], { env: box.env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const url = new URL(run.stdout.trim());
    expect(url.origin).toBe(emu.federation.url);
    expect(url.searchParams.get('Action')).toBe('login');
    expect(url.searchParams.get('Destination')).toBe('https://console.aws.amazon.com/s3/home?region=ap-southeast-2');
    expect(emu.federation.counters.tokensIssued).toBe(1);
    const login = await fetch(url, { redirect: 'manual' });
    expect(login.status).toBe(302);
    expect(login.headers.get('location')).toBe('https://console.aws.amazon.com/s3/home?region=ap-southeast-2');
  });

  it('does not send SessionDuration for chained credentials (AWS would refuse them)', async () => {
    const run = await runCli(['console-url', 'Admin', '--role-arn', 'arn:aws:iam::444444444444:role/Ops', '--duration', '3600'], { env: box.env });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/refuses a console session duration for chained/);
    expect(emu.federation.counters.tokensIssued).toBe(1);
  });

  it('--open starts $BROWSER with the URL and still prints it', async () => {
    const seen = join(box.home, 'browser-argv');
    const browser = join(box.home, 'browser.sh');
    await writeFile(browser, `#!/bin/sh\nprintf '%s' "$1" > '${seen}'\n`);
    await chmod(browser, 0o755);
    const run = await runCli(['console-url', 'okta-111111111111-Admin', '--open'], { env: { ...box.env, BROWSER: browser } });
    expect(run.code).toBe(0);
    for (let i = 0; i < 50; i += 1) {
      if (await readFile(seen, 'utf8').catch(() => '')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await readFile(seen, 'utf8')).toBe(run.stdout.trim());
  });

  it('without a target and without a terminal names the choices', async () => {
    const run = await runCli(['console-url'], { env: box.env });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Several roles and no terminal to choose: okta-111111111111-Admin, okta-111111111111-team-dev-Deployer, okta-222222222222-Auditor/);
  });
});
