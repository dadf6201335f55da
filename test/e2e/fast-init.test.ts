/**
 * `okta-aws init` through bin/run.js's fast path (src/fast/init.ts, no oclif) must be the full
 * command to the person at the terminal: each case runs both, the full one through oclif's own
 * entry, each against its own emulators and HOME, and compares what the terminal showed, the exit
 * code and the files written (with the HOME and the emulators' addresses, which differ, replaced).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Emulators, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET, FIXTURE_USERS, startEmulators } from '../emulators/index.js';
import { type Sandbox, sandbox } from '../helpers/cli.js';
import { ROOT, invocation, loadedOclif, runWithoutTerminal } from '../helpers/fast-and-full.js';
import { type PtyRun, plain, runPty } from '../helpers/pty.js';


interface Side {
  emu: Emulators;
  box: Sandbox;
  modules: string;
}

const sides: Side[] = [];
afterEach(async () => {
  await Promise.all(sides.splice(0).flatMap(({ emu, box }) => [box.cleanup(), emu.close()]));
});

/** An org and a HOME of its own; as users run it, without vitest's NODE_ENV=test (oclif's development mode). */
async function side(extra: NodeJS.ProcessEnv = {}): Promise<Side> {
  const emu = await startEmulators();
  const box = await sandbox(emu.env);
  delete box.env.NODE_ENV;
  Object.assign(box.env, extra);
  const modules = join(box.home, 'modules.json');
  box.env.OKTA_AWS_TEST_MODULES = modules;
  const made = { emu, box, modules };
  sides.push(made);
  return made;
}

const oclifLoaded = (s: Side) => loadedOclif(s.modules);

/**
 * Both HOMEs are the same length, and so are the emulators' ports (Linux's ephemeral ports have 5
 * digits): replacing them, also as typed one key at a time, keeps every column. A run within 2 s
 * of a TOTP step's end waits for the next one, and says so: a matter of the clock, not of the path.
 */
function normalize(text: string, s: Side): string {
  return text
    .split(s.box.home)
    .join('<HOME>')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<PORT>')
    // Not anchored: the line may follow the cursor-show escape the prompt left.
    .replace(/ {2}waiting \d+ s for the next TOTP code \(Okta accepts each code once\)\r?\n/g, '');
}

/** The org's SSO URL where an argument or answer says <SSO>. */
const sso = (text: string, s: Side) => text.split('<SSO>').join(s.emu.okta.ssoUrl);

type Script = (run: PtyRun, s: Side) => Promise<void>;

interface Outcome {
  code: number | null;
  output: string;
  settings: string;
  oclifLoaded: boolean;
}

async function onTerminal(kind: 'fast' | 'full', args: string[], script: Script, env: NodeJS.ProcessEnv): Promise<Outcome> {
  const s = await side(env);
  const argv = args.map((a) => sso(a, s));
  const { entry, argv: nodeArgs } = invocation(kind, argv);
  const run = runPty(nodeArgs, { env: s.box.env, entry });
  await script(run, s);
  const { code, output } = await run.done;
  const settings = await readFile(s.box.settings, 'utf8').catch(() => '(none)');
  return { code, output: normalize(output, s), settings: normalize(settings, s), oclifLoaded: await oclifLoaded(s) };
}

/** The same answers typed into the fast init and into the full command. */
async function bothOnTerminal(args: string[], script: Script, env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  const fast = await onTerminal('fast', args, script, env);
  const full = await onTerminal('full', args, script, env);
  expect(fast.oclifLoaded).toBe(false);
  expect(full.oclifLoaded).toBe(true);
  expect({ code: fast.code, output: fast.output, settings: fast.settings }).toEqual({ code: full.code, output: full.output, settings: full.settings });
  return fast;
}

/** Types each answer once its question is on the screen. */
const answers =
  (...steps: [RegExp | string, string][]): Script =>
  async (run, s) => {
    for (const [question, keys] of steps) {
      await run.waitFor(question);
      run.type(sso(keys, s));
    }
  };

