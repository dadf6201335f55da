import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulators, startEmulators } from '../emulators/index.js';
import { CLI, type Sandbox, runCli, sandbox } from '../helpers/cli.js';
import { writePythonSettings } from '../helpers/journey.js';

let emu: Emulators;
let box: Sandbox;
const cacheFile = () => join(box.env.OKTA_AWS_HOME!, 'cache', 'credentials.json');

beforeEach(async () => {
  emu = await startEmulators();
  box = await sandbox(emu.env);
  await writePythonSettings(box, emu);
});
afterEach(async () => {
  await Promise.all([box.cleanup(), emu.close()]);
});

/** Makes every cached credential look like it expires in `seconds`. */
async function ageCache(seconds: number): Promise<void> {
  const cache = JSON.parse(await readFile(cacheFile(), 'utf8'));
  for (const entry of Object.values(cache.credentials) as { Expiration: string }[]) {
    entry.Expiration = new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  await writeFile(cacheFile(), JSON.stringify(cache));
}

describe('Okta session reuse', () => {
  it('a second refresh uses the live session: no password, no MFA', async () => {
    expect((await runCli(['refresh'], { env: box.env })).code).toBe(0);
    expect(emu.okta.counters.authn).toBe(1);
    expect(emu.okta.counters.verify).toBe(1);
    const second = await runCli(['refresh'], { env: box.env });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('Reused the Okta session (no password, no MFA)');
    expect(emu.okta.counters.authn).toBe(1);
    expect(emu.okta.counters.verify).toBe(1);
    expect(emu.okta.counters.assertionsIssued).toBe(2);
  });

  // A second login may wait for the next 30 s TOTP step: the tool never sends a step twice.
  it('logs in again, once, when the session has ended', { timeout: 60_000 }, async () => {
    expect((await runCli(['refresh'], { env: box.env })).code).toBe(0);
    emu.okta.expireAllSessions();
    const again = await runCli(['refresh'], { env: box.env, timeoutMs: 45_000 });
    expect(again.code).toBe(0);
    expect(emu.okta.counters.authn).toBe(2);
    expect(emu.okta.counters.verify).toBe(2);
  });
});

describe('credential-process', () => {
  it('serves the cache while fresh, without touching Okta or STS', async () => {
    expect((await runCli(['refresh'], { env: box.env })).code).toBe(0);
    const before = { okta: emu.okta.counters.ssoPages, sts: emu.sts.counters.total };
    const run = await runCli(['credential-process', 'okta-111111111111-Admin'], { env: box.env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(Object.keys(out)).toEqual(['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']);
    expect(out.Version).toBe(1);
    expect(out.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(emu.sts.lookup(out.AccessKeyId)?.roleArn).toBe('arn:aws:iam::111111111111:role/Admin');
    expect({ okta: emu.okta.counters.ssoPages, sts: emu.sts.counters.total }).toEqual(before);
  });

  it('refreshes (reusing the Okta session) when less than 5 minutes are left', async () => {
    expect((await runCli(['refresh'], { env: box.env })).code).toBe(0);
    await ageCache(240);
    const run = await runCli(['credential-process', 'okta-111111111111-Admin'], { env: box.env });
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(Date.parse(out.Expiration) - Date.now()).toBeGreaterThan(3600_000);
    expect(emu.okta.counters.authn).toBe(1); // the session was reused
  });

  it('works from nothing, and never waits on an open stdin', async () => {
    const child = spawn(process.execPath, [CLI, 'credential-process', 'okta-222222222222-Auditor'], { env: box.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(JSON.parse(stdout).AccessKeyId).toMatch(/^ASIA/);
  });

  it('an unknown profile is one clear line and a non-zero exit', async () => {
    const run = await runCli(['credential-process', 'okta-999999999999-Nope'], { env: box.env });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^okta-aws: okta-999999999999-Nope is not one of your Okta roles\. Run `okta-aws roles`/);
  });
});

describe('refresh --mode process', () => {
  it('writes quoted absolute credential_process lines and remembers the mode', async () => {
    const run = await runCli(['refresh', '--mode', 'process'], { env: box.env });
    expect(run.code).toBe(0);
    const text = await readFile(box.credentials, 'utf8');
    expect(text).toContain(`[okta-111111111111-Admin]\ncredential_process = "${process.execPath}" "${CLI}" credential-process okta-111111111111-Admin\nregion = ap-southeast-2\n`);
    expect(text).not.toContain('aws_secret_access_key');
    expect(JSON.parse(await readFile(box.settings, 'utf8')).mode).toBe('process');
    expect((await runCli(['refresh'], { env: box.env })).code).toBe(0);
    expect(await readFile(box.credentials, 'utf8')).toBe(text);
  });
});

describe('the prerun hook', () => {
  it('refreshes a profile that expires within 5 minutes before roles, with one line on stderr', async () => {
    expect((await runCli(['refresh'], { env: box.env })).code).toBe(0);
    await ageCache(120);
    const run = await runCli(['roles', '--json'], { env: box.env });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^okta-aws: credentials for 3 profiles expire within 5 minutes; refreshing\n$/);
    const roles = JSON.parse(run.stdout);
    expect(roles).toHaveLength(3);
    for (const role of roles) expect(Date.parse(role.expiration) - Date.now()).toBeGreaterThan(3000_000);
  });

  it('does nothing when everything is fresh', async () => {
    expect((await runCli(['refresh'], { env: box.env })).code).toBe(0);
    const pages = emu.okta.counters.ssoPages;
    const run = await runCli(['roles'], { env: box.env });
    expect(run.stderr).toBe('');
    expect(emu.okta.counters.ssoPages).toBe(pages);
  });
});
