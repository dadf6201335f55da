import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { takeOverSignals } from '../cli/signals.js';
import { chainDurationFlag, chainFlags, chainRequest } from '../cli/role-flags.js';
import { UserError } from '../lib/errors.js';
import { printable } from '../lib/printable.js';
import { runWithCredentials } from '../services/exec.js';
import { runWithServer } from '../services/exec-server.js';
import { roleCredentials } from '../services/role-credentials.js';

export default class Exec extends BaseCommand {
  static override summary = "Run a command with a role's credentials in its environment, and exit with its exit code.";
  static override description =
    'The command gets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION and AWS_REGION, ' +
    'and loses AWS_PROFILE / AWS_DEFAULT_PROFILE. Its stdin, stdout and stderr are yours; signals are passed on. ' +
    'With --server it gets no keys at all: a credential server on 127.0.0.1 (AWS_CONTAINER_CREDENTIALS_FULL_URI + ' +
    'AWS_CONTAINER_AUTHORIZATION_TOKEN) hands them out and refreshes them, for as long as the command runs.';

  static override examples = [
    '<%= config.bin %> exec okta-222222222222-Auditor -- aws sts get-caller-identity',
    '<%= config.bin %> exec Admin -- terraform plan',
    '<%= config.bin %> exec Admin --role-arn arn:aws:iam::333333333333:role/Ops -- aws s3 ls',
    '<%= config.bin %> exec --server Admin -- terraform apply',
  ];

  static override usage = '<%= command.id %> TARGET [--role-arn ARN …] -- COMMAND [ARGS…]';
  static override strict = false;
  static override args = {
    target: Args.string({ description: 'Profile name, role name or role ARN.', required: true }),
  };

  static override flags = {
    server: Flags.boolean({ description: 'Serve the credentials from a loopback credential server that refreshes them, instead of putting keys in the environment.' }),
    ...chainFlags,
    ...chainDurationFlag,
  };

  async run(): Promise<void> {
    const { args, flags, argv } = await this.parse(Exec);
    // `exec -- aws sts …` makes "aws" the target; say what is missing instead of "no role matches aws".
    const dash = this.argv.indexOf('--');
    const at = this.argv.indexOf(args.target);
    if (dash !== -1 && (at === -1 || at > dash)) {
      throw new UserError('Missing the role before `--`', {
        hint: 'Name it first: `okta-aws exec okta-111111111111-Admin -- aws sts get-caller-identity` (`okta-aws roles` lists them).',
        code: 'NO_TARGET',
        exitCode: 2,
      });
    }
    const [command, ...rest] = (argv as string[]).slice(1);
    if (!command) {
      throw new UserError('No command to run', { hint: 'Put it after --, e.g. `okta-aws exec okta-111111111111-Admin -- aws sts get-caller-identity`.', code: 'NO_COMMAND' });
    }
    const request = { target: args.target, ...(chainRequest(flags) ? { chain: chainRequest(flags)! } : {}) };
    // Once the child runs it decides what a signal means; bin/run.js's "exit on Ctrl-C" must not orphan it.
    const releaseSignals = takeOverSignals();
    if (flags.server) {
      const onFailure = (line: string) => process.stderr.write(`okta-aws: ${printable(line)}\n`);
      process.exitCode = await runWithServer(command, rest, request, { entry: this.entry, onFailure, onChildStarted: releaseSignals });
      return;
    }
    const { credentials } = await roleCredentials(request, { entry: this.entry });
    const running = runWithCredentials(command, rest, credentials); // forwards signals from here on
    releaseSignals();
    process.exitCode = await running;
  }
}

