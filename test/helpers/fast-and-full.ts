/**
 * The two ways a command line runs, for tests that compare bin/run.js's fast paths with the full
 * commands: the built CLI, and oclif's own entry (as bin/run.js calls it without a fast path). Both
 * run under a preload that records the CommonJS modules loaded (oclif is CommonJS, so whether it
 * was loaded shows there) in the file OKTA_AWS_TEST_MODULES names.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI } from './cli.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PRELOAD = fileURLToPath(new URL('./loaded-modules.cjs', import.meta.url));
const FULL = `require('@oclif/core').execute({ dir: ${JSON.stringify(join(ROOT, 'package.json'))}, args: JSON.parse(process.argv[1]) })`;

/** Node's arguments for `args`: `entry` (preload and script) and what follows it. */
export function invocation(kind: 'fast' | 'full', args: string[]): { entry: string[]; argv: string[] } {
  return kind === 'fast' ? { entry: ['-r', PRELOAD, CLI], argv: args } : { entry: ['-r', PRELOAD, '-e', FULL], argv: [JSON.stringify(args)] };
}

/** `args` run one way, without a terminal. */
export function runWithoutTerminal(kind: 'fast' | 'full', args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { entry, argv } = invocation(kind, args);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...entry, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Whether the process that wrote `modules` (its OKTA_AWS_TEST_MODULES) loaded oclif. */
export async function loadedOclif(modules: string): Promise<boolean> {
  return (JSON.parse(await readFile(modules, 'utf8')) as string[]).some((m) => m.includes('@oclif'));
}

interface ManifestFlag {
  type: 'boolean' | 'option';
  options?: string[];
  allowNo?: boolean;
  char?: string;
}

/** A command's flags as oclif.manifest.json declares them: `config` (bin/run.js takes it first) and the rest. */
export async function manifestFlags(command: string): Promise<{ config: ManifestFlag | undefined; flags: Record<string, ManifestFlag> }> {
  const manifest = JSON.parse(await readFile(join(ROOT, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, { flags: Record<string, ManifestFlag> }> };
  const { config, ...flags } = manifest.commands[command]!.flags;
  return { config, flags };
}
