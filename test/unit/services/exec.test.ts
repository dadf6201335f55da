import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProfileCredentials } from '../../../src/aws/types.js';
import { UserError } from '../../../src/lib/errors.js';
import { childEnv, runWithCredentials } from '../../../src/services/exec.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'exec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const creds: ProfileCredentials = {
  profile: 'okta-111111111111-Admin',
  roleArn: 'arn:aws:iam::111111111111:role/Admin',
  region: 'eu-west-1',
  partition: 'aws',
  chained: false,
  accessKeyId: 'ASIAEXAMPLE',
  secretAccessKey: `se'cr"et$ \`x\``,
  sessionToken: 'tok/en+==',
  expiration: new Date('2030-01-01T00:00:00.500Z'),
};

describe('childEnv', () => {
  it('adds the credentials and the marker, drops what would override them, keeps the rest', () => {
    const env = childEnv(creds, { PATH: '/bin', AWS_PROFILE: 'other', AWS_DEFAULT_PROFILE: 'other', AWS_SECURITY_TOKEN: 'old', AWS_ACCESS_KEY_ID: 'OLD', KEEP: '1' }, 'linux');
    expect(env).toEqual({
      PATH: '/bin',
      KEEP: '1',
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
      AWS_SESSION_TOKEN: 'tok/en+==',
      AWS_CREDENTIAL_EXPIRATION: '2030-01-01T00:00:00Z',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      OKTA_AWS_PROFILE: 'okta-111111111111-Admin',
    });
  });

  it('never passes on the Okta secrets', () => {
    const env = childEnv(creds, { PATH: '/bin', OKTA_AWS_PASSWORD: 'pw', OKTA_AWS_TOTP_SECRET: 'seed', OKTA_AWS_USERNAME: 'alice', OKTA_AWS_SECRET_STORE: 'env' }, 'linux');
    expect(env).not.toHaveProperty('OKTA_AWS_PASSWORD');
    expect(env).not.toHaveProperty('OKTA_AWS_TOTP_SECRET');
    expect(env).toMatchObject({ OKTA_AWS_USERNAME: 'alice', OKTA_AWS_SECRET_STORE: 'env' });
    expect(childEnv(creds, { okta_aws_password: 'pw' }, 'win32')).not.toHaveProperty('okta_aws_password');
  });

  it('matches names case-insensitively on Windows only', () => {
    expect(childEnv(creds, { aws_profile: 'x' }, 'win32')).not.toHaveProperty('aws_profile');
    expect(childEnv(creds, { aws_profile: 'x' }, 'linux')).toHaveProperty('aws_profile', 'x');
  });
});