const everyQuestion = answers(
  ['Okta SSO URL', '<SSO>\r'],
  ['Okta username', `${FIXTURE_USERS.alice}\r`],
  ['Default AWS region', '\r'],
  ['Okta password', `${FIXTURE_PASSWORD}\r`],
  ['TOTP secret', `${FIXTURE_TOTP_SECRET}\r`],
);

describe('init on a terminal: the fast path is the full command', () => {
  it('every question, the verifying login and the profiles (plain progress)', async () => {
    const fast = await bothOnTerminal(['init'], everyQuestion, { TERM: 'dumb' });
    expect(fast.code).toBe(0);
    expect(plain(fast.output)).toMatch(/Saved <HOME>\/\.aws\/okta-aws\/settings\.json \(secrets in the file store\)\.\nOkta grants you 3 roles/);
    expect(JSON.parse(fast.settings)).toMatchObject({ sso_url: expect.stringContaining('127.0.0.1:<PORT>'), user_name: FIXTURE_USERS.alice, region: 'ap-southeast-2', password: FIXTURE_PASSWORD });
  }, 60_000);

  it('with the animated progress, the same questions and the same last lines', async () => {
    const outcome = async (kind: 'fast' | 'full') => {
      const o = await onTerminal(kind, ['init'], everyQuestion, {});
      // Spinner frames depend on timing: what is compared is every question and what follows the progress.
      const text = plain(o.output);
      return { code: o.code, questions: text.slice(0, text.indexOf('✔ TOTP secret')), last: text.slice(text.indexOf('Saved ')), settings: o.settings, oclifLoaded: o.oclifLoaded };
    };
    const [fast, full] = [await outcome('fast'), await outcome('full')];
    expect(fast.oclifLoaded).toBe(false);
    expect({ ...fast, oclifLoaded: true }).toEqual(full);
    expect(fast.code).toBe(0);
  }, 60_000);

  it('flags given, then Okta refuses the password: asked again, alone', async () => {
    const fast = await bothOnTerminal(
      ['init', '--sso-url', '<SSO>', '--username', FIXTURE_USERS.alice, '--region=eu-west-1', '--factor', 'totp', '--verify'],
      answers(['Okta password', 'not the password\r'], ['TOTP secret', `${FIXTURE_TOTP_SECRET}\r`], [/Type again/, '\r'], [/Type again[\s\S]*\? Okta password/, `${FIXTURE_PASSWORD}\r`]),
      { TERM: 'dumb' },
    );
    expect(fast.code).toBe(0);
    expect(fast.output).not.toContain(FIXTURE_PASSWORD);
  }, 60_000);

  it('--no-verify --store file --profile-names alias: saved without a login', async () => {
    const fast = await bothOnTerminal(
      ['init', '--no-verify', '--store', 'file', '--profile-names', 'alias', '--flow=authn'],
      answers(['Okta SSO URL', '<SSO>\r'], ['Okta username', 'bob@example.com\r'], ['Default AWS region', 'us-east-1\r'], ['Okta password', 'pw-typed\r'], ['TOTP secret', `${FIXTURE_TOTP_SECRET}\r`]),
    );
    expect(fast.code).toBe(0);
    expect(JSON.parse(fast.settings)).toMatchObject({ user_name: 'bob@example.com', region: 'us-east-1', profile_names: 'alias', login_flow: 'authn' });
  }, 60_000);

  it('a refused answer is shown inline and asked again', async () => {
    const fast = await bothOnTerminal(['init', '--no-verify'], answers(['Okta SSO URL', 'not a url\r'], [/Okta SSO URL[\s\S]*>/, '\x03']));
    expect(fast.code).toBe(130);
  }, 60_000);

  it('Ctrl-C at the first question: cancelled, nothing written, exit 130', async () => {
    const fast = await bothOnTerminal(['init'], answers(['Okta SSO URL', '\x03']));
    expect(fast.code).toBe(130);
    expect(plain(fast.output).trim().split('\n').at(-1)).toBe('okta-aws: cancelled; nothing was changed.');
    expect(fast.settings).toBe('(none)');
  }, 60_000);

  it('Ctrl-C during the verifying login: bin/run.js\'s interrupt line and exit 130', async () => {
    const s = await side();
    s.emu.okta.faults.add({ kind: 'hang', path: '/api/v1/authn' });
    const run = runPty(['init', '--sso-url', s.emu.okta.ssoUrl, '--username', FIXTURE_USERS.alice], { env: s.box.env, entry: invocation('fast', []).entry });
    await answers(['Default AWS region', '\r'], ['Okta password', `${FIXTURE_PASSWORD}\r`], ['TOTP secret', `${FIXTURE_TOTP_SECRET}\r`], ['Signing in to Okta', '\x03'])(run, s);
    const { code, output } = await run.done;
    expect(code).toBe(130);
    expect(output.slice(output.lastIndexOf('^C'))).toContain('\x1b[?25h');
    expect(plain(output)).toMatch(/^okta-aws: interrupted; every file is as it was/m);
    expect(await oclifLoaded(s)).toBe(false);
  }, 60_000);
});

