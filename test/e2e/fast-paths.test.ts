/**
 * bin/run.js answers roles, assume, exec (fresh cache), credential-process, --version and help pages
 * (no terminal) without oclif. Each answer must be byte for byte what the full command prints: both
 * are run here, the full one through oclif's own entry, and the fast one is checked to have never
 * loaded oclif.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { format } from 'node:util';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Emulators, startEmulators } from '../emulators/index.js';
import { type Sandbox, runCli, sandbox } from '../helpers/cli.js';
import { ROOT, invocation, loadedOclif, runWithoutTerminal } from '../helpers/fast-and-full.js';
import { writePythonSettings } from '../helpers/journey.js';
import { runPty } from '../helpers/pty.js';


interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  oclifLoaded: boolean;
}

let emu: Emulators;
let box: Sandbox;
let counter = 0;

beforeAll(async () => {
  emu = await startEmulators();
  box = await sandbox({ ...emu.env, SHELL: '/bin/bash' });
  await writePythonSettings(box, emu);
  const refresh = await runCli(['refresh', '--json'], { env: box.env });
  expect(refresh.code, refresh.stderr).toBe(0);
}, 60_000);
afterAll(async () => {
  await Promise.all([box?.cleanup(), emu?.close()]);
});

/** The command line one way, no terminal; reports whether oclif was loaded. */
async function run(kind: 'fast' | 'full', args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  const modules = join(box.home, `modules-${(counter += 1)}.json`);
  // As users run it: without vitest's NODE_ENV=test, which puts oclif in its development mode.
  const env = { ...box.env };
  delete env.NODE_ENV;
  Object.assign(env, extraEnv, { OKTA_AWS_TEST_MODULES: modules });
  return { ...(await runWithoutTerminal(kind, args, env)), oclifLoaded: await loadedOclif(modules) };
}

const fast = (args: string[]) => run('fast', args);
const full = (args: string[]) => run('full', args);

const CHILD = ['--', process.execPath, '-e', 'const e = process.env; process.stdout.write([e.AWS_ACCESS_KEY_ID, e.AWS_REGION, e.OKTA_AWS_PROFILE, e.AWS_PROFILE ?? "-"].join(" ")); process.exit(5)'];

describe('answers without oclif, exactly as the full command', () => {
  it.each([
    [['roles']],
    [['roles', '--json']],
    [['assume', 'okta-111111111111-Admin']],
    [['assume', 'Deployer', '--shell', 'fish']],
    [['assume', 'Auditor', '--shell=powershell']],
    [['exec', 'Admin', ...CHILD]],
    [['exec', 'Admin', '--', 'no-such-command-xyz']],
    [['credential-process', 'okta-222222222222-Auditor']],
    [['--version']],
  ])('%j', async (args) => {
    const [quick, slow] = [await fast(args), await full(args)];
    expect(quick.oclifLoaded).toBe(false);
    expect(slow.oclifLoaded).toBe(true);
    expect({ code: quick.code, stdout: quick.stdout, stderr: quick.stderr }).toEqual({ code: slow.code, stdout: slow.stdout, stderr: slow.stderr });
    expect(quick.stdout.length + quick.stderr.length).toBeGreaterThan(0);
  }, 60_000);
});

/** Every page dist/help.json holds: `--help` and `<command> --help`, oclif's own and its plugins'. */
interface HelpData {
  userAgent: string;
  plain: Record<string, string>;
  terminal: Record<string, { showsAgent: boolean; runs: string }>;
}
const HELP = JSON.parse(await readFile(join(ROOT, 'dist', 'help.json'), 'utf8')) as HelpData;
const HELP_PAGES: string[][] = Object.keys(HELP.plain).map((key) =>
  key === '' ? ['--help'] : [...key.split(' '), '--help'],
);

