/**
 * Shared by faults*.test.ts, canary.test.ts and concurrency*.test.ts: what a failure must look like,
 * a CLI subprocess a test can signal, and leftovers (locks, temp files) a run must not leave.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { CLI, type CliResult } from '../helpers/cli.js';

/**
 * The failure is exactly one line starting `okta-aws:`, and it is the last line of stderr (listr
 * progress lines may come first). Returns it without the prefix.
 */
export function failureLine(run: CliResult): string {
  const lines = run.stderr.trimEnd().split('\n');
  const failures = lines.filter((l) => l.startsWith('okta-aws:'));
  expect(failures, run.stderr).toHaveLength(1);
  expect(lines.at(-1), run.stderr).toBe(failures[0]);
  const line = failures[0]!.slice('okta-aws:'.length).trim();
  // A UserError, not an unexpected exception dressed up as one.
  expect(line).not.toMatch(/looks like a bug|^Error:|\n\s+at /);
  expectNothingRepeated(lines);
  return line;
}

/**
 * A failure is said once: no stderr line twice, and what the last line says happened (its first
 * sentence) on no line before it (a progress line for the failed step, one per role, …).
 */
export function expectNothingRepeated(lines: string[]): void {
  const shown = lines.join('\n');
  // Waits are said under their step, once per wait: two rate-limit retries are two lines.
  const said = lines.filter((line) => !line.startsWith('  '));
  expect(new Set(said).size, shown).toBe(said.length);
  const what = lines.at(-1)!.slice('okta-aws:'.length).trim().split(/\.(?: |$)/)[0]!;
  for (const line of lines.slice(0, -1)) expect(line.includes(what), shown).toBe(false);
}

/** Exit code, and one line that says what happened (`what`) and what to do next (`next`). */
export function expectFailure(run: CliResult, expected: { code?: number; what: RegExp; next: RegExp }): string {
  expect(run.code, run.stderr).toBe(expected.code ?? 1);
  expect(run.stdout).toBe('');
  const line = failureLine(run);
  expect(line).toMatch(expected.what);
  expect(line).toMatch(expected.next);
  return line;
}

/** Lock files, lock breakers and atomic-write temp files anywhere under `dirs`. */
export async function leftovers(...dirs: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const dir of dirs) {
    let entries;
    try {
      entries = await readdir(dir, { recursive: true, withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (/\.(lock|break|tmp)$/.test(e.name)) found.push(join(e.parentPath, e.name));
    }
  }
  return found;
}

export interface RunningCli {
  child: ChildProcess;
  done: Promise<CliResult>;
}

/** The built CLI as a subprocess the test can signal (runCli's, minus the await). */
export function startCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin!.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

/** Polls `condition` every 20 ms until it holds; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
