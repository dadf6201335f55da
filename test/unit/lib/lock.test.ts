import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, writeFile, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** The host name lib/lock sees: a test can move "this process" to another machine sharing the folder. */
let host = 'this-host';
vi.mock('node:os', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:os')>();
  return { ...real, hostname: () => host, default: { ...real, hostname: () => host } };
});
const hostname = () => host;
const { withLock } = await import('../../../src/lib/lock.js');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lock-'));
});
afterEach(async () => {
  host = 'this-host';
  await rm(dir, { recursive: true, force: true });
});

describe('withLock', () => {
  it('serializes critical sections', async () => {
    const lock = join(dir, 'x.lock');
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        withLock(lock, async () => {
          inside += 1;
          most = Math.max(most, inside);
          await sleep(15);
          inside -= 1;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(existsSync(lock)).toBe(false);
  });

  it('releases the lock when the work throws', async () => {
    const lock = join(dir, 'x.lock');
    await expect(withLock(lock, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock left by a process that died', async () => {
    const lock = join(dir, 'x.lock');
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => child.on('exit', resolve));
    await writeFile(lock, JSON.stringify({ pid: child.pid, host: hostname() }));
    const started = Date.now();
    expect(await withLock(lock, async () => 'got it', { timeoutMs: 2_000 })).toBe('got it');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('takes over a lock whose holder went quiet past staleMs', async () => {
    const lock = join(dir, 'x.lock');
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: 'another-host' }));
    const past = new Date(Date.now() - 60_000);
    await utimes(lock, past, past);
    expect(await withLock(lock, async () => 1, { staleMs: 1_000, timeoutMs: 2_000 })).toBe(1);
  });

  it('release leaves a successor\'s lock alone: only the token that took it may delete it', async () => {
    const lock = join(dir, 'x.lock');
    const successor = JSON.stringify({ pid: process.pid, host: hostname(), token: 'someone-else' });
    await withLock(lock, async () => {
      expect(JSON.parse(await readFile(lock, 'utf8'))).toMatchObject({ pid: process.pid, token: expect.stringMatching(/^[0-9a-f]{32}$/) });
      await writeFile(lock, successor); // as if our lock had been broken and taken meanwhile
    });
    expect(await readFile(lock, 'utf8')).toBe(successor);
  });

  it('takes over a lock whose pid now belongs to another process (pid reuse)', async () => {
    const lock = join(dir, 'x.lock');
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname(), token: 't', started: '1' }));
    expect(await withLock(lock, async () => 'got it', { timeoutMs: 2_000 })).toBe('got it');
  });

  it('never breaks a live holder on this host, however old its file', async () => {
    const lock = join(dir, 'x.lock');
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname(), token: 't' }));
    const past = new Date(Date.now() - 60_000);
    await utimes(lock, past, past);
    await expect(withLock(lock, async () => 1, { staleMs: 100, timeoutMs: 500 })).rejects.toThrow(/held by pid/);
    expect(existsSync(lock)).toBe(true);
  });

  it('gives up with a clear error when a live holder keeps it', async () => {
    const lock = join(dir, 'x.lock');
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname() }));
    await expect(withLock(lock, async () => 1, { timeoutMs: 300 })).rejects.toThrow(/waiting for the lock .* held by pid/);
  });

  it('a holder on another host working past staleMs keeps the lock: its heartbeat stops a waiter from breaking in', async () => {
    // Liveness cannot be checked across machines (a home folder on NFS): only the heartbeat tells a
    // slow holder from a dead one there. The clock and the heartbeat's interval are fake, so the
    // holder "works" three times staleMs without the test waiting for it; the file's mtime is real.
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    try {
      const lock = join(dir, 'x.lock');
      const staleMs = 3_000; // the heartbeat touches the file every 1 s
      const events: string[] = [];
      let entered!: () => void;
      let finish!: () => void;
      const holderInside = new Promise<void>((resolve) => (entered = resolve));
      const holderDone = new Promise<void>((resolve) => (finish = resolve));
      const holder = withLock(
        lock,
        async () => {
          events.push('holder in');
          entered();
          await holderDone;
          events.push('holder out');
        },
        { staleMs, timeoutMs: 60_000 },
      );
      await holderInside;
      host = 'other-host'; // from here on the waiter, and the lock file's holder is on another machine
      const waiter = withLock(lock, async () => events.push('waiter in'), { staleMs, timeoutMs: 60_000 });
      for (let beat = 0; beat < 9; beat += 1) {
        vi.advanceTimersByTime(staleMs / 3); // one heartbeat: the file is never older than a third of staleMs
        const now = Date.now();
        for (let tries = 0; tries < 500 && Math.abs((await stat(lock)).mtimeMs - now) >= 1; tries += 1) await sleep(2);
        expect(Math.abs((await stat(lock)).mtimeMs - now)).toBeLessThan(1); // the heartbeat touched it
        await sleep(20); // real time for the waiter to look at the lock again
      }
      expect(events).toEqual(['holder in']);
      finish();
      await Promise.all([holder, waiter]);
      expect(events).toEqual(['holder in', 'holder out', 'waiter in']);
      expect(existsSync(lock)).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('names a holder on this host that is stopped, and how to resume it', async () => {
    const lock = join(dir, 'x.lock');
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await new Promise((resolve) => child.on('spawn', resolve));
    try {
      const stat = () => readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const started = stat().slice(stat().lastIndexOf(')') + 2).split(' ')[19];
      await writeFile(lock, JSON.stringify({ pid: child.pid, host: hostname(), token: 't', started }));
      const running = withLock(lock, async () => 1, { timeoutMs: 200 });
      await expect(running).rejects.toThrow(new RegExp(`^Timed out after 0 s waiting for the lock ${lock} held by pid ${child.pid}$`));
      process.kill(child.pid!, 'SIGSTOP');
      for (let tries = 0; tries < 200 && stat().slice(stat().lastIndexOf(')') + 2)[0] !== 'T'; tries += 1) await sleep(5);
      const error = await withLock(lock, async () => 1, { timeoutMs: 200 }).catch((e: unknown) => e);
      expect(error).toMatchObject({
        message: `Timed out after 0 s waiting for the lock ${lock} held by pid ${child.pid}, which is stopped (resume it with \`fg\`, or end it)`,
        hint: 'Another okta-aws is still running; wait for it to finish, or delete the lock file if no okta-aws process is alive.',
      });
      expect(existsSync(lock)).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a lock file without a readable holder is abandoned only once silent for staleMs', async () => {
    const lock = join(dir, 'x.lock');
    for (const text of ['', '{"pid": "1", "host": "h"}', '{"pid": 1}', 'not json']) {
      await writeFile(lock, text); // fresh: perhaps being written right now
      await expect(withLock(lock, async () => 1, { staleMs: 60_000, timeoutMs: 100 })).rejects.toThrow(/^Timed out after 0 s waiting for the lock \S+$/);
      const past = new Date(Date.now() - 61_000);
      await utimes(lock, past, past);
      expect(await withLock(lock, async () => 2, { staleMs: 60_000, timeoutMs: 1_000 })).toBe(2);
      expect(existsSync(lock)).toBe(false);
    }
  });

  it('leaves the lock to another waiter that is breaking it, and clears a breaker that died at it', async () => {
    const lock = join(dir, 'x.lock');
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => child.on('exit', resolve));
    const dead = JSON.stringify({ pid: child.pid, host: hostname(), token: 'dead' });
    const breaker = `${lock}.break`;
    await writeFile(lock, dead);
    await writeFile(breaker, JSON.stringify({ pid: process.pid, host: hostname(), token: 'breaker' }));
    const waiting = withLock(lock, async () => 'got it', { timeoutMs: 5_000 });
    await sleep(150);
    expect(await readFile(lock, 'utf8')).toBe(dead); // left to the breaker at work
    await rm(breaker); // that one finished without deleting it: now this waiter breaks it
    expect(await waiting).toBe('got it');

    await writeFile(lock, dead);
    await writeFile(breaker, '');
    const past = new Date(Date.now() - 6_000);
    await utimes(breaker, past, past); // that breaker has been at it for 6 s: it died
    const started = Date.now();
    expect(await withLock(lock, async () => 'got it again', { timeoutMs: 5_000 })).toBe('got it again');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await readdir(dir)).toEqual([]);
  });

  it('a process that exits while holding a lock leaves no lock file', async () => {
    vi.resetModules();
    const fresh = await import('../../../src/lib/lock.js');
    const before = process.listeners('exit');
    const lock = join(dir, 'x.lock');
    const other = join(dir, 'y.lock');
    await writeFile(other, JSON.stringify({ pid: process.pid, host: hostname(), token: 'not-ours' }));
    await fresh.withLock(lock, async () => {
      await fresh.withLock(join(dir, 'z.lock'), async () => undefined); // installs the hook only once
      const hooks = process.listeners('exit').filter((l) => !before.includes(l));
      expect(hooks).toHaveLength(1);
      for (const hook of hooks) process.removeListener('exit', hook);
      expect(existsSync(lock)).toBe(true);
      (hooks[0] as () => void)(); // what process.exit() runs now
      expect(await readdir(dir)).toEqual(['y.lock']); // ours gone, another's left
    });
  });

});
