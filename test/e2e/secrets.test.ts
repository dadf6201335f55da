import { chmod, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulators, startEmulators } from '../emulators/index.js';
import { type Sandbox, runCli, sandbox } from '../helpers/cli.js';

let emu: Emulators;
let box: Sandbox;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  emu = await startEmulators();
  box = await sandbox(emu.env);
  // The env store: the secrets are in this process's environment, where a child would inherit them.
  env = { ...box.env, ...emu.fixtureEnv, OKTA_AWS_SECRET_STORE: 'env' };
});
afterEach(async () => {
  await Promise.all([box.cleanup(), emu.close()]);
});

const leaked = (text: string) => [emu.fixtureEnv.OKTA_AWS_PASSWORD, emu.fixtureEnv.OKTA_AWS_TOTP_SECRET, 'OKTA_AWS_PASSWORD', 'OKTA_AWS_TOTP_SECRET'].filter((s) => text.includes(s));

describe('children never inherit the Okta secrets', () => {
  it('exec: the command gets the role, not the password or the TOTP secret', async () => {
    const run = await runCli(['exec', 'Admin', '--', process.execPath, '-e', 'process.stdout.write(JSON.stringify(process.env))'], { env });
    expect(run.code, run.stderr).toBe(0);
    const childEnv = JSON.parse(run.stdout) as Record<string, string>;
    expect(childEnv.AWS_ACCESS_KEY_ID).toMatch(/^ASIA/);
    expect(childEnv.OKTA_AWS_USERNAME).toBe(emu.fixtureEnv.OKTA_AWS_USERNAME);
    expect(leaked(run.stdout)).toEqual([]);
  });

  it('console-url --open: the browser gets neither', async () => {
    const seen = join(box.home, 'browser-env');
    const browser = join(box.home, 'browser.sh');
    await writeFile(browser, `#!/bin/sh\nenv > '${seen}.tmp'; mv '${seen}.tmp' '${seen}'\n`);
    await chmod(browser, 0o755);
    const run = await runCli(['console-url', 'okta-111111111111-Admin', '--open'], { env: { ...env, BROWSER: browser } });
    expect(run.code, run.stderr).toBe(0);
    let text = '';
    for (let i = 0; i < 100 && !text; i += 1) {
      text = await readFile(seen, 'utf8').catch(() => '');
      if (!text) await new Promise((r) => setTimeout(r, 20));
    }
    expect(text).toContain(`BROWSER=${browser}`);
    expect(leaked(text)).toEqual([]);
  });
});

describe('the Okta session belongs to its org', () => {
  it('is never sent to another SSO origin, and still serves its own org afterwards', async () => {
    expect((await runCli(['refresh'], { env })).code).toBe(0);
    const logins = emu.okta.counters.authn;
    const sessions = JSON.parse(await readFile(join(box.env.OKTA_AWS_HOME!, 'session.json'), 'utf8')) as Record<string, string>;
    const sid = Object.values(sessions)[0]!;
    expect(Object.keys(sessions)).toEqual([`${emu.fixtureEnv.OKTA_AWS_USERNAME}@${new URL(emu.okta.url).protocol}${new URL(emu.okta.url).host}`]);

    // Another org (here a server that records what it is sent) for the same user name.
    const cookies: string[] = [];
    const other = createServer((req, res) => {
      cookies.push(req.headers.cookie ?? '');
      res.writeHead(404, { 'Content-Type': 'text/html' }).end('<html>Not Found</html>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const ssoUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}/app/amazon_aws/exk1abc/sso/saml`;
      const run = await runCli(['refresh'], { env: { ...env, OKTA_AWS_SSO_URL: ssoUrl } });
      expect(run.code).toBe(1);
      expect(cookies.length).toBeGreaterThan(0);
      expect(cookies.join(' ')).not.toContain(sid);
    } finally {
      other.close();
    }

    expect((await runCli(['refresh'], { env })).code).toBe(0);
    expect(emu.okta.counters.authn).toBe(logins); // the first org's session was kept, and reused
  });
});
