import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { listStores } from '../services/stores.js';

export default class Stores extends BaseCommand {
  static override summary = 'List the secret stores: the built-in ones and those installed plugins offer, and whether each works here.';
  static override description =
    'A store plugin is installed with `okta-aws plugins install <package>` (or `okta-aws plugins link <dir>`); ' +
    'then `okta-aws init --store NAME` moves your secrets into it.';

  static override examples = ['<%= config.bin %> stores', '<%= config.bin %> stores --json'];

  static override flags = {
    json: Flags.boolean({ description: 'Print an array of {name, package, writable, available, reason} on stdout.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Stores);
    const { stores, failures } = await listStores();
    for (const failure of failures) this.warnLine(failure);
    this.emit(flags.json, stores, () => {
      const name = Math.max(...stores.map((s) => s.name.length));
      const source = Math.max(...stores.map((s) => s.package.length));
      return stores
        .map((s) => `${s.name.padEnd(name)}  ${s.package.padEnd(source)}  ${s.writable ? 'read-write' : 'read-only '}  ${s.available ? 'available' : `unavailable: ${s.reason}`}\n`)
        .join('');
    });
  }
}
