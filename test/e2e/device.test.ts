/**
 * Okta Identity Engine orgs end to end: the built CLI against an emulated idx org whose classic
 * login is refused. One browser login (the OAuth device flow, auto-approved by the emulator or by a
 * stand-in browser), then unattended refreshes with the rotating refresh token kept in the store.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_AWS_APP_INSTANCE_ID, DEFAULT_CLIENT_ID, type Emulators, FIXTURE_USERNAME, startEmulators } from '../emulators/index.js';
import { CLI, type CliResult, type Sandbox, runCli, sandbox } from '../helpers/cli.js';
import { seedUserCredentials, userBytesKept, USER_CREDENTIALS } from '../helpers/credentials.js';
import { writePythonSettings } from '../helpers/journey.js';
import { expectFailure } from './fault-helpers.js';

const PROFILES = ['okta-111111111111-Admin', 'okta-111111111111-team-dev-Deployer', 'okta-222222222222-Auditor'];
const BROWSER_STUB = fileURLToPath(new URL('../helpers/approving-browser.mjs', import.meta.url));

let emu: Emulators;
let box: Sandbox;
/** Every run's output, checked at the end for tokens. */
let outputs: string[];
const cacheFile = () => join(box.env.OKTA_AWS_HOME!, 'cache', 'credentials.json');
const tokenFile = () => join(box.env.OKTA_AWS_HOME!, 'oauth-tokens.json');
const browserLog = () => join(box.home, 'browser.log');

beforeEach(async () => {
  emu = await startEmulators({ okta: { pipeline: 'idx' } });
  Object.assign(emu.okta.oauth.knobs, { classicLogin: false, interval: 1 });
  box = await sandbox({ ...emu.env, BROWSER: `${process.execPath} ${BROWSER_STUB} ${join('HOME_PLACEHOLDER', 'browser.log')}` });
  box.env.BROWSER = box.env.BROWSER!.replace('HOME_PLACEHOLDER', box.home);
  outputs = [];
  await seedUserCredentials(box.credentials);
});
afterEach(async () => {
  await Promise.all([box.cleanup(), emu.close()]);
});

/** `debug` adds --debug: its lines start with `okta-aws:` too, so failures are checked without it. */
async function cli(args: string[], extra: NodeJS.ProcessEnv = {}, options: { debug?: boolean; timeoutMs?: number } = {}): Promise<CliResult> {
  const run = await runCli([...args, ...(options.debug ? ['--debug'] : [])], { env: { ...box.env, ...extra }, timeoutMs: options.timeoutMs ?? 30_000 });
  outputs.push(run.stdout, run.stderr);
  return run;
}

/** Runs the CLI on a pseudo-terminal (util-linux `script`), as a person at a shell would. */
function onTerminal(args: string[], extra: NodeJS.ProcessEnv = {}, timeoutMs = 30_000): Promise<CliResult> {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, CLI, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...box.env, ...extra }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      outputs.push(stdout, stderr);
      resolve({ code, signal, stdout, stderr });
    });
    // script ends the child when its own stdin ends: keep it open until the child is done.
  });
}

const initDevice = (extra: string[] = [], debug = false) =>
  cli(['init', '--sso-url', emu.okta.ssoUrl, '--username', FIXTURE_USERNAME, '--flow', 'device', '--client-id', DEFAULT_CLIENT_ID, ...extra], {}, { debug });

async function ageCache(): Promise<void> {
  const cache = JSON.parse(await readFile(cacheFile(), 'utf8'));
  for (const entry of Object.values(cache.credentials) as { Expiration: string }[]) entry.Expiration = new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  await writeFile(cacheFile(), JSON.stringify(cache));
}

function expectNoTokenIn(texts: string[]): void {
  const secrets = emu.okta.oauth.issuedSecrets();
  expect(secrets.length).toBeGreaterThan(0);
  for (const text of texts) for (const secret of secrets) expect(text.includes(secret), `a token leaked into: ${text.slice(0, 300)}`).toBe(false);
}

async function expectAllProfiles(): Promise<void> {
  const file = await readFile(box.credentials, 'utf8');
  for (const profile of PROFILES) expect(file).toContain(`[${profile}]`);
  expect(userBytesKept(USER_CREDENTIALS, file)).toBe(true);
}

