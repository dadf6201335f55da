import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { browserCommands, openInBrowser } from '../../../src/console/open-browser.js';
import { UserError } from '../../../src/lib/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'browser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const URL_ = 'https://signin.aws.amazon.com/federation?Action=login&Issuer=okta-aws&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F&SigninToken=a%2Bb $(id) `id`';

/** A fake browser that writes each argument on its own line to `out`. */
function stub(name: string, out: string, extra = ''): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n: > "${out}"\nfor a in "$@"; do printf '%s\\n' "$a" >> "${out}"; done\n${extra}`);
  chmodSync(path, 0o755);
  return path;
}

async function waitFor(path: string): Promise<string[]> {
  for (let i = 0; i < 100 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 50));
  return readFileSync(path, 'utf8').split('\n').slice(0, -1);
}

describe.skipIf(process.platform === 'win32')('openInBrowser with BROWSER', () => {
  it('runs BROWSER with the URL as its only argument, verbatim (no shell)', async () => {
    const out = join(dir, 'argv1');
    await openInBrowser(URL_, { PATH: process.env.PATH, BROWSER: stub('b1', out) });
    expect(await waitFor(out)).toEqual([URL_]);
  });

  it('starts the browser without the Okta secrets in its environment', async () => {
    const out = join(dir, 'env1');
    const path = join(dir, 'b-env');
    writeFileSync(path, `#!/bin/sh\nenv > "${out}.tmp"; mv "${out}.tmp" "${out}"\n`);
    chmodSync(path, 0o755);
    await openInBrowser(URL_, { PATH: process.env.PATH, BROWSER: path, OKTA_AWS_PASSWORD: 'pw-123', OKTA_AWS_TOTP_SECRET: 'KRSXG5CTMVRXEZLU', KEEP_ME: 'yes' });
    const seen = await waitFor(out);
    expect(seen).toContain('KEEP_ME=yes');
    expect(seen.join('\n')).not.toMatch(/OKTA_AWS_PASSWORD|OKTA_AWS_TOTP_SECRET|pw-123|KRSXG5CTMVRXEZLU/);
  });

  it('substitutes %s and keeps the other words', async () => {
    const out = join(dir, 'argv2');
    await openInBrowser(URL_, { PATH: process.env.PATH, BROWSER: `${stub('b2', out)} --new-window --url=%s 100%%` });
    expect(await waitFor(out)).toEqual(['--new-window', `--url=${URL_}`, '100%']);
  });

  it('tries each command of a colon-separated list until one starts', async () => {
    const out = join(dir, 'argv3');
    await openInBrowser(URL_, { PATH: process.env.PATH, BROWSER: `no-such-browser-okta:/bin/false:${stub('b3', out)}` });
    expect(await waitFor(out)).toEqual([URL_]);
  });

  it('accepts a quoted path with spaces', async () => {
    mkdirSync(join(dir, 'My Browser'), { recursive: true });
    const out = join(dir, 'argv4');
    const path = stub('My Browser/run', out);
    await openInBrowser(URL_, { PATH: process.env.PATH, BROWSER: `"${path}" --flag` });
    expect(await waitFor(out)).toEqual(['--flag', URL_]);
  });

  it('returns while a browser that keeps running is still open', async () => {
    const out = join(dir, 'argv5');
    const started = Date.now();
    await openInBrowser(URL_, { PATH: process.env.PATH, BROWSER: stub('b5', out, 'sleep 5\n') });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await waitFor(out)).toEqual([URL_]);
  });

  it('fails with a UserError and a hint when no command starts', async () => {
    const error = (await openInBrowser(URL_, { PATH: process.env.PATH, BROWSER: 'no-such-browser-okta:/bin/false' }).catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain('no-such-browser-okta: command not found');
    expect(error.message).toContain('/bin/false: exited with status 1');
    expect(error.message).not.toContain('SigninToken');
    expect(error.hint).toMatch(/BROWSER/);
  });

  it('refuses a URL that could pass for an option', async () => {
    await expect(openInBrowser('--help', { BROWSER: '/bin/true' })).rejects.toThrow(/non-http/);
  });
});

describe('browserCommands', () => {
  it('splits like xdg-open: list on the delimiter, words on whitespace, %s or a trailing URL', () => {
    expect(browserCommands('firefox', 'U')).toEqual([['firefox', 'U']]);
    expect(browserCommands('chromium --incognito %s', 'U')).toEqual([['chromium', '--incognito', 'U']]);
    expect(browserCommands('a:: b %s :', 'U')).toEqual([['a', 'U'], ['b', 'U']]);
    expect(browserCommands("w3m '%s' 50%%", 'U')).toEqual([['w3m', 'U', '50%']]);
    expect(browserCommands('x %%s', 'U')).toEqual([['x', '%s', 'U']]);
  });
});
