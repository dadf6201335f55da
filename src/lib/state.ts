import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ensurePrivateDir, isCode, writeFileAtomic } from './atomic-file.js';
import { withLock } from './lock.js';
import { stateFile } from './paths.js';

/** What the tool remembers between runs that is not a setting and not a secret. */
export interface State {
  /** Per role ARN, the DurationSeconds STS last accepted: the next refresh asks for it directly. */
  role_durations?: Record<string, number>;
  /** Per Okta user at an org (`user@scheme:host`), the last TOTP time step sent: that org refuses a step it has seen. */
  totp_steps?: Record<string, number>;
  /** Per Okta origin, `pipeline` of /.well-known/okta-organization: `idx` (Identity Engine) or `v1` (Classic). */
  org_pipelines?: Record<string, string>;
  /** Account aliases read from the AWS sign-in page (null: the account has none), and when it was last read. */
  account_names?: { names: Record<string, string | null>; checkedAt: number };
}

export async function readState(env: NodeJS.ProcessEnv = process.env): Promise<State> {
  try {
    const parsed = JSON.parse(await readFile(stateFile(env), 'utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as State) : {};
  } catch (error) {
    if (isCode(error, 'ENOENT') || error instanceof SyntaxError) return {}; // a lost memory only costs a retry
    throw error;
  }
}

/** Read-modify-write under a lock, so concurrent runs never lose each other's updates. */
export async function updateState(change: (state: State) => void, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const path = stateFile(env);
  await ensurePrivateDir(dirname(path));
  await withLock(`${path}.lock`, async () => {
    const state = await readState(env);
    change(state);
    await writeFileAtomic(path, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  });
}
