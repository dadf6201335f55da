import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulators, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET, FIXTURE_USERNAME, startEmulators } from '../emulators/index.js';
import { type Sandbox, runCli, sandbox } from '../helpers/cli.js';
import { writePythonSettings } from '../helpers/journey.js';
import { type PassHome, passHome } from '../helpers/pass.js';

// The whole journey with the pass plugin and Debian's real pass + gpg (`npm run test:pass`).
const PLUGIN = fileURLToPath(new URL('../../plugins/store-pass', import.meta.url));
let emu: Emulators;
let box: Sandbox;
let home: PassHome;

beforeAll(async () => {
  [emu, home] = await Promise.all([startEmulators(), passHome()]);
  box = await sandbox({ ...emu.env, ...home.env });
});
afterAll(() => Promise.all([box.cleanup(), emu.close(), home.cleanup()]));

const show = (secret: string, user: string = FIXTURE_USERNAME) => home.pass(['show', `okta-aws/${user}/${secret}`]).replace(/\n$/, '');
/** The Okta session is filed per (SSO origin, user). */
const sessionOwner = () => `${FIXTURE_USERNAME}@${new URL(emu.okta.url).protocol}${new URL(emu.okta.url).host}`;
const cli = (args: string[]) => runCli(args, { env: box.env, timeoutMs: 60_000 });

describe('okta-aws with the pass store plugin', () => {
  it('links the plugin, moves the secrets into pass and back, and fails in one line once the plugin is gone', async () => {
    const link = await cli(['plugins', 'link', PLUGIN]);
    expect(link.code).toBe(0);
    const stores = await cli(['stores', '--json']);
    expect(stores.code).toBe(0);
    expect(JSON.parse(stores.stdout)).toContainEqual({ name: 'pass', package: 'okta-aws-store-pass', writable: true, available: true, reason: null });

    // The Python tool's settings, secrets and all; `init --store pass` logs in and moves them.
    await writePythonSettings(box, emu);
    const init = await cli(['init', '--store', 'pass']);
    expect(init.stderr).toContain('Moved password, totp_secret, okta_session into the pass store.');
    expect(init.code).toBe(0);
    expect(show('password')).toBe(FIXTURE_PASSWORD);
    expect(show('totp_secret')).toBe(FIXTURE_TOTP_SECRET);
    const settingsText = await readFile(box.settings, 'utf8');
    expect(JSON.parse(settingsText)).toEqual({ sso_url: emu.okta.ssoUrl, region: 'ap-southeast-2', user_name: FIXTURE_USERNAME, secret_store: 'pass' });

    // refresh reads what it needs from pass, and keeps the new Okta session there.
    const refresh = await cli(['refresh', '--json']);
    expect(refresh.stderr).toBe('');
    expect(refresh.code).toBe(0);
    expect(JSON.parse(refresh.stdout).profiles).toHaveLength(3);
    const sid = show('okta_session', sessionOwner());
    expect(sid.length).toBeGreaterThan(10);
    for (const secret of [FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET, sid]) expect(await readFile(box.settings, 'utf8')).not.toContain(secret);

    // And back: every secret returns to settings.json and leaves pass.
    const back = await cli(['init', '--store', 'file', '--no-verify']);
    expect(back.stderr).toContain('Moved password, totp_secret, okta_session into the file store.');
    expect(back.code).toBe(0);
    expect(JSON.parse(await readFile(box.settings, 'utf8'))).toMatchObject({ password: FIXTURE_PASSWORD, google_2fa_totp: FIXTURE_TOTP_SECRET, secret_store: 'file' });
    expect(() => show('password')).toThrow();
    expect(() => show('totp_secret')).toThrow();

    const uninstall = await cli(['plugins', 'uninstall', 'okta-aws-store-pass']);
    expect(uninstall.code).toBe(0);
    const gone = await cli(['init', '--store', 'pass', '--no-verify']);
    expect(gone.code).toBe(1);
    expect(gone.stdout).toBe('');
    expect(gone.stderr).toBe(
      'okta-aws: No installed store is named "pass": the stores here are file, keyring, env. ' +
        'Install the plugin that offers it (`okta-aws plugins install <package>`), or choose one of those with `okta-aws init --store NAME`.\n',
    );
    // Nothing changed: the secrets are still in settings.json.
    expect(JSON.parse(await readFile(box.settings, 'utf8'))).toMatchObject({ password: FIXTURE_PASSWORD, secret_store: 'file' });
  });
});