describe('an Identity Engine org that refuses the classic login', () => {
  it('one browser login at init, then refreshes and credential-process on the rotating refresh token; after revocation a non-terminal call fails in one line and a terminal refresh signs in again', { timeout: 120_000 }, async () => {
    const init = await initDevice([], true);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout.trim().split('\n').map((l) => l.split('\t')[0])).toEqual(PROFILES);
    expect(init.stderr).toMatch(/open http:\/\/127\.0\.0\.1:\d+\/activate\?user_code=[A-Z]{8}\n/);
    expect(init.stderr).toMatch(/the code [A-Z]{8}/);
    const settings = JSON.parse(await readFile(box.settings, 'utf8'));
    expect(settings).toMatchObject({ login_flow: 'device', oidc_client_id: DEFAULT_CLIENT_ID, user_name: FIXTURE_USERNAME, secret_store: 'file' });
    expect(settings).not.toHaveProperty('password');
    expect(settings).not.toHaveProperty('google_2fa_totp');
    expect((await stat(tokenFile())).mode & 0o777).toBe(0o600);
    expect(emu.okta.oauth.counters).toMatchObject({ deviceAuthorizations: 1, deviceLogins: 1, tooFastPolls: 0 });
    expect(emu.okta.counters.authn).toBe(0);
    expect(existsSync(browserLog())).toBe(false); // no terminal: the URL is shown, no browser opened

    for (let i = 1; i <= 2; i++) {
      const run = await cli(['refresh'], {}, { debug: true });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain('Signed in to Okta with the refresh token (no browser)');
      expect(emu.okta.oauth.counters.refreshTokenUses).toBe(i);
    }
    await expectAllProfiles();
    expect(emu.okta.oauth.counters.deviceAuthorizations).toBe(1);
    expect(emu.okta.oauth.activeRefreshTokens()).toBe(1); // each use rotated it: only the newest works

    await ageCache();
    const cp = await cli(['credential-process', PROFILES[0]!], {}, { debug: true });
    expect(cp.code, cp.stderr).toBe(0);
    expect(emu.sts.lookup(JSON.parse(cp.stdout).AccessKeyId)?.roleArn).toBe('arn:aws:iam::111111111111:role/Admin');
    expect(emu.okta.oauth.counters).toMatchObject({ deviceAuthorizations: 1, refreshTokenUses: 3, refreshTokenRefusals: 0 });

    emu.okta.oauth.revokeAll();
    await ageCache();
    const credentialsBefore = await readFile(box.credentials, 'utf8');
    const refused = await cli(['credential-process', PROFILES[0]!]);
    expectFailure(refused, { what: /no longer accepts the stored refresh token/, next: /`okta-aws refresh` on a terminal/ });
    expect(existsSync(browserLog())).toBe(false);
    expect(emu.okta.oauth.counters.deviceAuthorizations).toBe(1);
    expect(await readFile(box.credentials, 'utf8')).toBe(credentialsBefore);

    emu.okta.oauth.knobs.approval = 'manual'; // the stand-in browser approves, as the user would
    const terminal = await onTerminal(['refresh', '--debug']);
    expect(terminal.code, terminal.stdout).toBe(0);
    expect(emu.okta.oauth.counters.deviceAuthorizations).toBe(2);
    const opened = (await readFile(browserLog(), 'utf8')).trim().split('\n');
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatch(new RegExp(`^${emu.okta.url}/activate\\?user_code=[A-Z]{8}$`));
    expect(terminal.stdout).toContain(opened[0]!.split('=')[1]); // the code shown is the one the browser got
    await expectAllProfiles();
    const after = await cli(['credential-process', PROFILES[2]!], {}, { debug: true });
    expect(after.code, after.stderr).toBe(0);

    expectNoTokenIn(outputs);
    expect(outputs.join('\n')).toContain(`okta-aws: 200 POST ${emu.okta.url}/oauth2/v1/token`); // --debug was on
  });

  it('the prerun hook refreshes on the refresh token; OKTA_AWS_NO_BROWSER=1 on a terminal shows the URL but opens no browser', { timeout: 90_000 }, async () => {
    expect((await initDevice()).code).toBe(0);
    expect((await cli(['refresh'])).code).toBe(0);
    await ageCache();
    const roles = await cli(['roles', '--json']);
    expect(roles.code, roles.stderr).toBe(0);
    expect(JSON.parse(roles.stdout)).toHaveLength(3);
    expect(emu.okta.oauth.counters).toMatchObject({ deviceAuthorizations: 1, refreshTokenUses: 2 });

    emu.okta.oauth.revokeAll();
    await ageCache();
    const hook = await cli(['roles']);
    // The hook's notice that it refreshes, then the one failure line.
    expect(hook.code).toBe(1);
    expect(hook.stdout).toBe('');
    expect(hook.stderr.trimEnd().split('\n')).toEqual([
      'okta-aws: credentials for 3 profiles expire within 5 minutes; refreshing',
      expect.stringMatching(/^okta-aws: Okta no longer accepts the stored refresh token .*`okta-aws refresh` on a terminal/),
    ]);
    const terminal = await onTerminal(['refresh'], { OKTA_AWS_NO_BROWSER: '1' }); // auto-approved, as if by another device
    expect(terminal.code, terminal.stdout).toBe(0);
    expect(terminal.stdout).toMatch(/open http:\/\/127\.0\.0\.1:\d+\/activate\?user_code=[A-Z]{8}/);
    expect(existsSync(browserLog())).toBe(false);
    expect(emu.okta.oauth.counters.deviceAuthorizations).toBe(2);
    expectNoTokenIn(outputs);
  });

  it('10 concurrent credential-process calls after expiry use the refresh token once, and all succeed', { timeout: 90_000 }, async () => {
    expect((await initDevice()).code).toBe(0);
    expect((await cli(['refresh'])).code).toBe(0);
    await ageCache();
    const uses = emu.okta.oauth.counters.refreshTokenUses;
    const runs = await Promise.all(Array.from({ length: 10 }, (_, i) => cli(['credential-process', PROFILES[i % 3]!], {}, { debug: true, timeoutMs: 60_000 })));
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(0);
      expect(Date.parse(JSON.parse(run.stdout).Expiration) - Date.now()).toBeGreaterThan(5 * 60_000);
    }
    expect(emu.okta.oauth.counters.refreshTokenUses - uses).toBe(1);
    expect(emu.okta.oauth.counters.refreshTokenRefusals).toBe(0);
    expect(emu.okta.oauth.counters.deviceAuthorizations).toBe(1);
    expectNoTokenIn(outputs);
  });

  it('names Identity Engine and the device flow when the classic login is refused', async () => {
    await writePythonSettings(box, emu);
    const run = await cli(['refresh']);
    expectFailure(run, { what: /runs Identity Engine and refused the classic password login/, next: /okta-aws init --flow device --client-id/ });
    expect(emu.okta.counters.byPath['GET /.well-known/okta-organization']).toBe(1);
    const again = await cli(['refresh']);
    expectFailure(again, { what: /Identity Engine/, next: /--flow device/ });
    expect(emu.okta.counters.byPath['GET /.well-known/okta-organization']).toBe(1); // remembered
  });

  it('OKTA_AWS_CLIENT_ID alone switches an existing classic setup to the device flow (auto)', async () => {
    await writePythonSettings(box, emu);
    const run = await cli(['refresh'], { OKTA_AWS_CLIENT_ID: DEFAULT_CLIENT_ID });
    // refresh without a terminal and without a refresh token may not start a browser login
    expectFailure(run, { what: /No Okta refresh token is stored/, next: /`okta-aws refresh` on a terminal/ });
    const init = await cli(['init'], { OKTA_AWS_CLIENT_ID: DEFAULT_CLIENT_ID });
    expect(init.code, init.stderr).toBe(0);
    expect(emu.okta.counters.authn).toBe(0);
    expect(emu.okta.oauth.counters.deviceLogins).toBe(1);
    const refresh = await cli(['refresh'], { OKTA_AWS_CLIENT_ID: DEFAULT_CLIENT_ID, OKTA_AWS_LOGIN_FLOW: 'auto' });
    expect(refresh.code, refresh.stderr).toBe(0);
    const classic = await cli(['refresh'], { OKTA_AWS_LOGIN_FLOW: 'authn' });
    expectFailure(classic, { what: /Identity Engine/, next: /--flow device/ });
  });

  it('a dashboard link as sso_url gives the app instance id without listing apps; several AWS apps are named', async () => {
    emu.okta.oauth.knobs.extraAwsApps = 1;
    const several = await initDevice();
    expectFailure(several, { what: /Okta lists 2 AWS apps for you: "AWS" http:\S+\/home\/amazon_aws\/0oa1awsapp0000000x7\/272, "AWS GovCloud 1"/, next: /okta-aws init --sso-url/ });
    expect(existsSync(box.settings)).toBe(false);
    const init = await cli(['init', '--sso-url', emu.okta.dashboardUrl, '--username', FIXTURE_USERNAME, '--flow', 'device', '--client-id', DEFAULT_CLIENT_ID]);
    expect(init.code, init.stderr).toBe(0);
    expect(emu.okta.dashboardUrl).toContain(DEFAULT_AWS_APP_INSTANCE_ID);
    expect(emu.okta.oauth.counters.appLinks).toBe(1); // only the failed init listed them
  });

  it('the env store keeps no refresh token anywhere: later calls without a terminal fail in one line', async () => {
    const init = await initDevice(['--store', 'env']);
    expect(init.code, init.stderr).toBe(0);
    expect(existsSync(tokenFile())).toBe(false);
    expect(existsSync(join(box.env.OKTA_AWS_HOME!, 'session.json'))).toBe(false);
    const run = await cli(['refresh']);
    expectFailure(run, { what: /The env store keeps no refresh token/, next: /`okta-aws refresh` on a terminal/ });
    expectNoTokenIn(outputs);
  });
});

