import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { readFile, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { isCode } from './atomic-file.js';
import { UserError } from './errors.js';

export interface LockOptions {
  /** How long to wait for another holder before giving up. */
  timeoutMs?: number;
  /** A lock whose holder stopped touching it for this long is considered abandoned. */
  staleMs?: number;
}

interface Holder {
  pid: number;
  host: string;
}

const held = new Set<string>();
let exitHookInstalled = false;

/**
 * Runs `fn` while holding an exclusive lock file next to the resource. Waits (bounded) for another
 * process; breaks a lock whose holder has died (same host, pid gone) or went quiet for `staleMs`.
 * The holder touches the file while it works, so a long refresh is never mistaken for a dead one.
 */
export async function withLock<T>(lockPath: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const staleMs = options.staleMs ?? 30_000;
  await acquire(lockPath, timeoutMs, staleMs);
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(lockPath, now, now).catch(() => undefined);
  }, Math.max(250, Math.floor(staleMs / 3)));
  heartbeat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    release(lockPath);
  }
}

async function acquire(lockPath: string, timeoutMs: number, staleMs: number): Promise<void> {
  installExitHook();
  const deadline = Date.now() + timeoutMs;
  let pause = 10;
  for (;;) {
    if (tryCreate(lockPath)) return;
    if (await isAbandoned(lockPath, staleMs)) {
      await breakLock(lockPath, staleMs);
      continue;
    }
    if (Date.now() >= deadline) {
      const holder = await readHolder(lockPath);
      throw new UserError(`Timed out after ${Math.round(timeoutMs / 1000)} s waiting for the lock ${lockPath}` + (holder ? ` held by pid ${holder.pid}` : ''), {
        hint: 'Another okta-aws is still running; wait for it to finish, or delete the lock file if no okta-aws process is alive.',
      });
    }
    await sleep(pause + Math.floor(Math.random() * pause));
    pause = Math.min(pause * 2, 200);
  }
}

function tryCreate(lockPath: string): boolean {
  let fd;
  try {
    fd = openSync(lockPath, 'wx', 0o600);
  } catch (error) {
    if (isCode(error, 'EEXIST')) return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname() } satisfies Holder));
  } finally {
    closeSync(fd);
  }
  held.add(lockPath);
  return true;
}

async function readHolder(lockPath: string): Promise<Holder | undefined> {
  try {
    const parsed = JSON.parse(await readFile(lockPath, 'utf8')) as Partial<Holder>;
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string' ? { pid: parsed.pid, host: parsed.host } : undefined;
  } catch {
    return undefined; // gone, or being written right now
  }
}

async function isAbandoned(lockPath: string, staleMs: number): Promise<boolean> {
  let mtime;
  try {
    mtime = (await stat(lockPath)).mtimeMs;
  } catch (error) {
    if (isCode(error, 'ENOENT')) return false; // released meanwhile: just retry
    throw error;
  }
  if (Date.now() - mtime > staleMs) return true;
  const holder = await readHolder(lockPath);
  if (!holder || holder.host !== hostname()) return false;
  return !isAlive(holder.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isCode(error, 'EPERM');
  }
}

/** Only one breaker at a time, so two waiters cannot both delete and one delete a fresh lock. */
async function breakLock(lockPath: string, staleMs: number): Promise<void> {
  const breaker = `${lockPath}.break`;
  if (!tryCreate(breaker)) {
    try {
      if (Date.now() - (await stat(breaker)).mtimeMs > 5_000) await unlink(breaker);
    } catch {
      // someone else finished breaking
    }
    await sleep(10);
    return;
  }
  try {
    if (await isAbandoned(lockPath, staleMs)) await unlink(lockPath).catch(() => undefined);
  } finally {
    release(breaker);
  }
}

function release(lockPath: string): void {
  held.delete(lockPath);
  try {
    unlinkSync(lockPath);
  } catch {
    // already gone
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const path of held) {
      try {
        unlinkSync(path);
      } catch {
        // nothing to clean
      }
    }
  });
}
