import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { listRoles, rolesOutput } from '../services/roles.js';
import { stdoutColumns } from '../ui/terminal.js';

export default class Roles extends BaseCommand {
  static override summary = 'List the AWS roles Okta grants you, with their profile names and expiry.';
  static override examples = ['<%= config.bin %> roles', '<%= config.bin %> roles --json | jq -r \'.[].profile\''];

  static override flags = {
    json: Flags.boolean({ description: 'Print an array of {profile, roleArn, principalArn, accountId, roleName, expiration} on stdout.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Roles);
    process.stdout.write(rolesOutput(await listRoles(), flags.json, stdoutColumns()));
  }
}
