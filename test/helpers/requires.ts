import { spawnSync } from 'node:child_process';

/**
 * Tests that need a program this machine may lack (zsh, fish, pwsh): run where it is installed, and
 * where it is not, the skipped test's name says why, so `npm test`'s "skipped" count explains itself.
 */
const WHERE: Record<string, string> = {
  zsh: '.ci/run installs it (apt-get install zsh)',
  fish: '.ci/run installs it (apt-get install fish)',
  dash: 'Debian ships it as /bin/sh',
  pwsh: 'Debian has no package for PowerShell; install it from Microsoft to run this',
};

export function which(command: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() || undefined : undefined;
}

/** The test's name, with the reason it is skipped here when `command` is missing. */
export function needing(command: string, name: string): string {
  return which(command) ? name : `${name} [skipped: ${command} is not installed; ${WHERE[command] ?? `install ${command} to run it`}]`;
}
