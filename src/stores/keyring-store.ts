import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { UserError } from '../lib/errors.js';
import type { SecretName, SecretStore } from './secret-store.js';

type Keyring = typeof import('@napi-rs/keyring');

/** Every entry is filed under this service, one per Okta user and secret: account `<user>:<secret>`. */
export const KEYRING_SERVICE = 'okta-aws';

/** A service with no entries: asking for it shows that the Secret Service answers, and reveals nothing. */
const PROBE_SERVICE = `${KEYRING_SERVICE}.probe`;

/** How long the Secret Service gets to answer before the keyring counts as unavailable. */
export const PROBE_TIMEOUT_MS = 600;

const FIX = 'Use `--store file`, or start and unlock a Secret Service (gnome-keyring, KeePassXC).';

/**
 * Asks the Secret Service for items of a service that has none. `findCredentials` talks to the
 * Secret Service only (it never falls back to the kernel keyring), and needs no unlock prompt
 * when nothing matches. It runs in a child process because the call is synchronous and blocks
 * for as long as a stuck D-Bus peer keeps it waiting; a child can be killed on time.
 */
const PROBE_SCRIPT = `
let keyring;
try { keyring = require(process.argv[1]); } catch (error) { process.stderr.write(String(error.message)); process.exit(3); }
try { keyring.findCredentials(process.argv[2]); } catch (error) { process.stderr.write(String(error.message)); process.exit(4); }
`;

/**
 * The OS keyring through @napi-rs/keyring: Keychain on macOS, Credential Manager on Windows, the
 * Secret Service (gnome-keyring, KWallet, KeePassXC) on Linux and the BSDs.
 *
 * On Linux, @napi-rs/keyring 1.x has no way to require the Secret Service: without one it
 * silently stores in the kernel keyring (keyutils), which forgets everything at reboot. So
 * nothing is read or written before `check()` has seen the Secret Service answer (in a child
 * process, under a deadline, with `env`), and each write is preceded by another Secret-Service-
 * only call in this process (the module reads this process's environment) and read back through
 * the Secret Service after. The native module is loaded on first use, so a missing or broken
 * build affects only this store, as one UserError.
 */
export class KeyringStore implements SecretStore {
  readonly name = 'keyring' as const;
  readonly writable = true;
  private checked: Promise<Keyring> | undefined;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async check(): Promise<void> {
    await this.keyring();
  }

  async get(user: string, name: SecretName): Promise<string | undefined> {
    const { AsyncEntry } = await this.keyring();
    const value = await attempt(`read the ${name} of ${user} from`, () => new AsyncEntry(KEYRING_SERVICE, account(user, name)).getPassword());
    return value ?? undefined;
  }

  async set(user: string, name: SecretName, value: string): Promise<void> {
    const keyring = await this.keyring();
    const secretService = usesSecretService();
    // Checked again right here, in this process: the module decides per entry, and would fall back.
    if (secretService) await secretServiceAnswers(keyring);
    const entry = new keyring.AsyncEntry(KEYRING_SERVICE, account(user, name));
    await attempt(`store the ${name} of ${user} in`, () => entry.setPassword(value));
    if (secretService) await confirmInSecretService(keyring, entry, account(user, name), value);
  }

  async delete(user: string, name: SecretName): Promise<void> {
    const { AsyncEntry } = await this.keyring();
    await attempt(`delete the ${name} of ${user} from`, () => new AsyncEntry(KEYRING_SERVICE, account(user, name)).deleteCredential());
  }

  /** The module, once this process has seen the platform keyring answer; the verdict is kept. */
  private keyring(): Promise<Keyring> {
    this.checked ??= this.load();
    return this.checked;
  }