describe('changing the store after a device login', () => {
  it('init --store takes the refresh token along: the next refresh signs in with it, no browser', async () => {
    const init = await initDevice();
    expect(init.code, init.stderr).toBe(0);
    const tokens = Object.values(JSON.parse(await readFile(tokenFile(), 'utf8')) as Record<string, string>);
    expect(tokens).toHaveLength(1);
    const memo = { MEMO_FILE: join(box.home, 'memo.json'), MEMO_LOG: join(box.home, 'memo.log') };
    const linked = await cli(['plugins', 'link', '--no-install', fileURLToPath(new URL('../fixtures/plugins/store-memo', import.meta.url))], memo);
    expect(linked.code, linked.stderr).toBe(0);
    const move = await cli(['init', '--store', 'memo', '--no-verify'], memo);
    expect(move.code, move.stderr).toBe(0);
    expect(move.stderr).toContain('Moved oauth_refresh_token into the memo store.');
    expect(await readFile(tokenFile(), 'utf8').catch(() => '')).not.toContain(tokens[0]);
    expect(Object.values(JSON.parse(await readFile(memo.MEMO_FILE, 'utf8')) as Record<string, string>)).toContain(tokens[0]);
    const authorizations = emu.okta.oauth.counters.deviceAuthorizations;
    const refresh = await cli(['refresh'], memo);
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(refresh.stderr).toContain('Signed in to Okta with the refresh token (no browser)');
    expect(emu.okta.oauth.counters.deviceAuthorizations).toBe(authorizations);
    await expectAllProfiles();
    expectNoTokenIn(outputs);
  });
});

