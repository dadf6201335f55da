import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { LOGIN_FLOWS, MFA_FACTORS, type MfaFactor, PROFILE_NAMINGS, type ProfileNaming } from '../lib/settings.js';
import { initCommand } from '../ui/init-command.js';

export default class Init extends BaseCommand {
  static override summary = 'Store your Okta SSO URL, username, password and TOTP secret, then check that they work.';
  static override description =
    'Asks for whatever is not given. The password and the TOTP secret are never flags (they would land in shell history and ps): ' +
    'they are typed at a masked prompt, or come from OKTA_AWS_PASSWORD / OKTA_AWS_TOTP_SECRET. ' +
    'An existing settings.json (also one written by the Python okta-aws-cred-helper) gives the defaults. ' +
    'Changing --store moves the secrets into the new store, checked by reading them back. ' +
    'Identity Engine orgs that refuse the password login: `--flow device --client-id <id>` asks for no password or TOTP secret; ' +
    'it signs you in once in the browser and keeps the refresh token in the secret store.';

  static override examples = [
    '<%= config.bin %> init',
    '<%= config.bin %> init --store keyring',
    '<%= config.bin %> init --store pass',
    '<%= config.bin %> init --flow device --client-id 0oa1clientid   # Okta Identity Engine: sign in in the browser',
    'OKTA_AWS_PASSWORD=… <%= config.bin %> init --factor push   # approve an Okta Verify push at each login instead of a TOTP code',
    'OKTA_AWS_PASSWORD=… OKTA_AWS_TOTP_SECRET=… <%= config.bin %> init --sso-url https://example.okta.com/home/amazon_aws/0oa1/272 --username me@example.com',
  ];

  static override flags = {
    'sso-url': Flags.string({ description: "The AWS app's Okta link (https://…)." }),
    username: Flags.string({ description: 'Your Okta username.' }),
    region: Flags.string({ description: 'Default AWS region for the profiles (default ap-southeast-2).' }),
    store: Flags.string({
      description: 'Where secrets live: file (settings.json, 0600), keyring (the OS keyring), env (read-only), or a store a plugin offers (`okta-aws stores`).',
    }),
    flow: Flags.string({ description: 'How to log in: authn (password + TOTP), device (browser, for Identity Engine orgs) or auto (device when a client id is set).', options: [...LOGIN_FLOWS] }),
    'client-id': Flags.string({ description: "The client id of your Okta org's OIDC native app for CLIs (device flow)." }),
    'profile-names': Flags.string({
      description: 'Name profiles okta-<account id>-<role> (account-id, the default) or okta-<account alias>-<role> (alias); switching renames them.',
      options: [...PROFILE_NAMINGS],
    }),
    factor: Flags.string({
      description: 'Second factor: auto (TOTP when a secret is stored and enrolled, else Okta Verify push), totp, or push (no TOTP secret needed).',
      options: [...MFA_FACTORS],
    }),
    verify: Flags.boolean({ description: 'Log in once and list the granted roles.', default: true, allowNo: true }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Init);
    await initCommand({
      ssoUrl: flags['sso-url'],
      username: flags.username,
      region: flags.region,
      store: flags.store,
      flow: flags.flow,
      clientId: flags['client-id'],
      profileNames: flags['profile-names'] as ProfileNaming | undefined,
      factor: flags.factor as MfaFactor | undefined,
      verify: flags.verify,
      entry: this.entry,
    });
  }
}
