import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CLIENT_ID, type Emulators, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET, FIXTURE_USERNAME, startEmulators } from '../emulators/index.js';
import { type Sandbox, runCli, sandbox } from '../helpers/cli.js';
import { writePythonSettings } from '../helpers/journey.js';

// Runs inside scripts/with-secret-service.sh: a real gnome-keyring on a private D-Bus session.
let emu: Emulators;
let box: Sandbox;

beforeEach(async () => {
  emu = await startEmulators();
  box = await sandbox(emu.env);
  for (const name of ['DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'XDG_DATA_HOME']) if (process.env[name]) box.env[name] = process.env[name];
});
afterEach(async () => {
  for (const account of ['password', 'totp_secret', 'okta_session', 'oauth_refresh_token'].map((secret) => `${FIXTURE_USERNAME}:${secret}`).concat(`${sessionOwner()}:okta_session`, `${sessionOwner()}:oauth_refresh_token`)) {
    try {
      execFileSync('secret-tool', ['clear', 'service', 'okta-aws', 'username', account], { env: box.env });
    } catch {
      // not there
    }
  }
  await Promise.all([box.cleanup(), emu.close()]);
});

const lookup = (secret: string, user: string = FIXTURE_USERNAME) =>
  execFileSync('secret-tool', ['lookup', 'service', 'okta-aws', 'username', `${user}:${secret}`], { env: box.env, encoding: 'utf8' });
/** The Okta session is filed per (SSO origin, user). */
const sessionOwner = () => `${FIXTURE_USERNAME}@${new URL(emu.okta.url).protocol}${new URL(emu.okta.url).host}`;

describe('the keyring store through the CLI', () => {
  it('keeps the device flow\'s refresh token in the keyring, rotated on every use, and in no file', async () => {
    emu.okta.oauth.knobs.interval = 1;
    const init = await runCli(['init', '--store', 'keyring', '--sso-url', emu.okta.ssoUrl, '--username', FIXTURE_USERNAME, '--flow', 'device', '--client-id', DEFAULT_CLIENT_ID], { env: box.env });
    expect(init.code, init.stderr).toBe(0);
    const first = lookup('oauth_refresh_token', sessionOwner());
    expect(first.length).toBeGreaterThan(20);
    const refresh = await runCli(['refresh', '--json'], { env: box.env });
    expect(refresh.code, refresh.stderr).toBe(0);
    const second = lookup('oauth_refresh_token', sessionOwner());
    expect(second).not.toBe(first);
    expect(emu.okta.oauth.counters).toMatchObject({ deviceAuthorizations: 1, refreshTokenUses: 1 });
    expect(existsSync(join(box.env.OKTA_AWS_HOME!, 'oauth-tokens.json'))).toBe(false);
    expect(await readFile(box.settings, 'utf8')).not.toContain(second);
  });

  it('migrates a Python settings file into the keyring, then refresh works with no secret left in settings.json', async () => {
    await writePythonSettings(box, emu);
    const init = await runCli(['init', '--store', 'keyring', '--no-verify'], { env: box.env });
    expect(init.stderr).toMatch(/Moved password, totp_secret into the keyring store/);
    expect(init.code).toBe(0);

    const settingsText = await readFile(box.settings, 'utf8');
    expect(JSON.parse(settingsText)).toMatchObject({ secret_store: 'keyring', user_name: FIXTURE_USERNAME, sso_url: emu.okta.ssoUrl });
    expect(settingsText).not.toContain(FIXTURE_PASSWORD);
    expect(settingsText).not.toContain(FIXTURE_TOTP_SECRET);
    expect(lookup('password')).toBe(FIXTURE_PASSWORD);
    expect(lookup('totp_secret')).toBe(FIXTURE_TOTP_SECRET);

    const refresh = await runCli(['refresh', '--json'], { env: box.env });
    expect(refresh.stderr).toBe('');
    expect(refresh.code).toBe(0);
    expect(JSON.parse(refresh.stdout).profiles).toHaveLength(3);
    // The Okta session cookie went to the keyring too, not to a file.
    const sid = lookup('okta_session', sessionOwner());
    expect(sid.length).toBeGreaterThan(10);
    expect(await readFile(box.settings, 'utf8')).not.toContain(sid);

    // And back: nothing lost.
    const back = await runCli(['init', '--store', 'file', '--no-verify'], { env: box.env });
    expect(back.code).toBe(0);
    const restored = JSON.parse(await readFile(box.settings, 'utf8'));
    expect(restored).toMatchObject({ password: FIXTURE_PASSWORD, google_2fa_totp: FIXTURE_TOTP_SECRET, secret_store: 'file' });
    expect(() => lookup('password')).toThrow();
  });
});
