/**
 * The keyring store where there is no Secret Service (this tier never starts one; test/keyring/
 * covers a real one): every use fails in one line that names the cause and the fix.
 */
import { describe, expect, it } from 'vitest';
import { oneLine } from '../../../src/lib/errors.js';
import { KEYRING_SERVICE, KeyringStore, PROBE_TIMEOUT_MS } from '../../../src/stores/keyring-store.js';

const FIX = 'Use `--store file`, or start and unlock a Secret Service (gnome-keyring, KeePassXC).';

describe.runIf(process.platform === 'linux')('KeyringStore without a Secret Service', () => {
  it('names itself and files entries under okta-aws', () => {
    const store = new KeyringStore({});
    expect(store.name).toBe('keyring');
    expect(store.writable).toBe(true);
    expect(KEYRING_SERVICE).toBe('okta-aws');
    expect(PROBE_TIMEOUT_MS).toBe(600);
  });

  it('without a D-Bus session: says so, for check, get, set and delete alike', async () => {
    const store = new KeyringStore({ PATH: process.env.PATH });
    const expected = { name: 'UserError', message: 'The OS keyring is not available here (no D-Bus session: DBUS_SESSION_BUS_ADDRESS is not set)', hint: FIX, code: 'KEYRING_UNAVAILABLE' };
    await expect(store.check()).rejects.toMatchObject(expected);
    await expect(store.get('alice', 'password')).rejects.toMatchObject(expected);
    await expect(store.set('alice', 'password', 'x')).rejects.toMatchObject(expected);
    await expect(store.delete('alice', 'password')).rejects.toMatchObject(expected);
    expect(oneLine(await store.check().catch((e: unknown) => e))).toBe(`${expected.message}. ${FIX}`);
  });

  it('with a D-Bus address nobody answers on: says what the probe saw', async () => {
    const store = new KeyringStore({ PATH: process.env.PATH, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/okta-aws-test-bus' });
    const error = (await store.check().catch((e: unknown) => e)) as { message: string; code: string };
    expect(error.code).toBe('KEYRING_UNAVAILABLE');
    expect(error.message).toMatch(/^The OS keyring is not available here \((?!no D-Bus session).+\)$/);
  });
});
