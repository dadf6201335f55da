import { UserError } from '../lib/errors.js';
import { configName, settingsFile } from '../lib/paths.js';
import { type CredentialMode, LOGIN_FLOWS, type LoginFlow, PROFILE_NAMINGS, type ProfileNaming, MFA_FACTORS, type MfaFactor, type Settings, type StoreName, readSettings } from '../lib/settings.js';
import { validateDuration, validateRegion, validateSsoUrl } from '../lib/validate.js';
import { storeNameFrom } from '../stores/index.js';

export const DEFAULT_REGION = 'ap-southeast-2';
/** How long a push waits for the user by default (Okta itself gives up after about 5 minutes). */
export const DEFAULT_PUSH_TIMEOUT_SECONDS = 120;

/** Everything a run needs except the secrets, which are read from the store only when needed. */
export interface Config {
  ssoUrl: string;
  username: string;
  region: string;
  store: StoreName;
  duration: number | undefined;
  mode: CredentialMode;
  aliases: Record<string, string>;
  /** `auto` resolved: `device` when a client id is set. */
  loginFlow: Exclude<LoginFlow, 'auto'>;
  /** The OIDC native app's client id (device flow only). */
  clientId: string | undefined;
  profileNames: ProfileNaming;
  /** `OKTA_AWS_MFA_FACTOR`, else `mfa_factor`, else auto. */
  mfaFactor: MfaFactor;
  /** `OKTA_AWS_PUSH_DEVICE`: the Okta Verify device (the push factor's profile.name) to push to. */
  pushDevice: string | undefined;
  /** `OKTA_AWS_PUSH_TIMEOUT`: seconds to wait for a push to be answered. */
  pushTimeoutSeconds: number;
  /** The file as read (undefined when there is none: the env store alone). */
  settings: Settings | undefined;
  warnings: string[];
}

/**
 * Settings from settings.json, with OKTA_AWS_SSO_URL / OKTA_AWS_USERNAME / OKTA_AWS_REGION on top,
 * so a CI job can run from the environment alone.
 */
export async function loadConfig(env: NodeJS.ProcessEnv = process.env, flags: { store?: StoreName } = {}): Promise<Config> {
  const { settings, warnings } = await readSettings(env);
  const store = storeNameFrom({ flag: flags.store, settings, env });
  const ssoUrl = env.OKTA_AWS_SSO_URL || settings?.sso_url;
  const username = env.OKTA_AWS_USERNAME || settings?.user_name;
  if (!ssoUrl || !username) {
    const where = settings ? `${settingsFile(env)} has no ${!ssoUrl ? 'sso_url' : 'user_name'}` : `No settings at ${settingsFile(env)}`;
    const config = configName(env);
    throw new UserError(where, {
      hint: `Run \`okta-aws init${config ? ` --config ${config}` : ''}\`, or set OKTA_AWS_SSO_URL, OKTA_AWS_USERNAME, OKTA_AWS_PASSWORD and OKTA_AWS_TOTP_SECRET.`,
      code: 'NO_SETTINGS',
    });
  }
  const mode = settings?.mode ?? 'static';
  if (mode !== 'static' && mode !== 'process') {
    throw new UserError(`${settingsFile(env)} has mode "${String(mode)}"`, { hint: 'Set "mode" to "static" or "process", or remove it.', code: 'BAD_SETTINGS' });
  }
  const duration = settings?.duration;
  if (duration !== undefined && typeof duration !== 'number') {
    throw new UserError(`${settingsFile(env)} has a duration that is not a number`, { hint: 'Set "duration" to seconds (900–43200), or remove it.', code: 'BAD_SETTINGS' });
  }
  const profileNames = settings?.profile_names ?? 'account-id';
  if (!PROFILE_NAMINGS.includes(profileNames)) {
    throw new UserError(`${settingsFile(env)} has profile_names "${String(profileNames)}"`, {
      hint: 'Set "profile_names" to "account-id" or "alias" (`okta-aws init --profile-names alias`), or remove it.',
      code: 'BAD_SETTINGS',
    });
  }
  return {
    ssoUrl: validateSsoUrl(ssoUrl),
    username,
    region: validateRegion(env.OKTA_AWS_REGION || settings?.region || DEFAULT_REGION),
    store,
    duration: duration === undefined ? undefined : validateDuration(duration),
    mode,
    aliases: settings?.account_aliases ?? {},
    ...resolveLoginFlow({ flow: env.OKTA_AWS_LOGIN_FLOW || settings?.login_flow, clientId: env.OKTA_AWS_CLIENT_ID || settings?.oidc_client_id }),
    profileNames,
    ...pushOptions(env, settings),
    settings,
    warnings,
  };
}

