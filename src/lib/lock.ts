import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { readFile, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { isCode } from './atomic-file.js';
import { UserError } from './errors.js';

export interface LockOptions {
  /** How long to wait for another holder before giving up. */
  timeoutMs?: number;
  /**
   * For a holder whose liveness cannot be checked (another host sharing the folder, or a file
   * without a readable holder): abandoned once its heartbeat has been silent this long.
   */
  staleMs?: number;
}

/** What a lock file holds: who took it, and a token only that taker knows. */
interface Holder {
  pid: number;
  host: string;
  token: string;
  /** The holder's process start time (Linux), so a reused pid is not taken for the holder. */
  started?: string;
}

/** Locks this process holds, with its token for each. */
const held = new Map<string, string>();
let exitHookInstalled = false;

/**
 * Runs `fn` while holding an exclusive lock file next to the resource. Waits (bounded) for another
 * process. Whether a holder is gone is judged by its liveness, not by the clock: on this host, a
 * lock is broken only when its pid is dead or now belongs to another process (start time), so a
 * holder that is merely stopped (Ctrl-Z, a suspended laptop) keeps it. Only for a holder on another
 * host does the heartbeat decide: the holder touches the file while it works, and a file silent
 * for `staleMs` is abandoned. Release and heartbeat act only on a lock that still holds our token.
 */
export async function withLock<T>(lockPath: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const staleMs = options.staleMs ?? 30_000;
  const token = await acquire(lockPath, timeoutMs, staleMs);
  const heartbeat = setInterval(() => {
    void touchIfOurs(lockPath, token);
  }, Math.max(250, Math.floor(staleMs / 3)));
  heartbeat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    release(lockPath, token);
  }
}

async function acquire(lockPath: string, timeoutMs: number, staleMs: number): Promise<string> {
  installExitHook();
  const deadline = Date.now() + timeoutMs;
  let pause = 10;
  for (;;) {
    const token = tryCreate(lockPath);
    if (token) return token;
    if (await isAbandoned(lockPath, staleMs)) {
      await breakLock(lockPath, staleMs);
      continue;
    }
    if (Date.now() >= deadline) {
      const holder = await readHolder(lockPath);
      const stopped = holder && holder.host === hostname() && processState(holder.pid) === 'T' ? ', which is stopped (resume it with `fg`, or end it)' : '';
      throw new UserError(`Timed out after ${Math.round(timeoutMs / 1000)} s waiting for the lock ${lockPath}` + (holder ? ` held by pid ${holder.pid}${stopped}` : ''), {
        hint: 'Another okta-aws is still running; wait for it to finish, or delete the lock file if no okta-aws process is alive.',
      });
    }
    await sleep(pause + Math.floor(Math.random() * pause));
    pause = Math.min(pause * 2, 200);
  }
}

/** Creates the lock file with a fresh token; undefined when it exists already. */
function tryCreate(lockPath: string): string | undefined {
  let fd;
  try {
    fd = openSync(lockPath, 'wx', 0o600);
  } catch (error) {
    if (isCode(error, 'EEXIST')) return undefined;
    throw error;
  }
  // Loaded here, not imported: reading a lock (the offline fast paths) needs no node:crypto.
  const token = process.getBuiltinModule('node:crypto').randomBytes(16).toString('hex');
  const started = processStart(process.pid);
  try {
    writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), token, ...(started ? { started } : {}) } satisfies Holder));
  } finally {
    closeSync(fd);
  }
  held.set(lockPath, token);
  return token;
}

function parseHolder(text: string): Holder | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<Holder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return undefined;
    return { pid: parsed.pid, host: parsed.host, token: typeof parsed.token === 'string' ? parsed.token : '', ...(typeof parsed.started === 'string' ? { started: parsed.started } : {}) };
  } catch {
    return undefined; // being written right now, or not ours to read
  }
}

async function readHolder(lockPath: string): Promise<Holder | undefined> {
  try {
    return parseHolder(await readFile(lockPath, 'utf8'));
  } catch {
    return undefined; // gone
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
  const holder = await readHolder(lockPath);
  if (holder && holder.host === hostname()) return !holderAlive(holder);
  return Date.now() - mtime > staleMs;
}

/** The holder's process still runs (stopped counts as running), and is the same process. */
function holderAlive(holder: Holder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if (!isCode(error, 'EPERM')) return false;
  }
  return holder.started === undefined || processStart(holder.pid) === holder.started;
}

/** Fields of /proc/<pid>/stat after the command name; undefined off Linux or for a gone pid. */
function procStat(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Start time in clock ticks since boot (field 22 of /proc/<pid>/stat). */
function processStart(pid: number): string | undefined {
  return procStat(pid)?.[19];
}

/** R, S, T (stopped), … (field 3 of /proc/<pid>/stat). */
function processState(pid: number): string | undefined {
  return procStat(pid)?.[0];
}

/** Only one breaker at a time, so two waiters cannot both delete and one delete a fresh lock. */
async function breakLock(lockPath: string, staleMs: number): Promise<void> {
  const breaker = `${lockPath}.break`;
  const breakerToken = tryCreate(breaker);
  if (!breakerToken) {
    try {
      if (Date.now() - (await stat(breaker)).mtimeMs > 5_000) await unlink(breaker);
    } catch {
      // someone else finished breaking
    }
    await sleep(10);
    return;
  }
  try {
    const abandoned = await readHolder(lockPath);
    // Judged once more with the breaker held; deleted only if it is still that same holder's file.
    if (await isAbandoned(lockPath, staleMs)) {
      const now = await readHolder(lockPath);
      if (now?.token === abandoned?.token) await unlink(lockPath).catch(() => undefined);
    }
  } finally {
    release(breaker, breakerToken);
  }
}

async function touchIfOurs(lockPath: string, token: string): Promise<void> {
  if ((await readHolder(lockPath))?.token !== token) return; // broken and taken by another: not ours to refresh
  const now = new Date();
  await utimes(lockPath, now, now).catch(() => undefined);
}

/** Deletes the lock only while it still holds our token: never a successor's. */
function release(lockPath: string, token: string): void {
  if (held.get(lockPath) === token) held.delete(lockPath);
  try {
    if (parseHolder(readFileSync(lockPath, 'utf8'))?.token === token) unlinkSync(lockPath);
  } catch {
    // already gone
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [path, token] of held) release(path, token);
  });
}
