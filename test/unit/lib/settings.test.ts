import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** The settings file's mode the moment writeFileAtomic has put it in place, before anything else runs. */
const modesRightAfterWrite: number[] = [];
vi.mock('../../../src/lib/atomic-file.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/lib/atomic-file.js')>();
  return {
    ...real,
    writeFileAtomic: async (path: string, data: string | Uint8Array, options?: { mode?: number }) => {
      await real.writeFileAtomic(path, data, options);
      modesRightAfterWrite.push((await stat(path)).mode & 0o777);
    },
  };
});

const { readSettings, writeSettings } = await import('../../../src/lib/settings.js');

let home: string;
let env: NodeJS.ProcessEnv;
const mode = async (path: string) => (await stat(path)).mode & 0o777;

beforeEach(async () => {
  home = join(await mkdtemp(join(tmpdir(), 'settings-')), 'okta-aws');
  env = { OKTA_AWS_HOME: home };
  modesRightAfterWrite.length = 0;
});
afterEach(async () => {
  await rm(join(home, '..'), { recursive: true, force: true });
});

describe('writeSettings', () => {
  it('creates settings.json 0600 from the first moment, in a 0700 folder, whatever the umask', async () => {
    const old = process.umask(0o000);
    try {
      await writeSettings({ sso_url: 'https://example.okta.com/app/x/sso/saml', password: 'hunter2' }, env);
    } finally {
      process.umask(old);
    }
    expect(modesRightAfterWrite).toEqual([0o600]);
    expect(await mode(join(home, 'settings.json'))).toBe(0o600);
    expect(await mode(home)).toBe(0o700);
    expect(await readFile(join(home, 'settings.json'), 'utf8')).toBe('{\n  "sso_url": "https://example.okta.com/app/x/sso/saml",\n  "password": "hunter2"\n}\n');
  });

  it('tightens an existing settings file that others could read', async () => {
    await mkdir(home, { mode: 0o700 });
    await writeFile(join(home, 'settings.json'), '{}', { mode: 0o644 });
    await chmod(join(home, 'settings.json'), 0o644);
    await writeSettings({ region: 'eu-west-1' }, env);
    expect(await mode(join(home, 'settings.json'))).toBe(0o600);
    expect(JSON.parse(await readFile(join(home, 'settings.json'), 'utf8'))).toEqual({ region: 'eu-west-1' });
  });
});

describe('readSettings', () => {
  it('reads back what was written, unknown keys included, with no warning', async () => {
    const settings = { sso_url: 'https://o.okta.com/app/a/sso/saml', duration: 3600, future_key: { kept: true } };
    await writeSettings(settings, env);
    expect(await readSettings(env)).toEqual({ settings, warnings: [] });
  });

  it('has no settings and no warnings when there is no file', async () => {
    expect(await readSettings(env)).toEqual({ settings: undefined, warnings: [] });
  });

  it('tightens a loose folder and file, and says so for each', async () => {
    await mkdir(home, { mode: 0o755 });
    await chmod(home, 0o755);
    await writeFile(join(home, 'settings.json'), '{"region":"us-east-1"}', { mode: 0o664 });
    await chmod(join(home, 'settings.json'), 0o664);
    const { settings, warnings } = await readSettings(env);
    expect(settings).toEqual({ region: 'us-east-1' });
    expect(warnings).toEqual([
      `${home} was readable by others (mode 755); tightened it to 700.`,
      `${join(home, 'settings.json')} was readable by others (mode 664); tightened it to 600.`,
    ]);
  });

  it('refuses a file that is not JSON, naming it and leaving it as it is', async () => {
    await mkdir(home, { mode: 0o700 });
    await writeFile(join(home, 'settings.json'), '{"sso_url": ', { mode: 0o600 });
    await expect(readSettings(env)).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringMatching(new RegExp(`^${join(home, 'settings.json')} is not valid JSON \\(.+\\)$`)),
      hint: expect.stringContaining('okta-aws init'),
    });
    expect(await readFile(join(home, 'settings.json'), 'utf8')).toBe('{"sso_url": ');
  });

  it('says where the JSON breaks by line and column, and never quotes the file', async () => {
    await mkdir(home, { mode: 0o700 });
    const text = '{\n  "user_name": "alice",\n  "google_2fa_totp": "KRSXG5CTMVRXEZLU" x,\n  "password": "hunter2"\n}\n';
    await writeFile(join(home, 'settings.json'), text, { mode: 0o600 });
    const error = (await readSettings(env).catch((e: unknown) => e)) as Error & { hint?: string };
    expect(error.message).toBe(`${join(home, 'settings.json')} is not valid JSON (line 3, column 41)`);
    for (const secret of ['KRSXG5', 'MVRXEZ', 'hunter2', 'alice']) expect(`${error.message} ${error.hint ?? ''}`).not.toContain(secret);
  });

  it.each(['[]', 'null', '42', '"text"'])('refuses JSON that is not an object: %s', async (text) => {
    await mkdir(home, { mode: 0o700 });
    await writeFile(join(home, 'settings.json'), text, { mode: 0o600 });
    await expect(readSettings(env)).rejects.toMatchObject({ name: 'UserError', message: `${join(home, 'settings.json')} does not hold a JSON object` });
  });

  it('says it cannot read a settings path that is a folder', async () => {
    await mkdir(join(home, 'settings.json'), { recursive: true });
    await expect(readSettings(env)).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringMatching(new RegExp(`^Cannot read ${join(home, 'settings.json')}: .*EISDIR`)),
      hint: 'Check its permissions, or run `okta-aws init`.',
    });
  });
});
