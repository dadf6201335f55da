/**
 * The fault matrix, part 3: what a failure looks like. Without a terminal (CI logs, the message an
 * SDK shows when credential_process fails) a failure reads as one line: no per-role progress, at
 * most one line per step and none for a failed step, an error shared by every role said once, the
 * `okta-aws:` line last. On a terminal the ✖ line does not repeat what the last line says. The
 * progress line says what the login used.
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulators, FIXTURE_USERS } from '../emulators/index.js';
import { type CliResult, type Sandbox, runCli } from '../helpers/cli.js';
import { USER_CREDENTIALS } from '../helpers/credentials.js';
import { switchingUser, writePythonSettings } from '../helpers/journey.js';
import { plain, runPty } from '../helpers/pty.js';
import { expectFailure, failureLine, leftovers } from './fault-helpers.js';

let emu: Emulators;
let box: Sandbox;

beforeEach(async () => {
  ({ emu, box } = await switchingUser());
});
afterEach(async () => {
  await Promise.all([box.cleanup(), emu.close()]);
});

const refresh = (args: string[] = []) => runCli(['refresh', ...args], { env: box.env, timeoutMs: 45_000 });
/** stderr's lines, without the TOTP wait a run may or may not need (it depends on the clock). */
const lines = (run: CliResult) =>
  run.stderr
    .trimEnd()
    .split('\n')
    .filter((line) => !/^ {2}waiting \d+ s for the next TOTP code/.test(line));

async function expectUntouched(): Promise<void> {
  expect(await readFile(box.credentials, 'utf8')).toBe(USER_CREDENTIALS);
  expect(await leftovers(dirname(box.credentials))).toEqual([]);
}

describe('without a terminal, a failure reads as one line', () => {
  it('an expired assertion for every role: the sign-in line, then the one failure line', async () => {
    emu.sts.faults.add({ kind: 'ExpiredTokenException', count: 0 });
    const run = await refresh();
    expectFailure(run, { what: /All 3 roles failed; first: STS refused .*ExpiredTokenException/, next: /check this machine's clock/ });
    expect(lines(run)).toEqual([`✔ Signed in to Okta as ${FIXTURE_USERS.alice} (password + TOTP)`, expect.stringMatching(/^okta-aws: All 3 roles failed/)]);
    expect(run.stderr.match(/Token must be redeemed/g)).toHaveLength(1);
    await expectUntouched();
  });

  it('one role refused: no per-role lines, no ✔ for the STS step, the failure last', async () => {
    emu.sts.faults.add({ kind: 'AccessDenied', count: 0, roleArn: 'arn:aws:iam::111111111111:role/Admin' });
    const run = await refresh();
    expect(run.code).toBe(1);
    failureLine(run);
    expect(lines(run)).toEqual([
      `✔ Signed in to Okta as ${FIXTURE_USERS.alice} (password + TOTP)`,
      `✔ Wrote ${box.credentials}`,
      'Removed profiles no longer granted: okta-111111111111-Old',
      expect.stringMatching(/^okta-aws: 1 of 3 roles failed; first: STS refused arn:aws:iam::111111111111:role\/Admin: AccessDenied/),
    ]);
    expect(run.stderr).not.toMatch(/okta-111111111111-team-dev-Deployer|Assuming/);
  });

  it('a failed sign-in: only the failure line, no progress line for the step that failed', async () => {
    emu.okta.faults.add({ kind: 'serverError', path: '/api/v1/authn' });
    const run = await refresh();
    expectFailure(run, { what: /answered HTTP 500/, next: /try again in a minute/ });
    expect(lines(run)).toHaveLength(1);
    await expectUntouched();
  });

  it('a run that works shows one line per step', async () => {
    const run = await refresh();
    expect(run.code).toBe(0);
    expect(lines(run)).toEqual([
      `✔ Signed in to Okta as ${FIXTURE_USERS.alice} (password + TOTP)`,
      '✔ Assuming 3 roles through STS',
      `✔ Wrote ${box.credentials}`,
      'Removed profiles no longer granted: okta-111111111111-Old',
    ]);
  });
});

describe('the progress line says what the login used', () => {
  it('"(password)" for a user Okta asks no second factor of', async () => {
    await writePythonSettings(box, emu, { user_name: FIXTURE_USERS.noMfa });
    const run = await refresh();
    expect(run.code, run.stderr).toBe(0);
    expect(lines(run)[0]).toBe(`✔ Signed in to Okta as ${FIXTURE_USERS.noMfa} (password)`);
    expect(emu.okta.counters.verify).toBe(0);
  });

  it('"(no password, no MFA)" when the Okta session is reused', async () => {
    expect((await refresh()).code).toBe(0);
    const again = await refresh();
    expect(lines(again)[0]).toBe('✔ Reused the Okta session (no password, no MFA)');
  });
});

/** The CLI on a pseudo-terminal, its output as a person reads it. */
async function onTerminal(args: string[]): Promise<{ code: number | null; output: string }> {
  const { code, output } = await runPty(args, { env: box.env, columns: 200, timeoutMs: 45_000 }).done;
  return { code, output: plain(output).replace(/\r/g, '') };
}

describe('on a terminal', () => {
  it('the failure is said once, by the last line, not also by the ✖ line', async () => {
    emu.sts.faults.add({ kind: 'ExpiredTokenException', count: 0 });
    const run = await onTerminal(['refresh']);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/✖ okta-111111111111-Admin/); // the roles that failed are marked …
    expect(run.output.match(/Token must be redeemed/g), run.output).toHaveLength(1); // … and the reason said once
    expect(run.output.trimEnd().split('\n').at(-1)).toMatch(/^okta-aws: All 3 roles failed; first: STS refused .*Token must be redeemed/);
    await expectUntouched();
  });

  it('a failed sign-in: ✖ on the step, the reason only on the last line', async () => {
    emu.okta.faults.add({ kind: 'serverError', path: '/api/v1/authn' });
    const run = await onTerminal(['refresh']);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/✖ Signing in to Okta as alice@example\.com/);
    expect(run.output.match(/answered HTTP 500/g), run.output).toHaveLength(1);
    await expectUntouched();
  });
});
