import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sessionFile, sessionFileStore, tokenFile, tokenFileStore } from '../../../src/stores/user-file-store.js';

let root: string;
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'session-'));
  env = { OKTA_AWS_HOME: join(root, 'home') };
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('session.json (sessionFileStore)', () => {
  it('keeps one sid per user in session.json, 0600, pretty-printed', async () => {
    const store = sessionFileStore(env);
    expect(store.name).toBe('file');
    expect(store.writable).toBe(true);
    await expect(store.check()).resolves.toBeUndefined();
    await store.set('alice', 'okta_session', 'sid-a');
    await store.set('__proto__', 'okta_session', 'sid-p');
    expect(await store.get('alice', 'okta_session')).toBe('sid-a');
    expect(await store.get('__proto__', 'okta_session')).toBe('sid-p');
    expect(await store.get('bob', 'okta_session')).toBeUndefined();
    expect(sessionFile(env)).toBe(join(root, 'home', 'session.json'));
    expect(await readFile(sessionFile(env), 'utf8')).toBe('{\n  "alice": "sid-a",\n  "__proto__": "sid-p"\n}\n');
    expect((await stat(sessionFile(env))).mode & 0o777).toBe(0o600);
  });

  it('deletes one user and keeps the others; deleting nothing writes nothing', async () => {
    const store = sessionFileStore(env);
    await store.set('alice', 'okta_session', 'sid-a');
    await store.set('bob', 'okta_session', 'sid-b');
    await store.delete('alice', 'okta_session');
    expect(await store.get('alice', 'okta_session')).toBeUndefined();
    expect(await store.get('bob', 'okta_session')).toBe('sid-b');
    await writeFile(sessionFile(env), '{"bob":"sid-b"}'); // compact: any rewrite would pretty-print it
    await store.delete('nobody', 'okta_session');
    expect(await readFile(sessionFile(env), 'utf8')).toBe('{"bob":"sid-b"}');
  });

  it('concurrent logins of different users keep both sessions', async () => {
    const users = Array.from({ length: 6 }, (_, i) => `user${i}`);
    await Promise.all(users.map((u) => sessionFileStore(env).set(u, 'okta_session', `sid-${u}`)));
    for (const u of users) expect(await sessionFileStore(env).get(u, 'okta_session')).toBe(`sid-${u}`);
  });

  it('a missing or broken file has no sessions, and an empty or non-string sid is none', async () => {
    const store = sessionFileStore(env);
    expect(await store.get('alice', 'okta_session')).toBeUndefined();
    await mkdir(join(root, 'home'), { recursive: true });
    for (const text of ['{"alice": ', '["alice"]', 'null', '{"alice": ""}', '{"alice": 7}']) {
      await writeFile(sessionFile(env), text, { mode: 0o600 });
      expect(await store.get('alice', 'okta_session')).toBeUndefined();
    }
    await store.set('alice', 'okta_session', 'fresh');
    expect(await store.get('alice', 'okta_session')).toBe('fresh');
  });

  it('a file that is not a JSON object is replaced by the next login, keeping nothing of it', async () => {
    await mkdir(join(root, 'home'), { recursive: true });
    for (const text of ['["sid-x"]', '"sid-x"', 'null', '7']) {
      await writeFile(sessionFile(env), text, { mode: 0o600 });
      expect(await sessionFileStore(env).get('0', 'okta_session')).toBeUndefined();
      await sessionFileStore(env).set('alice', 'okta_session', 'sid');
      expect(await readFile(sessionFile(env), 'utf8')).toBe('{\n  "alice": "sid"\n}\n');
    }
  });

  it('tightens a session file others can read', async () => {
    await mkdir(join(root, 'home'), { recursive: true, mode: 0o700 });
    await writeFile(sessionFile(env), '{"alice": "sid"}');
    await chmod(sessionFile(env), 0o644);
    expect(await sessionFileStore(env).get('alice', 'okta_session')).toBe('sid');
    expect((await stat(sessionFile(env))).mode & 0o777).toBe(0o600);
  });

  it('a read error other than a missing file is not hidden', async () => {
    await mkdir(sessionFile(env), { recursive: true });
    await expect(sessionFileStore(env).get('alice', 'okta_session')).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it.each(['password', 'totp_secret'] as const)('refuses to keep the %s', async (name) => {
    const store = sessionFileStore(env);
    await expect(store.get('alice', name)).rejects.toThrow(`session.json keeps only the Okta session, not the ${name}`);
    await expect(store.set('alice', name, 'x')).rejects.toThrow(`not the ${name}`);
    await expect(store.delete('alice', name)).rejects.toThrow(`not the ${name}`);
  });
});

describe('oauth-tokens.json (tokenFileStore)', () => {
  it('keeps the refresh tokens apart from the sessions, in the same format', async () => {
    await tokenFileStore(env).set('alice', 'oauth_refresh_token', 'rt-a');
    await sessionFileStore(env).set('alice', 'okta_session', 'sid-a');
    expect(await tokenFileStore(env).get('alice', 'oauth_refresh_token')).toBe('rt-a');
    expect(tokenFile(env)).toBe(join(root, 'home', 'oauth-tokens.json'));
    expect(await readFile(tokenFile(env), 'utf8')).toBe('{\n  "alice": "rt-a"\n}\n');
    expect(await readFile(sessionFile(env), 'utf8')).toBe('{\n  "alice": "sid-a"\n}\n');
    expect((await stat(tokenFile(env))).mode & 0o777).toBe(0o600);
  });

  it.each(['password', 'okta_session'] as const)('refuses to keep the %s', async (name) => {
    const store = tokenFileStore(env);
    await expect(store.get('alice', name)).rejects.toThrow(`oauth-tokens.json keeps only refresh tokens, not the ${name}`);
    await expect(store.set('alice', name, 'x')).rejects.toThrow(`not the ${name}`);
    await expect(store.delete('alice', name)).rejects.toThrow(`not the ${name}`);
  });
});