/** The data folder's package.json as `okta-aws plugins link` writes it, for one linked plugin. */
async function linkPlugin(root: string): Promise<() => Promise<void>> {
  const dataDir = join(box.home, '.local', 'share', 'okta-aws');
  await mkdir(dataDir, { recursive: true });
  const pjson = { name: 'okta-aws-credential-helper', private: true, dependencies: {}, oclif: { schema: 1, plugins: [{ name: 'linked', root, type: 'link' }] } };
  await writeFile(join(dataDir, 'package.json'), JSON.stringify(pjson));
  return () => rm(join(dataDir, 'package.json'));
}

describe('help pages without a terminal are printed without oclif, exactly as oclif prints them', () => {
  it('holds the top-level page, every command and the plugin commands', () => {
    expect(HELP_PAGES).toEqual(expect.arrayContaining([['--help'], ['roles', '--help'], ['init', '--help'], ['plugins', 'install', '--help']]));
  });

  it.each(HELP_PAGES.map((args) => [args]))('%j', async (args) => {
    const [quick, slow] = [await fast(args), await full(args)];
    expect(quick.oclifLoaded).toBe(false);
    expect(slow.oclifLoaded).toBe(true);
    expect({ code: quick.code, stdout: quick.stdout, stderr: quick.stderr }).toEqual({ code: slow.code, stdout: slow.stdout, stderr: slow.stderr });
    expect(quick.stdout).toContain('USAGE');
  }, 60_000);

  it('with a linked plugin that only provides a secret store (the pass plugin), still without oclif', async () => {
    const unlink = await linkPlugin(join(ROOT, 'plugins', 'store-pass'));
    try {
      for (const args of [['--help'], ['refresh', '--help']]) {
        const [quick, slow] = [await fast(args), await full(args)];
        expect(quick.oclifLoaded).toBe(false);
        expect({ code: quick.code, stdout: quick.stdout, stderr: quick.stderr }).toEqual({ code: slow.code, stdout: slow.stdout, stderr: slow.stderr });
      }
    } finally {
      await unlink();
    }
  }, 60_000);
});

/** What supports-color and ansis read besides the terminal: CI runners, colour switches. */
const COLOUR_SETTINGS = /^(CI|CI_NAME|CONTINUOUS_INTEGRATION|BUILD_NUMBER|RUN_ID|TF_BUILD|TEAMCITY_VERSION|GITHUB_ACTIONS|GITEA_ACTIONS|CIRCLECI|TRAVIS|APPVEYOR|GITLAB_CI|BUILDKITE|DRONE|COLORTERM|FORCE_COLOR|NO_COLOR|TERM_PROGRAM|TERM_PROGRAM_VERSION)$/;

/** A help page on a terminal `columns` wide, fast (bin/run.js) or full (oclif's entry). */
async function onTerminal(args: string[], columns: number, full: boolean, extraEnv: NodeJS.ProcessEnv = {}, stderrTo?: string): Promise<{ output: string; oclifLoaded: boolean }> {
  const modules = join(box.home, `modules-${(counter += 1)}.json`);
  // A person's terminal: colours unless the case says otherwise (the sandbox turns them off, and a
  // CI runner's variables would too).
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(box.env)) if (!COLOUR_SETTINGS.test(key)) env[key] = value;
  delete env.NODE_ENV;
  Object.assign(env, extraEnv, { OKTA_AWS_TEST_MODULES: modules });
  const { entry, argv } = invocation(full ? 'full' : 'fast', args);
  const { code, output } = await runPty(argv, { env, columns, stderrTo, entry }).done;
  expect(code, output).toBe(0);
  return { output, oclifLoaded: await loadedOclif(modules) };
}

