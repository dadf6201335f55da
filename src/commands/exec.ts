import { Args } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { chainDurationFlag, chainFlags, chainRequest } from '../cli/role-flags.js';
import { UserError } from '../lib/errors.js';
import { runWithCredentials } from '../services/exec.js';
import { roleCredentials } from '../services/role-credentials.js';

export default class Exec extends BaseCommand {
  static override summary = "Run a command with a role's credentials in its environment, and exit with its exit code.";
  static override description =
    'The command gets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION and AWS_REGION, ' +
    'and loses AWS_PROFILE / AWS_DEFAULT_PROFILE. Its stdin, stdout and stderr are yours; signals are passed on.';

  static override examples = [
    '<%= config.bin %> exec okta-222222222222-Auditor -- aws sts get-caller-identity',
    '<%= config.bin %> exec Admin -- terraform plan',
    '<%= config.bin %> exec Admin --role-arn arn:aws:iam::333333333333:role/Ops -- aws s3 ls',
  ];

  static override strict = false;
  static override args = {
    target: Args.string({ description: 'Profile name, role name or role ARN.', required: true }),
  };

  static override flags = { ...chainFlags, ...chainDurationFlag };

  async run(): Promise<void> {
    const { args, flags, argv } = await this.parse(Exec);
    const [command, ...rest] = (argv as string[]).slice(1);
    if (!command) {
      throw new UserError('No command to run', { hint: 'Put it after --, e.g. `okta-aws exec okta-111111111111-Admin -- aws sts get-caller-identity`.', code: 'NO_COMMAND' });
    }
    const { credentials } = await roleCredentials({ target: args.target, ...(chainRequest(flags) ? { chain: chainRequest(flags)! } : {}) }, { entry: this.entry });
    // The child decides what a signal means; bin/run.js's "exit on Ctrl-C" must not orphan it.
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.removeAllListeners(signal);
    process.exitCode = await runWithCredentials(command, rest, credentials);
  }
}
