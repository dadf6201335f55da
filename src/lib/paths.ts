import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { UserError } from './errors.js';

type Env = NodeJS.ProcessEnv;

/** A configuration's name goes into profile names and a folder name: keep it to what both allow. */
const CONFIG_NAME = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

/**
 * The named configuration in use (`--config NAME`, which bin/run.js puts in OKTA_AWS_CONFIG before
 * anything reads a path), or undefined for the default one.
 */
export function configName(env: Env = process.env): string | undefined {
  const name = env.OKTA_AWS_CONFIG;
  if (name === undefined || name === '' || name === 'default') return undefined;
  if (!CONFIG_NAME.test(name)) {
    throw new UserError(`"${name}" is not a configuration name`, {
      hint: 'Use 1–32 lower-case letters, digits and inner hyphens (it becomes part of profile names), e.g. --config acme.',
      code: 'BAD_CONFIG',
    });
  }
  return name;
}

/** `~/.aws/okta-aws`, or `OKTA_AWS_HOME`: the default configuration's folder, and the parent of the named ones. */
export function baseHome(env: Env = process.env): string {
  return env.OKTA_AWS_HOME ? resolve(env.OKTA_AWS_HOME) : join(homedir(), '.aws', 'okta-aws');
}

/** Where the named configurations live: `<base>/configs/<name>/`, each laid out like the default one. */
export function configsDir(env: Env = process.env): string {
  return join(baseHome(env), 'configs');
}

/** The folder of the configuration in use: settings, state and caches. */
export function appHome(env: Env = process.env): string {
  const name = configName(env);
  return name ? join(configsDir(env), name) : baseHome(env);
}

export function settingsFile(env: Env = process.env): string {
  return join(appHome(env), 'settings.json');
}

/** Non-secret memory between runs: durations that worked per role, the last TOTP step used. */
export function stateFile(env: Env = process.env): string {
  return join(appHome(env), 'state.json');
}

export function cacheDir(env: Env = process.env): string {
  return join(appHome(env), 'cache');
}

export function credentialsFile(env: Env = process.env): string {
  return env.AWS_SHARED_CREDENTIALS_FILE ? resolve(env.AWS_SHARED_CREDENTIALS_FILE) : join(homedir(), '.aws', 'credentials');
}

export function configFile(env: Env = process.env): string {
  return env.AWS_CONFIG_FILE ? resolve(env.AWS_CONFIG_FILE) : join(homedir(), '.aws', 'config');
}
