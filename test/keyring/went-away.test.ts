/**
 * The Secret Service gone between check() and a write. The store's own entries are pinned to the
 * Secret Service, so the native module must throw rather than fall back to the kernel keyring.
 *
 * This file is alone on purpose: libdbus (inside @napi-rs/keyring 2.x) reads the session bus
 * address once, at the first pinned entry a process makes, and keeps it. The write below must be
 * that first use, so no other test may run in this process before it (the tier runs one file
 * per fork).
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { KeyringStore } from '../../src/stores/keyring-store.js';

describe.runIf(process.platform === 'linux')('the keyring store when the Secret Service goes away', () => {
  it('refuses a write when the Secret Service has gone since check(), rather than fall back to the kernel keyring', async () => {
    const user = `frank.${randomUUID().slice(0, 8)}@example.com`;
    const store = new KeyringStore({ ...process.env });
    await store.check();
    const address = process.env.DBUS_SESSION_BUS_ADDRESS;
    process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/okta-aws-test-bus'; // what the native module reads
    try {
      await expect(store.set(user, 'password', 'pw')).rejects.toMatchObject({ code: 'KEYRING_UNAVAILABLE', message: expect.stringContaining('went away') });
    } finally {
      process.env.DBUS_SESSION_BUS_ADDRESS = address;
    }
    expect(await readFile('/proc/keys', 'utf8')).not.toContain(user);
  });
});