describe('help pages on a terminal are printed without oclif, exactly as oclif prints them', () => {
  it.each(HELP_PAGES.map((args) => [args]))('%j at 100 columns, with colours', async (args) => {
    const [quick, slow] = [await onTerminal(args, 100, false), await onTerminal(args, 100, true)];
    expect(quick.oclifLoaded).toBe(false);
    expect(slow.oclifLoaded).toBe(true);
    expect(quick.output).toBe(slow.output);
    expect(quick.output).toContain('\x1b[1mUSAGE\x1b[22m');
  }, 60_000);

  it.each([
    [['--help'], 40],
    [['--help'], 57],
    [['init', '--help'], 61],
    [['init', '--help'], 133],
    [['exec', '--help'], 250],
    [['refresh', '--help'], 1000],
    [['plugins', '--help'], 30], // oclif's minimum is 40
  ])('%j at %i columns', async (args, columns) => {
    const [quick, slow] = [await onTerminal(args, columns, false), await onTerminal(args, columns, true)];
    expect(quick.oclifLoaded).toBe(false);
    expect(quick.output).toBe(slow.output);
  }, 60_000);

  // CI=true: ansis would colour, oclif's supports-color would not, and oclif asks both.
  it.each([[{ NO_COLOR: '1' }], [{ TERM: 'dumb' }], [{ FORCE_COLOR: '0' }], [{ CI: 'true' }]])('without colours (%j), as oclif decides', async (env) => {
    const [quick, slow] = [await onTerminal(['roles', '--help'], 90, false, env), await onTerminal(['roles', '--help'], 90, true, env)];
    expect(quick.oclifLoaded).toBe(false);
    expect(quick.output).toBe(slow.output);
    expect(quick.output).not.toContain('\x1b[');
  }, 60_000);

  it.each([[{ CI: 'true', GITHUB_ACTIONS: 'true' }], [{ TERM: 'dumb', FORCE_COLOR: '1' }], [{ COLORTERM: 'truecolor' }]])('with colours (%j), as oclif decides', async (env) => {
    const [quick, slow] = [await onTerminal(['roles', '--help'], 90, false, env), await onTerminal(['roles', '--help'], 90, true, env)];
    expect(quick.oclifLoaded).toBe(false);
    expect(quick.output).toBe(slow.output);
    expect(quick.output).toContain('\x1b[1mUSAGE\x1b[22m');
  }, 60_000);

  it('without colours when stderr is redirected, as oclif decides (it asks for colour on both streams)', async () => {
    const [quick, slow] = [
      await onTerminal(['roles', '--help'], 90, false, {}, join(box.home, 'fast.err')),
      await onTerminal(['roles', '--help'], 90, true, {}, join(box.home, 'full.err')),
    ];
    expect(quick.oclifLoaded).toBe(false);
    expect(quick.output).toBe(slow.output);
    expect(quick.output).toContain('USAGE');
    expect(quick.output).not.toContain('\x1b[');
  }, 60_000);
});

describe('the VERSION line on another machine', () => {
  // dist/help.json was rendered with this machine's user agent; a user's Node version, platform or
  // architecture may differ. Rendered by oclif's help class with such agents, at widths around the
  // line's own length, every page the fast path gives must be oclif's, and it must give one where
  // the agent fits.
  const { pageFor } = createRequire(import.meta.url)('../../bin/fast-help.js') as {
    pageFor: (data: HelpData, key: string, where: { terminal: boolean; width: number; colour?: boolean; strip?: (s: string) => string }, agent: string | undefined) => string | undefined;
  };
  const agents = [HELP.userAgent.replace(/node-v[\d.]+/, 'node-v22.11.0'), HELP.userAgent.replace(/ \S+-/, ' darwin-'), HELP.userAgent + '-pre-release-build', `${HELP.userAgent} ${'x'.repeat(40)}`];

  it('swaps the agent in exactly where oclif would print it on one line, and nowhere else', async () => {
    const { Config } = await import('@oclif/core');
    const { default: Help } = (await import(join(ROOT, 'dist', 'cli', 'help.js'))) as { default: new (config: unknown, opts: object) => { showHelp(argv: string[]): Promise<void> } };
    // eslint-disable-next-line no-control-regex -- removing oclif's colour escapes is the point
    const strip = (text: string) => text.replace(/\x1b\[\d+m/g, '');
    for (const agent of agents) {
      for (const width of [40, 56, 57, 58, 59, 60, 61, 80, 100, 140]) {
        for (const key of ['', 'help', 'roles']) {
          const config = await Config.load(join(ROOT, 'package.json'));
          config.userAgent = agent;
          let printed = '';
          // oclif prints with console.log, which vitest captures: record what Node's would write.
          const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void (printed += `${format(...parts)}\n`));
          try {
            await new Help(config, { maxWidth: width }).showHelp(key ? [key, '--help'] : ['--help']);
          } finally {
            log.mockRestore();
          }
          const page = pageFor(HELP, key, { terminal: true, width, colour: false, strip }, agent);
          // Given exactly when the page has no VERSION line, or both agents fit on one there.
          const fits = agent.length <= width - 2 && HELP.userAgent.length <= width - 2;
          expect(page !== undefined, `${JSON.stringify(key)}, ${agent} at ${width}`).toBe(HELP.terminal[key]?.showsAgent !== true || fits);
          if (page !== undefined) expect(page, `${agent} at ${width}`).toBe(printed);
          if (width === 80) expect(pageFor(HELP, key, { terminal: false, width: 80 }, agent) ?? printed).toBe(printed);
        }
      }
    }
  }, 120_000);
});

