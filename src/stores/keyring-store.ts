import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { UserError } from '../lib/errors.js';
import type { SecretName, SecretStore } from './secret-store.js';

type Native = typeof import('@napi-rs/keyring');
type NativeEntry = Pick<InstanceType<Native['AsyncEntry']>, 'getPassword' | 'setPassword' | 'deleteCredential'>;

/** What the store uses of @napi-rs/keyring; unit tests hand in a fake. */
export interface KeyringModule {
  AsyncEntry: new (service: string, account: string, options?: ConstructorParameters<Native['AsyncEntry']>[2]) => NativeEntry;
}

/** The parts a test replaces: the native module, the Secret Service probe, the platform. */
export interface KeyringDeps {
  load: () => Promise<KeyringModule>;
  probe: (env: NodeJS.ProcessEnv) => Promise<void>;
  platform: NodeJS.Platform;
}

/** Every entry is filed under this service, one per Okta user and secret: account `<user>:<secret>`. */
export const KEYRING_SERVICE = 'okta-aws';

/** A service with no entries: asking for it shows that the Secret Service answers, and reveals nothing. */
const PROBE_SERVICE = `${KEYRING_SERVICE}.probe`;

/** How long the Secret Service gets to answer before the keyring counts as unavailable. */
export const PROBE_TIMEOUT_MS = 600;

/** How long the probe child may take to start and load the native module, however busy the machine. */
const PROBE_START_LIMIT_MS = 15_000;

/** On Linux the entry must live in the Secret Service: without this, 2.x still falls back to the kernel keyring. */
const PINNED = { linux: { store: 'secret-service' as const } };

const FIX = 'Use `--store file`, or start and unlock a Secret Service (gnome-keyring, KeePassXC).';

/**
 * Asks the Secret Service for items of a service that has none: it needs no unlock prompt when
 * nothing matches. It runs in a child process because a D-Bus peer that accepts the connection
 * and never answers blocks the native module (a pinned entry's constructor blocks the main thread
 * itself, and an AbortSignal is ignored); only a child can be killed on time. The child writes one
 * byte once the module is loaded: the deadline runs from there, so a slow Node start-up on a busy
 * machine is not taken for a silent Secret Service.
 */
const PROBE_SCRIPT = `
let keyring;
try { keyring = require(process.argv[1]); } catch (error) { process.stderr.write(String(error.message)); process.exit(3); }
require('node:fs').writeSync(1, '.');
try { keyring.findCredentials(process.argv[2]); } catch (error) { process.stderr.write(String(error.message)); process.exit(4); }
`;

/**
 * The OS keyring through @napi-rs/keyring: Keychain on macOS, Credential Manager on Windows, the
 * Secret Service (gnome-keyring, KWallet, KeePassXC) on Linux and the BSDs.
 *
 * Every entry is pinned to the Secret Service, so on Linux the module throws rather than fall back
 * to the kernel keyring (which forgets everything at reboot). Before the first use in a process,
 * a bounded child probe must have seen the Secret Service answer (see PROBE_SCRIPT for why a
 * child). The native module is loaded on first use, so a missing or broken build affects only
 * this store, as one UserError.
 */
