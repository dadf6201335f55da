import { constants, unlinkSync } from 'node:fs';
import { chmod, lstat, mkdir, open, readlink, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** Follows symlinks (even dangling ones) so a write replaces the target, not the link. */
export async function resolveLinkTarget(path: string): Promise<string> {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops += 1) {
    let info;
    try {
      info = await lstat(current);
    } catch (error) {
      if (isCode(error, 'ENOENT')) return current;
      throw error;
    }
    if (!info.isSymbolicLink()) return current;
    current = resolve(dirname(current), await readlink(current));
  }
  throw new Error(`Too many symbolic links at ${path}`);
}

/** Temp files being written right now: removed if the process exits (Ctrl-C) before the rename. */
const pending = new Set<string>();
process.on('exit', () => {
  for (const path of pending) {
    try {
      unlinkSync(path);
    } catch {
      // already renamed or removed
    }
  }
});

/**
 * Replaces a file so that readers see either the old or the new bytes, never a mix: a temp file in
 * the same folder, fsync, rename, fsync of the folder. An existing file keeps its mode; a new one
 * gets `mode` (0600 by default). On any failure the old file is untouched and the temp file removed.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: { mode?: number; replaceMode?: boolean } = {}): Promise<void> {
  const target = await resolveLinkTarget(path);
  const dir = dirname(target);
  let mode = options.mode ?? 0o600;
  try {
    // `replaceMode`: the new file gets `mode` even where an old one had another (tightening).
    if (!options.replaceMode) mode = (await stat(target)).mode & 0o777;
  } catch (error) {
    if (!isCode(error, 'ENOENT')) throw error;
  }
  const temp = join(dir, `.${basename(target)}.${process.pid}.${process.getBuiltinModule('node:crypto').randomBytes(4).toString('hex')}.tmp`); // crypto loaded on first write, not at start-up
  pending.add(temp);
  try {
    await writeTemp(temp, data, mode);
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  } finally {
    pending.delete(temp);
  }
  await syncDir(dir);
}

async function writeTemp(temp: string, data: string | Uint8Array, mode: number): Promise<void> {
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    await handle.writeFile(data);
    await handle.chmod(mode); // the umask may have narrowed or widened what open() set
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the rename is still atomic there.
  }
}

/**
 * Makes `dir` (and its parents) exist with owner-only access. Returns a warning when an existing
 * folder was looser than 0700 and had to be tightened.
 */
export async function ensurePrivateDir(dir: string): Promise<string | undefined> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return undefined;
  const current = (await stat(dir)).mode & 0o777;
  if ((current & 0o077) === 0) return undefined;
  await chmod(dir, 0o700);
  return `${dir} was readable by others (mode ${current.toString(8)}); tightened it to 700.`;
}

/** Tightens an existing secret-bearing file to 0600; returns a warning when it had to. */
export async function ensurePrivateFile(path: string): Promise<string | undefined> {
  if (process.platform === 'win32') return undefined;
  let current;
  try {
    current = (await stat(path)).mode & 0o777;
  } catch (error) {
    if (isCode(error, 'ENOENT')) return undefined;
    throw error;
  }
  if ((current & 0o077) === 0) return undefined;
  await chmod(path, 0o600);
  return `${path} was readable by others (mode ${current.toString(8)}); tightened it to 600.`;
}

export function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
