import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A throwaway HOME with every AWS/okta-aws path inside it, and nothing inherited from the developer's shell. */
export interface Sandbox {
  home: string;
  env: NodeJS.ProcessEnv;
  credentials: string;
  settings: string;
  cleanup(): Promise<void>;
}

export async function sandbox(extra: NodeJS.ProcessEnv = {}): Promise<Sandbox> {
  const home = await mkdtemp(join(tmpdir(), 'okta-aws-test-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // XDG_*: installed plugins live in the data folder, which must be the throwaway HOME's.
    if (/^(AWS_|OKTA_AWS_|HTTPS?_PROXY|https?_proxy|NO_PROXY|no_proxy|ALL_PROXY|DEBUG$|BROWSER$|XDG_(DATA|CONFIG|CACHE)_HOME$)/.test(key)) continue;
    env[key] = value;
  }
  Object.assign(env, {
    HOME: home,
    OKTA_AWS_HOME: join(home, '.aws', 'okta-aws'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_EC2_METADATA_DISABLED: 'true',
    NO_COLOR: '1',
    ...extra,
  });
  return {
    home,
    env,
    credentials: env.AWS_SHARED_CREDENTIALS_FILE!,
    settings: join(env.OKTA_AWS_HOME!, 'settings.json'),
    cleanup: () => rm(home, { recursive: true, force: true }),
  };
}

/** Runs the built CLI as a user would: a subprocess, no terminal, stdin closed unless given. */
export function runCli(args: string[], options: { env: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; cwd?: string }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: options.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 25_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
