/**
 * `okta-aws refresh` through bin/run.js's fast path (src/fast/refresh.ts, no oclif) must be the full
 * command: each case runs both, the full one through oclif's own entry, each against its own
 * emulators and HOME, and compares stdout, stderr, the exit code and the files written (with the
 * HOME, the emulators' addresses, the keys STS handed out and the times, which differ, replaced).
 * Every other refresh test drives bin/run.js, so it tests the fast path; this one keeps the full
 * command honest too.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Emulators, startEmulators } from '../emulators/index.js';
import { type Sandbox, runCli, sandbox } from '../helpers/cli.js';
import { ROOT, invocation, loadedOclif, runWithoutTerminal } from '../helpers/fast-and-full.js';
import { writePythonSettings } from '../helpers/journey.js';
import { plain, runPty } from '../helpers/pty.js';

interface Side {
  emu: Emulators;
  box: Sandbox;
  modules: string;
}

const sides: Side[] = [];
afterEach(async () => {
  await Promise.all(sides.splice(0).flatMap(({ emu, box }) => [box.cleanup(), emu.close()]));
});

type Setup = (s: Side) => Promise<void>;

/** An org and a HOME of its own with the Python tool's settings; as users run it, without vitest's NODE_ENV=test. */
async function side(setup: Setup | undefined, extra: NodeJS.ProcessEnv): Promise<Side> {
  const emu = await startEmulators();
  const box = await sandbox({ ...emu.env, ...extra });
  delete box.env.NODE_ENV;
  const made = { emu, box, modules: join(box.home, 'modules.json') };
  sides.push(made);
  await writePythonSettings(box, emu);
  await setup?.(made);
  box.env.OKTA_AWS_TEST_MODULES = made.modules;
  return made;
}

/**
 * What differs between two runs of the same thing: the HOME (both the same length), the ports (5
 * digits), the keys STS made up, the times. A run within 2 s of a TOTP step's end waits for the next
 * one and says so: a matter of the clock, not of the path.
 */
function normalize(text: string, s: Side): string {
  return text
    .split(s.box.home)
    .join('<HOME>')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<PORT>')
    .replace(/^(aws_access_key_id|aws_secret_access_key|aws_session_token) = .*$/gm, '$1 = <KEY>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<TIME>')
    .replace(/^.*waiting \d+ s for the next TOTP code.*\n/gm, '');
}

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  credentials: string;
  settings: string;
  oclifLoaded: boolean;
}

async function outcome(kind: 'fast' | 'full', args: string[], setup: Setup | undefined, env: NodeJS.ProcessEnv): Promise<Outcome> {
  const s = await side(setup, env);
  const ran = await runWithoutTerminal(kind, args, s.box.env);
  const file = async (path: string) => normalize(await readFile(path, 'utf8').catch(() => '(none)'), s);
  return {
    code: ran.code,
    stdout: normalize(ran.stdout, s),
    stderr: normalize(ran.stderr, s),
    credentials: await file(s.box.credentials),
    settings: await file(s.box.settings),
    oclifLoaded: await loadedOclif(s.modules),
  };
}

/** Both paths, compared; the fast one must not have loaded oclif. */
async function both(args: string[], setup?: Setup, env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  const fast = await outcome('fast', args, setup, env);
  const full = await outcome('full', args, setup, env);
  expect(fast.oclifLoaded).toBe(false);
  expect(full.oclifLoaded).toBe(true);
  expect({ ...fast, oclifLoaded: true }).toEqual(full);
  return fast;
}

/** The first refresh's login, so the next one reuses the Okta session. */
const loggedIn: Setup = async (s) => {
  const first = await runCli(['refresh', '--json'], { env: s.box.env });
  expect(first.code, first.stderr).toBe(0);
};

/** The pass store plugin, linked as a pass user has it: it offers a store and nothing else. */
const linkPassPlugin: Setup = async (s) => {
  const linked = await runCli(['plugins', 'link', '--no-install', join(ROOT, 'plugins', 'store-pass')], { env: s.box.env });
  expect(linked.code, linked.stderr).toBe(0);
};

