import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { REFRESH_MODES, isRefreshMode, refreshCommand } from '../ui/refresh-command.js';

export default class Refresh extends BaseCommand {
  static override summary = 'Log in to Okta and write a fresh profile for every AWS role you are granted.';
  static override description =
    'Reuses the Okta session when it is still alive (no password, no MFA); otherwise logs in with the stored password and a TOTP code. ' +
    'With the device flow (Identity Engine orgs) it uses the stored refresh token, and on a terminal signs you in in the browser when that is refused. ' +
    'Every role in the SAML assertion is assumed through STS at once and written as an okta-<account>-<role> profile. ' +
    'Profiles that are no longer granted are removed; nothing else in the credentials file changes.';

  static override examples = [
    '<%= config.bin %> refresh',
    '<%= config.bin %> refresh --duration 3600',
    '<%= config.bin %> refresh --mode process   # profiles call okta-aws themselves when their keys expire',
    '<%= config.bin %> refresh --json',
  ];

  static override flags = {
    duration: Flags.integer({ description: 'Seconds the credentials last (900–43200; a role with a lower maximum gets its maximum).', min: 900, max: 43200 }),
    mode: Flags.string({ description: 'static: write the keys; process: write credential_process lines. Remembered in settings.', options: [...REFRESH_MODES] }),
    json: Flags.boolean({ description: 'Print the result as JSON on stdout (no progress output).' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Refresh);
    await refreshCommand({ duration: flags.duration, mode: isRefreshMode(flags.mode) ? flags.mode : undefined, json: flags.json, entry: this.entry });
  }
}
