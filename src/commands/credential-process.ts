import { Args } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { credentialProcessOutput } from '../services/fresh-credentials.js';
import { deviceUi } from '../ui/device-ui.js';

export default class CredentialProcess extends BaseCommand {
  static override summary = 'Print credentials for an AWS SDK credential_process line (JSON on stdout).';
  static override description =
    'Serves cached credentials while they have more than 5 minutes left, otherwise refreshes first (reusing the Okta session). ' +
    'Never prompts and never reads stdin. Written into profiles by `okta-aws refresh --mode process`.';

  static override examples = [
    '<%= config.bin %> credential-process okta-111111111111-Admin',
    '# ~/.aws/config or credentials:\n# credential_process = "/usr/bin/node" "/path/to/bin/run.js" credential-process okta-111111111111-Admin',
  ];

  static override args = {
    profile: Args.string({ description: 'The okta- profile name.', required: true }),
  };

  async run(): Promise<void> {
    const { args } = await this.parse(CredentialProcess);
    process.stdout.write(await credentialProcessOutput(args.profile, { entry: this.entry, device: deviceUi({ allowWithoutTerminal: false }) }));
  }
}
