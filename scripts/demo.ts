/**
 * `npm run demo`: the whole user journey — init → refresh → roles → assume → console-url →
 * credential-process — then a push login with a number challenge, and the same on an Identity Engine org through the device flow, against the bundled emulated Okta org, STS and federation endpoint on
 * loopback, in a throwaway HOME. Secrets are masked in what it shows.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CLIENT_ID, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET, FIXTURE_USERNAME, FIXTURE_USERS, startEmulators } from '../test/emulators/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'bin', 'run.js');
if (!existsSync(join(root, 'dist', 'commands'))) {
  console.error('demo: the CLI is not built yet; run `npm install` (or `npm run build`) first.');
  process.exit(1);
}

const emu = await startEmulators({ stsLatencyMs: 150 });
const idx = await startEmulators({ stsLatencyMs: 150, okta: { pipeline: 'idx' } });
Object.assign(idx.okta.oauth.knobs, { classicLogin: false, interval: 1 });
const home = await mkdtemp(join(tmpdir(), 'okta-aws-demo-'));
const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: home,
  NO_COLOR: '1',
  AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
  AWS_CONFIG_FILE: join(home, '.aws', 'config'),
  ...emu.env,
};
const mask = (text: string) =>
  text
    .replace(/(aws_secret_access_key = |aws_session_token = |AWS_SECRET_ACCESS_KEY=|AWS_SESSION_TOKEN=|"SecretAccessKey":"|"SessionToken":")('?)([^'"\n]{6})[^'"\n]*/g, '$1$2$3…')
    .replace(/SigninToken=[^&\s]+/, 'SigninToken=…');

