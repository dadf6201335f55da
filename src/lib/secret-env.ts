/**
 * Every variable this tool reads a secret from (the env store's). A process the tool starts
 * (`exec`'s command, the browser) never gets them: a build script or a browser has no business with
 * the Okta password or the TOTP seed. A new secret variable belongs in this list.
 */
export const SECRET_VARIABLES = { password: 'OKTA_AWS_PASSWORD', totp_secret: 'OKTA_AWS_TOTP_SECRET' } as const;

const SECRET_NAMES: ReadonlySet<string> = new Set(Object.values(SECRET_VARIABLES));

/** On Windows names are case-insensitive, so `okta_aws_password` is the same variable. */
export function isSecretVariable(name: string, platform: NodeJS.Platform = process.platform): boolean {
  return SECRET_NAMES.has(platform === 'win32' ? name.toUpperCase() : name);
}

/** A copy of `env` without the secret variables. */
export function withoutSecrets(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && !isSecretVariable(name, platform)) kept[name] = value;
  return kept;
}

/**
 * Removes them from this process's own environment, for a library that starts its child with
 * `process.env` and takes no `env` (the `open` package). Only once the secrets are no longer needed.
 */
export function dropSecretsFromProcessEnv(platform: NodeJS.Platform = process.platform): void {
  for (const name of Object.keys(process.env)) if (isSecretVariable(name, platform)) delete process.env[name];
}
