/** console/open-browser: how the browser process is started, each way it can fail, and the platform opener. */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openInBrowser } from '../../../src/console/open-browser.js';

const dir = mkdtempSync(join(tmpdir(), 'browser-launch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const URL_ = 'https://signin.aws.amazon.com/federation?Action=login&SigninToken=abc';
const hint = 'Fix or unset the BROWSER variable, or run without --open and paste the URL into a browser yourself.';

function script(name: string, body: string, mode = 0o755): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, mode);
  return path;
}

async function waitFor(path: string): Promise<string> {
  for (let i = 0; i < 200 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 10));
  return readFileSync(path, 'utf8');
}

/** A browser that writes a file atomically: its arguments, or what the body prints. */
const recorder = (name: string, out: string, what = 'printf "%s\\n" "$@"') => script(name, `${what} > "${out}.tmp"; mv "${out}.tmp" "${out}"`);

describe.skipIf(process.platform === 'win32')('openInBrowser', () => {
  it('opens plain http URLs too, and refuses anything that merely contains one', async () => {
    const out = join(dir, 'http');
    await openInBrowser('http://127.0.0.1:8080/x', { PATH: process.env.PATH, BROWSER: recorder('http-browser', out) });
    expect(await waitFor(out)).toBe('http://127.0.0.1:8080/x\n');
    await expect(openInBrowser(`see ${URL_}`, { BROWSER: '/bin/true' })).rejects.toThrow('Refusing to open a non-http(s) URL in a browser');
  });

  it('starts the browser in its own session, with no terminal for its output', async () => {
    const out = join(dir, 'session');
    // Fields 1, 5 and 6 of /proc/<pid>/stat: pid, process group, session; then where stdout goes.
    const browser = script('session-browser', `ids=$(cut -d' ' -f1,5,6 /proc/$$/stat); o=$(readlink /proc/$$/fd/1); e=$(readlink /proc/$$/fd/2)\nprintf '%s\\n' "$ids" "$o" "$e" > "${out}.tmp"; mv "${out}.tmp" "${out}"`);
    await openInBrowser(URL_, { PATH: process.env.PATH, BROWSER: browser });
    const [ids, stdout, stderr] = (await waitFor(out)).split('\n');
    const [pid, group, session] = (ids ?? '').split(' ');
    expect(group).toBe(pid);
    expect(session).toBe(pid);
    expect([stdout, stderr]).toEqual(['/dev/null', '/dev/null']);
  });

  it('says exactly which commands failed, and how', async () => {
    const notExecutable = script('not-executable', 'exit 0', 0o644);
    const killed = script('killed', 'kill -TERM $$');
    await expect(openInBrowser(URL_, { PATH: process.env.PATH, BROWSER: `no-such-browser-okta:${killed}:/bin/false` })).rejects.toMatchObject({
      message: `Could not start the browser from BROWSER (no-such-browser-okta: command not found; ${killed}: killed by SIGTERM; /bin/false: exited with status 1)`,
      hint,
      code: 'BROWSER',
    });
    await expect(openInBrowser(URL_, { PATH: process.env.PATH, BROWSER: notExecutable })).rejects.toMatchObject({
      message: `Could not start the browser from BROWSER (${notExecutable}: spawn ${notExecutable} EACCES)`,
    });
  });

  it('a BROWSER with an empty command in it starts nothing and says so', async () => {
    await expect(openInBrowser(URL_, { PATH: process.env.PATH, BROWSER: '""' })).rejects.toMatchObject({
      message: 'Could not start the browser from BROWSER (no command in it)',
      hint,
      code: 'BROWSER',
    });
  });

  describe('without BROWSER: the platform opener', () => {
    // The `open` package runs its bundled xdg-open with the process's own environment; without a
    // desktop, xdg-open falls back to the process's BROWSER.
    const keys = ['BROWSER', 'DISPLAY', 'WAYLAND_DISPLAY', 'XDG_CURRENT_DESKTOP', 'OKTA_AWS_PASSWORD'];
    const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
    const restore = () => {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    };
    afterAll(restore);

    it.skipIf(process.platform !== 'linux').each([
      ['unset', undefined],
      ['only blanks', '   '],
    ])('BROWSER %s in the env given: the opener starts the browser, without the Okta secrets', async (_what, browser) => {
      const out = join(dir, `opener-${browser === undefined ? 'unset' : 'blank'}`);
      for (const key of keys) delete process.env[key];
      process.env.BROWSER = recorder(`opener-browser-${browser === undefined ? 'u' : 'b'}`, out, 'printf "%s\\n" "$@" "password=${OKTA_AWS_PASSWORD:-none}"');
      process.env.OKTA_AWS_PASSWORD = 'pw-opener-123';
      try {
        await openInBrowser(URL_, { PATH: process.env.PATH, ...(browser === undefined ? {} : { BROWSER: browser }) });
        expect(await waitFor(out)).toBe(`${URL_}\npassword=none\n`);
      } finally {
        restore();
      }
    });

    it.skipIf(process.platform !== 'linux')('returns while the browser the opener started is still running', async () => {
      const release = join(dir, 'release');
      const out = join(dir, 'opener-running');
      for (const key of keys) delete process.env[key];
      // xdg-open waits for this browser, which runs until the test lets it go.
      process.env.BROWSER = recorder('opener-running-browser', out, `while [ ! -e "${release}" ]; do sleep 0.05; done; echo released`);
      try {
        await openInBrowser(URL_, { PATH: process.env.PATH });
        expect(existsSync(out)).toBe(false);
      } finally {
        writeFileSync(release, '');
        restore();
      }
      expect(await waitFor(out)).toBe('released\n');
    });
  });
});