function run(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const gutter = (name: string, text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => `  ${name.padEnd(6)} │ ${line}`.trimEnd())
    .join('\n');

let failed = false;
async function step(title: string, what: string, args: string[], extra: NodeJS.ProcessEnv = {}, expectedCode = 0): Promise<string> {
  console.log(`\n━━ ${title}\n$ okta-aws ${args.join(' ')}`);
  const started = Date.now();
  const result = await run(args, extra);
  // Each line carries the stream it came from in a gutter of its own, so no label sits on a line of output.
  if (result.stderr.trim()) console.log(gutter('stderr', mask(result.stderr)));
  if (result.stdout.trim()) console.log(gutter('stdout', mask(result.stdout)));
  const ok = result.code === expectedCode;
  failed ||= !ok;
  console.log(`  ${ok ? '✔' : '✖'} ${what} (exit ${result.code}, ${Date.now() - started} ms)`);
  return result.stdout;
}

try {
  console.log(`Emulated Okta org: ${emu.okta.url}   STS: ${emu.sts.url}   sign-in: ${emu.federation.url}`);
  console.log(`Throwaway HOME: ${home}`);
  await mkdir(join(home, '.aws'), { recursive: true });
  const mine = '# my own profiles: okta-aws must not touch these bytes\n[default]\naws_access_key_id = AKIAEXAMPLE000000000\naws_secret_access_key = example\n';
  await writeFile(env.AWS_SHARED_CREDENTIALS_FILE!, mine);

  await step(
    '1. init',
    'stored the settings (0600) and proved them with one login; the password and TOTP secret came from the environment, never from flags',
    ['init', '--sso-url', emu.okta.ssoUrl, '--username', FIXTURE_USERNAME, '--region', 'ap-southeast-2'],
    { OKTA_AWS_PASSWORD: FIXTURE_PASSWORD, OKTA_AWS_TOTP_SECRET: FIXTURE_TOTP_SECRET },
  );
  const authnAfterInit = emu.okta.counters.authn;
  await step('2. refresh', 'assumed every role concurrently and wrote one profile each', ['refresh']);
  console.log(`  Okta logins for this refresh: ${emu.okta.counters.authn - authnAfterInit} (the session from init was reused); STS calls in flight at once: ${emu.sts.counters.maxInFlight}`);
  const file = await readFile(env.AWS_SHARED_CREDENTIALS_FILE!, 'utf8');
  console.log(`  ${file.startsWith(mine) ? '✔' : '✖'} your own profiles and comments are byte-for-byte as they were:`);
  console.log(gutter('file', `${mask(file).trimEnd().split('\n').slice(0, 12).join('\n')}\n…`));
  failed ||= !file.startsWith(mine);

  await step('3. roles', 'listed the granted roles and when their credentials expire', ['roles']);
  await step('4. assume', 'printed exports for eval "$(okta-aws assume …)"', ['assume', 'okta-111111111111-Admin', '--shell', 'bash']);
  const url = await step('5. console-url', 'got a sign-in token from the federation endpoint and built a console login URL', ['console-url', 'Admin', '--destination', 's3']);
  const login = await fetch(url.trim(), { redirect: 'manual' });
  console.log(`  the emulated federation endpoint accepts it: HTTP ${login.status} → ${login.headers.get('location')}`);
  failed ||= login.status !== 302;
  await step('6. credential-process', 'served credentials from the cache for an SDK credential_process line', ['credential-process', 'okta-222222222222-Auditor']);
  await step('7. refresh --mode process', 'profiles now call okta-aws themselves, so every SDK refreshes on its own', ['refresh', '--mode', 'process']);
  console.log(`  Total Okta password logins: ${emu.okta.counters.authn}, TOTP verifications: ${emu.okta.counters.verify}.`);

  // A user whose org allows only Okta Verify push: the phone shows three numbers, and the one to tap
  // is on stderr (this emulated phone taps it after a few polls).
  emu.okta.users.get(FIXTURE_USERS.pushOnly)!.config.push = { answer: 'approve', afterPolls: 2, numberChallenge: 42 };
  const push: NodeJS.ProcessEnv = { OKTA_AWS_HOME: join(home, 'push'), AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials-push') };
  await step('8. init --factor push', 'signed in with a password and an Okta Verify push with a number challenge; no TOTP secret stored', [
    'init', '--sso-url', emu.okta.ssoUrl, '--username', FIXTURE_USERS.pushOnly, '--factor', 'push',
  ], { ...push, OKTA_AWS_PASSWORD: FIXTURE_PASSWORD });
  await step('9. refresh', 'reused the Okta session the push earned: no second push', ['refresh'], push);
  console.log(`  Pushes sent: ${emu.okta.counters.pushesSent}.`);

  // The same user on an Identity Engine org that refuses the password login: one browser login
  // (the device flow; this emulated org approves it at once, as a person in the browser would), then
  // refreshes on the rotating refresh token.
  console.log(`\n━━ Identity Engine org (${idx.okta.url}): the classic login is refused, the device flow is used instead`);
  const oie: NodeJS.ProcessEnv = { ...idx.env, OKTA_AWS_HOME: join(home, 'oie'), AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials-oie') };
  await step(
    '10. init (classic) on the Identity Engine org',
    'refused in one line that names the fix (expected to fail)',
    ['init', '--sso-url', idx.okta.ssoUrl, '--username', FIXTURE_USERNAME],
    { ...oie, OKTA_AWS_PASSWORD: FIXTURE_PASSWORD, OKTA_AWS_TOTP_SECRET: FIXTURE_TOTP_SECRET },
    1,
  );
  await step('11. init --flow device', 'signed in once through the browser (URL and code on stderr); no password, no TOTP secret; the refresh token went to the store', [
    'init', '--sso-url', idx.okta.ssoUrl, '--username', FIXTURE_USERNAME, '--flow', 'device', '--client-id', DEFAULT_CLIENT_ID,
  ], oie);
  await step('12. refresh', 'used the refresh token (rotated), no browser', ['refresh'], oie);
  await step('13. credential-process', 'served from the cache', ['credential-process', 'okta-111111111111-Admin'], oie);
  const o = idx.okta.oauth.counters;
  console.log(`  Device logins (browser): ${o.deviceLogins}, refresh-token uses: ${o.refreshTokenUses}, password logins: ${idx.okta.counters.authn}.`);
  console.log(`\n${failed ? '✖ Something failed above.' : '✔ The whole journey worked.'}`);
} finally {
  await Promise.all([emu.close(), idx.close()]);
  await rm(home, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