/**
 * `login_flow` / OKTA_AWS_LOGIN_FLOW and `oidc_client_id` / OKTA_AWS_CLIENT_ID → the flow to use.
 * `auto` means the device flow exactly when a client id is known.
 */
export function resolveLoginFlow(given: { flow?: unknown; clientId?: unknown }): { loginFlow: Exclude<LoginFlow, 'auto'>; clientId: string | undefined } {
  const flow = given.flow ?? 'auto';
  if (!LOGIN_FLOWS.includes(flow as LoginFlow)) {
    throw new UserError(`The login flow "${String(flow)}" is not one of ${LOGIN_FLOWS.join(', ')}`, {
      hint: 'Fix OKTA_AWS_LOGIN_FLOW or "login_flow" in settings.json, or run `okta-aws init --flow auto`.',
      code: 'BAD_SETTINGS',
    });
  }
  if (given.clientId !== undefined && (typeof given.clientId !== 'string' || !/^[A-Za-z0-9_-]{1,100}$/.test(given.clientId))) {
    throw new UserError('The OIDC client id is not an Okta client id (letters, digits, - and _)', {
      hint: 'Copy the client id from the OIDC app in Okta (Applications → the CLI app → General) and run `okta-aws init --client-id …`.',
      code: 'BAD_SETTINGS',
    });
  }
  const clientId = given.clientId as string | undefined;
  const loginFlow = flow === 'auto' ? (clientId ? 'device' : 'authn') : (flow as Exclude<LoginFlow, 'auto'>);
  if (loginFlow === 'device' && !clientId) {
    throw new UserError('The device login flow needs the client id of an OIDC native app', {
      hint: 'Ask your Okta admin for it (README: "Okta Identity Engine orgs") and run `okta-aws init --flow device --client-id <id>`, or set OKTA_AWS_CLIENT_ID.',
      code: 'NO_CLIENT_ID',
    });
  }
  return { loginFlow, clientId };
}

/** The factor settings, shared by loadConfig and init (which builds its Config from answers). */
export function pushOptions(env: NodeJS.ProcessEnv, settings: Settings | undefined): Pick<Config, 'mfaFactor' | 'pushDevice' | 'pushTimeoutSeconds'> {
  return {
    mfaFactor: env.OKTA_AWS_MFA_FACTOR ? parseMfaFactor(env.OKTA_AWS_MFA_FACTOR, 'OKTA_AWS_MFA_FACTOR') : settings?.mfa_factor === undefined ? 'auto' : parseMfaFactor(settings.mfa_factor, `mfa_factor in ${settingsFile(env)}`),
    pushDevice: env.OKTA_AWS_PUSH_DEVICE?.trim() || undefined,
    pushTimeoutSeconds: env.OKTA_AWS_PUSH_TIMEOUT ? parsePushTimeout(env.OKTA_AWS_PUSH_TIMEOUT) : DEFAULT_PUSH_TIMEOUT_SECONDS,
  };
}

export function parseMfaFactor(value: unknown, where: string): MfaFactor {
  if (typeof value === 'string' && (MFA_FACTORS as readonly string[]).includes(value)) return value as MfaFactor;
  throw new UserError(`${where} is "${String(value)}", not one of ${MFA_FACTORS.join(', ')}`, {
    hint: 'auto uses a stored TOTP secret when Okta has a TOTP factor for you, else Okta Verify push; totp and push force one.',
    code: 'BAD_SETTINGS',
  });
}

/** Whole seconds, 1 to 600: Okta drops an unanswered push after about 5 minutes anyway. */
function parsePushTimeout(value: string): number {
  const seconds = Number(value.trim());
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 600) {
    throw new UserError(`OKTA_AWS_PUSH_TIMEOUT is "${value}", not a whole number of seconds from 1 to 600`, {
      hint: 'Set it to how long to wait for the Okta Verify push (default 120), or unset it.',
      code: 'BAD_SETTINGS',
    });
  }
  return seconds;
}