/** The command line one way without a terminal, in `s`'s org and HOME, its output normalised. */
async function noTerminal(s: Side, kind: 'fast' | 'full', args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await runWithoutTerminal(kind, args.map((x) => sso(x, s)), s.box.env);
  return { code, stdout: normalize(stdout, s), stderr: normalize(stderr, s) };
}

/**
 * The same command line without a terminal, fast and full; returns whether the fast one loaded
 * oclif. `fullEnv`: what bin/run.js puts in the environment before oclif (OKTA_AWS_CONFIG).
 */
async function bothWithoutTerminal(args: string[], env: NodeJS.ProcessEnv = {}, fullEnv: NodeJS.ProcessEnv = {}): Promise<{ fastLoadedOclif: boolean; code: number | null; stderr: string }> {
  const [a, b] = [await side(env), await side({ ...env, ...fullEnv })];
  const fast = await noTerminal(a, 'fast', args);
  const full = await noTerminal(b, 'full', args);
  expect(fast).toEqual(full);
  expect(await oclifLoaded(b)).toBe(true);
  return { fastLoadedOclif: await oclifLoaded(a), code: fast.code, stderr: fast.stderr };
}

describe('init without a terminal: the fast path is the full command', () => {
  it.each([
    [['init']],
    [['init', '--sso-url', '<SSO>', '--username', FIXTURE_USERS.alice]],
    [['init', '--sso-url', 'http://not-okta', '--username', FIXTURE_USERS.alice]],
  ])('%j: one line naming what is missing, never a wait', async (args) => {
    const { fastLoadedOclif, code, stderr } = await bothWithoutTerminal(args);
    expect(fastLoadedOclif).toBe(false);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^okta-aws: [^\n]+\n$/);
  }, 60_000);

  it('secrets from the environment: the login, the profiles on stdout, --debug\'s lines', async () => {
    const env = { OKTA_AWS_PASSWORD: FIXTURE_PASSWORD, OKTA_AWS_TOTP_SECRET: FIXTURE_TOTP_SECRET };
    const run = await bothWithoutTerminal(['init', '--sso-url', '<SSO>', '--username', FIXTURE_USERS.alice], env);
    expect(run.fastLoadedOclif).toBe(false);
    expect(run.code).toBe(0);
    const debug = await bothWithoutTerminal(['init', '--debug', '--no-verify', '--sso-url', '<SSO>', '--username', FIXTURE_USERS.alice], env);
    expect(debug.fastLoadedOclif).toBe(false);
    expect(debug.stderr).not.toContain(FIXTURE_PASSWORD);
  }, 60_000);

  it('--config NAME', async () => {
    const env = { OKTA_AWS_PASSWORD: FIXTURE_PASSWORD, OKTA_AWS_TOTP_SECRET: FIXTURE_TOTP_SECRET };
    const run = await bothWithoutTerminal(['init', '--config', 'work', '--no-verify', '--sso-url', '<SSO>', '--username', FIXTURE_USERS.alice], env, { OKTA_AWS_CONFIG: 'work' });
    expect(run.fastLoadedOclif).toBe(false);
    expect(run.stderr).toContain('configs/work/settings.json');
    const bad = await bothWithoutTerminal(['init', '--config=Not_A_Name', '--no-verify'], env, { OKTA_AWS_CONFIG: 'Not_A_Name' });
    expect(bad.code).toBe(1);
  }, 60_000);
});