describe('help that oclif must render itself', () => {
  it('a linked plugin that may add commands or hooks', async () => {
    const plugin = join(box.home, 'plugin-with-commands');
    await mkdir(plugin, { recursive: true });
    await writeFile(join(plugin, 'package.json'), JSON.stringify({ name: 'p', version: '1.0.0', oclif: { commands: './dist/commands' } }));
    const unlink = await linkPlugin(plugin);
    try {
      expect((await fast(['--help'])).oclifLoaded).toBe(true);
    } finally {
      await unlink();
    }
  }, 60_000);

  it('a theme file (colours), OCLIF_COLUMNS (width), DEBUG, or a flag before --help', async () => {
    const themeDir = join(box.home, '.config', 'okta-aws');
    await mkdir(themeDir, { recursive: true });
    await writeFile(join(themeDir, 'theme.json'), JSON.stringify({ bin: 'red' }));
    expect((await fast(['--help'])).oclifLoaded).toBe(true);
    await rm(join(themeDir, 'theme.json'));
    const columns = await run('fast', ['roles', '--help'], { OCLIF_COLUMNS: '120' });
    expect(columns.oclifLoaded).toBe(true);
    expect(columns.stdout).toBe((await run('full', ['roles', '--help'], { OCLIF_COLUMNS: '120' })).stdout);
    expect((await run('fast', ['--help'], { DEBUG: 'nothing' })).oclifLoaded).toBe(true);
    expect((await run('fast', ['--help'], { NODE_ENV: 'development' })).oclifLoaded).toBe(true);
    expect((await fast(['roles', '--json', '--help'])).oclifLoaded).toBe(true);
    expect((await fast(['no-such-command', '--help'])).oclifLoaded).toBe(true);
  }, 60_000);
});

describe('falls through to the full command', () => {
  it.each([
    [['assume', 'Admin', '--debug']],
    [['assume', 'NoSuchRole']],
    [['exec', 'Admin']],
    [['roles', '--jsn']],
  ])('%j', async (args) => {
    const quick = await fast(args);
    expect(quick.oclifLoaded).toBe(true);
  }, 60_000);

  it('when a profile is stale, so the refresh and its line on stderr are the full command\'s', async () => {
    const file = join(box.env.OKTA_AWS_HOME!, 'cache', 'credentials.json');
    const cache = JSON.parse(await readFile(file, 'utf8')) as { credentials: Record<string, { Expiration: string }> };
    cache.credentials['okta-222222222222-Auditor']!.Expiration = new Date(Date.now() + 60_000).toISOString();
    await writeFile(file, JSON.stringify(cache), { mode: 0o600 });
    const quick = await fast(['roles']);
    expect(quick.oclifLoaded).toBe(true);
    expect(quick.code).toBe(0);
    expect(quick.stderr).toMatch(/^okta-aws: credentials for okta-222222222222-Auditor expire within 5 minutes; refreshing\n$/);
    expect((await fast(['roles'])).oclifLoaded).toBe(false); // fresh again
  }, 60_000);
});
