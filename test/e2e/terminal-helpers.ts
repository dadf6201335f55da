import { expect } from 'vitest';
import { type Emulators, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET, FIXTURE_USERS, startEmulators } from '../emulators/index.js';
import { type Sandbox, runCli, sandbox } from '../helpers/cli.js';
import { seedUserCredentials } from '../helpers/credentials.js';

/** An org, a HOME with the user's own credentials file, and `init` done (secrets from the env). */
export async function initialized(extra: NodeJS.ProcessEnv = {}): Promise<{ emu: Emulators; box: Sandbox; cleanup: () => Promise<void> }> {
  const emu = await startEmulators();
  const box = await sandbox({ ...emu.env, OKTA_AWS_PASSWORD: FIXTURE_PASSWORD, OKTA_AWS_TOTP_SECRET: FIXTURE_TOTP_SECRET, ...extra });
  await seedUserCredentials(box.credentials);
  const init = await runCli(['init', '--sso-url', emu.okta.ssoUrl, '--username', FIXTURE_USERS.alice, '--no-verify'], { env: box.env });
  expect(init.code, init.stderr).toBe(0);
  return { emu, box, cleanup: () => Promise.all([box.cleanup(), emu.close()]).then(() => undefined) };
}
