import type { CredentialMode } from '../lib/settings.js';
import { profileListing } from '../lib/table.js';
import { printable } from '../lib/printable.js';
import { validateDuration } from '../lib/validate.js';
import { loadConfig } from '../services/config.js';
import { rememberMode } from '../services/init.js';
import { partialFailure, refresh } from '../services/refresh.js';
import { quietReporter } from '../services/reporter.js';
import { deviceUi } from './device-ui.js';
import { listrReporter } from './listr-reporter.js';
import { stdoutColumns } from './terminal.js';

/** `--mode`: the keys themselves, or credential_process lines. */
export const REFRESH_MODES = ['static', 'process'] as const satisfies readonly CredentialMode[];
export const isRefreshMode = (value: string | undefined): value is CredentialMode => (REFRESH_MODES as readonly (string | undefined)[]).includes(value);

export interface RefreshCommandOptions {
  duration: number | undefined;
  mode: CredentialMode | undefined;
  json: boolean;
  /** How process-mode profiles call this CLI back: absolute node and entry script. */
  entry: { node: string; script: string };
}

/**
 * `okta-aws refresh` once its flags are parsed: the oclif command and bin/run.js's fast path
 * (src/fast/refresh.ts) both run this, so both log in, write and report alike.
 */
export async function refreshCommand(options: RefreshCommandOptions): Promise<void> {
  // The bytes oclif's logToStderr writes for one string.
  const warn = (text: string) => process.stderr.write(`okta-aws: ${printable(text)}\n`);
  const duration = options.duration === undefined ? undefined : validateDuration(options.duration);
  const config = await loadConfig();
  for (const warning of config.warnings) warn(warning);
  const result = await refresh({
    config,
    ...(duration === undefined ? {} : { duration }),
    ...(options.mode ? { mode: options.mode } : {}),
    entry: options.entry,
    reporter: options.json ? quietReporter : await listrReporter(),
    device: deviceUi({ allowWithoutTerminal: false }),
  });
  if (options.mode && options.mode !== config.mode) await rememberMode(options.mode);
  for (const warning of result.warnings) warn(warning);
  process.stdout.write(
    options.json
      ? `${JSON.stringify({ profiles: result.profiles, removed: result.removed, failed: result.failed }, null, 2)}\n`
      : profileListing(result.profiles, { columns: stdoutColumns(), expiry: true }),
  );
  const failure = partialFailure(result);
  if (failure) throw failure;
}
