/**
 * Errors a user can act on. `message` says what happened, `hint` what to do next; the CLI prints
 * them as one line and exits with `exitCode`, never with a stack trace.
 */
export class UserError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;
  /** A machine-readable cause, e.g. Okta's errorCode or STS's error code. */
  readonly code: string | undefined;

  constructor(message: string, options: { hint?: string; exitCode?: number; code?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UserError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
    this.code = options.code;
  }
}

/** One line: what happened, then what to do. */
export function oneLine(error: unknown): string {
  if (error instanceof UserError) {
    const text = error.hint ? `${stripDot(error.message)}. ${error.hint}` : error.message;
    return text.replace(/\s*\n\s*/g, ' ');
  }
  const message = error instanceof Error ? error.message : String(error);
  return `${stripDot(message.replace(/\s*\n\s*/g, ' '))}. This looks like a bug; run again with --debug and report it.`;
}

function stripDot(text: string): string {
  return text.replace(/[.\s]+$/, '');
}