/** The data folder's package.json as `okta-aws plugins link` writes it, for one linked plugin. */
async function linkPlugin(s: Side, root: string): Promise<void> {
  const dataDir = join(s.box.home, '.local', 'share', 'okta-aws');
  await mkdir(dataDir, { recursive: true });
  const pjson = { name: 'okta-aws-credential-helper', private: true, dependencies: {}, oclif: { schema: 1, plugins: [{ name: 'linked', root, type: 'link' }] } };
  await writeFile(join(dataDir, 'package.json'), JSON.stringify(pjson));
}

describe('init that the full command answers', () => {
  const fastLoadsOclif = async (args: string[], env: NodeJS.ProcessEnv = {}, setup?: (s: Side) => Promise<void>) => {
    const s = await side(env);
    await setup?.(s);
    await noTerminal(s, 'fast', args);
    return oclifLoaded(s);
  };

  it.each([
    [['init', '-h']],
    [['init', '--jsn']],
    [['init', 'extra']],
    [['init', '--sso-url']],
    [['init', '--region', '']],
    [['init', '--flow', 'sideways']],
    [['init', '--factor=sms']],
    [['init', '--username', 'a', '--username', 'b']],
    [['init', '--verify', '--no-verify']],
    [['init', '--debug=true']],
    [['init', '--no-debug']],
    [['init', '--', '--sso-url', 'x']],
  ])('%j', async (args) => {
    expect(await fastLoadsOclif(args)).toBe(true);
  }, 60_000);

  it('DEBUG, OCLIF_* or a development NODE_ENV in the environment', async () => {
    expect(await fastLoadsOclif(['init'], { DEBUG: 'okta-aws' })).toBe(true);
    expect(await fastLoadsOclif(['init'], { OCLIF_COLUMNS: '100' })).toBe(true);
    expect(await fastLoadsOclif(['init'], { NODE_ENV: 'development' })).toBe(true);
  }, 60_000);

  it('a user plugin that may add commands or hooks', async () => {
    const setup = async (s: Side) => {
      const plugin = join(s.box.home, 'plugin-with-hooks');
      await mkdir(plugin, { recursive: true });
      await writeFile(join(plugin, 'package.json'), JSON.stringify({ name: 'p', version: '1.0.0', oclif: { hooks: { init: './init.js' } } }));
      await linkPlugin(s, plugin);
    };
    expect(await fastLoadsOclif(['init'], {}, setup)).toBe(true);
  }, 60_000);

  it('a store plugin, when init saves to or moves from one of its stores; not otherwise', async () => {
    const memo = (s: Side) => linkPlugin(s, join(ROOT, 'test', 'fixtures', 'plugins', 'store-memo'));
    expect(await fastLoadsOclif(['init', '--store', 'memo'], {}, memo)).toBe(true);
    expect(await fastLoadsOclif(['init'], { OKTA_AWS_SECRET_STORE: 'memo' }, memo)).toBe(true);
    const movingFromMemo = async (s: Side) => {
      await memo(s);
      await mkdir(join(s.box.env.OKTA_AWS_HOME!), { recursive: true });
      await writeFile(s.box.settings, JSON.stringify({ sso_url: s.emu.okta.ssoUrl, user_name: FIXTURE_USERS.alice, secret_store: 'memo' }));
    };
    expect(await fastLoadsOclif(['init', '--store', 'file'], {}, movingFromMemo)).toBe(true);
    expect(await fastLoadsOclif(['init', '--store', 'keyring'], {}, memo)).toBe(false);
    expect(await fastLoadsOclif(['init'], {}, memo)).toBe(false);
  }, 60_000);

  it('without plugins, a store no plugin offers fails as the full command says', async () => {
    const run = await bothWithoutTerminal(['init', '--store', 'memo', '--sso-url', '<SSO>', '--username', FIXTURE_USERS.alice, '--no-verify'], { OKTA_AWS_PASSWORD: 'x', OKTA_AWS_TOTP_SECRET: FIXTURE_TOTP_SECRET });
    expect(run.fastLoadedOclif).toBe(false);
    expect(run.code).toBe(1);
  }, 60_000);
});
