import { UserError } from '../lib/errors.js';
import { sessionOwner } from '../lib/identity.js';
import { credentialsFile, settingsFile } from '../lib/paths.js';
import { type CredentialMode, type LoginFlow, type ProfileNaming, type MfaFactor, type Settings, type StoreName, readSettings, writeSettings } from '../lib/settings.js';
import { normalizeTotpSecret } from '../lib/totp.js';
import { validateRegion, validateSsoUrl } from '../lib/validate.js';
import { migrateSecrets, openStore, storeNameFrom } from '../stores/index.js';
import type { SecretName } from '../stores/secret-store.js';
import type { Prompter } from '../ui/prompter.js';
import { type LoginAnswers, plainAnswer, secretAnswer, verifyWithRetries } from './init-answers.js';
import { type Config, DEFAULT_REGION, pushOptions, resolveLoginFlow } from './config.js';
import type { DeviceLoginUi } from './device-sign-in.js';
import type { Reporter } from './reporter.js';
import type { SignedIn } from './sign-in.js';

export interface InitOptions {
  ssoUrl?: string;
  username?: string;
  region?: string;
  store?: StoreName;
  /** `--flow`: auto, authn or device. */
  flow?: string;
  /** `--client-id`: the OIDC native app for the device flow. */
  clientId?: string;
  profileNames?: ProfileNaming;
  /** `--factor`: remembered as mfa_factor; `push` needs no TOTP secret. */
  factor?: MfaFactor;
  verify: boolean;
  /** How process-mode profiles call the CLI back, for profiles renamed by a new `profileNames`. */
  entry: { node: string; script: string };
}

export interface InitResult {
  settingsFile: string;
  store: StoreName;
  /** Secrets moved from the previous store into the new one. */
  moved: SecretName[];
  /** The roles found by the verifying login (absent with --no-verify). */
  roles?: SignedIn['roles'];
  /** Profiles renamed because `profileNames` changed: [old, new]. */
  renamed: [string, string][];
  /** From the verifying login: what did not stop it (account names unreadable). */
  warnings: string[];
}

export interface InitIo {
  prompter: Prompter;
  /** Made once the questions are answered (listr2 loads while the person types them). */
  reporter: () => Promise<Reporter>;
  device: DeviceLoginUi;
  env?: NodeJS.ProcessEnv;
}

/**
 * Asks for what is missing (flags, then the old settings as defaults, then prompts), stores the
 * secrets in the chosen store (moving them from the old one if it changed), writes settings.json,
 * and unless told not to, logs in once to prove it all works.
 */
