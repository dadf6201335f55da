import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore } from '../../../src/stores/file-store.js';
import { sessionFile, tokenFile } from '../../../src/stores/user-file-store.js';

let dir: string;
let env: NodeJS.ProcessEnv;
let settingsPath: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'okta-aws-file-store-'));
  env = { OKTA_AWS_HOME: join(dir, 'home') };
  settingsPath = join(dir, 'home', 'settings.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A settings.json as the Python okta-aws-cred-helper wrote it. */
const PYTHON_SETTINGS = {
  sso_url: 'https://example.okta.com/home/amazon_aws/0oa1/272',
  region: 'ap-southeast-2',
  user_name: 'alice@example.com',
  password: 'hunter2',
  google_2fa_totp: 'JBSWY3DPEHPK3PXP',
};

async function writeSettingsFile(settings: object): Promise<void> {
  await mkdir(join(dir, 'home'), { recursive: true, mode: 0o700 });
  await writeFile(settingsPath, JSON.stringify(settings), { mode: 0o600 });
}

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;

describe('FileStore', () => {
  it("reads the original tool's settings.json unchanged", async () => {
    await writeSettingsFile(PYTHON_SETTINGS);
    const store = new FileStore(env);
    expect(await store.get('alice@example.com', 'password')).toBe('hunter2');
    expect(await store.get('alice@example.com', 'totp_secret')).toBe('JBSWY3DPEHPK3PXP');
    expect(await store.get('bob@example.com', 'password')).toBeUndefined();
  });

  it('writes password and google_2fa_totp beside every other key, and removes only what it deletes', async () => {
    await writeSettingsFile({ ...PYTHON_SETTINGS, account_aliases: { '111111111111': 'prod' }, future_key: [1, 2] });
    const store = new FileStore(env);
    await store.set('alice@example.com', 'password', 'n3w');
    expect(await readJson(settingsPath)).toEqual({
      ...PYTHON_SETTINGS,
      password: 'n3w',
      account_aliases: { '111111111111': 'prod' },
      future_key: [1, 2],
    });
    await store.delete('alice@example.com', 'password');
    await store.delete('alice@example.com', 'totp_secret');
    const after = await readJson(settingsPath);
    expect(after).not.toHaveProperty('password');
    expect(after).not.toHaveProperty('google_2fa_totp');
    expect(after).toMatchObject({ sso_url: PYTHON_SETTINGS.sso_url, user_name: 'alice@example.com', future_key: [1, 2] });
  });

  it('creates settings.json 0600 in a 0700 folder, atomically (no temp or lock file left)', async () => {
    await new FileStore(env).set('alice@example.com', 'password', 'pw');
    expect((await stat(settingsPath)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'home'))).mode & 0o777).toBe(0o700);
    expect(await readdir(join(dir, 'home'))).toEqual(['settings.json']);
    expect(await readJson(settingsPath)).toEqual({ user_name: 'alice@example.com', password: 'pw' });
  });

  it('keeps the Okta session out of settings.json, in session.json 0600, per user', async () => {
    await writeSettingsFile(PYTHON_SETTINGS);
    const before = await readFile(settingsPath, 'utf8');
    const store = new FileStore(env);
    await store.set('alice@example.com', 'okta_session', 'sid-a');
    await store.set('bob@example.com', 'okta_session', 'sid-b');
    expect(await readFile(settingsPath, 'utf8')).toBe(before);
    expect(sessionFile(env)).toBe(join(dir, 'home', 'session.json'));
    expect((await stat(sessionFile(env))).mode & 0o777).toBe(0o600);
    expect(await readJson(sessionFile(env))).toEqual({ 'alice@example.com': 'sid-a', 'bob@example.com': 'sid-b' });
  });

  it('keeps the OAuth refresh token out of settings.json and session.json, in oauth-tokens.json 0600, per user', async () => {
    await writeSettingsFile(PYTHON_SETTINGS);
    const before = await readFile(settingsPath, 'utf8');
    const store = new FileStore(env);
    await store.set('alice@example.com', 'oauth_refresh_token', 'rt-a');
    await store.set('bob@example.com', 'oauth_refresh_token', 'rt-b');
    await store.set('alice@example.com', 'oauth_refresh_token', 'rt-a2');
    expect(await readFile(settingsPath, 'utf8')).toBe(before);
    await expect(stat(sessionFile(env))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(tokenFile(env)).toBe(join(dir, 'home', 'oauth-tokens.json'));
    expect((await stat(tokenFile(env))).mode & 0o777).toBe(0o600);
    expect(await readJson(tokenFile(env))).toEqual({ 'alice@example.com': 'rt-a2', 'bob@example.com': 'rt-b' });
    await store.delete('alice@example.com', 'oauth_refresh_token');
    expect(await store.get('alice@example.com', 'oauth_refresh_token')).toBeUndefined();
    expect(await store.get('bob@example.com', 'oauth_refresh_token')).toBe('rt-b');
  });

  it('keeps concurrent session writes of different users', async () => {
    const store = new FileStore(env);
    const users = Array.from({ length: 8 }, (_, i) => `user${i}@example.com`);
    await Promise.all(users.map((u) => store.set(u, 'okta_session', `sid-${u}`)));
    for (const u of users) expect(await store.get(u, 'okta_session')).toBe(`sid-${u}`);
  });

  it('treats an unreadable session.json as no session (a login replaces it)', async () => {
    await mkdir(join(dir, 'home'), { recursive: true });
    await writeFile(sessionFile(env), 'not json', { mode: 0o600 });
    const store = new FileStore(env);
    expect(await store.get('alice@example.com', 'okta_session')).toBeUndefined();
    await store.set('alice@example.com', 'okta_session', 'sid');
    expect(await store.get('alice@example.com', 'okta_session')).toBe('sid');
  });

  it('tightens a session.json that others could read', async () => {
    await mkdir(join(dir, 'home'), { recursive: true });
    await writeFile(sessionFile(env), JSON.stringify({ 'alice@example.com': 'sid' }), { mode: 0o644 });
    expect(await new FileStore(env).get('alice@example.com', 'okta_session')).toBe('sid');
    expect((await stat(sessionFile(env))).mode & 0o777).toBe(0o600);
  });

  it("names the settings' user and the fix when asked to store another user's password", async () => {
    await writeSettingsFile(PYTHON_SETTINGS);
    await expect(new FileStore(env).set('bob@example.com', 'password', 'x')).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringContaining('alice@example.com'),
      hint: expect.stringContaining('--store keyring'),
      code: 'OTHER_USER',
    });
    expect((await readJson(settingsPath)).password).toBe('hunter2');
  });

  it("deleting a secret settings.json does not hold, or another user's, leaves the file byte for byte", async () => {
    await mkdir(join(dir, 'home'), { recursive: true });
    const compact = JSON.stringify({ user_name: 'alice@example.com', password: 'pw' }); // any rewrite would pretty-print it
    await writeFile(settingsPath, compact, { mode: 0o600 });
    await new FileStore(env).delete('alice@example.com', 'totp_secret');
    await new FileStore(env).delete('bob@example.com', 'password');
    expect(await readFile(settingsPath, 'utf8')).toBe(compact);
  });

  it('ignores empty or non-string secrets, as if absent', async () => {
    await writeSettingsFile({ ...PYTHON_SETTINGS, password: '', google_2fa_totp: 42 });
    const store = new FileStore(env);
    expect(await store.get('alice@example.com', 'password')).toBeUndefined();
    expect(await store.get('alice@example.com', 'totp_secret')).toBeUndefined();
  });

  it('refuses a settings.json that is not JSON rather than overwrite it', async () => {
    await writeSettingsFile({});
    await writeFile(settingsPath, '{ broken');
    await expect(new FileStore(env).set('alice@example.com', 'password', 'x')).rejects.toMatchObject({ name: 'UserError' });
    expect(await readFile(settingsPath, 'utf8')).toBe('{ broken');
  });
});