describe('device logins that end without tokens', () => {
  it('slow_down: the client adds 5 s to its interval and never polls too fast', { timeout: 60_000 }, async () => {
    emu.okta.oauth.knobs.slowDown = 1;
    const init = await initDevice();
    expect(init.code, init.stderr).toBe(0);
    expect(emu.okta.oauth.counters).toMatchObject({ slowDowns: 1, tooFastPolls: 0, devicePolls: 2, deviceLogins: 1 });
  });

  for (const [approval, what] of [
    ['deny', /device login was denied in the browser/],
    ['expire', /device code expired before the login was approved/],
  ] as const) {
    it(`${approval}: one line, non-zero, nothing written`, async () => {
      emu.okta.oauth.knobs.approval = approval;
      const run = await initDevice();
      expectFailure(run, { what, next: /Run the command again/ });
      expect(existsSync(box.settings)).toBe(false);
      expect(existsSync(tokenFile())).toBe(false);
      expect(await readFile(box.credentials, 'utf8')).toBe(USER_CREDENTIALS);
      expectNoTokenIn(outputs);
    });
  }

  it('assurance failure: after a fresh browser login it ends in one line; with a refresh token a non-terminal call names `okta-aws refresh`', async () => {
    emu.okta.oauth.knobs.assuranceFailures = 1;
    const run = await initDevice();
    expectFailure(run, { what: /fresh browser login does not meet the AWS app's assurance requirements/, next: /Okta admin/ });
    expect(existsSync(box.settings)).toBe(false);
    expect(existsSync(tokenFile())).toBe(false);
    expect(emu.okta.oauth.counters.deviceAuthorizations).toBe(1); // never loops into another login

    expect((await initDevice()).code).toBe(0);
    expect((await cli(['refresh'])).code).toBe(0);
    const before = await readFile(box.credentials, 'utf8');
    emu.okta.oauth.knobs.assuranceFailures = 1;
    const refused = await cli(['refresh']);
    expectFailure(refused, { what: /no longer meets the AWS app's assurance requirements/, next: /`okta-aws refresh` on a terminal/ });
    expect(await readFile(box.credentials, 'utf8')).toBe(before);
    expect(emu.okta.oauth.counters.deviceAuthorizations).toBe(2);
    expectNoTokenIn(outputs);
  });
});
