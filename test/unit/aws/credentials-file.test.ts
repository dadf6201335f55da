import { chmod, lstat, mkdtemp, readFile, readdir, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkCredentialsFile, readProfiles, updateOwnedProfiles } from '../../../src/aws/credentials-file.js';
import { execFileSync } from 'node:child_process';
import { UserError } from '../../../src/lib/errors.js';

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'creds-'));
  path = join(dir, 'credentials');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * The file without its okta- sections, computed independently of the module: a section is its
 * header through its last line that is not blank or a comment, before the next header.
 */
function withoutOkta(text: string): string {
  const lines = text.split(/(?<=\n)/);
  const isHeader = (line: string) => /^\s*\[[^\]]+\]/.test(line);
  const isKeyLine = (line: string) => line.trim() !== '' && !/^\s*[#;]/.test(line);
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    const line = lines[i] ?? '';
    if (!/^\s*\[\s*okta-/.test(line)) {
      out.push(line);
      i += 1;
      continue;
    }
    let next = i + 1;
    while (next < lines.length && !isHeader(lines[next] ?? '')) next += 1;
    let last = i;
    for (let j = i + 1; j < next; j += 1) if (isKeyLine(lines[j] ?? '')) last = j;
    i = last + 1;
  }
  return out.join('');
}

const creds = (id: string) => ({ aws_access_key_id: `AKIA${id}`, aws_secret_access_key: `secret/${id}+x=`, aws_session_token: `token${id}`, region: 'ap-southeast-2' });

// Hand-edited: comments of both kinds, tabs, odd spacing, `:`, a continuation, okta sections between others.
const MESSY = [
  '# AWS credentials, edited by hand',
  '; an old-style comment',
  '',
  '[default]',
  'aws_access_key_id   =   AKIADEFAULT',
  'aws_secret_access_key=default/secret',
  '',
  '[okta-111111111111-Admin]',
  'aws_access_key_id = OLD1',
  'aws_secret_access_key = OLDSECRET1',
  '# this comment introduces [work]',
  '',
  '[work]',
  '\taws_access_key_id:AKIAWORK',
  'aws_secret_access_key = work ; not a comment',
  's3 =',
  '    max_concurrent_requests = 20',
  '[ okta-222222222222-Reader ]',
  'aws_access_key_id = OLD2',
  '',
  '[okta-333333333333-Gone]',
  'aws_access_key_id = OLD3',
  '  ',
  '[profile okta-444444444444-Config]',
  'region = eu-west-1',
].join('\n'); // no final newline

