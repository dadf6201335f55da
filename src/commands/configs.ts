import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { describeConfigs } from '../services/configs.js';

export default class Configs extends BaseCommand {
  static override summary = 'List the configurations: the default one and each one made with `init --config NAME`.';
  static override examples = ['<%= config.bin %> configs', '<%= config.bin %> init --config acme', '<%= config.bin %> refresh --config acme'];

  static override flags = {
    json: Flags.boolean({ description: 'Print an array of {name, folder, ssoUrl, username, profilePrefix} on stdout.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Configs);
    const rows = await describeConfigs();
    this.emit(flags.json, rows, () => {
      if (rows.length === 0) return '';
      const width = Math.max(...rows.map((r) => r.name.length), 4);
      return rows.map((r) => `${r.name.padEnd(width)}  ${r.profilePrefix}…  ${r.username ?? '-'}  ${r.ssoUrl ?? '-'}\n`).join('');
    });
    if (rows.length === 0) this.logToStderr('No configurations yet: run `okta-aws init` (or `okta-aws init --config NAME`).');
  }
}