  private async load(): Promise<Keyring> {
    let keyring: Keyring;
    try {
      keyring = await import('@napi-rs/keyring');
    } catch (error) {
      throw new UserError(`The OS keyring module (@napi-rs/keyring) cannot be loaded here: ${firstLine(error)}`, {
        hint: 'Use `--store file`, or reinstall okta-aws so that its native keyring module matches this platform.',
        code: 'KEYRING_UNAVAILABLE',
        cause: error,
      });
    }
    if (usesSecretService()) await probeSecretService(this.env);
    return keyring;
  }
}

/** The account of one secret: the Okta user, then the secret's name after the last colon. */
function account(user: string, name: SecretName): string {
  return `${user}:${name}`;
}

/** Keychain and Credential Manager are always there; elsewhere the keyring is a D-Bus service. */
function usesSecretService(): boolean {
  return process.platform !== 'darwin' && process.platform !== 'win32';
}

async function probeSecretService(env: NodeJS.ProcessEnv): Promise<void> {
  const modulePath = createRequire(import.meta.url).resolve('@napi-rs/keyring');
  // Without NODE_OPTIONS: a user's preloads must not slow the probe past its deadline.
  const childEnv = { ...env, NODE_OPTIONS: '' };
  const failure = await new Promise<{ code: number | string | null; killed: boolean; stderr: string } | undefined>((resolve) => {
    execFile(
      process.execPath,
      ['-e', PROBE_SCRIPT, modulePath, PROBE_SERVICE],
      { env: childEnv, timeout: PROBE_TIMEOUT_MS, killSignal: 'SIGKILL', windowsHide: true },
      (error, _stdout, stderr) => resolve(error ? { code: error.code ?? null, killed: error.killed ?? false, stderr } : undefined),
    );
  });
  if (!failure) return;
  let why: string;
  if (failure.killed) why = `the Secret Service did not answer within ${PROBE_TIMEOUT_MS / 1000} s`;
  else if (failure.code === 3) why = `its native module failed to load: ${firstLine(failure.stderr)}`;
  else if (!env.DBUS_SESSION_BUS_ADDRESS) why = 'no D-Bus session: DBUS_SESSION_BUS_ADDRESS is not set';
  else if (/no secret service provider|dbus session/i.test(failure.stderr)) why = 'no Secret Service on D-Bus';
  else why = firstLine(failure.stderr) || `the probe exited with ${String(failure.code)}`;
  throw new UserError(`The OS keyring is not available here (${why})`, { hint: FIX, code: 'KEYRING_UNAVAILABLE' });
}

async function secretServiceAnswers(keyring: Keyring): Promise<void> {
  await keyring.findCredentialsAsync(PROBE_SERVICE).catch((error: unknown) => {
    throw wentAway(error);
  });
}

/**
 * Reads the entry back through the Secret Service alone. Had the service vanished in the instant
 * since `secretServiceAnswers`, the module would have written to the kernel keyring: the stray
 * copy is deleted if the module can, and the write fails, so no caller (migrateSecrets above all)
 * takes a secret for safely stored when a reboot would forget it.
 */
async function confirmInSecretService(keyring: Keyring, entry: InstanceType<Keyring['AsyncEntry']>, name: string, value: string): Promise<void> {
  let found;
  try {
    found = await keyring.findCredentialsAsync(KEYRING_SERVICE);
  } catch (error) {
    await entry.deleteCredential().catch(() => undefined);
    throw wentAway(error);
  }
  if (!found.some((c) => c.account === name && c.password === value)) {
    throw new UserError('The Secret Service did not return the secret just stored in it', { hint: FIX, code: 'KEYRING_FAILED' });
  }
}

function wentAway(error: unknown): UserError {
  return new UserError(`The OS keyring is not available here (the Secret Service went away: ${firstLine(error)})`, { hint: FIX, code: 'KEYRING_UNAVAILABLE' });
}

async function attempt<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new UserError(`Could not ${what} the OS keyring: ${firstLine(error)}`, {
      hint: 'Unlock your keyring (it may be waiting for a password), or use `--store file`.',
      code: 'KEYRING_FAILED',
      cause: error,
    });
  }
}

/** The native errors carry a Rust backtrace after the first line. */
function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
}
