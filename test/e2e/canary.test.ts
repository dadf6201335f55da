/**
 * No secret in any output: a canary user (distinctive password and TOTP secret) runs every command —
 * plain, --json, --debug and DEBUG=okta-aws, succeeding and failing, with OKTA_AWS_STACK=1 for stack
 * traces — and all of stdout and stderr is searched for the password, the TOTP secret, the codes
 * sent, Okta's state and session tokens, the `sid` cookies and every secret key and session token
 * STS issued. The exceptions are outputs whose job is a secret: credential-process's stdout, assume's
 * exports, console-url's signed URL. Also: file modes, and repairing loosened ones with a warning.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulators, FIXTURE_ROLES, startEmulators } from '../emulators/index.js';
import { type CliResult, type Sandbox, runCli, sandbox } from '../helpers/cli.js';

const CANARY_USER = 'canary@example.com';
/** `+`, `/`, `=`, `%`, `&`, a quote and a space: so URL- or JSON-encoded copies are distinct, and searched for too. */
const CANARY_PASSWORD = 'Kanarie+Pw/7Zq=x9 %Lm&"vogel';
const CANARY_TOTP = 'CANARYSECRETQQZZ';
const CANARY_TOTP_URI = `otpauth://totp/Okta:${CANARY_USER}?secret=canary%20secret%20qqzz&issuer=Okta`;
const WRONG_PASSWORD = 'Wrong+Kanarie/Pw=42 %zz';
const WRONG_TOTP = 'WRONGCANARYQQZZA';

let emu: Emulators;
let box: Sandbox;
/** Everything Okta handed out or was sent, captured inside the emulator. */
const issued = { tokens: new Set<string>(), codes: new Set<string>() };

beforeEach(async () => {
  emu = await startEmulators({ extraUsers: [{ login: CANARY_USER, password: CANARY_PASSWORD, totpSecret: CANARY_TOTP, roles: FIXTURE_ROLES }] });
  box = await sandbox(emu.env);
  issued.tokens.clear();
  issued.codes.clear();
  const engine = emu.okta.authn;
  const record = <R extends { body: unknown }>(reply: R): R => {
    const body = reply.body as { stateToken?: string; sessionToken?: string };
    if (body?.stateToken) issued.tokens.add(body.stateToken);
    if (body?.sessionToken) issued.tokens.add(body.sessionToken);
    return reply;
  };
  const authn = engine.authn.bind(engine);
  const verify = engine.verify.bind(engine);
  engine.authn = (body) => record(authn(body));
  engine.verify = (id, query, body) => {
    if (typeof body.passCode === 'string') issued.codes.add(body.passCode);
    return record(verify(id, query, body));
  };
});
afterEach(async () => {
  await Promise.all([box.cleanup(), emu.close()]);
});

interface Run {
  label: string;
  result: CliResult;
  /** stdout carries a secret on purpose (credential_process JSON, exports, a signed URL). */
  secretStdout?: boolean;
}

const run = async (runs: Run[], label: string, args: string[], env: NodeJS.ProcessEnv, secretStdout = false) => {
  const result = await runCli(args, { env, timeoutMs: 45_000 });
  runs.push({ label, result, secretStdout });
  return result;
};

/** Each secret as it could leak: raw, URL-encoded, JSON-escaped, for base32 in lower case, and cut short (a long one's head). */
function forms(secret: string): string[] {
  const head = secret.length > 64 ? [secret.slice(0, 32)] : [];
  return [...new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), secret.toLowerCase(), ...head])];
}

