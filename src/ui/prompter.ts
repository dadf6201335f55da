import { UserError } from '../lib/errors.js';

export interface Choice<T> {
  name: string;
  value: T;
}

/** Everything that asks a person something. Tests pass answers in; without a terminal nothing waits. */
export interface Prompter {
  readonly interactive: boolean;
  /** `validate` returns an error message, or undefined when the answer is fine. */
  input(message: string, options?: { default?: string; validate?: (value: string) => string | undefined }): Promise<string>;
  /** Masked; never echoed. */
  secret(message: string, options?: { validate?: (value: string) => string | undefined }): Promise<string>;
  select<T>(message: string, choices: Choice<T>[]): Promise<T>;
}

export function hasTerminal(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

/** @inquirer's prompts, drawn on stderr so stdout stays clean for data. Each is its own package: a question loads only its prompt. */
export function terminalPrompter(): Prompter {
  const context = { output: process.stderr };
  const check = (validate?: (value: string) => string | undefined) => (value: string) => validate?.(value) ?? true;
  return {
    interactive: true,
    async input(message, options = {}) {
      const { default: input } = await import('@inquirer/input');
      return input({ message, default: options.default, validate: check(options.validate) }, context);
    },
    async secret(message, options = {}) {
      const { default: password } = await import('@inquirer/password');
      return password({ message, mask: '*', validate: check(options.validate) }, context);
    },
    async select(message, choices) {
      const { default: select } = await import('@inquirer/select');
      return select({ message, choices }, context);
    },
  };
}

/** Without a terminal a missing answer is an error naming where it can come from, never a hang. */
export function noTerminalPrompter(): Prompter {
  const fail = (message: string): never => {
    throw new UserError(`No terminal to ask: ${message.replace(/[:?]\s*$/, '')}`, {
      hint: 'Pass it as a flag, or set OKTA_AWS_PASSWORD / OKTA_AWS_TOTP_SECRET for the secrets.',
      code: 'NO_TTY',
    });
  };
  return {
    interactive: false,
    input: async (message) => fail(message),
    secret: async (message) => fail(message),
    select: async (message) => fail(message),
  };
}

export function defaultPrompter(): Prompter {
  return hasTerminal() ? terminalPrompter() : noTerminalPrompter();
}
