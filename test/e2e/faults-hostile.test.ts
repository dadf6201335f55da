/**
 * The fault matrix, hostile text: an Okta org (or anything posing as one) whose error summaries,
 * role values and device names carry terminal control sequences: a window-title set
 * (`ESC ]0;…BEL`), a screen clear (`ESC [2J`), a carriage return that would overwrite the line
 * with a forged one. Every path that echoes remote text (the failure line, the push prompts via
 * the reporter) must show them as escapes, never send them to the terminal.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT_ID, type Emulators, FIXTURE_PASSWORD, FIXTURE_ROLES, FIXTURE_TOTP_SECRET, FIXTURE_USERNAME, startEmulators } from '../emulators/index.js';
import { type CliResult, type Sandbox, runCli, sandbox } from '../helpers/cli.js';
import { seedUserCredentials, USER_CREDENTIALS } from '../helpers/credentials.js';
import { writePythonSettings } from '../helpers/journey.js';
import { expectFailure } from './fault-helpers.js';

const TITLE = '\u001b]0;pwned\u0007';
const CLEAR = '\u001b[2J';
const FORGED = '\rokta-aws: all good';
/** What the hostile text must look like once printed: each control character as its escape. */
const SHOWN = { title: '\\x1b]0;pwned\\x07', clear: '\\x1b[2J', forged: '\\x0dokta-aws: all good' };

const MALLORY = 'mallory@example.com';
const DEVICE = `Mallory${TITLE}${CLEAR}'s phone${FORGED}`;
const HOSTILE_ROLE = `arn:aws:iam::111111111111:role/Admin${TITLE}${CLEAR}`;
const ROLE_USER = 'roles@example.com';

let emu: Emulators;
let box: Sandbox;

beforeEach(async () => {
  emu = await startEmulators({
    extraUsers: [
      { login: MALLORY, password: FIXTURE_PASSWORD, factors: ['push'], pushDevices: [DEVICE], roles: FIXTURE_ROLES.slice(0, 1) },
      { login: ROLE_USER, password: FIXTURE_PASSWORD, totpSecret: FIXTURE_TOTP_SECRET, roles: [{ ...FIXTURE_ROLES[0]!, roleArn: HOSTILE_ROLE }] },
    ],
  });
  box = await sandbox(emu.env);
  await seedUserCredentials(box.credentials);
});
afterEach(async () => {
  await Promise.all([box.cleanup(), emu.close()]);
});

const refresh = (extraEnv: NodeJS.ProcessEnv = {}) => runCli(['refresh'], { env: { ...box.env, ...extraEnv }, timeoutMs: 45_000 });

/** Settings for a user who keeps only a password (push, or no MFA at all). */
async function passwordSettings(user: string): Promise<void> {
  await mkdir(dirname(box.settings), { recursive: true, mode: 0o700 });
  await writeFile(box.settings, JSON.stringify({ sso_url: emu.okta.ssoUrl, region: 'ap-southeast-2', user_name: user, password: FIXTURE_PASSWORD }), { mode: 0o600 });
}

/** No control character but line ends and tabs reached either stream. */
function expectNoControls(run: CliResult): void {
  // eslint-disable-next-line no-control-regex -- looking for control characters is the point
  const controls = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/; // tabs separate columns of data
  expect(run.stderr, JSON.stringify(run.stderr)).not.toMatch(controls);
  expect(run.stdout, JSON.stringify(run.stdout)).not.toMatch(controls);
}