export class KeyringStore implements SecretStore {
  readonly name = 'keyring' as const;
  readonly writable = true;
  private checked: Promise<KeyringModule> | undefined;
  private readonly deps: KeyringDeps;

  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    deps: Partial<KeyringDeps> = {},
  ) {
    this.deps = { load: () => import('@napi-rs/keyring'), probe: probeSecretService, platform: process.platform, ...deps };
  }

  async check(): Promise<void> {
    await this.keyring();
  }

  async get(user: string, name: SecretName): Promise<string | undefined> {
    const entry = await this.entry(user, name);
    const value = await attempt(`read the ${name} of ${user} from`, () => entry.getPassword());
    return value ?? undefined;
  }

  async set(user: string, name: SecretName, value: string): Promise<void> {
    const entry = await this.entry(user, name);
    await attempt(`store the ${name} of ${user} in`, () => entry.setPassword(value));
  }

  async delete(user: string, name: SecretName): Promise<void> {
    const entry = await this.entry(user, name);
    await attempt(`delete the ${name} of ${user} from`, () => entry.deleteCredential());
  }

  /** A pinned entry; on Linux its constructor connects to D-Bus, so it fails when the bus has gone. */
  private async entry(user: string, name: SecretName): Promise<NativeEntry> {
    const { AsyncEntry } = await this.keyring();
    try {
      return new AsyncEntry(KEYRING_SERVICE, `${user}:${name}`, PINNED);
    } catch (error) {
      if (usesSecretService(this.deps.platform)) {
        throw new UserError(`The OS keyring is not available here (the Secret Service went away: ${firstLine(error)})`, { hint: FIX, code: 'KEYRING_UNAVAILABLE' });
      }
      throw failed(`open the ${name} of ${user} in`, error);
    }
  }

  /** The module, once this process has seen the platform keyring answer; the verdict is kept. */
  private keyring(): Promise<KeyringModule> {
    this.checked ??= this.load();
    return this.checked;
  }

  private async load(): Promise<KeyringModule> {
    let keyring: KeyringModule;
    try {
      keyring = await this.deps.load();
    } catch (error) {
      throw new UserError(`The OS keyring module (@napi-rs/keyring) cannot be loaded here: ${firstLine(error)}`, {
        hint: 'Use `--store file`, or reinstall okta-aws so that its native keyring module matches this platform.',
        code: 'KEYRING_UNAVAILABLE',
        cause: error,
      });
    }
    if (usesSecretService(this.deps.platform)) await this.deps.probe(this.env);
    return keyring;
  }
}

/** Keychain and Credential Manager are always there; elsewhere the keyring is a D-Bus service. */
function usesSecretService(platform: NodeJS.Platform): boolean {
  return platform !== 'darwin' && platform !== 'win32';
}

/** How a probe child ended when it did not succeed. */
export interface ProbeFailure {
  code: number | string | null;
  killed: boolean;
  stderr: string;
}

/** Runs the probe child with `env`, the Secret Service given PROBE_TIMEOUT_MS; throws the one-line reason it failed. */
export async function probeSecretService(env: NodeJS.ProcessEnv, modulePath = createRequire(import.meta.url).resolve('@napi-rs/keyring')): Promise<void> {
  // Without NODE_OPTIONS: a user's preloads must not break or slow the probe.
  const childEnv = { ...env, NODE_OPTIONS: '' };
  const failure = await new Promise<ProbeFailure | undefined>((resolve) => {
    let deadline: NodeJS.Timeout | undefined;
    const child = execFile(
      process.execPath,
      ['-e', PROBE_SCRIPT, modulePath, PROBE_SERVICE],
      { env: childEnv, timeout: PROBE_START_LIMIT_MS, killSignal: 'SIGKILL', windowsHide: true },
      (error, _stdout, stderr) => {
        clearTimeout(deadline);
        resolve(error ? { code: error.code ?? null, killed: error.killed ?? false, stderr } : undefined);
      },
    );
    child.stdout?.once('data', () => {
      deadline = setTimeout(() => child.kill('SIGKILL'), PROBE_TIMEOUT_MS);
    });
  });
  if (failure) throw new UserError(`The OS keyring is not available here (${probeVerdict(failure, env)})`, { hint: FIX, code: 'KEYRING_UNAVAILABLE' });
}

/** Why the probe failed, in words: the deadline, the module, the missing bus, or what the child said. */
export function probeVerdict(failure: ProbeFailure, env: NodeJS.ProcessEnv): string {
  if (failure.killed) return `the Secret Service did not answer within ${PROBE_TIMEOUT_MS / 1000} s`;
  if (failure.code === 3) return `its native module failed to load: ${firstLine(failure.stderr)}`;
  if (!env.DBUS_SESSION_BUS_ADDRESS) return 'no D-Bus session: DBUS_SESSION_BUS_ADDRESS is not set';
  // 1.x and 2.x word it differently: no provider on the bus, or nothing listening at the address.
  if (/no secret service provider|dbus session|failed to connect to address/i.test(failure.stderr)) return 'no Secret Service on D-Bus';
  return firstLine(failure.stderr) || `the probe exited with ${String(failure.code)}`;
}

async function attempt<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw failed(what, error);
  }
}

function failed(what: string, error: unknown): UserError {
  return new UserError(`Could not ${what} the OS keyring: ${firstLine(error)}`, {
    hint: 'Unlock your keyring (it may be waiting for a password), or use `--store file`.',
    code: 'KEYRING_FAILED',
    cause: error,
  });
}

/** The native errors carry a Rust backtrace after the first line. */
function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
}
