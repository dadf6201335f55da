/** aws/credentials-file: the edges — unchanged files, final line endings, what it refuses and how it says so. */
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkCredentialsFile, readProfiles, updateOwnedProfiles } from '../../../src/aws/credentials-file.js';

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'creds-edges-'));
  path = join(dir, 'credentials');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const update = (profiles: Record<string, Record<string, string>>) => updateOwnedProfiles(path, profiles, { removeStale: false });

describe('updateOwnedProfiles', () => {
  it('an unchanged file others can read is only tightened; a private one is left alone', async () => {
    await writeFile(path, '[okta-a]\nk = v\n');
    await chmod(path, 0o644);
    expect(await update({ 'okta-a': { k: 'v' } })).toMatchObject({ warning: `${path} was readable by others (mode 644) and holds AWS keys; tightened it to 600.` });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await chmod(path, 0o700);
    expect((await update({ 'okta-a': { k: 'v' } })).warning).toBeUndefined();
    expect((await stat(path)).mode & 0o777).toBe(0o700);
    expect(await readFile(path, 'utf8')).toBe('[okta-a]\nk = v\n');
  });

  it.each([
    ['LF', '\n'],
    ['CR', '\r'],
    ['CRLF', '\r\n'],
  ])('keeps the final %s of a file whose last section it rewrites', async (_name, eol) => {
    await writeFile(path, `[default]${eol}k = v${eol}${eol}[okta-a]${eol}k = old${eol}`);
    await update({ 'okta-a': { k: 'new' } });
    expect(await readFile(path, 'utf8')).toBe(`[default]${eol}k = v${eol}${eol}[okta-a]${eol}k = new${eol}`);
  });

  it('appends after a last line of blanks without adding another blank line', async () => {
    await writeFile(path, '[default]\nk = v\n   \n');
    await update({ 'okta-b': { k: 'v' } });
    expect(await readFile(path, 'utf8')).toBe('[default]\nk = v\n   \n[okta-b]\nk = v\n');
  });

  it.each([
    [{ 'okta-a b': { k: 'v' } }, 'Refusing to write the profile "okta-a b": okta-aws writes only okta-… names without spaces or brackets'],
    [{ 'okta-a]': { k: 'v' } }, 'Refusing to write the profile "okta-a]": okta-aws writes only okta-… names without spaces or brackets'],
    [{ 'okta-a': { 'k v': 'x' } }, 'Refusing to write the key "k v" in [okta-a]'],
    [{ 'okta-a': { 'k=': 'x' } }, 'Refusing to write the key "k=" in [okta-a]'],
    [{ 'okta-a': { '[k': 'x' } }, 'Refusing to write the key "[k" in [okta-a]'],
  ])('refuses %j (a caller bug that would break the file)', async (profiles, message) => {
    await writeFile(path, '[default]\nk = v\n');
    await expect(update(profiles)).rejects.toThrow(message);
    expect(await readFile(path, 'utf8')).toBe('[default]\nk = v\n');
  });

  it('says how to fix a read-only file, an indented header and an unwritable place', async () => {
    await writeFile(path, '[default]\nk = v\n');
    await chmod(path, 0o444);
    await expect(update({ 'okta-a': { k: 'v' } })).rejects.toMatchObject({
      hint: `okta-aws does not replace a file you made read-only: make it writable (chmod 600 ${path}) or point AWS_SHARED_CREDENTIALS_FILE elsewhere; the file was left as it was.`,
      code: 'READ_ONLY_CREDENTIALS_FILE',
    });
    await chmod(path, 0o600);
    await writeFile(path, '[other]\n  k = 1\n [okta-a]\n  k = 1\n  j = 1\n [next]\nk = 2\n');
    await expect(update({ 'okta-a': { k: 'new' } })).rejects.toMatchObject({
      hint: 'Remove the spaces before that [section] header, then run again; okta-aws left the file unchanged.',
      code: 'BAD_CREDENTIALS_FILE',
    });
    await writeFile(join(dir, 'file'), 'x');
    await expect(checkCredentialsFile(join(dir, 'file', 'credentials'))).rejects.toMatchObject({
      hint: 'Make sure its folder exists, is a folder and is writable (not read-only, immutable or full), or point AWS_SHARED_CREDENTIALS_FILE elsewhere; the file was left as it was.',
      code: 'ENOTDIR',
    });
  });
});

describe('readProfiles', () => {
  it('reads UTF-8 values as text', async () => {
    await writeFile(path, '[okta-a]\nnote = café ☕\n');
    expect(await readProfiles(path)).toEqual({ 'okta-a': { note: 'café ☕' } });
  });

  it('a missing file has no profiles; one it cannot read is an error', async () => {
    expect(await readProfiles(join(dir, 'none'))).toEqual({});
    await mkdir(join(dir, 'folder'));
    await expect(readProfiles(join(dir, 'folder'))).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
