/**
 * What makes writeFileAtomic durable and clean, seen from the file system calls it makes: the temp
 * file is fsynced before the rename and the folder after it, and a process that exits between the
 * temp write and the rename leaves no temp file behind.
 */
import { spawnSync } from 'node:child_process';
import type { FileHandle } from 'node:fs/promises';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** The calls that matter, in order: `sync <path>`, `rename <from> <to>`. */
const calls: string[] = [];
/** Runs instead of the rename when set: the test's "the process stops here". */
let beforeRename: ((from: string) => Promise<void>) | undefined;
/** Thrown by stat() when set: a target that exists but cannot be examined. */
let statError: Error | undefined;

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const open = async (path: string, ...rest: unknown[]): Promise<FileHandle> => {
    const handle = await (real.open as (...args: unknown[]) => Promise<FileHandle>)(path, ...rest);
    const sync = handle.sync.bind(handle);
    handle.sync = async () => {
      calls.push(`sync ${String(path)}`);
      return sync();
    };
    return handle;
  };
  const rename = async (from: string, to: string) => {
    if (beforeRename) return beforeRename(from);
    calls.push(`rename ${from} ${to}`);
    return real.rename(from, to);
  };
  const stat = (...args: Parameters<typeof real.stat>) => (statError ? Promise.reject(statError) : real.stat(...args));
  return { ...real, open, rename, stat, default: { ...real, open, rename, stat } };
});

const exitListenersBefore = process.listeners('exit');
const { writeFileAtomic } = await import('../../../src/lib/atomic-file.js');
/** The exit hook lib/atomic-file installed when it loaded. */
const exitHooks = process.listeners('exit').filter((l) => !exitListenersBefore.includes(l));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'atomic-durable-'));
  calls.length = 0;
  beforeRename = undefined;
  statError = undefined;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic durability', () => {
  it('fsyncs the temp file, renames it over the target, then fsyncs the folder', async () => {
    const path = join(dir, 'credentials');
    await writeFileAtomic(path, 'new');
    expect(calls).toHaveLength(3);
    const [syncTemp, rename, syncDir] = calls as [string, string, string];
    const temp = /^rename (\S+) (\S+)$/.exec(rename);
    expect(temp?.[2]).toBe(path);
    expect(temp?.[1]).toMatch(new RegExp(`^${dir}/\\.credentials\\.${process.pid}\\.[0-9a-f]{8}\\.tmp$`));
    expect(syncTemp).toBe(`sync ${temp?.[1]}`);
    expect(syncDir).toBe(`sync ${dir}`);
    expect(await readFile(path, 'utf8')).toBe('new');
  });
});

describe('writeFileAtomic on a target it cannot examine', () => {
  it('writes nothing: the mode to keep is unknown', async () => {
    const path = join(dir, 'credentials');
    await writeFile(path, 'old');
    statError = Object.assign(new Error('EIO: i/o error, stat'), { code: 'EIO' });
    await expect(writeFileAtomic(path, 'new')).rejects.toThrow('EIO: i/o error, stat');
    statError = undefined;
    expect(calls).toEqual([]);
    expect(await readdir(dir)).toEqual(['credentials']);
    expect(await readFile(path, 'utf8')).toBe('old');
  });
});

describe('writeFileAtomic when the process exits before the rename', () => {
  it('the exit hook removes the temp file and the old file stays intact', async () => {
    expect(exitHooks).toHaveLength(1);
    const path = join(dir, 'credentials');
    await writeFile(path, 'old');
    let atExit: { before: string[]; after: string[] } | undefined;
    beforeRename = async (from) => {
      expect(await readFile(from, 'utf8')).toBe('new'); // the temp file is complete, the rename not done
      const before = (await readdir(dir)).sort();
      for (const hook of exitHooks) (hook as () => void)(); // what process.exit() runs now
      atExit = { before, after: await readdir(dir) };
      throw new Error('the process is gone');
    };
    await expect(writeFileAtomic(path, 'new')).rejects.toThrow('the process is gone');
    expect(atExit?.before).toHaveLength(2);
    expect(atExit?.after).toEqual(['credentials']);
    expect(await readFile(path, 'utf8')).toBe('old');
  });

  it('a real process.exit() between the temp write and the rename leaves only the old file', async () => {
    const path = join(dir, 'credentials');
    await writeFile(path, 'old');
    // The child stops itself where a Ctrl-C could land: the temp file written, the rename not yet made.
    const script = `
      const { syncBuiltinESMExports } = await import('node:module');
      const fs = await import('node:fs');
      fs.promises.rename = async () => process.exit(7);
      syncBuiltinESMExports();
      const { writeFileAtomic } = await import(${JSON.stringify(new URL('../../../src/lib/atomic-file.ts', import.meta.url).href)});
      await writeFileAtomic(${JSON.stringify(path)}, 'new');
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(7);
    expect(await readdir(dir)).toEqual(['credentials']);
    expect(await readFile(path, 'utf8')).toBe('old');
  });

  it('the exit hook leaves alone a temp file whose write has finished', async () => {
    const path = join(dir, 'credentials');
    await writeFileAtomic(path, 'first');
    // A stray file with a temp-like name, not ours: nothing pending, so nothing to remove.
    const stray = join(dir, `.credentials.${process.pid}.00000000.tmp`);
    await writeFile(stray, 'x');
    for (const hook of exitHooks) (hook as () => void)();
    expect((await readdir(dir)).sort()).toEqual(['.credentials.' + process.pid + '.00000000.tmp', 'credentials']);
  });
});
