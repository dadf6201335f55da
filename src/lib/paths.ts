import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

type Env = NodeJS.ProcessEnv;

/** `~/.aws/okta-aws`, or `OKTA_AWS_HOME`: settings, state and caches. */
export function appHome(env: Env = process.env): string {
  return env.OKTA_AWS_HOME ? resolve(env.OKTA_AWS_HOME) : join(homedir(), '.aws', 'okta-aws');
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
