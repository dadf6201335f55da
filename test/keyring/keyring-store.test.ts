import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { findCredentialsAsync } from '@napi-rs/keyring';
import { describe, expect, it } from 'vitest';
import { UserError, oneLine } from '../../src/lib/errors.js';
import { KEYRING_SERVICE, KeyringStore } from '../../src/stores/keyring-store.js';
import { secretStoreContract } from '../unit/stores/contract.js';

const run = promisify(execFile);
const required = process.env.OKTA_AWS_REQUIRE_KEYRING === '1';
const unavailable = await new KeyringStore().check().then(
  () => undefined,
  (error: unknown) => error,
);

describe('the OS keyring', () => {
  it.runIf(required)('is available here (OKTA_AWS_REQUIRE_KEYRING=1: run inside scripts/with-secret-service.sh)', () => {
    if (unavailable) throw unavailable;
  });

  it.runIf(unavailable !== undefined)(`is unavailable here, and says so in one line that names the fix${unavailable === undefined ? ' [skipped: a Secret Service answers here; the no-secret-service tests cover its absence]' : ''}`, async () => {
    expect(unavailable).toBeInstanceOf(UserError);
    expect(oneLine(unavailable)).toMatch(/^The OS keyring is not available here \(.+\)\. Use `--store file`, or start and unlock a Secret Service/);
    const store = new KeyringStore();
    await expect(store.set('nobody@example.com', 'password', 'x')).rejects.toMatchObject({ code: 'KEYRING_UNAVAILABLE' });
    await expect(store.get('nobody@example.com', 'password')).rejects.toMatchObject({ code: 'KEYRING_UNAVAILABLE' });
  });
});

describe.runIf(unavailable === undefined)('with a real Secret Service', () => {
  secretStoreContract('keyring', { open: async () => new KeyringStore() });

  it(`files each secret under service "${KEYRING_SERVICE}", account "<user>:<secret>", in the Secret Service itself`, async () => {
    const user = `carol.${randomUUID().slice(0, 8)}@example.com`;
    const store = new KeyringStore();
    try {
      await store.set(user, 'password', 'pw-in-secret-service');
      // findCredentials reads the Secret Service only; secret-tool is libsecret, another client.
      expect(await findCredentialsAsync(KEYRING_SERVICE)).toContainEqual({ account: `${user}:password`, password: 'pw-in-secret-service' });
      if (await has('secret-tool')) {
        const { stdout } = await run('secret-tool', ['lookup', 'service', KEYRING_SERVICE, 'username', `${user}:password`]);
        expect(stdout).toBe('pw-in-secret-service');
      }
      // …and never in the kernel keyring, which forgets everything at reboot.
      if (process.platform === 'linux') expect(await readFile('/proc/keys', 'utf8')).not.toContain(user);
    } finally {
      await store.delete(user, 'password');
    }
  });

  it('reads a secret that another Secret Service client stored', async (context) => {
    if (!(await has('secret-tool'))) context.skip('secret-tool (libsecret-tools) is not installed');
    const user = `dave.${randomUUID().slice(0, 8)}@example.com`;
    const child = execFile('secret-tool', ['store', '--label=okta-aws test', 'service', KEYRING_SERVICE, 'username', `${user}:totp_secret`]);
    child.stdin?.end('JBSWY3DPEHPK3PXP');
    await new Promise((resolve) => child.on('exit', resolve));
    const store = new KeyringStore();
    try {
      expect(await store.get(user, 'totp_secret')).toBe('JBSWY3DPEHPK3PXP');
    } finally {
      await store.delete(user, 'totp_secret');
    }
    expect(await store.get(user, 'totp_secret')).toBeUndefined();
  });

  it('checks in well under a second', async () => {
    const started = performance.now();
    await new KeyringStore().check();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

async function has(command: string): Promise<boolean> {
  return run('sh', ['-c', `command -v ${command}`]).then(
    () => true,
    () => false,
  );
}
