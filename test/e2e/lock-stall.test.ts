import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// The built lib/lock, as every okta-aws process uses it.
const LOCK = fileURLToPath(new URL('../../dist/lib/lock.js', import.meta.url));
const STALE_MS = 300;

/** A writer: takes the lock, logs `in <name>`, holds it for `holdMs`, logs `out <name>`. */
const WRITER = `
const [lock, log, name, holdMs, staleMs] = process.argv.slice(1);
const { withLock } = await import(${JSON.stringify(LOCK)});
const { appendFileSync } = await import('node:fs');
await withLock(lock, async () => {
  appendFileSync(log, 'in ' + name + '\\n');
  process.stdout.write('in\\n');
  await new Promise((r) => setTimeout(r, Number(holdMs)));
  appendFileSync(log, 'out ' + name + '\\n');
}, { staleMs: Number(staleMs), timeoutMs: 60000 });
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lock-stall-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function writer(name: string, holdMs: number) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', WRITER, join(dir, 'x.lock'), join(dir, 'log'), name, String(holdMs), String(STALE_MS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const inside = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, inside, exited };
}

describe('a holder stalled past the stale threshold (SIGSTOP, then SIGCONT)', () => {
  it('keeps its lock; no two writers are ever inside at once', { timeout: 60_000 }, async () => {
    const first = writer('first', 1_000);
    await first.inside;
    first.child.kill('SIGSTOP'); // Ctrl-Z, a suspended laptop: the heartbeat stops too

    const second = writer('second', 1_000);
    const third = writer('third', 200);
    await sleep(STALE_MS * 5); // well past the threshold by any wall clock
    first.child.kill('SIGCONT');

    expect(await Promise.all([first.exited, second.exited, third.exited])).toEqual([0, 0, 0]);
    const log = (await readFile(join(dir, 'log'), 'utf8')).trim().split('\n');
    expect(log.slice(0, 2)).toEqual(['in first', 'out first']);
    for (let i = 0; i < log.length; i += 2) {
      const name = log[i]!.slice(3);
      expect([log[i], log[i + 1]]).toEqual([`in ${name}`, `out ${name}`]);
    }
    expect(log).toHaveLength(6);
  });
});
