/**
 * Many okta-aws processes at once against the emulators, as a shell loop or an SDK fan-out makes
 * them: the credentials file ends valid and complete with every non-`okta-` byte intact, nobody
 * fails for another's lock (they wait, bounded), a SIGKILLed holder's lock is taken over at once,
 * and however many processes need fresh keys, Okta sees one login.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseIniSections } from '../../src/aws/ini-sections.js';
import { type Emulators } from '../emulators/index.js';
import { type CliResult, type Sandbox, runCli } from '../helpers/cli.js';
import { USER_CREDENTIALS, userBytesKept } from '../helpers/credentials.js';
import { switchingUser } from '../helpers/journey.js';
import { leftovers, startCli, waitFor } from './fault-helpers.js';

const PROFILES = ['okta-111111111111-Admin', 'okta-111111111111-team-dev-Deployer', 'okta-222222222222-Auditor'];
const ROLE_OF: Record<string, string> = {
  'okta-111111111111-Admin': 'arn:aws:iam::111111111111:role/Admin',
  'okta-111111111111-team-dev-Deployer': 'arn:aws:iam::111111111111:role/team/dev/Deployer',
  'okta-222222222222-Auditor': 'arn:aws:iam::222222222222:role/Auditor',
};

let emu: Emulators;
let box: Sandbox;
const cacheFile = () => join(box.env.OKTA_AWS_HOME!, 'cache', 'credentials.json');
const refreshLock = () => join(box.env.OKTA_AWS_HOME!, 'refresh.lock');

beforeEach(async () => {
  ({ emu, box } = await switchingUser());
});
afterEach(async () => {
  await Promise.all([box.cleanup(), emu.close()]);
});

/** A credential_process answer: the JSON an SDK reads, with keys STS really issued for that role. */
function expectCredentialProcess(run: CliResult, profile: string): void {
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toBe('');
  const out = JSON.parse(run.stdout);
  expect(out.Version).toBe(1);
  const issued = emu.sts.lookup(out.AccessKeyId);
  expect(issued?.roleArn).toBe(ROLE_OF[profile]);
  expect([out.SecretAccessKey, out.SessionToken]).toEqual([issued!.secretAccessKey, issued!.sessionToken]);
  expect(Date.parse(out.Expiration) - Date.now()).toBeGreaterThan(5 * 60_000);
}

/** The file parses as botocore would, holds every granted profile with live keys, and the user's bytes. */
async function expectCompleteFile(): Promise<void> {
  const text = await readFile(box.credentials, 'utf8');
  expect(userBytesKept(USER_CREDENTIALS, text)).toBe(true);
  const sections = parseIniSections(text, box.credentials).sections;
  expect(sections.map((s) => s.name).sort()).toEqual(['default', 'personal', 'work', ...PROFILES].sort());
  for (const profile of PROFILES) {
    const entries = sections.find((s) => s.name === profile)!.entries;
    const issued = emu.sts.lookup(entries.get('aws_access_key_id')!);
    expect(issued?.roleArn).toBe(ROLE_OF[profile]);
    expect(entries.get('aws_secret_access_key')).toBe(issued!.secretAccessKey);
    expect(entries.get('aws_session_token')).toBe(issued!.sessionToken);
  }
  expect(await leftovers(dirname(box.credentials), box.env.OKTA_AWS_HOME!)).toEqual([]);
}

