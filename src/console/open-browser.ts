import { spawn, type ChildProcess } from 'node:child_process';
import { delimiter } from 'node:path';
import { UserError } from '../lib/errors.js';
import { dropSecretsFromProcessEnv, withoutSecrets } from '../lib/secret-env.js';

/** How long a launcher may take to fail before we take it as started (browsers never exit soon). */
const EARLY_EXIT_MS = 500;

/**
 * `$BROWSER` as xdg-open and Python's webbrowser read it: a list of commands separated by the path
 * delimiter (":" on Unix, ";" on Windows), tried in order; "%s" in a command stands for the URL
 * ("%%" for a literal "%"), otherwise the URL is the last argument. Words split on whitespace;
 * unlike xdg-open, quotes group words, so a path with spaces can be quoted.
 */
export function browserCommands(browser: string, url: string): string[][] {
  return browser
    .split(delimiter)
    .map((entry) => splitWords(entry))
    .filter((words) => words.length > 0)
    .map((words) => {
      const hasPlaceholder = words.some((word) => /(^|[^%])(%%)*%s/.test(word));
      const filled = words.map((word) => word.replace(/%%|%s/g, (m) => (m === '%%' ? '%' : url)));
      return hasPlaceholder ? filled : [...filled, url];
    });
}

function splitWords(text: string): string[] {
  const words: string[] = [];
  for (const match of text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(match[1] ?? match[2] ?? match[3]!); // one of the three always matched
  return words;
}

/**
 * Opens `url` in the user's browser: `$BROWSER` when set, else the `open` package (the platform's
 * opener). It returns once the browser process started; it never waits for the browser to close
 * and never prints the URL (it signs the user in, so the caller decides where it may go).
 */
export async function openInBrowser(url: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  // The URL becomes an argument: make sure it cannot be read as an option.
  if (!/^https?:\/\//i.test(url)) throw new Error(`Refusing to open a non-http(s) URL in a browser`);

  const browser = env.BROWSER?.trim();
  if (browser) {
    const failures: string[] = [];
    for (const [command, ...args] of browserCommands(browser, url)) {
      if (!command) continue;
      const failure = await launch(() => spawn(command, args, { env: withoutSecrets(env), detached: true, stdio: 'ignore', windowsHide: true }));
      if (failure === undefined) return;
      failures.push(`${command}: ${failure}`);
    }
    throw new UserError(`Could not start the browser from BROWSER (${failures.join('; ') || 'no command in it'})`, {
      hint: 'Fix or unset the BROWSER variable, or run without --open and paste the URL into a browser yourself.',
      code: 'BROWSER',
    });
  }

  let failure: string | undefined;
  try {
    const { default: open } = await import('open');
    // `open` starts its opener with process.env and takes no env; the login is over by now.
    dropSecretsFromProcessEnv();
    const child = await open(url); // `wait` defaults to false: it returns once the opener started
    failure = await launch(() => child);
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  }
  if (failure !== undefined) {
    throw new UserError(`Could not open a browser (${failure})`, {
      hint: 'Set BROWSER to your browser command, or run without --open and paste the URL into a browser yourself.',
      code: 'BROWSER',
    });
  }
}

/**
 * Waits briefly for a launcher that fails at once (xdg-open with no desktop exits non-zero within
 * milliseconds). Returns why it failed, or undefined. The browser
 * is detached and unreferenced so it outlives us and our Ctrl-C.
 */
function launch(start: () => ChildProcess): Promise<string | undefined> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = start();
    } catch (error) {
      resolve(error instanceof Error ? error.message : String(error));
      return;
    }
    const finish = (failure: string | undefined) => {
      clearTimeout(timer);
      child.on('error', () => undefined); // a late error must not crash the CLI
      child.unref();
      resolve(failure); // a second outcome (an exit after the timer) changes nothing
    };
    // A spawn that failed says so on the next tick, long before the timer.
    const timer = setTimeout(() => finish(undefined), EARLY_EXIT_MS);
    child.once('error', (error: NodeJS.ErrnoException) => finish(error.code === 'ENOENT' ? 'command not found' : error.message));
    child.once('exit', (code, signal) => finish(code === 0 ? undefined : signal ? `killed by ${signal}` : `exited with status ${code}`));
  });
}
