import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type Emulators, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET, FIXTURE_USERNAME, startEmulators } from '../emulators/index.js';
import { type Sandbox, sandbox } from './cli.js';
import { seedUserCredentials } from './credentials.js';

/** settings.json exactly as the Python okta-aws-cred-helper wrote it: what a switching user already has. */
export async function writePythonSettings(box: Sandbox, emu: Emulators, extra: Record<string, unknown> = {}): Promise<void> {
  await mkdir(dirname(box.settings), { recursive: true, mode: 0o700 });
  const settings = {
    sso_url: emu.okta.ssoUrl,
    region: 'ap-southeast-2',
    user_name: FIXTURE_USERNAME,
    password: FIXTURE_PASSWORD,
    google_2fa_totp: FIXTURE_TOTP_SECRET,
    ...extra,
  };
  await writeFile(box.settings, JSON.stringify(settings, null, 4), { mode: 0o600 });
}

/** An org, and a HOME with the Python tool's settings and the user's own credentials file: a switching user. */
export async function switchingUser(): Promise<{ emu: Emulators; box: Sandbox }> {
  const emu = await startEmulators();
  const box = await sandbox(emu.env);
  await writePythonSettings(box, emu);
  await seedUserCredentials(box.credentials);
  return { emu, box };
}