describe('many processes at once', () => {
  it('8 refresh + 20 credential-process, after a SIGKILLed refresh left its lock: all succeed, one login', { timeout: 120_000 }, async () => {
    // A refresh killed while it holds the lock (inside STS, after its login) leaves refresh.lock behind.
    emu.sts.latencyMs = 3000;
    const victim = startCli(['refresh'], box.env);
    await waitFor(() => emu.sts.counters.inFlight > 0, 'the victim to reach STS');
    victim.child.kill('SIGKILL');
    expect((await victim.done).signal).toBe('SIGKILL');
    expect(JSON.parse(await readFile(refreshLock(), 'utf8')).pid).toBe(victim.child.pid);
    emu.sts.latencyMs = 20; // enough for the runs to overlap inside STS

    const started = Date.now();
    const refreshes = Array.from({ length: 8 }, () => runCli(['refresh'], { env: box.env, timeoutMs: 100_000 }));
    const processes = Array.from({ length: 20 }, (_, i) => {
      const profile = PROFILES[i % PROFILES.length]!;
      return runCli(['credential-process', profile], { env: box.env, timeoutMs: 100_000 }).then((run) => ({ profile, run }));
    });
    const [refreshRuns, processRuns] = await Promise.all([Promise.all(refreshes), Promise.all(processes)]);
    const elapsed = Date.now() - started;

    for (const run of refreshRuns) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).not.toMatch(/^okta-aws:/m); // no failure, no lock timeout, no warning
    }
    for (const { profile, run } of processRuns) expectCredentialProcess(run, profile);
    await expectCompleteFile();
    expect(emu.okta.counters.authn).toBe(1); // the victim's login; everyone after reused its session
    expect(emu.okta.counters.verify).toBe(1);
    expect(emu.okta.counters.mfaFailures).toBe(0);
    expect(elapsed).toBeLessThan(90_000);
  });

  it('two refreshes in a row, then ten credential-process on an expired cache: one login, one shared refresh', { timeout: 60_000 }, async () => {
    for (let i = 0; i < 2; i++) {
      const run = await runCli(['refresh'], { env: box.env });
      expect(run.code, run.stderr).toBe(0);
    }
    const cache = JSON.parse(await readFile(cacheFile(), 'utf8'));
    for (const entry of Object.values(cache.credentials) as { Expiration: string }[]) entry.Expiration = new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await writeFile(cacheFile(), JSON.stringify(cache));
    const assertions = emu.okta.counters.assertionsIssued;

    const runs = await Promise.all(
      Array.from({ length: 10 }, (_, i) => {
        const profile = PROFILES[i % PROFILES.length]!;
        return runCli(['credential-process', profile], { env: box.env, timeoutMs: 45_000 }).then((run) => ({ profile, run }));
      }),
    );
    for (const { profile, run } of runs) expectCredentialProcess(run, profile);
    expect(emu.okta.counters.authn).toBe(1);
    expect(emu.okta.counters.verify).toBe(1);
    expect(emu.okta.counters.mfaFailures).toBe(0); // no "code used once"
    expect(emu.okta.counters.assertionsIssued - assertions).toBe(1); // the ten shared one refresh
    // All ten got the same (new) keys for a profile.
    for (const profile of PROFILES) expect(new Set(runs.filter((r) => r.profile === profile).map((r) => JSON.parse(r.run.stdout).AccessKeyId)).size).toBe(1);
    await expectCompleteFile();
  });
});

describe('a refresh killed with SIGKILL', () => {
  it('leaves a lock that the next run takes over at once, not after the 30 s staleness timeout', { timeout: 60_000 }, async () => {
    expect((await runCli(['refresh'], { env: box.env })).code).toBe(0);
    const before = await readFile(box.credentials, 'utf8');
    emu.sts.latencyMs = 5000;
    const victim = startCli(['refresh'], box.env);
    await waitFor(() => emu.sts.counters.inFlight > 0, 'the victim to reach STS');
    victim.child.kill('SIGKILL');
    await victim.done;
    expect((await stat(refreshLock())).isFile()).toBe(true); // what SIGKILL leaves: no exit handler ran
    expect(await readFile(box.credentials, 'utf8')).toBe(before); // nothing half-written

    emu.sts.latencyMs = 0;
    const started = Date.now();
    const next = await runCli(['refresh'], { env: box.env });
    expect(next.code, next.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000); // a lock held by a dead pid is broken at once; staleness alone would take 30 s
    await expectCompleteFile();
    await expect(stat(refreshLock())).rejects.toThrow();
  });
});
