import { access, chmod, constants, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isCode, resolveLinkTarget, writeFileAtomic } from '../lib/atomic-file.js';
import { UserError } from '../lib/errors.js';
import { withLock } from '../lib/lock.js';
import { parseIniSections } from './ini-sections.js';
import { isOwnedProfile } from './profile-name.js';

export type Profiles = Record<string, Record<string, string>>;

export interface UpdateOptions {
  /** Remove `okta-` sections that are not in `profiles`. */
  removeStale: boolean;
  /** A stale section this returns true for is left as it is (e.g. a role whose refresh failed). */
  keep?: (name: string) => boolean;
}

/**
 * Every profile in the file, keys lower-cased, read with the same botocore-faithful parser the
 * writer uses. (Not the `ini` package: it cuts values at `;`/`#`, nests `[a.b]` sections, turns
 * `true` into a boolean and knows no `key: value` or continuation lines, so it would disagree with
 * the AWS CLI about what the file says.) A missing file has no profiles.
 */
export async function readProfiles(path: string): Promise<Profiles> {
  const bytes = await readBytes(path);
  if (!bytes) return {};
  const profiles: Profiles = {};
  for (const section of parseIniSections(bytes.toString('latin1'), path).sections) {
    profiles[section.name] = Object.fromEntries([...section.entries].map(([key, value]) => [key, Buffer.from(value, 'latin1').toString('utf8')]));
  }
  return profiles;
}

/**
 * Writes the given `okta-` profiles into the credentials file, changing nothing else: see
 * {@link spliceProfiles}. The read-modify-write holds a lock next to the real file (symlinks
 * followed), and the file is replaced atomically, or not at all when nothing changed.
 */
export async function updateOwnedProfiles(path: string, profiles: Profiles, options: UpdateOptions): Promise<{ written: string[]; removed: string[]; warning?: string }> {
  checkProfiles(profiles);
  try {
    const target = await resolveLinkTarget(path);
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    return await withLock(`${target}.lock`, async () => {
      const before = await readBytes(target);
      const { bytes, removed } = spliceProfiles(before ?? Buffer.alloc(0), profiles, options, path);
      // Before any key lands in it: a read-only file is refused, one readable by others tightened
      // (the new file is created 0600, so no key is ever readable by others).
      const loose = before ? await looseMode(target, path) : undefined;
      if (!before || !bytes.equals(before)) await writeFileAtomic(target, bytes, loose === undefined ? {} : { mode: 0o600, replaceMode: true });
      else if (loose !== undefined) await chmod(target, 0o600);
      const warning = loose === undefined ? undefined : `${path} was readable by others (mode ${loose.toString(8)}) and holds AWS keys; tightened it to 600.`;
      return { written: Object.keys(profiles), removed, ...(warning ? { warning } : {}) };
    });
  } catch (error) {
    throw writeError(error, path);
  }
}

/**
 * Checks, writing nothing, what updateOwnedProfiles needs, so a refresh fails before it logs in:
 * the file parses, it is not read-only, and its folder (or the nearest one that exists) takes new
 * files. (A file made immutable is found only by the write itself, which leaves it as it was.)
 */
export async function checkCredentialsFile(path: string): Promise<void> {
  try {
    const target = await resolveLinkTarget(path);
    const bytes = await readBytes(target);
    if (bytes) {
      parseIniSections(bytes.toString('latin1'), path);
      refuseReadOnly((await stat(target)).mode, path);
    }
    await checkFolderWritable(dirname(target));
  } catch (error) {
    throw writeError(error, path);
  }
}

