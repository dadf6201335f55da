import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneLine } from '../../../src/lib/errors.js';
import { openStore } from '../../../src/stores/index.js';
import { usePlugins } from '../../../src/stores/plugins.js';
import { type PassHome, passHome } from '../../../test/helpers/pass.js';
import { secretStoreContract } from '../../../test/unit/stores/contract.js';
import { PassStore } from '../src/pass-store.js';

// Runs against the real `pass` and gpg (Debian's pass), with a throwaway key: `npm run test:pass`.
const PLUGIN_ROOT = fileURLToPath(new URL('..', import.meta.url));
let home: PassHome;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  home = await passHome();
  env = { ...process.env, ...home.env };
});
afterAll(() => home.cleanup());

secretStoreContract('pass', { open: async () => new PassStore(env) });

/** The store as okta-aws gets it: through the plugin's hook, behind the host's deadline and error wrapping. */
function throughHost(extra: NodeJS.ProcessEnv) {
  usePlugins(() => [{ name: 'okta-aws-store-pass', root: PLUGIN_ROOT, hooks: { 'okta-aws:secret-store': [{ target: './dist/index.js' }] } }]);
  return openStore('pass', { ...env, ...extra });
}

const failure = (promise: Promise<unknown>) => promise.then(() => 'no error', (error: unknown) => oneLine(error));

describe('the pass store', () => {
  it('files each secret as <prefix>/<user>/<secret> in PASSWORD_STORE_DIR, and the prefix can be changed', async () => {
    await new PassStore(env).set('me@example.com', 'password', 'pw-1');
    expect(home.pass(['show', 'okta-aws/me@example.com/password'])).toBe('pw-1\n');
    await new PassStore({ ...env, OKTA_AWS_PASS_PREFIX: 'work/aws' }).set('me@example.com', 'totp_secret', 'JBSWY3DPEHPK3PXP');
    expect(home.pass(['show', 'work/aws/me@example.com/totp_secret'])).toBe('JBSWY3DPEHPK3PXP\n');
    // Only the entries themselves: the temporary names of the atomic writes are gone.
    expect(await readdir(join(home.env.PASSWORD_STORE_DIR, 'okta-aws', 'me@example.com'))).toEqual(['password.gpg']);
    expect(await new PassStore(env).get('me@example.com', 'totp_secret')).toBeUndefined();
  });

  it('reads what pass itself stored (the first line is the secret)', async () => {
    home.pass(['insert', '--multiline', 'okta-aws/by-hand@example.com/password'], 'typed-by-hand\nurl: https://example.okta.com\n');
    expect(await new PassStore(env).get('by-hand@example.com', 'password')).toBe('typed-by-hand');
  });

  it('passes names and values to pass without a shell', async () => {
    const user = '$(touch pwned);`id`@example.com';
    const value = "it's $HOME; `rm -rf /` && echo \"x\" | cat";
    await new PassStore(env).set(user, 'password', value);
    expect(await new PassStore(env).get(user, 'password')).toBe(value);
    expect(await readdir(process.cwd())).not.toContain('pwned');
  });

  it('refuses a user name that would leave its folder', async () => {
    for (const user of ['../escape', 'a/b', '..']) {
      expect(await failure(new PassStore(env).set(user, 'password', 'x'))).toMatch(/cannot file the Okta user/);
    }
  });

  it('says in one line, naming the fix, when pass is not installed', async () => {
    const line = await failure(throughHost({ PATH: join(tmpdir(), 'no-such-dir') }).check());
    expect(line).toBe('The pass store needs the `pass` command, which is not installed here. Install pass (`apt-get install pass`, `brew install pass`), or use `--store file`.');
  });

  it('says in one line when the GPG key pass encrypts with is not in GNUPGHOME', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'oa-nokey-'));
    try {
      const line = await failure(throughHost({ GNUPGHOME: empty }).check());
      expect(line).toContain(`The GPG key pass encrypts with (${home.fingerprint}) has no secret key in ${empty}.`);
      expect(line).toContain('point GNUPGHOME at the keyring that holds it');
      expect(line).not.toContain('\n');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('says in one line when the password store was never initialised', async () => {
    const bare = await mkdtemp(join(tmpdir(), 'oa-nostore-'));
    try {
      expect(await failure(throughHost({ PASSWORD_STORE_DIR: bare }).check())).toMatch(/^The password store .* is not initialised \(it has no \.gpg-id\)\. Run `pass init/);
      await writeFile(join(bare, '.gpg-id'), '# nobody\n');
      expect(await failure(throughHost({ PASSWORD_STORE_DIR: bare }).check())).toMatch(/\.gpg-id names no GPG key/);
    } finally {
      await rm(bare, { recursive: true, force: true });
    }
  });

  it('works through the host: check, then a round trip', async () => {
    const store = throughHost({});
    await store.check();
    await store.set('host@example.com', 'okta_session', 'sid-value');
    expect(await store.get('host@example.com', 'okta_session')).toBe('sid-value');
    await store.delete('host@example.com', 'okta_session');
    expect(await store.get('host@example.com', 'okta_session')).toBeUndefined();
  });
});
