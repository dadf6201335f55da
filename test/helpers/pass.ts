import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway GnuPG home with one key (no passphrase) and a pass store initialised for it. */
export interface PassHome {
  /** GNUPGHOME and PASSWORD_STORE_DIR, to add to a test's environment. */
  env: { GNUPGHOME: string; PASSWORD_STORE_DIR: string };
  fingerprint: string;
  /** `pass <args>` in this home: stdout. */
  pass(args: string[], input?: string): string;
  cleanup(): Promise<void>;
}

export async function passHome(): Promise<PassHome> {
  // Short path: gpg-agent's socket lives in GNUPGHOME, and socket paths are limited to ~100 bytes.
  const root = await mkdtemp(join(tmpdir(), 'oa-gpg-'));
  const env = { GNUPGHOME: join(root, 'g'), PASSWORD_STORE_DIR: join(root, 'store') };
  execFileSync('mkdir', ['-m', '700', env.GNUPGHOME]);
  const childEnv = { ...process.env, ...env };
  const gpg = (args: string[]) => execFileSync('gpg', ['--batch', '--quiet', ...args], { env: childEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  gpg(['--passphrase', '', '--pinentry-mode', 'loopback', '--quick-generate-key', 'okta-aws test <okta-aws-test@example.invalid>', 'future-default', 'default', 'never']);
  const fingerprint = /^fpr:+([0-9A-F]+):/m.exec(gpg(['--list-secret-keys', '--with-colons']))?.[1];
  if (!fingerprint) throw new Error('gpg made no key');
  const pass = (args: string[], input?: string) => execFileSync('pass', args, { env: childEnv, encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
  pass(['init', fingerprint]);
  return {
    env,
    fingerprint,
    pass,
    cleanup: async () => {
      try {
        execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: childEnv, stdio: 'ignore' });
      } catch {
        // no agent was started
      }
      await rm(root, { recursive: true, force: true });
    },
  };
}