describe('remote text with terminal control sequences is shown, never obeyed', () => {
  it("an Okta error summary: the failure line shows the escapes, on one line", async () => {
    await writePythonSettings(box, emu);
    emu.okta.faults.add({ kind: 'oktaError', path: '/api/v1/authn', status: 400, summary: `Denied ${TITLE}${CLEAR}${FORGED}` });
    const run = await refresh();
    expectNoControls(run);
    const line = expectFailure(run, { what: /^Okta refused the request: Denied /, next: /./ });
    expect(line).toContain(`Denied ${SHOWN.title}${SHOWN.clear}${SHOWN.forged}`);
    expect(await readFile(box.credentials, 'utf8')).toBe(USER_CREDENTIALS);
    expect(emu.sts.counters.total).toBe(0);
  });

  it('a role value in the SAML assertion: refused, and quoted with its escapes', async () => {
    await writePythonSettings(box, emu, { user_name: ROLE_USER });
    const run = await refresh();
    expectNoControls(run);
    const line = expectFailure(run, { what: /SAML Role attribute value ".*" is malformed/, next: /./ });
    expect(line).toContain(`Admin${SHOWN.title}${SHOWN.clear}`);
    expect(await readFile(box.credentials, 'utf8')).toBe(USER_CREDENTIALS);
    expect(emu.sts.counters.total).toBe(0);
  });

  it("a push device's name: the prompt to approve shows the escapes, and the refresh works", { timeout: 60_000 }, async () => {
    await passwordSettings(MALLORY);
    emu.okta.users.get(MALLORY)!.config.push = { answer: 'approve', afterPolls: 1 };
    const run = await refresh();
    expect(run.code, run.stderr).toBe(0);
    expectNoControls(run);
    expect(run.stderr).toContain(`Approve the Okta Verify push on Mallory${SHOWN.title}${SHOWN.clear}'s phone${SHOWN.forged}\n`);
    expect(run.stderr.split('\n').filter((l) => l.startsWith('okta-aws: all good'))).toEqual([]);
  });

  it("a push device's name in the failure: one line, with the escapes, nothing written", { timeout: 60_000 }, async () => {
    await passwordSettings(MALLORY);
    emu.okta.users.get(MALLORY)!.config.push = { answer: 'reject', afterPolls: 1 };
    const run = await refresh();
    expectNoControls(run);
    const line = expectFailure(run, { what: /The Okta Verify push was rejected on Mallory/, next: /./ });
    expect(line).toContain(`Mallory${SHOWN.title}${SHOWN.clear}'s phone${SHOWN.forged}`);
    expect(await readFile(box.credentials, 'utf8')).toBe(USER_CREDENTIALS);
    expect(emu.sts.counters.total).toBe(0);
  });
});

describe('the device-login prompt of an Identity Engine org', () => {
  it('shows the user code and URL Okta sends with their escapes, and the login still works', { timeout: 60_000 }, async () => {
    const idx = await startEmulators({ okta: { pipeline: 'idx' } });
    const home = await sandbox(idx.env);
    try {
      Object.assign(idx.okta.oauth.knobs, { classicLogin: false, interval: 1, userCodeSuffix: `${TITLE}${CLEAR}${FORGED}` });
      const run = await runCli(['init', '--sso-url', idx.okta.ssoUrl, '--username', FIXTURE_USERNAME, '--flow', 'device', '--client-id', DEFAULT_CLIENT_ID], {
        env: { ...home.env, OKTA_AWS_NO_BROWSER: '1' },
        timeoutMs: 45_000,
      });
      expect(run.code, run.stderr).toBe(0);
      expectNoControls(run);
      const shown = `${SHOWN.title}${SHOWN.clear}${SHOWN.forged}`;
      expect(run.stderr).toContain(`?user_code=`);
      expect(run.stderr.split('\n').filter((l) => l.startsWith('To sign in to Okta, open ') || l.startsWith('and check that it shows the code '))).toEqual([
        expect.stringMatching(new RegExp(`^To sign in to Okta, open http://\\S+/activate\\?user_code=[A-Z]{8}${escapeRegExp(shown)}$`)),
        expect.stringMatching(new RegExp(`^and check that it shows the code [A-Z]{8}${escapeRegExp(shown)} \\(valid for \\d+ min\\)\\.$`)),
      ]);
    } finally {
      await Promise.all([home.cleanup(), idx.close()]);
    }
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
