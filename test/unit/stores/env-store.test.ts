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
});
