import { UserError } from '../lib/errors.js';
import { registerSecret } from '../lib/log.js';
import type { Prompter } from '../ui/prompter.js';

/** Where an answer can come from when there is no terminal: named in the error that says it is missing. */
export interface Source {
  label: string;
  flag?: string;
  variable: string;
}

/** Turns a validator that throws UserErrors into one a prompt can show inline. */
export const inline = (check: (value: string) => unknown) => (value: string) => {
  try {
    check(value);
    return undefined;
  } catch (error) {
    return error instanceof UserError ? `${error.message}. ${error.hint ?? ''}`.trim() : String(error);
  }
};

const noTerminal = (source: Source, orElse?: string) =>
  new UserError(`No terminal to ask for the ${source.label}`, {
    hint: `${source.flag ? `Pass ${source.flag} or set ${source.variable}` : `Set ${source.variable} in the environment`}${orElse ? ` (or pass ${orElse})` : ''}, then run \`okta-aws init\` again.`,
    code: 'NO_TTY',
  });

/** A plain answer: the flag or variable, else a prompt (the old value as its default), else the old value. */
export async function plainAnswer(
  prompter: Prompter,
  given: string | undefined,
  existing: string | undefined,
  source: Source & { message: string },
  check: (value: string) => string,
): Promise<string> {
  if (given !== undefined) return check(given);
  if (prompter.interactive) return check(await prompter.input(source.message, { default: existing, validate: inline(check) }));
  if (existing !== undefined) return check(existing);
  throw noTerminal(source);
}

/** A secret never comes from a flag: the environment, else a masked prompt, else what is stored. */
export async function secretAnswer(
  prompter: Prompter,
  fromEnv: string | undefined,
  stored: string | undefined,
  source: Source,
  check: (value: string) => string,
  orElse?: string,
): Promise<string> {
  if (fromEnv) {
    registerSecret(fromEnv);
    return check(fromEnv);
  }
  if (prompter.interactive) return typedSecret(prompter, stored, source.label, check);
  if (stored) return stored;
  throw noTerminal(source, orElse);
}

async function typedSecret(prompter: Prompter, stored: string | undefined, label: string, check: (value: string) => string): Promise<string> {
  const hint = stored ? ' (Enter keeps the stored one)' : '';
  const answer = await prompter.secret(`${label}${hint}:`, { validate: (v) => (v === '' && stored ? undefined : inline(check)(v)) });
  registerSecret(answer);
  return answer === '' && stored ? stored : check(answer);
}

/** The answers init's verifying login sends; a refusal replaces only what Okta refused. */
export interface LoginAnswers {
  username: string;
  password: string;
  totpSecret?: string;
}

/** What the user may type again after a refusal: Okta's E0000004 is about the username or password, E0000068 about the code. */
type Refused = 'password' | 'totp_secret';

function refusal(error: unknown): Refused | undefined {
  if (!(error instanceof UserError)) return undefined;
  if (error.code === 'E0000004') return 'password';
  if (error.code === 'E0000068') return 'totp_secret';
  return undefined;
}

/** Three tries, like Okta's own sign-in page before it suggests a reset. */
const ATTEMPTS = 3;

/**
 * Runs init's verifying login; when Okta refuses the password or the TOTP code and a person is at
 * the terminal, asks again for just that, keeping every other answer. Without a terminal, or when the
 * person stops, the refusal ends init with a next step that fits init (nothing was saved).
 */
export async function verifyWithRetries<T>(
  prompter: Prompter,
  answers: LoginAnswers,
  checks: { username: (v: string) => string; password: (v: string) => string; totpSecret: (v: string) => string },
  login: (answers: LoginAnswers) => Promise<T>,
): Promise<{ result: T; answers: LoginAnswers }> {
  let current = answers;
  for (let attempt = 1; ; attempt++) {
    try {
      return { result: await login(current), answers: current };
    } catch (error) {
      const refused = refusal(error);
      if (!refused) throw error;
      const reason = (error as UserError).message;
      const next = prompter.interactive && attempt < ATTEMPTS ? await askAgain(prompter, refused, reason, current, checks) : undefined;
      if (!next) throw refusedInInit(reason, refused, prompter.interactive);
      current = next;
    }
  }
}

async function askAgain(
  prompter: Prompter,
  refused: Refused,
  reason: string,
  current: LoginAnswers,
  checks: { username: (v: string) => string; password: (v: string) => string; totpSecret: (v: string) => string },
): Promise<LoginAnswers | undefined> {
  if (refused === 'totp_secret') {
    const choice = await prompter.select(`${reason}. The secret may be mistyped, or this computer's clock off. Type again:`, [
      { name: 'the TOTP secret (the other answers are kept)', value: 'totp' },
      { name: 'nothing; stop here (nothing is saved)', value: 'stop' },
    ]);
    if (choice === 'stop') return undefined;
    return { ...current, totpSecret: await typedSecret(prompter, undefined, 'TOTP secret (base32, or the otpauth:// URI)', checks.totpSecret) };
  }
  const choice = await prompter.select(`${reason}. Type again:`, [
    { name: 'the password (the other answers are kept)', value: 'password' },
    { name: 'the username and the password', value: 'username' },
    { name: 'nothing; stop here (nothing is saved)', value: 'stop' },
  ]);
  if (choice === 'stop') return undefined;
  const username = choice === 'username' ? checks.username(await prompter.input('Okta username:', { default: current.username, validate: inline(checks.username) })) : current.username;
  return { ...current, username, password: await typedSecret(prompter, undefined, 'Okta password', checks.password) };
}

function refusedInInit(reason: string, refused: Refused, interactive: boolean): UserError {
  const what = refused === 'password' ? 'the username and password' : "the TOTP secret and this computer's clock";
  const where = interactive ? '' : refused === 'password' ? ' (--username, OKTA_AWS_PASSWORD)' : ' (OKTA_AWS_TOTP_SECRET)';
  return new UserError(reason, { hint: `Nothing was saved: check ${what}${where}, then run \`okta-aws init\` again.`, code: refused === 'password' ? 'E0000004' : 'E0000068' });
}
