import type { ProfileCredentials } from '../aws/types.js';
import { rfc3339 } from '../lib/time.js';

export type Shell = 'bash' | 'zsh' | 'fish' | 'powershell';

export const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish', 'powershell'];

export function isShell(value: string): value is Shell {
  return (SHELLS as readonly string[]).includes(value);
}

/**
 * Variables that make SDKs ignore the exported keys: with AWS_PROFILE set, the JavaScript SDK v3
 * skips environment credentials and reads that profile instead.
 */
export const OVERRIDING_ENV = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE'] as const;

/**
 * The shell whose syntax `assume` should print. `$SHELL` is the user's login shell, which is the best
 * cheap guess on Unix; PowerShell leaves no `$SHELL` on Windows but always sets `PSModulePath`.
 * sh, dash, ksh and anything unknown get bash syntax: `export NAME='…'` is plain POSIX.
 */
export function detectShell(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Shell {
  const shell = env.SHELL?.trim();
  if (shell) {
    // Windows paths (Git Bash sets SHELL=C:\…\bash.exe) and login shells ("-bash") included.
    const name = shell.split(/[\\/]/).pop()!.toLowerCase().replace(/\.exe$/, '').replace(/^-/, '');
    if (name === 'zsh' || name === 'fish') return name;
    if (name === 'pwsh' || name === 'powershell') return 'powershell';
    return 'bash';
  }
  if (env.PSModulePath || platform === 'win32') return 'powershell';
  return 'bash';
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkName(name: string): string {
  if (!NAME.test(name)) throw new Error(`"${name}" is not a valid environment variable name`);
  return name;
}

/**
 * A literal for `value` that the shell reads back byte for byte: nothing inside is expanded.
 * Environment values cannot hold NUL, so one here is a bug upstream, not something to quote.
 */
export function quote(value: string, shell: Shell): string {
  if (value.includes('\0')) throw new Error('An environment value cannot contain a NUL character');
  switch (shell) {
    case 'bash':
    case 'zsh':
      // Inside '…' nothing is special but ' itself: close, add an escaped quote, reopen.
      return `'${value.replace(/'/g, `'\\''`)}'`;
    case 'fish':
      // Inside '…' fish only knows \\ and \'. A newline goes outside as \n, so every export stays
      // on one line and `eval (okta-aws assume …)`, which splits on newlines, works too.
      return value
        .split('\n')
        .map((part) => `'${part.replace(/[\\']/g, '\\$&')}'`)
        .join('\\n');
    case 'powershell':
      // '…' expands nothing; ' is doubled, and PowerShell also treats the typographic single quotes
      // (U+2018–U+201B) as quotes. CR and LF go outside as "`r" / "`n" so that
      // `okta-aws assume … | Invoke-Expression`, which runs line by line, sees whole statements.
      return value
        .split(/(\r|\n)/)
        .filter((part, index) => part !== '' || index === 0)
        .map((part) => (part === '\n' ? '"`n"' : part === '\r' ? '"`r"' : `'${part.replace(/['\u2018-\u201b]/g, '$&$&')}'`))
        .join(' + ');
  }
}

/**
 * One statement per line, each ending in `;` so the output still works when it is flattened onto one
 * line (`eval $(…)` unquoted in bash, `eval (…)` in fish), as ssh-agent's does.
 */
export function renderExports(vars: Record<string, string>, shell: Shell): string {
  return Object.entries(vars)
    .map(([name, value]) => {
      const literal = quote(value, shell);
      switch (shell) {
        case 'bash':
        case 'zsh':
          return `export ${checkName(name)}=${literal};\n`;
        case 'fish':
          return `set -gx ${checkName(name)} ${literal};\n`;
        case 'powershell':
          return `$env:${checkName(name)} = ${literal};\n`;
      }
    })
    .join('');
}

/** Statements that remove the variables; removing one that is not set is not an error. */
export function renderUnsets(names: readonly string[], shell: Shell): string {
  return names
    .map((name) => {
      checkName(name);
      switch (shell) {
        case 'bash':
        case 'zsh':
          return `unset ${name};\n`;
        case 'fish':
          return `set -e ${name};\n`;
        case 'powershell':
          return `Remove-Item -Path Env:${name} -ErrorAction SilentlyContinue;\n`;
      }
    })
    .join('');
}

/** RFC 3339 in UTC without milliseconds, the form SDKs and credential_process use. */
/** The variables every AWS SDK and the CLI read credentials and region from. */
export function credentialEnv(creds: ProfileCredentials): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_SESSION_TOKEN: creds.sessionToken,
    AWS_CREDENTIAL_EXPIRATION: rfc3339(creds.expiration),
    AWS_REGION: creds.region,
    AWS_DEFAULT_REGION: creds.region,
  };
}
