import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { chainDurationFlag, chainFlags, chainRequest } from '../cli/role-flags.js';
import { exportScript } from '../services/assume.js';
import { SHELLS, type Shell } from '../shell/exports.js';
import { defaultPrompter } from '../ui/prompter.js';

export default class Assume extends BaseCommand {
  static override summary = "Print shell commands that export a role's credentials: eval \"$(okta-aws assume …)\".";
  static override description =
    'The target is a profile name, a role name or a role ARN. Credentials that expire within 5 minutes are refreshed first. ' +
    'Run on a terminal (stdout not captured), it prints how to use it instead of the secrets, unless --force. ' +
    'AWS_PROFILE and AWS_DEFAULT_PROFILE are unset, since SDKs would prefer them over the exported keys. Only the commands go to stdout.';

  static override examples = [
    'eval "$(<%= config.bin %> assume okta-111111111111-Admin)"',
    'eval "$(<%= config.bin %> assume Deployer)"',
    '<%= config.bin %> assume Admin --shell fish | source',
    '<%= config.bin %> assume Admin --shell powershell | Invoke-Expression',
    'eval "$(<%= config.bin %> assume Admin --role-arn arn:aws:iam::333333333333:role/Ops --external-id x)"',
  ];

  static override args = {
    target: Args.string({ description: 'Profile name, role name or role ARN (default: the only role, or a pick on a terminal).' }),
  };

  static override flags = {
    shell: Flags.string({ description: 'Syntax of the commands (default: from $SHELL).', options: [...SHELLS] }),
    ...chainFlags,
    ...chainDurationFlag,
    force: Flags.boolean({ description: 'Print the commands even when stdout is a terminal (they contain the secret key).' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Assume);
    const chain = chainRequest(flags);
    const result = await exportScript(
      {
        ...(args.target ? { target: args.target } : {}),
        ...(chain ? { chain } : {}),
        ...(flags.shell ? { shell: flags.shell as Shell } : {}),
        prompter: defaultPrompter(),
        hintOnly: Boolean(process.stdout.isTTY) && !flags.force,
      },
      { entry: this.entry },
    );
    if ('hint' in result) this.warnLine(result.hint);
    else process.stdout.write(result.script);
  }
}
