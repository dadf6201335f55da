import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulators, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET, FIXTURE_USERS, startEmulators } from '../emulators/index.js';
import { type Sandbox, runCli, sandbox } from '../helpers/cli.js';
import { plain, runPty } from '../helpers/pty.js';

// Issue 12 item 8: after a refusal, init asks again for just what Okta refused; without a terminal,
// a missing answer names its flag or variable, and a refusal's next step fits init.

let emu: Emulators;
let box: Sandbox;

beforeEach(async () => {
  emu = await startEmulators();
  box = await sandbox(emu.env);
});
afterEach(async () => {
  await box.cleanup();
  await emu.close();
});

const count = (text: string, needle: string) => text.split(needle).length - 1;
const settings = async () => JSON.parse(await readFile(box.settings, 'utf8')) as Record<string, unknown>;
const args = () => ['init', '--sso-url', emu.okta.ssoUrl, '--username', FIXTURE_USERS.alice, '--region', 'eu-west-1'];

describe('init on a terminal, after Okta refuses an answer', () => {
  it('asks for the password again and keeps the TOTP secret that was typed', async () => {
    const run = runPty(args(), { env: box.env });
    await run.waitFor('Okta password');
    run.type('not the password\r');
    await run.waitFor('TOTP secret');
    run.type(`${FIXTURE_TOTP_SECRET}\r`);
    await run.waitFor(/Okta rejected the username or password[^\n]*Type again/);
    run.type('\r'); // the first choice: the password only
    await run.waitFor(/Type again[\s\S]*\? Okta password/);
    run.type(`${FIXTURE_PASSWORD}\r`);
    const { code, output } = await run.done;
    const text = plain(output);
    expect(code, text).toBe(0);
    expect(count(text, '✔ TOTP secret (base32')).toBe(1); // never asked twice
    expect(count(text, '✔ Okta password')).toBe(2);
    expect(text).toContain('the password (the other answers are kept)');
    expect(text).toMatch(/Saved \S+settings\.json/);
    expect(text).not.toMatch(/with `okta-aws init`/); // no advice to run the command that is running
    expect(text).not.toContain(FIXTURE_PASSWORD);
    expect(await settings()).toMatchObject({ user_name: FIXTURE_USERS.alice, password: FIXTURE_PASSWORD, google_2fa_totp: FIXTURE_TOTP_SECRET, region: 'eu-west-1' });
  });

  it('asks for the TOTP secret again and keeps the password that was typed', async () => {
    const run = runPty(args(), { env: box.env, timeoutMs: 60_000 });
    await run.waitFor('Okta password');
    run.type(`${FIXTURE_PASSWORD}\r`);
    await run.waitFor('TOTP secret');
    run.type('JBSWY3DPEHPK3PXP\r'); // well-formed, but not this user's secret
    await run.waitFor(/Okta refused the TOTP code[^\n]*Type again/);
    run.type('\r');
    await run.waitFor(/Type again[\s\S]*\? TOTP secret \(base32/);
    run.type(`${FIXTURE_TOTP_SECRET}\r`);
    const { code, output } = await run.done;
    const text = plain(output);
    expect(code, text).toBe(0);
    expect(count(text, '✔ Okta password')).toBe(1);
    expect(count(text, '✔ TOTP secret (base32')).toBe(2);
    expect(await settings()).toMatchObject({ password: FIXTURE_PASSWORD, google_2fa_totp: FIXTURE_TOTP_SECRET });
  }, 70_000);

  it('stops when asked to, saving nothing, with a next step that fits', async () => {
    const run = runPty(args(), { env: box.env });
    await run.waitFor('Okta password');
    run.type('not the password\r');
    await run.waitFor('TOTP secret');
    run.type(`${FIXTURE_TOTP_SECRET}\r`);
    await run.waitFor(/Type again/);
    run.type('\x1b[B\x1b[B\r'); // down twice: stop
    const { code, output } = await run.done;
    const last = plain(output).trim().split('\n').at(-1);
    expect(code).toBe(1);
    expect(last).toMatch(/^okta-aws: Okta rejected the username or password for \S+ \(E0000004\)\. Nothing was saved: check the username and password, then run `okta-aws init` again\.$/);
    await expect(readFile(box.settings)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('init without a terminal', () => {
  it('names the flag or variable of a missing answer', async () => {
    const noUrl = await runCli(['init', '--username', FIXTURE_USERS.alice], { env: box.env });
    expect(noUrl.code).toBe(1);
    expect(noUrl.stderr).toBe('okta-aws: No terminal to ask for the Okta SSO URL. Pass --sso-url or set OKTA_AWS_SSO_URL, then run `okta-aws init` again.\n');
    const noPassword = await runCli(args(), { env: box.env });
    expect(noPassword.code).toBe(1);
    expect(noPassword.stderr).toBe('okta-aws: No terminal to ask for the Okta password. Set OKTA_AWS_PASSWORD in the environment, then run `okta-aws init` again.\n');
  });

  it('a refused password names where it came from and saves nothing', async () => {
    const run = await runCli(args(), { env: { ...box.env, OKTA_AWS_PASSWORD: 'not the password', OKTA_AWS_TOTP_SECRET: FIXTURE_TOTP_SECRET } });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n').at(-1)).toBe(
      `okta-aws: Okta rejected the username or password for ${FIXTURE_USERS.alice} (E0000004). Nothing was saved: check the username and password (--username, OKTA_AWS_PASSWORD), then run \`okta-aws init\` again.`,
    );
    await expect(readFile(box.settings)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
