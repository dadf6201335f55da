import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Emulators } from '../emulators/index.js';
import { type Sandbox, runCli, sandbox } from '../helpers/cli.js';
import { runPty } from '../helpers/pty.js';
import { initialized } from './terminal-helpers.js';

let emu: Emulators;
let box: Sandbox;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ emu, box, cleanup } = await initialized());
});
afterEach(() => cleanup());

/** The command on a terminal `columns` wide, with its stderr kept apart in a file. */
async function onTerminal(args: string[], columns = 120, env: NodeJS.ProcessEnv = box.env) {
  const stderrTo = join(box.home, `stderr-${Math.random().toString(36).slice(2)}.txt`);
  const { code, output } = await runPty(args, { env, columns, stderrTo }).done;
  return { code, stdout: output, stderr: await readFile(stderrTo, 'utf8') };
}

describe('profile tables', () => {
  it('refresh and roles print an aligned table with relative expiry on a terminal, fitted to its width', async () => {
    const refresh = await onTerminal(['refresh']);
    expect(refresh.code, refresh.stderr).toBe(0);
    const lines = refresh.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PROFILE {2,}ROLE ARN {2,}EXPIRES$/);
    expect(lines[1]).toMatch(/^okta-111111111111-Admin {2,}arn:aws:iam::111111111111:role\/Admin {2,}in 1[12]h \d+m$/);
    expect(lines[3]).toMatch(/^okta-222222222222-Auditor {2,}arn:aws:iam::222222222222:role\/Auditor {2,}in 59m$/);
    const column = lines[0]!.indexOf('ROLE ARN');
    for (const line of lines.slice(1)) expect(line.indexOf('arn:')).toBe(column);

    const wide = await onTerminal(['roles'], 140);
    expect(wide.code, wide.stderr).toBe(0);
    expect(wide.stdout.split('\n')[0]).toMatch(/^PROFILE {2,}ACCOUNT {2,}ROLE ARN {2,}EXPIRES$/);
    expect(wide.stdout).toMatch(/^okta-111111111111-Admin {2,}acme-prod {2,}arn:aws:iam::111111111111:role\/Admin /m);
    expect(wide.stdout).toMatch(/^okta-222222222222-Auditor {2,}222222222222 {2,}arn:/m);

    const narrow = await onTerminal(['roles'], 80);
    expect(narrow.code, narrow.stderr).toBe(0);
    const rows = narrow.stdout.trimEnd().split('\n');
    expect(rows).toHaveLength(4);
    for (const line of rows) expect(line.length).toBeLessThanOrEqual(80);
    expect(narrow.stdout).toContain('…');
  });

  it('keeps tab-separated rows with absolute expiry when stdout is not a terminal', async () => {
    const refresh = await runCli(['refresh'], { env: box.env });
    expect(refresh.stdout).toMatch(/^okta-111111111111-Admin\tarn:aws:iam::111111111111:role\/Admin\texpires \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n/);
    const roles = await runCli(['roles'], { env: box.env });
    expect(roles.code).toBe(0);
    expect(roles.stdout.split('\n').filter(Boolean).map((l) => l.split('\t').length)).toEqual([3, 3, 3]);
    expect(roles.stdout).not.toContain('PROFILE');
  });
});