function expectNoSecrets(runs: Run[], extra: string[] = []): void {
  const secrets = [CANARY_PASSWORD, WRONG_PASSWORD, CANARY_TOTP, WRONG_TOTP, 'canary secret qqzz', ...extra, ...issued.tokens, ...emu.okta.sessions.keys()];
  for (const c of emu.sts.credentials.values()) secrets.push(c.secretAccessKey, c.sessionToken);
  expect(issued.tokens.size).toBeGreaterThan(0);
  expect(emu.okta.sessions.size).toBeGreaterThan(0);
  expect(emu.sts.credentials.size).toBeGreaterThan(0);
  for (const { label, result, secretStdout } of runs) {
    const text = (secretStdout ? '' : result.stdout) + result.stderr;
    for (const secret of secrets) {
      for (const form of forms(secret)) {
        expect(text.includes(form), `${label} printed a secret (${form.slice(0, 6)}…):\n${text}`).toBe(false);
      }
    }
    for (const code of issued.codes) expect(text, `${label} printed a TOTP code`).not.toMatch(new RegExp(`(?<![\\w.:-])${code}(?![\\w.:-])`));
  }
}

describe('no secret in any output', () => {
  it('every command, succeeding, with --json, --debug and DEBUG=okta-aws', { timeout: 90_000 }, async () => {
    const runs: Run[] = [];
    const env = { ...box.env, OKTA_AWS_PASSWORD: CANARY_PASSWORD, OKTA_AWS_TOTP_SECRET: CANARY_TOTP_URI };
    const debugEnv = { ...box.env, DEBUG: 'okta-aws' };
    const init = await run(runs, 'init --no-verify --debug', ['init', '--sso-url', emu.okta.ssoUrl, '--username', CANARY_USER, '--no-verify', '--debug'], env);
    expect(init.code, init.stderr).toBe(0);
    expect(JSON.parse(await readFile(box.settings, 'utf8')).password).toBe(CANARY_PASSWORD); // the file store is the settings file

    const login = await run(runs, 'refresh --debug (password + TOTP)', ['refresh', '--debug'], box.env);
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).toContain('okta-aws: POST'); // debug output really is there to search
    expect(emu.okta.counters.authn).toBe(1);
    for (const [label, args, e] of [
      ['refresh', ['refresh'], box.env],
      ['refresh --json', ['refresh', '--json'], box.env],
      ['DEBUG=okta-aws refresh --json', ['refresh', '--json'], debugEnv],
      ['refresh --mode process --debug', ['refresh', '--mode', 'process', '--debug'], box.env],
      ['refresh --mode static', ['refresh', '--mode', 'static'], box.env],
      ['roles', ['roles'], box.env],
      ['roles --json --debug', ['roles', '--json', '--debug'], box.env],
      ['init --debug (verify)', ['init', '--debug'], { ...debugEnv }],
    ] as const) {
      const r = await run(runs, label, [...args], e);
      expect(r.code, `${label}: ${r.stderr}`).toBe(0);
    }
    expect(emu.okta.counters.authn).toBe(1); // all of them reused the Okta session

    const cp = await run(runs, 'credential-process (fast path)', ['credential-process', 'okta-111111111111-Admin'], box.env, true);
    expect(cp.code).toBe(0);
    expect(emu.sts.lookup(JSON.parse(cp.stdout).AccessKeyId)?.secretAccessKey).toBe(JSON.parse(cp.stdout).SecretAccessKey);
    expect((await run(runs, 'credential-process --debug', ['credential-process', 'okta-222222222222-Auditor', '--debug'], box.env, true)).code).toBe(0);
    // A stale cache: credential-process refreshes (session reuse) with debug output on.
    const cacheFile = join(box.env.OKTA_AWS_HOME!, 'cache', 'credentials.json');
    const cache = JSON.parse(await readFile(cacheFile, 'utf8'));
    for (const entry of Object.values(cache.credentials) as { Expiration: string }[]) entry.Expiration = new Date(Date.now() - 60_000).toISOString();
    await writeFile(cacheFile, JSON.stringify(cache));
    const stale = await run(runs, 'DEBUG=okta-aws credential-process (refreshing)', ['credential-process', 'okta-111111111111-Admin'], debugEnv, true);
    expect(stale.code, stale.stderr).toBe(0);
    expect(stale.stderr).toContain('okta-aws: GET'); // it did go to Okta, logging as it went

    const assume = await run(runs, 'assume --debug', ['assume', 'Admin', '--debug'], box.env, true);
    expect(assume.code, assume.stderr).toBe(0);
    const url = await run(runs, 'console-url --debug', ['console-url', 'Admin', '--debug'], box.env, true);
    expect(url.code, url.stderr).toBe(0);
    const exec = await run(runs, 'exec --debug', ['exec', 'Auditor', '--debug', '--', process.execPath, '-e', ''], box.env);
    expect(exec.code, exec.stderr).toBe(0);

    // The check is live: the secrets it looks for are where they belong.
    const live = JSON.parse(await readFile(cacheFile, 'utf8')).credentials['okta-111111111111-Admin'];
    expect(await readFile(box.credentials, 'utf8')).toContain(live.SecretAccessKey); // refresh writes keys to the file, not to stdout
    expect(emu.sts.lookup(live.AccessKeyId)?.sessionToken).toBe(live.SessionToken);
    expectNoSecrets(runs);
  });

  it('failing runs: wrong password, wrong TOTP secret, Okta and STS errors, and a stack trace', { timeout: 60_000 }, async () => {
    const runs: Run[] = [];
    const base = { ...box.env, OKTA_AWS_SECRET_STORE: 'env', OKTA_AWS_SSO_URL: emu.okta.ssoUrl, OKTA_AWS_USERNAME: CANARY_USER, OKTA_AWS_REGION: 'ap-southeast-2' };
    const good = { ...base, OKTA_AWS_PASSWORD: CANARY_PASSWORD, OKTA_AWS_TOTP_SECRET: CANARY_TOTP };
    const failing: [string, string[], NodeJS.ProcessEnv][] = [
      ['init --debug, wrong password', ['init', '--sso-url', emu.okta.ssoUrl, '--username', CANARY_USER, '--debug'], { ...box.env, OKTA_AWS_PASSWORD: WRONG_PASSWORD, OKTA_AWS_TOTP_SECRET: CANARY_TOTP }],
      ['DEBUG=okta-aws refresh, wrong password', ['refresh'], { ...good, OKTA_AWS_PASSWORD: WRONG_PASSWORD, DEBUG: 'okta-aws' }],
      ['refresh --debug, wrong TOTP secret', ['refresh', '--debug'], { ...good, OKTA_AWS_TOTP_SECRET: WRONG_TOTP }],
      ['refresh --json --debug, TOTP secret not base32', ['refresh', '--json', '--debug'], { ...good, OKTA_AWS_TOTP_SECRET: `${CANARY_TOTP}189` }],
      ['credential-process --debug, wrong password', ['credential-process', 'okta-111111111111-Admin', '--debug'], { ...good, OKTA_AWS_PASSWORD: WRONG_PASSWORD }],
    ];
    for (const [label, args, env] of failing) {
      const r = await run(runs, label, args, { ...env, OKTA_AWS_STACK: '1' });
      expect(r.code, `${label}: ${r.stderr}`).not.toBe(0);
    }
    // A login that works, then failures after it: the session and the STS keys exist to leak.
    emu.sts.faults.add({ kind: 'AccessDenied', roleArn: 'arn:aws:iam::222222222222:role/Auditor', count: 0 });
    const partial = await run(runs, 'refresh --debug, one role denied', ['refresh', '--debug'], { ...good, OKTA_AWS_STACK: '1' });
    expect(partial.code).toBe(1);
    emu.okta.faults.add({ kind: 'brokenSaml' });
    expect((await run(runs, 'DEBUG=okta-aws refresh, broken SAML', ['refresh'], { ...good, DEBUG: 'okta-aws', OKTA_AWS_STACK: '1' })).code).toBe(1);
    // The redaction itself (not only what lib/http chooses to log): a sign-in endpoint whose error
    // page echoes the request it got, keys and all, ends up in a --debug line.
    const echo = createServer((req, res) => {
      res.writeHead(400, { 'Content-Type': 'text/plain' });
      res.end(`Bad request: ${new URL(req.url ?? '/', 'http://x').searchParams.get('Session')}`);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    try {
      const signin = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
      const echoed = await run(runs, 'console-url --debug, sign-in endpoint echoing the request', ['console-url', 'Admin', '--debug'], { ...good, AWS_ENDPOINT_URL_SIGNIN: signin });
      expect(echoed.code).toBe(1);
      expect(echoed.stderr, echoed.stderr).toMatch(/sign-in endpoint answered 400: Bad request: \{"sessionId":"ASIA\w+","sessionKey":"\[redacted\]","sessionToken":"\[redacted\]"\}/);
    } finally {
      await new Promise((resolve) => echo.close(resolve));
    }
    // An unexpected error (the cache folder is a file): printed with its stack under OKTA_AWS_STACK=1.
    await rm(join(box.env.OKTA_AWS_HOME!, 'cache'), { recursive: true, force: true });
    await writeFile(join(box.env.OKTA_AWS_HOME!, 'cache'), 'not a folder');
    const crash = await run(runs, 'refresh --debug, OKTA_AWS_STACK=1, unexpected error', ['refresh', '--debug'], { ...good, OKTA_AWS_STACK: '1' });
    expect(crash.code).not.toBe(0);
    expect(crash.stderr).toMatch(/\n\s+at /); // there is a stack trace to search
    expect(emu.sts.credentials.size).toBeGreaterThan(0);
    expectNoSecrets(runs);
  });
});

describe('file modes', () => {
  const mode = async (path: string) => (await stat(path)).mode & 0o777;

  it('settings, state, session and cache are 0600 in 0700 folders; a new credentials file is 0600', async () => {
    const env = { ...box.env, OKTA_AWS_PASSWORD: CANARY_PASSWORD, OKTA_AWS_TOTP_SECRET: CANARY_TOTP };
    expect((await runCli(['init', '--sso-url', emu.okta.ssoUrl, '--username', CANARY_USER], { env })).code).toBe(0);
    const home = box.env.OKTA_AWS_HOME!;
    // Right after init, before any read could repair it: the password and TOTP secret are in this file.
    expect(await mode(box.settings)).toBe(0o600);
    expect(await mode(home)).toBe(0o700);
    const refresh = await runCli(['refresh'], { env: box.env });
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(refresh.stderr).not.toContain('tightened'); // nothing was loose to repair
    expect(await mode(home)).toBe(0o700);
    expect(await mode(join(home, 'cache'))).toBe(0o700);
    for (const file of ['settings.json', 'state.json', 'session.json', 'cache/credentials.json']) expect([file, await mode(join(home, file))]).toEqual([file, 0o600]);
    expect(await mode(box.credentials)).toBe(0o600);
  });

  it('a loosened settings file and folder are tightened again, with a warning', async () => {
    const env = { ...box.env, OKTA_AWS_PASSWORD: CANARY_PASSWORD, OKTA_AWS_TOTP_SECRET: CANARY_TOTP };
    expect((await runCli(['init', '--sso-url', emu.okta.ssoUrl, '--username', CANARY_USER, '--no-verify'], { env })).code).toBe(0);
    const home = box.env.OKTA_AWS_HOME!;
    await chmod(box.settings, 0o644);
    await chmod(home, 0o755);
    const r = await runCli(['refresh'], { env: box.env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`okta-aws: ${home} was readable by others (mode 755); tightened it to 700.`);
    expect(r.stderr).toContain(`okta-aws: ${box.settings} was readable by others (mode 644); tightened it to 600.`);
    expect(await mode(box.settings)).toBe(0o600);
    expect(await mode(home)).toBe(0o700);
    expect(r.stderr).not.toContain(CANARY_PASSWORD);
  });

  it('a Python-era settings file that others can read is tightened on first use', async () => {
    await mkdir(dirname(box.settings), { recursive: true, mode: 0o755 });
    await chmod(dirname(box.settings), 0o755);
    await writeFile(box.settings, JSON.stringify({ sso_url: emu.okta.ssoUrl, region: 'ap-southeast-2', user_name: CANARY_USER, password: CANARY_PASSWORD, google_2fa_totp: CANARY_TOTP }), { mode: 0o664 });
    const r = await runCli(['refresh', '--json'], { env: box.env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/tightened it to/g)).toHaveLength(2);
    expect(await mode(box.settings)).toBe(0o600);
    expect(await mode(dirname(box.settings))).toBe(0o700);
  });
});
