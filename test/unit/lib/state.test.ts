import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readState, updateState } from '../../../src/lib/state.js';

let root: string;
let env: NodeJS.ProcessEnv;
let file: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'state-'));
  env = { OKTA_AWS_HOME: join(root, 'home') };
  file = join(root, 'home', 'state.json');
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('state.json', () => {
  it('is empty when missing, not JSON, or not an object', async () => {
    expect(await readState(env)).toEqual({});
    await mkdir(join(root, 'home'));
    for (const text of ['{"role_durations": ', 'null', '7']) {
      await writeFile(file, text);
      expect(await readState(env)).toEqual({});
    }
  });

  it('fails loudly on a read error other than a missing file', async () => {
    await mkdir(file, { recursive: true });
    await expect(readState(env)).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it('updates keep what others wrote, and the file is 0600 in a 0700 folder, pretty-printed', async () => {
    await updateState((s) => {
      s.role_durations = { 'arn:aws:iam::111111111111:role/Admin': 3600 };
    }, env);
    await updateState((s) => {
      s.totp_steps = { alice: 42 };
    }, env);
    const state = { role_durations: { 'arn:aws:iam::111111111111:role/Admin': 3600 }, totp_steps: { alice: 42 } };
    expect(await readState(env)).toEqual(state);
    expect(await readFile(file, 'utf8')).toBe(JSON.stringify(state, null, 2) + '\n');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(root, 'home'))).mode & 0o777).toBe(0o700);
  });

  it('concurrent updates lose nothing', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        updateState((s) => {
          s.totp_steps = { ...s.totp_steps, [`user${i}`]: i };
        }, env),
      ),
    );
    expect(Object.keys((await readState(env)).totp_steps ?? {}).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `user${i}`));
  });

  it('a loose home folder is tightened when state is written', async () => {
    await mkdir(join(root, 'home'), { mode: 0o755 });
    await chmod(join(root, 'home'), 0o755);
    await updateState(() => undefined, env);
    expect((await stat(join(root, 'home'))).mode & 0o777).toBe(0o700);
    expect(await readState(env)).toEqual({});
  });
});
