import { printable } from '../lib/printable.js';
import { profileListing } from '../lib/table.js';
import { type InitOptions, runInit } from '../services/init.js';
import { deviceUi } from './device-ui.js';
import { listrReporter } from './listr-reporter.js';
import { defaultPrompter } from './prompter.js';
import { stdoutColumns } from './terminal.js';

/**
 * `okta-aws init` once its flags are parsed: the oclif command and bin/run.js's fast path
 * (src/fast/init.ts) both run this, so both ask, check, save and report alike.
 */
export async function initCommand(options: InitOptions): Promise<void> {
  const result = await runInit(options, { prompter: defaultPrompter(), reporter: listrReporter, device: deviceUi({ allowWithoutTerminal: true }) });
  // The bytes oclif's logToStderr writes for one string.
  const say = (line: string) => process.stderr.write(`${line}\n`);
  for (const warning of result.warnings) say(`okta-aws: ${printable(warning)}`);
  if (result.moved.length > 0) say(`Moved ${result.moved.join(', ')} into the ${result.store} store.`);
  say(`Saved ${result.settingsFile} (secrets in the ${result.store} store).`);
  if (result.renamed.length > 0) say(`Renamed ${result.renamed.length} profile${result.renamed.length === 1 ? '' : 's'}: ${result.renamed.map(([from, to]) => `${from} → ${to}`).join(', ')}`);
  if (result.roles) {
    say(`Okta grants you ${result.roles.length} role${result.roles.length === 1 ? '' : 's'}; \`okta-aws refresh\` writes these profiles:`);
    process.stdout.write(profileListing(result.roles, { columns: stdoutColumns(), expiry: false }));
  }
}
