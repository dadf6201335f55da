import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SecretName, SecretStore } from 'okta-aws-credential-helper/store-api';

/** Where entries go unless OKTA_AWS_PASS_PREFIX says otherwise: `okta-aws/<user>/<secret>`. */
export const DEFAULT_PREFIX = 'okta-aws';

/** A child that takes longer than this is killed (gpg waiting for a passphrase nobody can type). */
const CHILD_TIMEOUT_MS = 60_000;

const FALLBACK = 'or use `--store file`';

/** An error a user can act on: okta-aws shows `message. hint` as one line. */
export class PassError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'PassError';
  }
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Secrets in pass (passwordstore.org): each one a GPG-encrypted entry `<prefix>/<user>/<secret>`.
 * The `pass` command is run directly (never through a shell), with the caller's environment, so
 * PASSWORD_STORE_DIR, GNUPGHOME and the rest of pass's settings apply; values travel on stdin
 * and stdout, never on a command line.
 */
export class PassStore implements SecretStore {
  readonly name = 'pass';
  readonly writable = true;
  private readonly prefix: string;
  private readonly childEnv: NodeJS.ProcessEnv;

  constructor(private readonly env: NodeJS.ProcessEnv) {
    this.prefix = (env.OKTA_AWS_PASS_PREFIX ?? DEFAULT_PREFIX).replace(/^\/+|\/+$/g, '') || DEFAULT_PREFIX;
    // pass and gpg need none of okta-aws's own variables, and the env store's secrets are among them.
    this.childEnv = Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('OKTA_AWS_')));
  }

  /** pass's folder: PASSWORD_STORE_DIR, else ~/.password-store. */
  get directory(): string {
    return this.env.PASSWORD_STORE_DIR || join(this.env.HOME || homedir(), '.password-store');
  }

  /** The entry of one secret; a user name that would leave the prefix is refused. */
  entry(user: string, name: SecretName): string {
    if (!user || user === '.' || user === '..' || /[/\\\0\n]/.test(user)) {
      throw new PassError(`The pass store cannot file the Okta user "${user}" under ${this.prefix}/`, `Use a user name without / or \\, ${FALLBACK}.`);
    }
    return `${this.prefix}/${user}/${name}`;
  }

  async check(): Promise<void> {
    const version = await this.run(['version']);
    if (version.code !== 0) throw this.failed('run', version);
    const keys = this.recipients();
    const missing: string[] = [];
    for (const key of keys) {
      const found = await this.run(['--list-secret-keys', '--with-colons', key], 'gpg');
      if (found.code !== 0) missing.push(key);
    }
    if (missing.length > 0) {
      const home = this.env.GNUPGHOME || join(this.env.HOME || homedir(), '.gnupg');
      throw new PassError(
        `The GPG key pass encrypts with (${missing.join(', ')}) has no secret key in ${home}`,
        `Import the key (\`gpg --import\`), point GNUPGHOME at the keyring that holds it, or run \`pass init <key id>\`, ${FALLBACK}.`,
      );
    }
  }

  async get(user: string, name: SecretName): Promise<string | undefined> {
    const entry = this.entry(user, name);
    if (!existsSync(join(this.directory, `${entry}.gpg`))) return undefined;
    const shown = await this.run(['show', entry]);
    if (shown.code !== 0) throw this.failed(`read ${entry} from`, shown);
    // pass's convention: the first line is the secret.
    const value = shown.stdout.split('\n')[0] ?? '';
    return value === '' ? undefined : value;
  }

  /**
   * Written whole under a temporary name, then renamed over the entry by `pass mv`: a failure
   * at any point leaves the old value (or none) in place.
   */
  async set(user: string, name: SecretName, value: string): Promise<void> {
    if (/[\n\r]/.test(value)) throw new PassError(`The ${name} holds a line break, which a pass entry cannot keep as one secret`, FALLBACK);
    const entry = this.entry(user, name);
    const temporary = `${entry}.new-${randomBytes(6).toString('hex')}`;
    const inserted = await this.run(['insert', '--multiline', '--force', temporary], 'pass', `${value}\n`);
    if (inserted.code !== 0) throw this.failed(`write ${entry} to`, inserted);
    const moved = await this.run(['mv', '--force', temporary, entry]);
    if (moved.code !== 0) {
      await this.run(['rm', '--force', temporary]);
      throw this.failed(`write ${entry} to`, moved);
    }
  }

  async delete(user: string, name: SecretName): Promise<void> {
    const entry = this.entry(user, name);
    if (!existsSync(join(this.directory, `${entry}.gpg`))) return;
    const removed = await this.run(['rm', '--force', entry]);
    if (removed.code !== 0) throw this.failed(`remove ${entry} from`, removed);
  }

  /** The key ids of the store's top-level .gpg-id; none means pass was never initialised there. */
  private recipients(): string[] {
    let text: string;
    try {
      text = readFileSync(join(this.directory, '.gpg-id'), 'utf8');
    } catch {
      throw new PassError(`The password store ${this.directory} is not initialised (it has no .gpg-id)`, `Run \`pass init <your GPG key id>\` (with PASSWORD_STORE_DIR if you use one), ${FALLBACK}.`);
    }
    const keys = text
      .split('\n')
      .map((line) => line.replace(/#.*/, '').trim())
      .filter(Boolean);
    if (keys.length === 0) throw new PassError(`${join(this.directory, '.gpg-id')} names no GPG key`, `Run \`pass init <your GPG key id>\`, ${FALLBACK}.`);
    return keys;
  }

  private run(args: string[], command = 'pass', input?: string): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        command,
        args,
        { env: this.childEnv, timeout: CHILD_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024, windowsHide: true },
        (error, stdout, stderr) => {
          if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
            reject(
              command === 'pass'
                ? new PassError('The pass store needs the `pass` command, which is not installed here', `Install pass (\`apt-get install pass\`, \`brew install pass\`), ${FALLBACK}.`)
                : new PassError(`The pass store needs \`${command}\`, which is not installed here`, `Install GnuPG, ${FALLBACK}.`),
            );
            return;
          }
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
      child.stdin?.end(input ?? '');
    });
  }

  private failed(what: string, run: Run): PassError {
    const why = run.stderr.split('\n').find((line) => line.trim() !== '')?.trim() ?? `exit code ${run.code}`;
    return new PassError(`pass could not ${what} the password store: ${why}`, `Check that your GPG key is available (gpg-agent may need its passphrase), ${FALLBACK}.`);
  }
}
