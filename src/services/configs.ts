import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isCode } from '../lib/atomic-file.js';
import { appHome, configName, configsDir } from '../lib/paths.js';
import { readSettings } from '../lib/settings.js';
import { ownsProfile, profilePrefix } from '../aws/profile-name.js';

/** The named configurations: folders under `configs/` that hold a settings.json. */
export async function listConfigs(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(configsDir(env));
  } catch (error) {
    if (isCode(error, 'ENOENT')) return [];
    throw error;
  }
  const named: string[] = [];
  for (const entry of entries.sort()) {
    try {
      configName({ OKTA_AWS_CONFIG: entry });
      if ((await stat(join(configsDir(env), entry, 'settings.json'))).isFile()) named.push(entry);
    } catch {
      // not a configuration: a stray file or folder
    }
  }
  return named;
}

/** The profile prefix and ownership test of the configuration in use. */
export async function profileScope(env: NodeJS.ProcessEnv = process.env): Promise<{ prefix: string; owns: (name: string) => boolean }> {
  const name = configName(env);
  return { prefix: profilePrefix(name), owns: ownsProfile(name, name ? [] : await listConfigs(env)) };
}

export interface ConfigRow {
  /** `default`, or the name given to `--config`. */
  name: string;
  folder: string;
  ssoUrl: string | null;
  username: string | null;
  /** Every profile this configuration writes starts with it. */
  profilePrefix: string;
}

/** Every configuration, the default one first, as `okta-aws configs` shows them. */
export async function describeConfigs(env: NodeJS.ProcessEnv = process.env): Promise<ConfigRow[]> {
  const names = [undefined, ...(await listConfigs(env))];
  const rows: ConfigRow[] = [];
  for (const name of names) {
    const scoped = { ...env, OKTA_AWS_CONFIG: name ?? 'default' };
    const { settings } = await readSettings(scoped);
    if (!name && !settings) continue;
    rows.push({
      name: name ?? 'default',
      folder: appHome(scoped),
      ssoUrl: typeof settings?.sso_url === 'string' ? settings.sso_url : null,
      username: typeof settings?.user_name === 'string' ? settings.user_name : null,
      profilePrefix: profilePrefix(name),
    });
  }
  return rows;
}
