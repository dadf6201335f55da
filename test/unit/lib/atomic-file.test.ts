import { mkdtemp, readFile, readdir, rm, stat, symlink, writeFile, lstat, chmod, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensurePrivateDir, ensurePrivateFile, isCode, resolveLinkTarget, writeFileAtomic } from '../../../src/lib/atomic-file.js';

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

describe('resolveLinkTarget', () => {
  it('follows a chain of 39 links, as the kernel would, and refuses 40 or a loop', async () => {
    const chain = async (name: string, length: number) => {
      for (let i = 0; i < length; i += 1) await symlink(`${name}${i + 1}`, join(dir, `${name}${i}`));
      return join(dir, `${name}0`);
    };
    expect(await resolveLinkTarget(await chain('ok', 39))).toBe(join(dir, 'ok39'));
    const tooLong = await chain('long', 40);
    await expect(resolveLinkTarget(tooLong)).rejects.toThrow(`Too many symbolic links at ${tooLong}`);
    await symlink('b', join(dir, 'a'));
    await symlink('a', join(dir, 'b'));
    await expect(writeFileAtomic(join(dir, 'a'), 'x')).rejects.toThrow(/^Too many symbolic links at /);
  });

  it('passes on an error other than a missing file', async () => {
    await writeFile(join(dir, 'file'), '');
    await expect(resolveLinkTarget(join(dir, 'file', 'below'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });
});

describe('isCode', () => {
  it('is true only for an object carrying that code', () => {
    expect(isCode(Object.assign(new Error('x'), { code: 'ENOENT' }), 'ENOENT')).toBe(true);
    expect(isCode({ code: 'EEXIST' }, 'ENOENT')).toBe(false);
    for (const value of [null, undefined, 'ENOENT', 2]) expect(isCode(value, 'ENOENT')).toBe(false);
  });
});

describe('open files', () => {
  it('closes every file and folder it opens', async () => {
    const open = () => readdirSync('/proc/self/fd').length;
    await writeFileAtomic(join(dir, 'warm-up'), 'x');
    const before = open();
    for (let i = 0; i < 20; i += 1) await writeFileAtomic(join(dir, 'credentials'), `v${i}`);
    expect(open()).toBe(before);
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

  it('a missing file needs no tightening; another error is passed on', async () => {
    expect(await ensurePrivateFile(join(dir, 'missing.json'))).toBeUndefined();
    await writeFile(join(dir, 'file'), '');
    await expect(ensurePrivateFile(join(dir, 'file', 'below'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  it('on Windows, where modes mean nothing, tightens nothing and warns of nothing', async () => {
    const sub = join(dir, 'okta-aws');
    await mkdir(sub, { mode: 0o755 });
    await chmod(sub, 0o755);
    await writeFile(join(sub, 'settings.json'), '{}', { mode: 0o644 });
    await chmod(join(sub, 'settings.json'), 0o644);
    const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
    Object.defineProperty(process, 'platform', { value: 'win32' });
    try {
      expect(await ensurePrivateDir(sub)).toBeUndefined();
      expect(await ensurePrivateFile(join(sub, 'settings.json'))).toBeUndefined();
    } finally {
      Object.defineProperty(process, 'platform', platform);
    }
    expect((await stat(sub)).mode & 0o777).toBe(0o755);
    expect((await stat(join(sub, 'settings.json'))).mode & 0o777).toBe(0o644);
  });
});