describe('runWithCredentials (real child processes)', () => {
  it('gives the child the credentials without AWS_PROFILE, and arguments verbatim (no shell)', async () => {
    const out = join(dir, 'env.json');
    const code = await runWithCredentials(
      process.execPath,
      ['-e', 'require("fs").writeFileSync(process.argv[1], JSON.stringify({ env: process.env, argv: process.argv.slice(2) }))', out, '$HOME', '`id`', "'q'"],
      creds,
      { env: { ...process.env, AWS_PROFILE: 'dev', AWS_DEFAULT_PROFILE: 'dev', MY_VAR: 'kept' }, stdio: 'ignore', interactive: false },
    );
    expect(code).toBe(0);
    const seen = JSON.parse(readFileSync(out, 'utf8')) as { env: Record<string, string>; argv: string[] };
    expect(seen.argv).toEqual(['$HOME', '`id`', "'q'"]);
    expect(seen.env.AWS_ACCESS_KEY_ID).toBe('ASIAEXAMPLE');
    expect(seen.env.AWS_SECRET_ACCESS_KEY).toBe(creds.secretAccessKey);
    expect(seen.env.AWS_SESSION_TOKEN).toBe('tok/en+==');
    expect(seen.env.AWS_CREDENTIAL_EXPIRATION).toBe('2030-01-01T00:00:00Z');
    expect(seen.env.AWS_REGION).toBe('eu-west-1');
    expect(seen.env.OKTA_AWS_PROFILE).toBe('okta-111111111111-Admin');
    expect(seen.env.MY_VAR).toBe('kept');
    expect(seen.env).not.toHaveProperty('AWS_PROFILE');
    expect(seen.env).not.toHaveProperty('AWS_DEFAULT_PROFILE');
  });

  it.each([0, 1, 3, 255])('passes exit code %i through', async (status) => {
    expect(await runWithCredentials(process.execPath, ['-e', `process.exit(${status})`], creds, { stdio: 'ignore', interactive: false })).toBe(status);
  });

  it('reports death by a signal as 128 + its number', async () => {
    expect(await runWithCredentials(process.execPath, ['-e', 'process.kill(process.pid, "SIGKILL")'], creds, { stdio: 'ignore', interactive: false })).toBe(137);
    expect(await runWithCredentials(process.execPath, ['-e', 'process.kill(process.pid, "SIGTERM")'], creds, { stdio: 'ignore', interactive: false })).toBe(143);
  });

  it('turns a missing command into a UserError with a hint and exit code 127', async () => {
    const error = await runWithCredentials('definitely-not-a-command-okta', [], creds, { stdio: 'ignore' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe('command not found: definitely-not-a-command-okta');
    expect((error as UserError).hint).toMatch(/full path/);
    expect((error as UserError).exitCode).toBe(127);
  });

  it('turns a file that is not executable into a UserError (126)', async () => {
    const file = join(dir, 'not-executable');
    writeFileSync(file, '#!/bin/sh\nexit 0\n');
    chmodSync(file, 0o644);
    const error = await runWithCredentials(file, [], creds, { stdio: 'ignore' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(126);
  });

  it('removes its signal listeners when the child ends', async () => {
    const before = process.listenerCount('SIGTERM');
    await runWithCredentials(process.execPath, ['-e', ''], creds, { stdio: 'ignore', interactive: false });
    await runWithCredentials('definitely-not-a-command-okta', [], creds, { stdio: 'ignore' }).catch(() => undefined);
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});

/**
 * Signals need a parent of their own: a node process running runWithCredentials over a child that
 * reports which signals it received, then exits on SIGTERM with 42.
 */
describe('signal forwarding (parent process under test)', () => {
  const parent = join(dir, 'parent.mts'); // .mts: ESM outside the package
  writeFileSync(
    parent,
    `import { runWithCredentials } from ${JSON.stringify(join(ROOT, 'src/services/exec.ts'))};
const child = \`
  for (const s of ['SIGINT', 'SIGHUP', 'SIGQUIT']) process.on(s, () => console.log('child got ' + s));
  process.on('SIGTERM', () => { console.log('child got SIGTERM'); process.exit(42); });
  console.log('ready');
  setInterval(() => {}, 1000);\`;
const code = await runWithCredentials(process.execPath, ['-e', child], { ...${JSON.stringify(creds)}, expiration: new Date(${JSON.stringify(creds.expiration.toISOString())}) } as never, { interactive: process.env.INTERACTIVE === '1' });
console.log('EXIT ' + code);
`,
  );

  async function runParent(interactive: boolean, signals: NodeJS.Signals[]): Promise<{ stdout: string; code: number | null }> {
    const proc = spawn(process.execPath, ['--import', 'tsx', parent], {
      cwd: ROOT,
      env: { ...process.env, INTERACTIVE: interactive ? '1' : '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    let ended = false;
    /** Resolves once `text` was printed, or after `ms` either way. */
    const seen = (text: string, ms = 10_000) =>
      new Promise<void>((resolve) => {
        const deadline = Date.now() + ms;
        const check = () => (stdout.includes(text) || ended || Date.now() > deadline ? resolve() : setTimeout(check, 20));
        check();
      });
    proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => {
      ended = true;
      resolve(code);
    }));
    await seen('ready');
    for (const signal of signals) {
      proc.kill(signal);
      await seen(`child got ${signal}`, 1000);
    }
    const code = await exited;
    return { stdout, code };
  }

  it('forwards SIGINT, SIGHUP and SIGTERM and reports the exit code the child chose', async () => {
    const { stdout, code } = await runParent(false, ['SIGINT', 'SIGHUP', 'SIGTERM']);
    expect(stdout).toContain('child got SIGINT');
    expect(stdout).toContain('child got SIGHUP');
    expect(stdout).toContain('child got SIGTERM');
    expect(stdout).toContain('EXIT 42');
    expect(code).toBe(0);
  });

  it('on a terminal, does not forward SIGINT (the terminal already sent it) but stays alive for the child', async () => {
    const { stdout, code } = await runParent(true, ['SIGINT', 'SIGTERM']);
    expect(stdout).not.toContain('child got SIGINT');
    expect(stdout).toContain('child got SIGTERM');
    expect(stdout).toContain('EXIT 42');
    expect(code).toBe(0);
  });
});
