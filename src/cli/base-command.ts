import { Command, Flags, type Interfaces } from '@oclif/core';
import { join } from 'node:path';
import { closest } from '../lib/suggest.js';
import { enableDebug, redact } from '../lib/log.js';
import { printable } from '../lib/printable.js';
import { aPluginHung, usePlugins } from '../stores/plugins.js';
import { reportFailure } from '../ui/failure.js';

/**
 * What every command shares: `--debug`, and failures as one line on stderr with a non-zero exit
 * (the message says what happened and what to do; no stack traces for user errors).
 */
export abstract class BaseCommand extends Command {
  static override baseFlags = {
    debug: Flags.boolean({ description: 'Log what happens to stderr (secrets redacted); same as DEBUG=okta-aws.', helpGroup: 'GLOBAL' }),
    // bin/run.js has already put it in OKTA_AWS_CONFIG for every module; declared here for help and checks.
    config: Flags.string({ description: 'Use the named configuration (its own settings, secrets, caches and okta-<name>-… profiles).', env: 'OKTA_AWS_CONFIG', helpGroup: 'GLOBAL' }),
  };

  protected override async init(): Promise<void> {
    await super.init();
    if (this.argv.includes('--debug')) enableDebug();
    usePlugins(() => this.config.getPluginsList());
  }

  /** A plugin that missed its deadline may hold the process open with its pending work. */
  protected override async finally(error: Error | undefined): Promise<void> {
    await super.finally(error);
    if (aPluginHung()) process.exit();
  }

  /** How process-mode profiles call this CLI back: absolute node and entry script. */
  protected get entry(): { node: string; script: string } {
    return { node: process.execPath, script: join(this.config.root, 'bin', 'run.js') };
  }

  /** Data to stdout: JSON when asked, text otherwise. */
  protected emit(json: boolean, data: unknown, text: () => string): void {
    process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : text());
  }

  /** For an unknown flag, the closest one this command has: " Did you mean `--json`?". */
  /** A warning or note on stderr, as one `okta-aws:` line; it may quote remote text, so that is made printable. */
  protected warnLine(text: string): void {
    this.logToStderr(`okta-aws: ${printable(text)}`);
  }

  private flagSuggestion(error: Interfaces.CommandError): string {
    const unknown = (error as { flags?: unknown }).flags;
    if (!Array.isArray(unknown) || typeof unknown[0] !== 'string') return '';
    const known = Object.entries(this.ctor.flags ?? {}).flatMap(([name, flag]) => [`--${name}`, ...('allowNo' in flag && flag.allowNo ? [`--no-${name}`] : [])]);
    const guess = closest(unknown[0].split('=')[0]!, known);
    return guess ? ` Did you mean \`${guess}\`?` : '';
  }

  protected override async catch(error: Interfaces.CommandError): Promise<void> {
    const oclifExit = (error as { oclif?: { exit?: number } }).oclif?.exit;
    if (oclifExit === undefined) return reportFailure(error);
    if (error.name === 'ExitError') throw error;
    // oclif warns developers when run() never finished parsing; for a user's typo that is noise.
    this.parsed = true;
    // A flag or argument the parser refused: its first line, and where to look.
    const reason = error.message
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !/^See more help/i.test(l))
      .join(': ')
      .replace(/\s*:\s*:/g, ':')
      .replace(/[.\s]+$/, '');
    process.stderr.write(`okta-aws: ${redact(`${reason}.${this.flagSuggestion(error)} See \`okta-aws ${this.id ?? ''} --help\`.`)}\n`);
    process.exitCode = (error as { exitCode?: number }).exitCode ?? 2;
  }
}
