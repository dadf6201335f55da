import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/lib/errors.js';
import { EnvStore } from '../../../src/stores/env-store.js';

describe('EnvStore', () => {
  it('reads OKTA_AWS_PASSWORD and OKTA_AWS_TOTP_SECRET for any user when OKTA_AWS_USERNAME is unset', async () => {
    const store = new EnvStore({ OKTA_AWS_PASSWORD: 'pw', OKTA_AWS_TOTP_SECRET: 'JBSWY3DPEHPK3PXP' });
    await expect(store.check()).resolves.toBeUndefined();
    expect(await store.get('alice@example.com', 'password')).toBe('pw');
    expect(await store.get('alice@example.com', 'totp_secret')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('treats an empty variable as unset', async () => {
    const store = new EnvStore({ OKTA_AWS_PASSWORD: '' });
    expect(await store.get('alice@example.com', 'password')).toBeUndefined();
  });

  it('check() names the variables that are missing', async () => {
    const error = await new EnvStore({ OKTA_AWS_PASSWORD: 'pw' }).check().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain('OKTA_AWS_TOTP_SECRET');
    expect((error as UserError).message).not.toContain('OKTA_AWS_PASSWORD');
    expect((error as UserError).hint).toContain('--store file');
  });

  it('names the one variable to set when asked to write a secret', async () => {
    const store = new EnvStore({});
    await expect(store.set('a', 'totp_secret', 'x')).rejects.toMatchObject({ hint: expect.stringMatching(/^Set OKTA_AWS_TOTP_SECRET in/) });
    await expect(store.delete('a', 'password')).rejects.toMatchObject({ hint: expect.stringMatching(/^Set OKTA_AWS_PASSWORD in/) });
  });

  it('check() says which variables are missing, in one sentence, and needs only the secrets asked for', async () => {
    const none = new EnvStore({});
    await expect(none.check()).rejects.toMatchObject({
      message: 'The env store reads the Okta secrets from the environment, and OKTA_AWS_PASSWORD and OKTA_AWS_TOTP_SECRET are not set',
      hint: 'Set OKTA_AWS_PASSWORD and OKTA_AWS_TOTP_SECRET (with OKTA_AWS_SSO_URL and OKTA_AWS_USERNAME), or use `--store file`.',
      code: 'ENV_STORE_EMPTY',
    });
    await expect(none.check(['totp_secret'])).rejects.toMatchObject({
      message: 'The env store reads the Okta secrets from the environment, and OKTA_AWS_TOTP_SECRET is not set',
      hint: 'Set OKTA_AWS_TOTP_SECRET (with OKTA_AWS_SSO_URL and OKTA_AWS_USERNAME), or use `--store file`.',
    });
    await expect(none.check(['okta_session', 'oauth_refresh_token'])).resolves.toBeUndefined();
    await expect(new EnvStore({ OKTA_AWS_PASSWORD: 'pw' }).check(['password'])).resolves.toBeUndefined();
  });

  it('gives the secrets only to OKTA_AWS_USERNAME when it is set, and never an Okta session or refresh token', async () => {
    const store = new EnvStore({ OKTA_AWS_USERNAME: 'alice', OKTA_AWS_PASSWORD: 'pw', OKTA_AWS_TOTP_SECRET: 'JBSWY3DPEHPK3PXP' });
    expect(await store.get('alice', 'password')).toBe('pw');
    expect(await store.get('bob', 'password')).toBeUndefined();
    expect(await store.get('bob', 'totp_secret')).toBeUndefined();
    expect(await store.get('alice', 'okta_session')).toBeUndefined();
    expect(await store.get('alice', 'oauth_refresh_token')).toBeUndefined();
    expect(store).toMatchObject({ name: 'env', writable: false });
  });

  it('refuses every write with a read-only error naming the variables to set', async () => {
    const store = new EnvStore({});
    for (const write of [store.set('a', 'okta_session', 'sid'), store.delete('a', 'oauth_refresh_token')]) {
      await expect(write).rejects.toMatchObject({
        message: 'The env store is read-only: okta-aws cannot change environment variables',
        hint: 'Set OKTA_AWS_PASSWORD and OKTA_AWS_TOTP_SECRET in the environment yourself, or use `--store file` or `--store keyring`.',
        code: 'READ_ONLY_STORE',
      });
    }
  });
});
