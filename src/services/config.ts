import { UserError } from '../lib/errors.js';
import { settingsFile } from '../lib/paths.js';
import { type CredentialMode, type Settings, type StoreName, readSettings } from '../lib/settings.js';
import { validateDuration, validateRegion, validateSsoUrl } from '../lib/validate.js';
import { storeNameFrom } from '../stores/index.js';

export const DEFAULT_REGION = 'ap-southeast-2';

/** Everything a run needs except the secrets, which are read from the store only when needed. */
export interface Config {
  ssoUrl: string;
  username: string;
  region: string;
  store: StoreName;
  duration: number | undefined;
  mode: CredentialMode;
  aliases: Record<string, string>;
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
    throw new UserError(where, {
      hint: 'Run `okta-aws init`, or set OKTA_AWS_SSO_URL, OKTA_AWS_USERNAME, OKTA_AWS_PASSWORD and OKTA_AWS_TOTP_SECRET.',
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
  return {
    ssoUrl: validateSsoUrl(ssoUrl),
    username,
    region: validateRegion(env.OKTA_AWS_REGION || settings?.region || DEFAULT_REGION),
    store,
    duration: duration === undefined ? undefined : validateDuration(duration),
    mode,
    aliases: settings?.account_aliases ?? {},
    settings,
    warnings,
  };
}