describe('completion', () => {
  it('lists profile names from the cache for the target argument, with no Okta call', async () => {
    expect((await runCli(['refresh'], { env: box.env })).code).toBe(0);
    const pages = emu.okta.counters.ssoPages;
    const run = await runCli(['autocomplete', '--profiles'], { env: box.env });
    expect(run.stdout).toBe('okta-111111111111-Admin\nokta-111111111111-team-dev-Deployer\nokta-222222222222-Auditor\n');
    expect(emu.okta.counters.ssoPages).toBe(pages);
    const script = (await runCli(['autocomplete', 'bash', '--script'], { env: box.env })).stdout;
    const line = `${script}\nCOMP_WORDS=(okta-aws exec okta-2); COMP_CWORD=2; _okta_aws_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
    expect(execFileSync('bash', ['--norc', '-c', line], { env: box.env, encoding: 'utf8' })).toBe('okta-222222222222-Auditor\n');
  });
});

describe('typos', () => {
  it('suggests the closest command in one line, exit 2', async () => {
    const run = await runCli(['refesh'], { env: box.env });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('okta-aws: no command "refesh". Did you mean `okta-aws refresh`? See `okta-aws --help`.\n');
    const far = await runCli(['xyzzy'], { env: box.env });
    expect(far.code).toBe(2);
    expect(far.stderr).toMatch(/^okta-aws: no command "xyzzy"\. Commands: assume, [a-z, -]*\bconsole-url, [a-z, -]*\brefresh, roles\b[a-z, -]*\. See `okta-aws --help`\.\n$/);
  });

  it('suggests the closest flag, before any refresh', async () => {
    const logins = emu.okta.counters.ssoPages;
    const run = await runCli(['roles', '--jsn'], { env: box.env });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('okta-aws: Nonexistent flag: --jsn. Did you mean `--json`? See `okta-aws roles --help`.\n');
    expect(emu.okta.counters.ssoPages).toBe(logins);
    const no = await runCli(['init', '--no-verfy'], { env: box.env });
    expect(no.stderr).toMatch(/Did you mean `--no-verify`\?/);
  });
});

describe('exec usage', () => {
  it('shows -- COMMAND [ARGS…] in its usage, and names a forgotten role', async () => {
    const help = await runCli(['exec', '--help'], { env: box.env });
    expect(help.stdout).toMatch(/\$ okta-aws exec TARGET .*-- COMMAND \[ARGS…\]/);
    const run = await runCli(['exec', '--', 'aws', 'sts', 'get-caller-identity'], { env: box.env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^okta-aws: Missing the role before `--`\. Name it first: `okta-aws exec okta-111111111111-Admin -- aws sts get-caller-identity`.*\n$/);
  });
});

describe('assume on a terminal', () => {
  it('prints how to use it instead of the secrets, unless --force; piped use is unchanged', async () => {
    const screen = await onTerminal(['assume', 'Admin']);
    expect(screen.code, screen.stderr).toBe(0);
    expect(screen.stdout).not.toMatch(/AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN/);
    expect(screen.stderr).toContain('eval "$(okta-aws assume Admin)"');
    expect(screen.stderr).toContain('okta-aws assume Admin | source');
    expect(screen.stderr).toContain('okta-aws assume Admin | Invoke-Expression');

    const forced = await onTerminal(['assume', 'Admin', '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/^export AWS_SECRET_ACCESS_KEY=/m);

    const piped = await runCli(['assume', 'Admin'], { env: box.env });
    expect(piped.code).toBe(0);
    expect(piped.stdout).toMatch(/^export AWS_SECRET_ACCESS_KEY=/m);
    expect(piped.stderr).not.toContain('eval');
  });

  it('without a target, offers a pick on a terminal (as in eval "$(okta-aws assume)")', async () => {
    const out = join(box.home, 'exports.sh');
    const run = runPty(['assume'], { env: box.env, stdoutTo: out });
    await run.waitFor('Which role?');
    run.type('\x1b[B'); // down: the second role
    run.type('\r');
    const { code, output } = await run.done;
    expect(code, output).toBe(0);
    const script = await readFile(out, 'utf8');
    expect(script).toMatch(/^export AWS_ACCESS_KEY_ID=/m);
    const creds = JSON.parse(await readFile(join(box.env.OKTA_AWS_HOME!, 'cache', 'credentials.json'), 'utf8'));
    const deployer = creds.credentials['okta-111111111111-team-dev-Deployer'];
    expect(script).toContain(deployer.AccessKeyId);
  });

  it('without a target or a terminal, lists the choices', async () => {
    const run = await runCli(['assume'], { env: box.env });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^okta-aws: Several roles and no terminal to choose: okta-111111111111-Admin, .*e\.g\. `okta-aws assume okta-111111111111-Admin`/m);
  });
});

describe('before any init', () => {
  it('roles, assume and console-url say in one line to run init first', async () => {
    const fresh = await sandbox();
    try {
      for (const args of [['roles'], ['assume', 'Admin'], ['console-url']]) {
        const run = await runCli(args, { env: fresh.env });
        expect(run.code, args.join(' ')).toBe(1);
        expect(run.stderr).toMatch(/^okta-aws: No settings at \S+settings\.json\. Run `okta-aws init`[^\n]*\n$/);
      }
    } finally {
      await fresh.cleanup();
    }
  });
});
