/**
 * The bad-input and fault matrix, part 2: STS refusing, the credentials file and its folder, a write
 * that fails halfway, and Ctrl-C in the middle of a refresh. Each failure: an exit code, one
 * `okta-aws:` line (what happened, what to do), the credentials file byte-identical, no lock or temp
 * file left. Part 1 (settings, Okta, SAML) is faults.test.ts.
 *
 * We run as root, so chmod cannot make anything unwritable. What does stop root, and is used here:
 * - a credentials path whose parent is a regular FILE (ENOTDIR, on every platform);
 * - `chattr +i` (the ext2/3/4 immutable attribute: no new entries in a folder, no rename over a
 *   file, even for root). Those tests run only where `chattr +i` works (ext4/xfs/btrfs with
 *   CAP_LINUX_IMMUTABLE) and are skipped elsewhere (tmpfs, overlayfs without it, non-root).
 */
import { execFileSync } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulators } from '../emulators/index.js';
import { type Sandbox, runCli } from '../helpers/cli.js';
import { USER_CREDENTIALS } from '../helpers/credentials.js';
import { switchingUser } from '../helpers/journey.js';
import { expectFailure, failureLine, leftovers, startCli, waitFor } from './fault-helpers.js';

let emu: Emulators;
let box: Sandbox;
/** Paths given `chattr +i` by a test: cleared again whatever happens, or the sandbox cannot be removed. */
const immutable: string[] = [];

beforeEach(async () => {
  ({ emu, box } = await switchingUser());
});
afterEach(async () => {
  for (const path of immutable.splice(0)) chattr('-i', path);
  await Promise.all([box.cleanup(), emu.close()]);
});

function chattr(flag: '+i' | '-i', path: string): void {
  execFileSync('chattr', [flag, path], { stdio: 'ignore' });
  if (flag === '+i') immutable.push(path);
}

