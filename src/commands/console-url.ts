import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { chainFlags, chainRequest } from '../cli/role-flags.js';
import { consoleUrl } from '../services/console-url.js';
import { defaultPrompter } from '../ui/prompter.js';

export default class ConsoleUrl extends BaseCommand {
  static override summary = 'Print a signed AWS console sign-in URL for a role (valid for 15 minutes).';
  static override description =
    'Uses the AWS federation endpoint (getSigninToken, then Action=login) with the role\'s credentials; hosts follow the role\'s partition. ' +
    'Without a target: the only okta- profile, or a list to pick from on a terminal.';

  static override examples = [
    '<%= config.bin %> console-url okta-111111111111-Admin',
    '<%= config.bin %> console-url Admin --destination s3 --open',
    '<%= config.bin %> console-url Admin --destination https://console.aws.amazon.com/ec2/home?region=eu-west-1 --duration 3600',
  ];

  static override args = {
    target: Args.string({ description: 'Profile name, role name or role ARN.' }),
  };

  static override flags = {
    destination: Flags.string({ description: 'Console URL or service name (s3, ec2, …) to land on.' }),
    duration: Flags.integer({ description: 'Console session seconds (900–43200; default: what Okta sets for the app).', min: 900, max: 43200 }),
    open: Flags.boolean({ description: 'Also open it in the default browser ($BROWSER when set).' }),
    ...chainFlags,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ConsoleUrl);
    const chain = chainRequest(flags);
    const { url, notes } = await consoleUrl(
      {
        ...(args.target ? { target: args.target } : {}),
        ...(flags.destination ? { destination: flags.destination } : {}),
        ...(flags.duration === undefined ? {} : { duration: flags.duration }),
        open: flags.open,
        ...(chain ? { chain } : {}),
        prompter: defaultPrompter(),
      },
      { entry: this.entry },
    );
    for (const note of notes) this.warnLine(note);
    process.stdout.write(`${url}\n`);
  }
}
