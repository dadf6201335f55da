import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulators, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET, FIXTURE_USERNAME, startEmulators } from '../emulators/index.js';
import { type Sandbox, runCli, sandbox } from '../helpers/cli.js';
import { writePythonSettings } from '../helpers/journey.js';

// Store plugins through the CLI, with two fixture plugins: `memo` (a JSON file, logging every
// call) and `broken` (throws or hangs, as BROKEN_STORE says). The real one, pass, is in test/pass.
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/plugins/${name}`, import.meta.url));

let emu: Emulators;
let box: Sandbox;
let memoFile: string;
let memoLog: string;

beforeEach(async () => {
  emu = await startEmulators();
  box = await sandbox(emu.env);
  memoFile = join(box.home, 'memo.json');
  memoLog = join(box.home, 'memo.log');
  Object.assign(box.env, { MEMO_FILE: memoFile, MEMO_LOG: memoLog });
  await writePythonSettings(box, emu);
});
afterEach(async () => {
  await Promise.all([box.cleanup(), emu.close()]);
});

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { env: { ...box.env, ...env } });
const log = () => readFile(memoLog, 'utf8').catch(() => '');

async function link(name: string): Promise<void> {
  const linked = await cli(['plugins', 'link', '--no-install', fixture(name)]);
  expect(linked.code, linked.stderr).toBe(0);
}

/**
 * A failure as every failure must look: a failure exit, nothing on stdout, no stack, and one
 * `okta-aws:` line last on stderr (after the progress lines of a refresh, if any); that line is returned.
 */
function expectOneLine(result: { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }): string {
  expect(result.signal).toBeNull();
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).not.toMatch(/^\s+at /m);
  const lines = result.stderr.split('\n').filter((l) => l.startsWith('okta-aws:'));
  expect(lines).toHaveLength(1);
  expect(result.stderr.endsWith(`${lines[0]}\n`)).toBe(true);
  return `${lines[0]}\n`;
}

describe('a store plugin', () => {
  it('works wherever a built-in store does: init --store moves the secrets in, refresh uses them, and the plugin sees only them', async () => {
    await link('store-memo');
    const init = await cli(['init', '--store', 'memo']);
    expect(init.stderr).toContain('Moved password, totp_secret, okta_session into the memo store.');
    expect(init.code).toBe(0);
    const memo = JSON.parse(await readFile(memoFile, 'utf8'));
    expect(memo).toMatchObject({ [`${FIXTURE_USERNAME}/password`]: FIXTURE_PASSWORD, [`${FIXTURE_USERNAME}/totp_secret`]: FIXTURE_TOTP_SECRET });
    const settings = await readFile(box.settings, 'utf8');
    expect(JSON.parse(settings)).toMatchObject({ secret_store: 'memo' });
    expect(settings).not.toContain(FIXTURE_PASSWORD);
    expect(settings).not.toContain(FIXTURE_TOTP_SECRET);
    // Only the moving user's secrets ever reached the plugin (the Okta session is filed as `<user>@<scheme>:<host>`).
    const owners = new Set((await log()).split('\n').filter((l) => l && l !== 'import').map((l) => l.split(' ')[1]));
    expect([...owners].every((owner) => owner === FIXTURE_USERNAME || owner!.startsWith(`${FIXTURE_USERNAME}@http:`))).toBe(true);

    const refresh = await cli(['refresh', '--json']);
    expect(refresh.stderr).toBe('');
    expect(refresh.code).toBe(0);
    expect(JSON.parse(refresh.stdout).profiles).toHaveLength(3);
    expect(await log()).toMatch(/get alice@example\.com@http:127\.0\.0\.1:\d+ okta_session\n/);

    // The same store named by the environment, with settings.json saying file.
    const viaEnv = await cli(['refresh'], { OKTA_AWS_SECRET_STORE: 'memo' });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);
  });

  it('is not loaded by commands that read no secret', async () => {
    await link('store-memo');
    expect((await cli(['init', '--store', 'memo', '--no-verify'])).code).toBe(0);
    expect((await cli(['refresh'])).code).toBe(0);
    const before = await log();
    for (const args of [['roles'], ['credential-process', 'okta-111111111111-Admin'], ['roles', '--json'], ['--help'], ['plugins']]) {
      const run = await cli(args);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
    }
    expect(await log()).toBe(before);
  });

  it('is listed by `stores`, beside the built-in ones', async () => {
    await link('store-memo');
    const run = await cli(['stores', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const stores = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    expect(stores.map((s) => s.name)).toEqual(['file', 'keyring', 'env', 'memo']);
    expect(stores[0]).toEqual({ name: 'file', package: 'okta-aws-credential-helper', writable: true, available: true, reason: null });
    expect(stores[3]).toEqual({ name: 'memo', package: 'okta-aws-store-memo', writable: true, available: true, reason: null });
    const unavailable = JSON.parse((await cli(['stores', '--json'], { MEMO_FILE: '' })).stdout) as Array<Record<string, unknown>>;
    expect(unavailable[3]).toMatchObject({ name: 'memo', available: false, reason: 'The memo store has no file. Set MEMO_FILE.' });
    const text = await cli(['stores']);
    expect(text.stdout).toMatch(/^memo +okta-aws-store-memo +read-write +available$/m);
  });
});

describe('a store nobody offers', () => {
  it('fails in one line naming the installed stores and how to install a plugin', async () => {
    await link('store-memo');
    for (const run of [await cli(['init', '--store', 'vault', '--no-verify']), await cli(['refresh'], { OKTA_AWS_SECRET_STORE: 'vault' })]) {
      expect(expectOneLine(run)).toBe(
        'okta-aws: No installed store is named "vault": the stores here are file, keyring, env, memo. ' +
          'Install the plugin that offers it (`okta-aws plugins install <package>`), or choose one of those with `okta-aws init --store NAME`.\n',
      );
    }
    // Nothing changed.
    expect(JSON.parse(await readFile(box.settings, 'utf8'))).toMatchObject({ password: FIXTURE_PASSWORD });
  });

  it('is refused before anything else when the name cannot be a store name', async () => {
    expect(expectOneLine(await cli(['init', '--store', 'My Vault']))).toMatch(/^okta-aws: --store names an unknown secret store "My Vault"\. Use one of: file, keyring, env, or the name of a store a plugin offers/);
  });
});

describe('a broken store plugin', () => {
  beforeEach(() => link('store-broken'));

  it('whose hook throws is named in one line, and the other stores still work', async () => {
    const env = { BROKEN_STORE: 'hook-throws' };
    expect(expectOneLine(await cli(['init', '--store', 'broken', '--no-verify'], env))).toContain(
      "(and plugin okta-aws-store-broken offers no store: Cannot read properties of undefined (reading 'vault'))",
    );
    const stores = await cli(['stores', '--json'], env);
    expect(stores.code).toBe(0);
    expect(stores.stderr).toBe("okta-aws: plugin okta-aws-store-broken offers no store: Cannot read properties of undefined (reading 'vault')\n");
    expect(JSON.parse(stores.stdout).map((s: { name: string }) => s.name)).toEqual(['file', 'keyring', 'env']);
    expect((await cli(['refresh'], env)).code).toBe(0);
  });

  it('whose hook never answers is given up on after OKTA_AWS_PLUGIN_TIMEOUT', async () => {
    const line = expectOneLine(await cli(['init', '--store', 'broken', '--no-verify'], { BROKEN_STORE: 'hook-hangs', OKTA_AWS_PLUGIN_TIMEOUT: '2' }));
    expect(line).toMatch(/plugin okta-aws-store-broken offers no store: (loading )?its okta-aws:secret-store hook did not finish within 2 s \(OKTA_AWS_PLUGIN_TIMEOUT\)/);
  });

  it('whose store throws fails the command in one line naming the plugin, with no stack', async () => {
    const line = expectOneLine(await cli(['refresh'], { BROKEN_STORE: 'store-throws', OKTA_AWS_SECRET_STORE: 'broken' }));
    expect(line).toBe(
      "okta-aws: The broken store (plugin okta-aws-store-broken) failed: segfault in the vault client. Check the plugin's setup (`okta-aws stores` shows whether it is available), or use `--store file`.\n",
    );
  });

  it('whose store never answers is given up on, and the process still ends', async () => {
    const line = expectOneLine(await cli(['refresh'], { BROKEN_STORE: 'store-hangs', OKTA_AWS_SECRET_STORE: 'broken', OKTA_AWS_PLUGIN_TIMEOUT: '2' }));
    expect(line).toMatch(/^okta-aws: The broken store \(plugin okta-aws-store-broken\) failed: .* did not finish within 2 s \(OKTA_AWS_PLUGIN_TIMEOUT\)\. /);
  });
});