async function checkFolderWritable(dir: string): Promise<void> {
  for (let current = dir; ; current = dirname(current)) {
    try {
      if (!(await stat(current)).isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, ${current}`), { code: 'ENOTDIR' });
      await access(current, constants.W_OK);
      return;
    } catch (error) {
      if (!isCode(error, 'ENOENT') || dirname(current) === current) throw error;
    }
  }
}

/** A file the user made read-only stays theirs: root could rename over it, but must not. */
function refuseReadOnly(mode: number, path: string): void {
  if (process.platform === 'win32' || (mode & 0o200) !== 0) return;
  throw new UserError(`The AWS credentials file ${path} is read-only (mode ${(mode & 0o777).toString(8)})`, {
    hint: `okta-aws does not replace a file you made read-only: make it writable (chmod 600 ${path}) or point AWS_SHARED_CREDENTIALS_FILE elsewhere; the file was left as it was.`,
    code: 'READ_ONLY_CREDENTIALS_FILE',
  });
}

/** Refuses a read-only file; returns the mode of one that others can read (to be tightened). */
async function looseMode(target: string, path: string): Promise<number | undefined> {
  const mode = (await stat(target)).mode & 0o777;
  refuseReadOnly(mode, path);
  return process.platform === 'win32' || (mode & 0o077) === 0 ? undefined : mode;
}

/** errno codes that mean "this place cannot be written", whoever we are (root included). */
const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EISDIR', 'ENOSPC', 'EDQUOT', 'ELOOP', 'ENAMETOOLONG', 'EEXIST']);

/**
 * A filesystem refusal (read-only or immutable folder, a parent that is a file, a full disk) used
 * to reach the user as a raw `ENOTDIR: not a directory, lstat …` labelled "looks like a bug".
 * It is the user's to fix, and the atomic write guarantees the old file is intact: say both.
 */
function writeError(error: unknown, path: string): unknown {
  const code = (error as { code?: unknown }).code;
  if (error instanceof UserError || typeof code !== 'string' || !UNWRITABLE.has(code)) return error;
  return new UserError(`Cannot write the AWS credentials file ${path} (${(error as Error).message.split(',')[0]})`, {
    hint: 'Make sure its folder exists, is a folder and is writable (not read-only, immutable or full), or point AWS_SHARED_CREDENTIALS_FILE elsewhere; the file was left as it was.',
    code,
    cause: error,
  });
}

/**
 * The new file bytes. The file must parse as botocore would parse it (else a UserError naming the
 * line). Then, on the original bytes:
 * - an `okta-` section is its header line through its last key (or continuation) line. Comments and
 *   blank lines after that last key, up to the next header, are NOT part of it: they usually
 *   introduce what follows, so they stay, whatever happens to the section;
 * - an `okta-` section named in `profiles` is replaced where it stands; one not named is removed
 *   when `removeStale` (and `keep` does not claim it), else left byte for byte;
 * - profiles not yet in the file are appended, after a blank line unless the file already ends
 *   with one, in the order given;
 * - an indented `[section]` header right after a changed `okta-` section is refused: configparser
 *   would read it as part of the value above once those lines change;
 * - every other byte is copied as it was (line endings, spacing, a missing final newline: one is
 *   added only when a section must be appended after it). New text uses the file's line ending.
 */
export function spliceProfiles(original: Buffer, profiles: Profiles, options: UpdateOptions, path: string): { bytes: Buffer; removed: string[] } {
  const { sections, eol } = parseIniSections(original.toString('latin1'), path);
  const pieces: Buffer[] = [];
  const removed: string[] = [];
  const pending = new Set(Object.keys(profiles));
  let cursor = 0;
  for (const [index, section] of sections.entries()) {
    if (!isOwnedProfile(section.name)) continue;
    const entries = pending.has(section.name) ? profiles[section.name] : undefined;
    const stale = !entries && options.removeStale && !options.keep?.(section.name);
    if (!entries && !stale) continue;
    const following = sections[index + 1];
    if (following && following.indent > 0) {
      // Once the lines above it change, configparser would read it as the continuation of a value.
      throw new UserError(`okta-aws cannot update ${path} safely: the [${following.name}] header at line ${following.line} is indented`, {
        hint: 'Remove the spaces before that [section] header, then run again; okta-aws left the file unchanged.',
        code: 'BAD_CREDENTIALS_FILE',
      });
    }
    pieces.push(original.subarray(cursor, section.start));
    cursor = section.end;
    if (entries) {
      const text = render(section.name, entries, eol);
      // The last line had no line ending: keep it that way, so an unchanged profile is an unchanged file.
      const unterminated = section.end === original.length && original.at(-1) !== 0x0a && original.at(-1) !== 0x0d;
      pieces.push(unterminated ? text.subarray(0, text.length - eol.length) : text);
      pending.delete(section.name);
    } else {
      removed.push(section.name);
    }
  }
  pieces.push(original.subarray(cursor));

  let body = Buffer.concat(pieces);
  for (const name of pending) {
    body = Buffer.concat([body, Buffer.from(separator(body, eol)), render(name, profiles[name] ?? {}, eol)]);
  }
  return { bytes: body, removed };
}

function render(name: string, entries: Record<string, string>, eol: string): Buffer {
  const lines = [`[${name}]`, ...Object.entries(entries).map(([key, value]) => `${key} = ${value}`)];
  return Buffer.from(lines.map((line) => line + eol).join(''), 'utf8');
}

/** What goes between the existing text and an appended section: end the last line, then one blank line. */
function separator(body: Buffer, eol: string): string {
  if (body.length === 0) return '';
  const text = body.toString('latin1');
  if (!/[\r\n]$/.test(text)) return eol + eol;
  const lastLine = text.split(/\r\n|\r|\n/).at(-2) ?? '';
  return lastLine.trim() === '' ? '' : eol;
}

/** Guards against a caller bug that would corrupt the file or touch a section we do not own. */
function checkProfiles(profiles: Profiles): void {
  for (const [name, entries] of Object.entries(profiles)) {
    if (!isOwnedProfile(name) || !/^[^\s[\]]+$/.test(name)) throw new Error(`Refusing to write the profile "${name}": okta-aws writes only okta-… names without spaces or brackets`);
    for (const [key, value] of Object.entries(entries)) {
      if (!/^[A-Za-z0-9_.-]+$/.test(key)) throw new Error(`Refusing to write the key "${key}" in [${name}]`);
      if (/[\r\n]/.test(value)) throw new Error(`Refusing to write a multi-line value for ${key} in [${name}]`);
    }
  }
}

async function readBytes(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if (isCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}
