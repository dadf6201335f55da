import { mkdtemp, readFile, readdir, rm, stat, symlink, writeFile, lstat, chmod, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensurePrivateDir, ensurePrivateFile, writeFileAtomic } from '../../../src/lib/atomic-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates a new file 0600 whatever the umask, and leaves no temp file', async () => {
    const path = join(dir, 'credentials');
    const old = process.umask(0o000);
    try {
      await writeFileAtomic(path, 'hello');
    } finally {
      process.umask(old);
    }
    expect(await readFile(path, 'utf8')).toBe('hello');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['credentials']);
  });

  it('keeps the mode of an existing file', async () => {
    const path = join(dir, 'f');
    await writeFile(path, 'a');
    await chmod(path, 0o640);
    await writeFileAtomic(path, 'b');
    expect((await stat(path)).mode & 0o777).toBe(0o640);
    expect(await readFile(path, 'utf8')).toBe('b');
  });

  it('writes through a symlink to its target and keeps the link', async () => {
    const target = join(dir, 'real');
    const link = join(dir, 'link');
    await writeFile(target, 'old');
    await symlink(target, link);
    await writeFileAtomic(link, 'new');
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(target, 'utf8')).toBe('new');
  });

  it('creates the target of a dangling relative symlink', async () => {
    await mkdir(join(dir, 'sub'));
    const link = join(dir, 'link');
    await symlink('sub/real', link);
    await writeFileAtomic(link, 'x');
    expect(await readFile(join(dir, 'sub', 'real'), 'utf8')).toBe('x');
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
  });

  it('cleans up its temp file and leaves the old state when the rename fails', async () => {
    const path = join(dir, 'credentials');
    await mkdir(path);
    await writeFile(join(path, 'inside'), 'kept');
    await expect(writeFileAtomic(path, 'new')).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['credentials']);
    expect(await readFile(join(path, 'inside'), 'utf8')).toBe('kept');
  });
});

describe('private folders and files', () => {
  it('tightens a folder that others can read, and says so', async () => {
    const sub = join(dir, 'okta-aws');
    await mkdir(sub, { mode: 0o755 });
    await chmod(sub, 0o755);
    expect(await ensurePrivateDir(sub)).toMatch(/tightened it to 700/);
    expect((await stat(sub)).mode & 0o777).toBe(0o700);
    expect(await ensurePrivateDir(sub)).toBeUndefined();
  });

  it('tightens a world-readable file to 0600', async () => {
    const path = join(dir, 'settings.json');
    await writeFile(path, '{}');
    await chmod(path, 0o644);
    expect(await ensurePrivateFile(path)).toMatch(/mode 644/);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});