export async function runInit(options: InitOptions, io: InitIo): Promise<InitResult> {
  const env = io.env ?? process.env;
  const { prompter } = io;
  const { settings: previous } = await readSettings(env);
  const store = storeNameFrom({ flag: options.store, settings: previous, env });
  const oldStore = previous?.secret_store ?? 'file';

  // What comes after the questions is loaded once the first is on the screen (prompts draw it
  // synchronously once loaded), or when it is first needed: an answer missing without a terminal
  // fails without loading it.
  let later: Promise<[typeof import('./init-steps.js'), Reporter]> | undefined;
  const loadLater = () => (later ??= Promise.all([import('./init-steps.js'), io.reporter()]));
  const asking = plainAnswer(prompter, options.ssoUrl ?? env.OKTA_AWS_SSO_URL, previous?.sso_url, { label: 'Okta SSO URL', flag: '--sso-url', variable: 'OKTA_AWS_SSO_URL', message: 'Okta SSO URL of the AWS app:' }, validateSsoUrl);
  if (prompter.interactive) setImmediate(() => loadLater().catch(() => undefined));
  const ssoUrl = await asking;
  const username = await plainAnswer(prompter, options.username ?? env.OKTA_AWS_USERNAME, previous?.user_name, { label: 'Okta username', flag: '--username', variable: 'OKTA_AWS_USERNAME', message: 'Okta username:' }, checkUsername);
  const region = await plainAnswer(prompter, options.region ?? env.OKTA_AWS_REGION, previous?.region ?? DEFAULT_REGION, { label: 'AWS region', flag: '--region', variable: 'OKTA_AWS_REGION', message: 'Default AWS region:' }, validateRegion);
  const chosenFlow = options.flow ?? (env.OKTA_AWS_LOGIN_FLOW || previous?.login_flow);
  const flow = chosenFlow ?? 'auto';
  const clientId = options.clientId ?? (env.OKTA_AWS_CLIENT_ID || previous?.oidc_client_id);
  const { loginFlow } = resolveLoginFlow({ flow, clientId });

  // A store that cannot work here (no Secret Service, env variables missing) fails before any question.
  // The device flow reads no login secret, so the env store has nothing to check then; a push login needs no TOTP secret.
  const factorOptions = pushOptions(env, previous);
  const mfaFactor = options.factor ?? factorOptions.mfaFactor;
  const target = openStore(store, env);
  if (loginFlow === 'authn' || store !== 'env') await target.check(mfaFactor === 'push' ? ['password'] : undefined);
  const [{ checkCredentialsFile, renameProfiles, signIn, timeoutFromEnv }, reporter] = await loadLater();
  // What would fail after the verifying login fails before a secret is asked for, let alone sent.
  timeoutFromEnv(env);
  if (options.verify) await checkCredentialsFile(credentialsFile(env));
  const oldSecrets = openStore(oldStore, env);
  const sessionStore = oldStore !== store && previous?.user_name === username ? oldStore : store;
  const config: Config = {
    ssoUrl,
    username,
    region,
    store: sessionStore,
    duration: undefined,
    mode: 'static',
    aliases: previous?.account_aliases ?? {},
    loginFlow,
    clientId,
    profileNames: options.profileNames ?? previous?.profile_names ?? 'account-id',
    ...factorOptions,
    mfaFactor,
    settings: previous,
    warnings: [],
  };
  const result: InitResult = { settingsFile: settingsFile(env), store, moved: [], renamed: [], warnings: [] };
  // Written only when chosen, so a classic user's settings.json gains no new keys.
  const flowSettings = {
    ...(chosenFlow ? { login_flow: chosenFlow as LoginFlow } : {}),
    ...(clientId ? { oidc_client_id: clientId } : {}),
    ...(options.profileNames ? { profile_names: options.profileNames } : {}),
  };
  /** Writes settings.json; a new profile naming renames the profiles of the last refresh at once. */
  const save = async (settings: Settings) => {
    await writeSettings(settings, env);
    const naming = settings.profile_names ?? 'account-id';
    if (naming !== (previous?.profile_names ?? 'account-id')) {
      result.renamed = await renameProfiles({ naming, aliases: settings.account_aliases ?? {}, mode: settings.mode ?? 'static', region, entry: options.entry, env });
    }
    return result;
  };

  /**
   * A change of store moves every secret first (copied, read back, then deleted), so none is lost:
   * the per-user ones, and the Okta session and refresh token, which are filed per (origin, user):
   * the old settings' origin, and the one the verifying login just used.
   */
  const moveSecrets = async (user: string) => {
    if (oldStore === store || !previous?.user_name || !target.writable) return;
    const from = previous.user_name;
    result.moved = await migrateSecrets({ from: oldSecrets, to: target, user: from });
    const urls = [previous.sso_url, from === user ? ssoUrl : undefined].filter((url): url is string => typeof url === 'string' && URL.canParse(url));
    for (const owner of new Set(urls.map((url) => sessionOwner(url, from)))) {
      for (const name of await migrateSecrets({ from: oldSecrets, to: target, user: owner, names: ['okta_session', 'oauth_refresh_token'] })) if (!result.moved.includes(name)) result.moved.push(name);
    }
  };

  if (loginFlow === 'device') {
    // No password and no TOTP secret: the verifying login is the browser login, and its refresh token is the secret kept.
    if (options.verify) {
      const signedIn = await signIn(config, env, reporter, undefined, io.device);
      result.roles = signedIn.roles;
      result.warnings = signedIn.warnings;
    }
    await moveSecrets(username);
    return save({ ...previous, sso_url: ssoUrl, user_name: username, region, secret_store: store, ...flowSettings });
  }

  const stored = async (name: SecretName) => (previous?.user_name === username ? oldSecrets.get(username, name).catch(() => undefined) : undefined);
  const checks = { username: checkUsername, password: checkPassword, totpSecret: normalizeTotpSecret };
  let answers: LoginAnswers = {
    username,
    password: await secretAnswer(prompter, env.OKTA_AWS_PASSWORD, await stored('password'), { label: 'Okta password', variable: 'OKTA_AWS_PASSWORD' }, checkPassword),
    totpSecret:
      mfaFactor === 'push'
        ? undefined
        : await secretAnswer(prompter, env.OKTA_AWS_TOTP_SECRET, await stored('totp_secret'), { label: 'TOTP secret (base32, or the otpauth:// URI)', variable: 'OKTA_AWS_TOTP_SECRET' }, normalizeTotpSecret, '--factor push'),
  };

  // Prove the answers work before anything is stored: a failed login leaves the old settings as they were.
  // On a terminal, what Okta refuses is asked again, and only that. The session cookie the login earns
  // goes where the other secrets are now; a move takes it along.
  if (options.verify) {
    const verified = await verifyWithRetries(prompter, answers, checks, (given) => signIn({ ...config, username: given.username }, env, reporter, given));
    answers = verified.answers;
    result.roles = verified.result.roles;
    result.warnings = verified.result.warnings;
  }
  const { password, totpSecret } = answers;

  await moveSecrets(answers.username);
  const settings: Settings = { ...previous, sso_url: ssoUrl, user_name: answers.username, region, secret_store: store, ...flowSettings, ...(options.factor ? { mfa_factor: options.factor } : {}) };
  delete settings.password;
  delete settings.google_2fa_totp;
  if (store === 'file') Object.assign(settings, { password, ...(totpSecret === undefined ? {} : { google_2fa_totp: totpSecret }) });
  // Into the keyring (or a plugin's store) first: settings.json without secrets is written only once they are safe there.
  else if (target.writable) {
    await target.set(answers.username, 'password', password);
    if (totpSecret !== undefined) await target.set(answers.username, 'totp_secret', totpSecret);
  }
  return save(settings);
}

function checkUsername(value: string): string {
  if (!value.trim()) throw new UserError('The username is empty', { hint: 'Use your Okta login, usually your email address.' });
  return value.trim();
}

function checkPassword(value: string): string {
  if (!value) throw new UserError('The password is empty', { hint: 'Type your Okta password.' });
  return value;
}

/** `refresh --mode` is remembered, so later refreshes and the hook write the same kind of profile. */
export async function rememberMode(mode: CredentialMode, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { settings } = await readSettings(env);
  if (settings) await writeSettings({ ...settings, mode }, env);
}
