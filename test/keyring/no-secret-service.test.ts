import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { type Server, type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError, oneLine } from '../../src/lib/errors.js';
import { KeyringStore, PROBE_TIMEOUT_MS } from '../../src/stores/keyring-store.js';

const FIX = 'Use `--store file`, or start and unlock a Secret Service (gnome-keyring, KeePassXC).';

/** The rejection of `check()` and how long it took. */
async function timedCheck(env: NodeJS.ProcessEnv): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  const error = await new KeyringStore(env).check().then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, ms: performance.now() - started };
}

// macOS and Windows have no Secret Service: their keyring is always there.
describe.runIf(process.platform === 'linux')('the keyring store without a Secret Service', () => {
  let dir: string;
  let hung: Server;
  const peers: Socket[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'okta-aws-no-ss-'));
    // A bus that accepts connections and never says a word: the blocking call must not hang us.
    hung = createServer((socket) => peers.push(socket));
    await new Promise<void>((resolve) => hung.listen(join(dir, 'hung-bus'), resolve));
  });
  afterAll(async () => {
    for (const socket of peers) socket.destroy();
    await new Promise((resolve) => hung.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('fails within a second, in one line that names the fix, when the bus address leads nowhere', async () => {
    const { error, ms } = await timedCheck({ ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'no-such-bus')}` });
    expect(error).toBeInstanceOf(UserError);
    expect(oneLine(error)).toBe(`The OS keyring is not available here (no Secret Service on D-Bus). ${FIX}`);
    expect(ms).toBeLessThan(1000);
    console.log(`check() without a Secret Service failed in ${ms.toFixed(0)} ms`);
  });

  it('says that no D-Bus session is set when DBUS_SESSION_BUS_ADDRESS is absent', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_RUNTIME_DIR: dir };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    const { error, ms } = await timedCheck(env);
    expect(oneLine(error)).toBe(`The OS keyring is not available here (no D-Bus session: DBUS_SESSION_BUS_ADDRESS is not set). ${FIX}`);
    expect(ms).toBeLessThan(1000);
  });

  it('gives up on a bus that never answers, within a second', async () => {
    const { error, ms } = await timedCheck({ ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'hung-bus')}` });
    expect(oneLine(error)).toBe(`The OS keyring is not available here (the Secret Service did not answer within ${PROBE_TIMEOUT_MS / 1000} s). ${FIX}`);
    expect(ms).toBeLessThan(1000);
    console.log(`check() against a silent bus gave up in ${ms.toFixed(0)} ms`);
  });

  it('refuses every operation, and never falls back to the kernel keyring', async () => {
    const user = `erin.${process.pid}@example.com`;
    const store = new KeyringStore({ ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'no-such-bus')}` });
    for (const operation of [() => store.set(user, 'password', 'pw'), () => store.get(user, 'password'), () => store.delete(user, 'password')]) {
      await expect(operation()).rejects.toMatchObject({ code: 'KEYRING_UNAVAILABLE', hint: FIX });
    }
    expect(await readFile('/proc/keys', 'utf8').catch(() => '')).not.toContain(user);
  });
});