describe('updateOwnedProfiles', () => {
  it('splices okta- sections and leaves every other byte as it was', async () => {
    await writeFile(path, MESSY, { mode: 0o600 }); // private: nothing to tighten, nothing to warn of
    const result = await updateOwnedProfiles(
      path,
      { 'okta-222222222222-Reader': creds('R'), 'okta-555555555555-New': creds('N'), 'okta-111111111111-Admin': creds('A') },
      { removeStale: true },
    );
    expect(result).toEqual({ written: ['okta-222222222222-Reader', 'okta-555555555555-New', 'okta-111111111111-Admin'], removed: ['okta-333333333333-Gone'] });
    const after = await readFile(path, 'utf8');
    expect(after).toBe(
      [
        '# AWS credentials, edited by hand',
        '; an old-style comment',
        '',
        '[default]',
        'aws_access_key_id   =   AKIADEFAULT',
        'aws_secret_access_key=default/secret',
        '',
        '[okta-111111111111-Admin]',
        'aws_access_key_id = AKIAA',
        'aws_secret_access_key = secret/A+x=',
        'aws_session_token = tokenA',
        'region = ap-southeast-2',
        '# this comment introduces [work]',
        '',
        '[work]',
        '\taws_access_key_id:AKIAWORK',
        'aws_secret_access_key = work ; not a comment',
        's3 =',
        '    max_concurrent_requests = 20',
        '[okta-222222222222-Reader]',
        'aws_access_key_id = AKIAR',
        'aws_secret_access_key = secret/R+x=',
        'aws_session_token = tokenR',
        'region = ap-southeast-2',
        '',
        '  ',
        '[profile okta-444444444444-Config]',
        'region = eu-west-1',
        '',
        '[okta-555555555555-New]',
        'aws_access_key_id = AKIAN',
        'aws_secret_access_key = secret/N+x=',
        'aws_session_token = tokenN',
        'region = ap-southeast-2',
        '',
      ].join('\n'),
    );
    // Outside okta- sections: identical, plus the one line ending and blank line the append needed.
    expect(withoutOkta(after)).toBe(`${withoutOkta(MESSY)}\n\n`);
    expect(withoutOkta(MESSY)).toContain('[work]\n\taws_access_key_id:AKIAWORK');
  });

  it('reads back what botocore would see', async () => {
    await writeFile(path, MESSY);
    const profiles = await readProfiles(path);
    expect(Object.keys(profiles)).toEqual(['default', 'okta-111111111111-Admin', 'work', 'okta-222222222222-Reader', 'okta-333333333333-Gone', 'profile okta-444444444444-Config']);
    expect(profiles.default).toEqual({ aws_access_key_id: 'AKIADEFAULT', aws_secret_access_key: 'default/secret' });
    expect(profiles.work).toEqual({ aws_access_key_id: 'AKIAWORK', aws_secret_access_key: 'work ; not a comment', s3: '\nmax_concurrent_requests = 20' });
    expect(await readProfiles(join(dir, 'missing'))).toEqual({});
  });

  it('keeps CRLF line endings and writes new text with them', async () => {
    const crlf = '[default]\r\naws_access_key_id = AKIADEFAULT\r\n\r\n[okta-111111111111-Admin]\r\naws_access_key_id = OLD\r\n\r\n# tail\r\n';
    await writeFile(path, crlf);
    await updateOwnedProfiles(path, { 'okta-111111111111-Admin': { aws_access_key_id: 'NEW' }, 'okta-222222222222-Dev': { aws_access_key_id: 'DEV' } }, { removeStale: true });
    const after = await readFile(path, 'utf8');
    expect(after).toBe('[default]\r\naws_access_key_id = AKIADEFAULT\r\n\r\n[okta-111111111111-Admin]\r\naws_access_key_id = NEW\r\n\r\n# tail\r\n\r\n[okta-222222222222-Dev]\r\naws_access_key_id = DEV\r\n');
    expect(withoutOkta(after)).toBe(`${withoutOkta(crlf)}\r\n`);
  });

  /** What Python's configparser (botocore's reader, universal newlines) makes of the file: sections and keys. */
  function configparser(file: string): Record<string, Record<string, string>> {
    const script = 'import configparser,json,sys\np=configparser.RawConfigParser(strict=True)\np.read(sys.argv[1])\nprint(json.dumps({s:dict(p.items(s)) for s in p.sections()}))';
    return JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' })) as Record<string, Record<string, string>>;
  }

  it('reads a CR-only file as botocore does: a lone CR ends a line, and no section is written twice', async () => {
    const cr = '[default]\raws_access_key_id = AKIADEFAULT\r\r[okta-111111111111-Admin]\raws_access_key_id = OLD\r\r# tail\r';
    await writeFile(path, cr);
    expect(Object.keys(await readProfiles(path))).toEqual(['default', 'okta-111111111111-Admin']);
    await updateOwnedProfiles(path, { 'okta-111111111111-Admin': { aws_access_key_id: 'NEW' }, 'okta-222222222222-Dev': { aws_access_key_id: 'DEV' } }, { removeStale: true });
    const after = await readFile(path, 'utf8');
    expect(after).toBe('[default]\raws_access_key_id = AKIADEFAULT\r\r[okta-111111111111-Admin]\raws_access_key_id = NEW\r\r# tail\r\r[okta-222222222222-Dev]\raws_access_key_id = DEV\r');
    expect(configparser(path)).toEqual({
      default: { aws_access_key_id: 'AKIADEFAULT' },
      'okta-111111111111-Admin': { aws_access_key_id: 'NEW' },
      'okta-222222222222-Dev': { aws_access_key_id: 'DEV' },
    });
    // A lone CR inside an LF file is a line end too, as for Python.
    await writeFile(path, '[default]\nk = v\r[okta-a]\rk = 1\n');
    await updateOwnedProfiles(path, { 'okta-a': { k: '2' } }, { removeStale: true });
    expect(configparser(path)).toEqual({ default: { k: 'v' }, 'okta-a': { k: '2' } });
  });

  it('keeps a missing final newline, and does not rewrite a file that would not change', async () => {
    const text = '[other]\nx = 1\n\n[okta-111111111111-Admin]\naws_access_key_id = AKIA';
    await writeFile(path, text);
    const inode = (await stat(path)).ino;
    await updateOwnedProfiles(path, { 'okta-111111111111-Admin': { aws_access_key_id: 'AKIA' } }, { removeStale: true });
    expect(await readFile(path, 'utf8')).toBe(text);
    expect((await stat(path)).ino).toBe(inode);

    await updateOwnedProfiles(path, { 'okta-111111111111-Admin': { aws_access_key_id: 'AKIB' } }, { removeStale: true });
    expect(await readFile(path, 'utf8')).toBe('[other]\nx = 1\n\n[okta-111111111111-Admin]\naws_access_key_id = AKIB');
    expect((await stat(path)).ino).not.toBe(inode);
  });

  it('does not pile up blank lines when a profile comes and goes', async () => {
    await writeFile(path, '[default]\nk = v\n');
    await updateOwnedProfiles(path, { 'okta-a': { k: '1' } }, { removeStale: true });
    expect(await readFile(path, 'utf8')).toBe('[default]\nk = v\n\n[okta-a]\nk = 1\n');
    await updateOwnedProfiles(path, {}, { removeStale: true });
    expect(await readFile(path, 'utf8')).toBe('[default]\nk = v\n\n');
    await updateOwnedProfiles(path, { 'okta-a': { k: '2' } }, { removeStale: true });
    expect(await readFile(path, 'utf8')).toBe('[default]\nk = v\n\n[okta-a]\nk = 2\n');
  });

  it('replaces continuation lines with the value they belong to', async () => {
    await writeFile(path, '[okta-a]\ns3 =\n  max_concurrent_requests = 20\n\n    more = 1\n[b]\nk = 1\n');
    await updateOwnedProfiles(path, { 'okta-a': { k: '2' } }, { removeStale: true });
    expect(await readFile(path, 'utf8')).toBe('[okta-a]\nk = 2\n[b]\nk = 1\n');
  });

  it('replaces comments inside an okta- section but not those after its last key', async () => {
    await writeFile(path, '[okta-a]\n# inside\nk = 1\n  # inside too\nj = 2\n; after\n\n[b]\nk = 1\n');
    await updateOwnedProfiles(path, { 'okta-a': { k: '3' } }, { removeStale: false });
    expect(await readFile(path, 'utf8')).toBe('[okta-a]\nk = 3\n; after\n\n[b]\nk = 1\n');
  });

  it('removes stale okta- sections only when asked, and never those keep() claims', async () => {
    const text = '[okta-a]\nk = 1\n[okta-b]\nk = 1\n[okta-c]\nk = 1\n[other]\nk = 1\n';
    await writeFile(path, text, { mode: 0o600 });
    expect(await updateOwnedProfiles(path, { 'okta-a': { k: '1' } }, { removeStale: false })).toEqual({ written: ['okta-a'], removed: [] });
    expect(await readFile(path, 'utf8')).toBe(text);
    expect(await updateOwnedProfiles(path, { 'okta-a': { k: '1' } }, { removeStale: true, keep: (name) => name === 'okta-c' })).toEqual({ written: ['okta-a'], removed: ['okta-b'] });
    expect(await readFile(path, 'utf8')).toBe('[okta-a]\nk = 1\n[okta-c]\nk = 1\n[other]\nk = 1\n');
    expect(await updateOwnedProfiles(path, {}, { removeStale: true })).toEqual({ written: [], removed: ['okta-a', 'okta-c'] });
    expect(await readFile(path, 'utf8')).toBe('[other]\nk = 1\n');
  });

  const KEY_VALUE = 'expected "key = value", a [section] header, a # comment or a blank line';
  it.each([
    ['a key outside any section', 'aws_access_key_id = AKIA\n[default]\nk = v\n', 1, 'it comes before any [section] header and is neither blank nor a # comment'],
    ['a line that is not key = value', '[default]\nk = v\n\n[okta-a]\nk = v\njust some words\n', 6, KEY_VALUE],
    ['a key with no name', '# c\n[default]\n = v\n', 3, KEY_VALUE],
    ['a duplicate section', '[okta-a]\nk = 1\n[other]\nk = 1\n[ okta-a ]\nk = 2\n', 5, 'the section [okta-a] already started at line 1'],
    ['a duplicate key', '[default]\r\nregion = a\r\nREGION = b\r\n', 3, 'the key "region" appears twice in [default]'],
  ])('refuses a file with %s, naming the line, and leaves it untouched', async (_name, text, line, why) => {
    await writeFile(path, text);
    let error: unknown;
    try {
      await updateOwnedProfiles(path, { 'okta-a': { k: 'new' } }, { removeStale: true });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(`${path} line ${line} is not valid: ${why}`);
    expect((error as UserError).code).toBe('BAD_CREDENTIALS_FILE');
    expect(await readFile(path, 'utf8')).toBe(text);
    expect(await readdir(dir)).toEqual(['credentials']); // no temp file, no lock left behind
  });

  it('refuses to change an okta- section right above an indented header, which would join the value above it', async () => {
    const text = '[other]\n  k = 1\n [okta-a]\n  k = 1\n  j = 1\n [next]\nk = 2\n';
    await writeFile(path, text);
    await expect(updateOwnedProfiles(path, { 'okta-a': { k: 'new' } }, { removeStale: true })).rejects.toThrow(
      `okta-aws cannot update ${path} safely: the [next] header at line 6 is indented`,
    );
    expect(await readFile(path, 'utf8')).toBe(text);
    expect(Object.keys(await readProfiles(path))).toEqual(['other', 'okta-a', 'next']);
    // An indented header after a section we leave alone is no problem.
    await updateOwnedProfiles(path, { 'okta-b': { k: 'v' } }, { removeStale: false });
    expect(await readFile(path, 'utf8')).toBe(`${text}\n[okta-b]\nk = v\n`);
  });

  it('never echoes the bad line, which may hold a secret', async () => {
    await writeFile(path, '[default]\nwJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n');
    await expect(updateOwnedProfiles(path, {}, { removeStale: true })).rejects.toThrow(/^((?!wJalr).)*$/);
  });

  it('keeps bytes that are not UTF-8 exactly', async () => {
    const latin1 = Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9, 0xff]), Buffer.from('\n[x]\nk = \xe9\n', 'latin1')]);
    await writeFile(path, latin1);
    await updateOwnedProfiles(path, { 'okta-a': { k: 'v' } }, { removeStale: true });
    expect((await readFile(path)).equals(Buffer.concat([latin1, Buffer.from('\n[okta-a]\nk = v\n')]))).toBe(true);
  });

  it('refuses to write a profile it does not own or a value that would break the file', async () => {
    await writeFile(path, '[default]\nk = v\n');
    await expect(updateOwnedProfiles(path, { default: { k: 'x' } }, { removeStale: true })).rejects.toThrow('Refusing to write the profile "default"');
    await expect(updateOwnedProfiles(path, { 'okta-a': { k: 'x\n[default]' } }, { removeStale: true })).rejects.toThrow('Refusing to write a multi-line value');
    expect(await readFile(path, 'utf8')).toBe('[default]\nk = v\n');
  });

  it('creates a new file (and its folder) with mode 0600', async () => {
    const nested = join(dir, 'home', '.aws', 'credentials');
    const old = process.umask(0o000);
    try {
      await updateOwnedProfiles(nested, { 'okta-a': { k: 'v' } }, { removeStale: true });
    } finally {
      process.umask(old);
    }
    expect(await readFile(nested, 'utf8')).toBe('[okta-a]\nk = v\n');
    expect((await stat(nested)).mode & 0o777).toBe(0o600);
  });

  it('keeps the mode of an existing private file', async () => {
    await writeFile(path, '[default]\nk = v\n');
    await chmod(path, 0o700);
    const result = await updateOwnedProfiles(path, { 'okta-a': { k: 'v' } }, { removeStale: true });
    expect((await stat(path)).mode & 0o777).toBe(0o700);
    expect(result.warning).toBeUndefined();
  });

  it('tightens a file others can read to 0600, and says so', async () => {
    await writeFile(path, '[default]\nk = v\n');
    await chmod(path, 0o644);
    const result = await updateOwnedProfiles(path, { 'okta-a': { k: 'v' } }, { removeStale: true });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(result.warning).toBe(`${path} was readable by others (mode 644) and holds AWS keys; tightened it to 600.`);
  });

  it('refuses a read-only file and leaves it as it was (even for root, who could rename over it)', async () => {
    await writeFile(path, '[default]\nk = v\n');
    await chmod(path, 0o444);
    for (const attempt of [() => updateOwnedProfiles(path, { 'okta-a': { k: 'v' } }, { removeStale: true }), () => checkCredentialsFile(path)]) {
      const error = await attempt().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).message).toBe(`The AWS credentials file ${path} is read-only (mode 444)`);
    }
    expect(await readFile(path, 'utf8')).toBe('[default]\nk = v\n');
    expect((await stat(path)).mode & 0o777).toBe(0o444);
    expect(await readdir(dir)).toEqual(['credentials']);
  });

  it('checks before any login that the file parses and its folder can take it, writing nothing', async () => {
    await checkCredentialsFile(join(dir, 'new', 'deeper', 'credentials')); // folders that do not exist yet are fine
    await writeFile(path, '[a]\nk = 1\n[a]\n');
    await expect(checkCredentialsFile(path)).rejects.toThrow(`${path} line 3 is not valid`);
    await writeFile(join(dir, 'file'), 'x');
    await expect(checkCredentialsFile(join(dir, 'file', 'credentials'))).rejects.toThrow(/Cannot write the AWS credentials file .*\(ENOTDIR: not a directory\)/);
    expect((await readdir(dir)).sort()).toEqual(['credentials', 'file']);
  });

  it('writes through a symlink: the link stays a link, the target gets the profiles', async () => {
    const target = join(dir, 'dotfiles-credentials');
    await writeFile(target, '[default]\nk = v\n');
    await symlink(target, path);
    await updateOwnedProfiles(path, { 'okta-a': { k: 'v' } }, { removeStale: true });
    expect((await lstat(path)).isSymbolicLink()).toBe(true);
    expect(await readlink(path)).toBe(target);
    expect(await readFile(target, 'utf8')).toBe('[default]\nk = v\n\n[okta-a]\nk = v\n');
    expect((await readdir(dir)).sort()).toEqual(['credentials', 'dotfiles-credentials']);
  });

  it('serializes concurrent updates so every one lands', async () => {
    await writeFile(path, '# mine\n[default]\nk = v\n');
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        updateOwnedProfiles(path, { [`okta-${i}-a`]: { n: String(i) }, [`okta-${i}-b`]: { n: String(i) } }, { removeStale: false }),
      ),
    );
    const profiles = await readProfiles(path);
    expect(Object.keys(profiles).sort()).toEqual(['default', ...Array.from({ length: 10 }, (_, i) => [`okta-${i}-a`, `okta-${i}-b`]).flat()].sort());
    for (let i = 0; i < 10; i += 1) expect(profiles[`okta-${i}-b`]).toEqual({ n: String(i) });
    const text = await readFile(path, 'utf8');
    expect(text.startsWith('# mine\n[default]\nk = v\n\n[okta-')).toBe(true);
    expect(withoutOkta(text)).toBe('# mine\n[default]\nk = v\n' + '\n'.repeat(20)); // one blank line before each appended section
    expect((await readdir(dir)).sort()).toEqual(['credentials']);
  });
});
