import { openInBrowser } from '../console/open-browser.js';
import { oneLine } from '../lib/errors.js';
import { printable } from '../lib/printable.js';
import type { DeviceLoginUi } from '../services/device-sign-in.js';

/**
 * The device login as a person sees it: the URL and code always on stderr (plain lines, so they
 * survive any renderer and `--json`), the browser opened on a terminal (the same opener as
 * `console-url --open`) unless OKTA_AWS_NO_BROWSER=1. Without a terminal a login may start only
 * where the caller says a person is waiting for it (`init`).
 */
export function deviceUi(options: { allowWithoutTerminal: boolean }, env: NodeJS.ProcessEnv = process.env): DeviceLoginUi {
  const terminal = Boolean(process.stderr.isTTY);
  return {
    mayStartDeviceLogin: terminal || options.allowWithoutTerminal,
    async present(auth) {
      const minutes = Math.max(1, Math.round(auth.expiresInSeconds / 60));
      // Both come from Okta: shown, never obeyed, by the terminal.
      process.stderr.write(`To sign in to Okta, open ${printable(auth.verificationUriComplete)}\nand check that it shows the code ${printable(auth.userCode)} (valid for ${minutes} min).\n`);
      if (!terminal || env.OKTA_AWS_NO_BROWSER === '1') return;
      try {
        await openInBrowser(auth.verificationUriComplete, env);
      } catch (error) {
        process.stderr.write(`okta-aws: ${printable(oneLine(error))} Open the URL above yourself.\n`);
      }
    },
  };
}