/** Whether `chattr +i` really stops this process (root) from writing, here in the temp folder. */
async function immutableWorks(): Promise<boolean> {
  const dir = await mkdtemp(join(tmpdir(), 'okta-aws-chattr-'));
  try {
    execFileSync('chattr', ['+i', dir], { stdio: 'ignore' });
    try {
      await writeFile(join(dir, 'probe'), 'x');
      return false;
    } catch {
      return true;
    } finally {
      execFileSync('chattr', ['-i', dir], { stdio: 'ignore' });
    }
  } catch {
    return false;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
const canChattr = await immutableWorks();
const chattrNote = canChattr ? '' : ' [skipped: chattr +i needs root and a filesystem that keeps the immutable flag]';

const refresh = (args: string[] = []) => runCli(['refresh', ...args], { env: box.env, timeoutMs: 45_000 });
const cacheFile = () => join(box.env.OKTA_AWS_HOME!, 'cache', 'credentials.json');

async function expectUntouched(): Promise<void> {
  expect(await readFile(box.credentials, 'utf8')).toBe(USER_CREDENTIALS);
  expect(await leftovers(dirname(box.credentials))).toEqual([]);
}

describe('STS refusing', () => {
  it('AccessDenied for every role: nothing is written, and the hint is the trust policy', async () => {
    emu.sts.faults.add({ kind: 'AccessDenied', count: 0 });
    const line = expectFailure(await refresh(), {
      what: /All 3 roles failed; first: STS refused arn:aws:iam::111111111111:role\/Admin: AccessDenied/,
      next: /Ask your AWS admin to let the role's trust policy allow sts:AssumeRoleWithSAML/,
    });
    expect(line).not.toMatch(/other profiles were written/); // there are none
    await expectUntouched();
  });

  it('an STS that never answers: OKTA_AWS_HTTP_TIMEOUT bounds the wait', async () => {
    emu.sts.latencyMs = 20_000;
    const started = Date.now();
    const run = await runCli(['refresh'], { env: { ...box.env, OKTA_AWS_HTTP_TIMEOUT: '2' }, timeoutMs: 30_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expectFailure(run, { what: /No answer from STS .* within 2 s/, next: /OKTA_AWS_HTTP_TIMEOUT|network|proxy/ });
    await expectUntouched();
  });

  it('ExpiredTokenException: the hint is the clock', async () => {
    emu.sts.faults.add({ kind: 'ExpiredTokenException', count: 0 });
    expectFailure(await refresh(), { what: /STS refused .*ExpiredTokenException: Token must be redeemed within 5 minutes/, next: /check this machine's clock, then run `okta-aws refresh`/ });
    await expectUntouched();
  });

  it("a duration error: every role's MaxSessionDuration is below what the ladder tries", async () => {
    for (const role of ['arn:aws:iam::111111111111:role/Admin', 'arn:aws:iam::111111111111:role/team/dev/Deployer', 'arn:aws:iam::222222222222:role/Auditor'])
      emu.sts.roles[role] = { maxSessionDuration: 900 };
    expectFailure(await refresh(), {
      what: /ValidationError: The requested DurationSeconds exceeds the MaxSessionDuration/,
      next: /ask for less with `okta-aws refresh --duration 900`, or ask your AWS admin to raise its MaxSessionDuration/,
    });
    await expectUntouched();
    // ... and the advice works.
    const retry = await refresh(['--duration', '900']);
    expect(retry.code).toBe(0);
  });

  it('one role refused: the others are written, its old profile is kept as it was, exit 1', async () => {
    expect((await refresh()).code).toBe(0);
    const good = await readFile(box.credentials, 'utf8');
    const adminBefore = /\[okta-111111111111-Admin\][^[]*/.exec(good)![0];
    emu.sts.faults.add({ kind: 'AccessDenied', count: 0, roleArn: 'arn:aws:iam::111111111111:role/Admin' });
    const run = await refresh();
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('okta-222222222222-Auditor');
    const line = failureLine(run);
    expect(line).toMatch(/1 of 3 roles failed; first: STS refused arn:aws:iam::111111111111:role\/Admin: AccessDenied/);
    expect(line).toMatch(/The other profiles were written; .* run `okta-aws refresh` again/);
    const after = await readFile(box.credentials, 'utf8');
    expect(after).toContain(adminBefore);
    expect(after).not.toBe(good); // the other two were replaced
  });
});

describe('the credentials file and its folder', () => {
  it('a credentials file that does not parse is left exactly as it is', async () => {
    const broken = `${USER_CREDENTIALS}\n[work]\nregion = us-east-1\n`; // a duplicate section: botocore refuses it too
    await writeFile(box.credentials, broken);
    expectFailure(await refresh(), { what: /credentials line 18 is not valid: .*\[work\]/, next: /okta-aws left the file unchanged/ });
    expect(await readFile(box.credentials, 'utf8')).toBe(broken);
    expect(await leftovers(dirname(box.credentials))).toEqual([]);
  });

  it('a credentials folder that cannot exist: its parent is a regular file (ENOTDIR, even for root)', async () => {
    const blocker = join(box.home, 'not-a-folder');
    await writeFile(blocker, 'I am a file\n');
    box.env.AWS_SHARED_CREDENTIALS_FILE = join(blocker, 'credentials');
    expectFailure(await refresh(), {
      what: /Cannot write the AWS credentials file .*not-a-folder\/credentials \(ENOTDIR: not a directory\)/,
      next: /is a folder and is writable .* or point AWS_SHARED_CREDENTIALS_FILE elsewhere; the file was left as it was/,
    });
    expect(await readFile(blocker, 'utf8')).toBe('I am a file\n');
  });

  it.skipIf(!canChattr)(`a credentials folder that is not writable (chattr +i: immutable, even for root)${chattrNote}`, async () => {
    // The folder of its own, so okta-aws's home (under ~/.aws) stays writable.
    const folder = join(box.home, 'aws-readonly');
    await mkdir(folder);
    box.env.AWS_SHARED_CREDENTIALS_FILE = join(folder, 'credentials');
    await writeFile(box.env.AWS_SHARED_CREDENTIALS_FILE, USER_CREDENTIALS);
    chattr('+i', folder);
    expectFailure(await refresh(), { what: /Cannot write the AWS credentials file .*aws-readonly\/credentials \(EPERM: operation not permitted\)/, next: /writable .*the file was left as it was/ });
    expect(await readFile(box.env.AWS_SHARED_CREDENTIALS_FILE, 'utf8')).toBe(USER_CREDENTIALS);
    expect(await leftovers(folder)).toEqual([]);
  });

  it.skipIf(!canChattr)(`a write that fails halfway (the rename over an immutable file): the old bytes stay, the temp file goes${chattrNote}`, async () => {
    // The temp file is created and written (the folder is writable); the rename onto the file fails.
    const seen: string[] = [];
    const watcher = watch(dirname(box.credentials), (_event, name) => name && seen.push(name));
    chattr('+i', box.credentials);
    try {
      expectFailure(await refresh(), { what: /Cannot write the AWS credentials file .*credentials \(EPERM: operation not permitted\)/, next: /the file was left as it was/ });
    } finally {
      watcher.close();
    }
    expect(seen.some((name) => /^\.credentials\.\d+\.[0-9a-f]+\.tmp$/.test(name))).toBe(true); // it got that far
    chattr('-i', box.credentials);
    immutable.splice(immutable.indexOf(box.credentials), 1);
    await expectUntouched();
  });
});

describe('Ctrl-C in the middle of a refresh', () => {
  it('exits 130 and leaves every file as it was: no half-written file, no lock, no temp file', async () => {
    expect((await refresh()).code).toBe(0);
    const credentials = await readFile(box.credentials, 'utf8');
    const cache = await readFile(cacheFile(), 'utf8');
    emu.sts.latencyMs = 5000; // holds the refresh inside STS, with every lock it takes held

    const cli = startCli(['refresh'], box.env);
    await waitFor(() => emu.sts.counters.inFlight > 0, 'the refresh to reach STS');
    await stat(join(box.env.OKTA_AWS_HOME!, 'refresh.lock')); // mid-refresh, holding the lock
    const interrupted = Date.now();
    cli.child.kill('SIGINT');
    const run = await cli.done;
    expect(Date.now() - interrupted).toBeLessThan(3000); // it did not wait for STS's 5 s
    expect(run.code).toBe(130);
    expect(run.stdout).toBe('');
    const last = run.stderr.trimEnd().split('\n').at(-1);
    expect(last).toMatch(/^okta-aws: interrupted; every file is as it was before this step\. Run the command again/);
    expect(await readFile(box.credentials, 'utf8')).toBe(credentials);
    expect(await readFile(cacheFile(), 'utf8')).toBe(cache);
    expect(await leftovers(dirname(box.credentials), box.env.OKTA_AWS_HOME!)).toEqual([]);

    // And the next run is not held up by anything the interrupted one left.
    emu.sts.latencyMs = 0;
    const next = await refresh();
    expect(next.code).toBe(0);
  });
});