describe('refresh without oclif is the full command', () => {
  it('--json, logging in with password + TOTP', async () => {
    const fast = await both(['refresh', '--json']);
    expect(fast.code).toBe(0);
    expect(JSON.parse(fast.stdout).profiles).toHaveLength(3);
    expect(fast.credentials).toContain('[okta-111111111111-Admin]\naws_access_key_id = <KEY>');
  }, 60_000);

  it('the listing and the progress lines, without a terminal, reusing the session', async () => {
    const fast = await both(['refresh'], loggedIn);
    expect(fast.code).toBe(0);
    expect(fast.stderr).toContain('✔ Reused the Okta session (no password, no MFA)');
    expect(fast.stdout).toContain('okta-222222222222-Auditor\tarn:aws:iam::222222222222:role/Auditor\texpires <TIME>');
  }, 60_000);

  it('--mode process and --duration, remembered in the settings', async () => {
    const fast = await both(['refresh', '--mode=process', '--duration', '3600', '--json']);
    expect(fast.code).toBe(0);
    expect(fast.credentials).toContain('credential_process = ');
    expect(JSON.parse(fast.settings)).toMatchObject({ mode: 'process' });
  }, 60_000);

  it('a role STS refuses: the others written, one line, exit 1', async () => {
    const fast = await both(['refresh'], async (s) => {
      s.emu.sts.faults.add({ kind: 'AccessDenied', count: 0, roleArn: 'arn:aws:iam::111111111111:role/Admin' });
    });
    expect(fast.code).toBe(1);
    expect(fast.stderr).toMatch(/^okta-aws: 1 of 3 roles failed; first: STS refused arn:aws:iam::111111111111:role\/Admin/m);
  }, 60_000);

  it('settings that cannot be used: the same one line and exit code', async () => {
    const fast = await both(['refresh', '--debug'], async (s) => {
      await writePythonSettings(s.box, s.emu, { sso_url: 'not a url' });
    });
    expect(fast.code).not.toBe(0);
    expect(fast.stderr.trim().split('\n').at(-1)).toMatch(/^okta-aws: /);
  }, 60_000);

  it('with a plugin that only adds secret stores, while the settings use a built-in one', async () => {
    expect((await both(['refresh', '--json'], linkPassPlugin)).code).toBe(0);
  }, 60_000);
});

describe('refresh that oclif must run itself', () => {
  it.each([
    [['refresh', '--duration', '100']], // oclif's own range message
    [['refresh', '--duration=+900']],
    [['refresh', '--mode', 'other']],
    [['refresh', '--json', '--json']],
    [['refresh', '--jsn']],
    [['refresh', '--no-json']],
    [['refresh', 'extra']],
    [['refresh', '-h']],
  ])('%j', async (args) => {
    const fast = await outcome('fast', args, undefined, {});
    const full = await outcome('full', args, undefined, {});
    expect(fast.oclifLoaded).toBe(true);
    expect({ ...fast, oclifLoaded: true }).toEqual(full);
  }, 60_000);

  it('an OCLIF_ setting, or a store from a plugin in use', async () => {
    expect((await outcome('fast', ['refresh', '--json'], undefined, { OCLIF_TS_NODE: '0' })).oclifLoaded).toBe(true);
    const pluginStore: Setup = async (s) => {
      await linkPassPlugin(s);
      await writePythonSettings(s.box, s.emu, { secret_store: 'pass' });
    };
    expect((await outcome('fast', ['refresh', '--json'], pluginStore, {})).oclifLoaded).toBe(true);
  }, 60_000);
});

describe('refresh on a terminal without oclif', () => {
  it('shows the same progress and listing as the full command', async () => {
    const onTerminal = async (kind: 'fast' | 'full') => {
      const s = await side(loggedIn, {});
      delete s.box.env.NO_COLOR;
      const { entry, argv } = invocation(kind, ['refresh']);
      const { code, output } = await runPty(argv, { env: s.box.env, columns: 140, entry }).done;
      // Spinner frames depend on timing: what is compared is what stays on the screen at the end.
      const text = normalize(plain(output), s);
      return { code, last: text.slice(text.lastIndexOf('✔ Reused the Okta session')), oclifLoaded: await loadedOclif(s.modules) };
    };
    const [fast, full] = [await onTerminal('fast'), await onTerminal('full')];
    expect(fast.oclifLoaded).toBe(false);
    expect(full.oclifLoaded).toBe(true);
    expect(fast.code).toBe(0);
    expect({ code: fast.code, last: fast.last }).toEqual({ code: full.code, last: full.last });
    expect(fast.last).toContain('okta-111111111111-Admin');
  }, 60_000);
});
