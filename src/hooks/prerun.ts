import { type Hook, Parser } from '@oclif/core';
import { join } from 'node:path';
import { oneLine } from '../lib/errors.js';
import { printable } from '../lib/printable.js';
import { enableDebug, redact } from '../lib/log.js';
import { usePlugins } from '../stores/plugins.js';

/** Commands that read cached credentials. The first argument, when given, names the one they need. */
const NEEDS_CREDENTIALS = new Set(['roles', 'assume', 'console-url']);

/**
 * Before roles/assume/console-url: a needed `okta-` profile that is missing, expired or within
 * 5 minutes of expiry is refreshed first, with one line on stderr. When all is fresh this reads
 * one cache file and nothing else.
 */
const hook: Hook<'prerun'> = async function (options) {
  const { Command, argv, config } = options;
  if (!NEEDS_CREDENTIALS.has(Command.id) || argv.some((a) => a === '--help' || a === '-h')) return;
  if (argv.includes('--debug')) enableDebug(); // the command's own init() comes after this hook
  usePlugins(() => config.getPluginsList());
  try {
    // Loaded only for these commands: the hook runs before every command, and init or --help need none of it.
    const [{ credentialsFor, ensureFresh }, { deviceUi }] = await Promise.all([import('../services/fresh-credentials.js'), import('../ui/device-ui.js')]);
    const fresh = {
      entry: { node: process.execPath, script: join(config.root, 'bin', 'run.js') },
      onRefresh: (why: string) => process.stderr.write(`okta-aws: ${printable(why)}\n`),
      device: deviceUi({ allowWithoutTerminal: false }),
    };
    // The command's own parser says which argument is the target; a bad command line is left for the command to report.
    const parsed = await Parser.parse(argv, { flags: Command.flags, args: Command.args, strict: false }).catch(() => undefined);
    if (!parsed) return;
    const target = parsed.args.target as string | undefined;
    if (target) await credentialsFor(target, fresh);
    else await ensureFresh('all', fresh);
  } catch (error) {
    // One line, like every other failure; then an oclif exit error stops the command from running.
    process.stderr.write(`okta-aws: ${redact(printable(oneLine(error)))}\n`);
    this.exit((error as { exitCode?: number }).exitCode ?? 1);
  }
};

export default hook;
