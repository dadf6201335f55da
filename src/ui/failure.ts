import { oneLine } from '../lib/errors.js';
import { redact } from '../lib/log.js';
import { printable } from '../lib/printable.js';

/**
 * How a command that failed ends (every oclif command, and bin/run.js's fast init): a prompt the
 * person left, or one line on stderr saying what happened, and the exit code.
 */
export function reportFailure(error: Error): void {
  if (error.name === 'ExitPromptError') {
    process.stderr.write('okta-aws: cancelled; nothing was changed.\n');
    process.exitCode = 130;
    return;
  }
  // Whatever remote text the message quotes cannot drive the terminal.
  let line = printable(oneLine(error));
  if (process.env.OKTA_AWS_STACK === '1' && !(error as { hint?: unknown }).hint) line += `\n${error.stack ?? ''}`;
  process.stderr.write(`okta-aws: ${redact(line)}\n`);
  process.exitCode = (error as { exitCode?: number }).exitCode ?? 1;
}
