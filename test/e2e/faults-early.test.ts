/**
 * The fault matrix, part 4: what is known to fail before the network fails before it — before the
 * password leaves, before a TOTP step is spent, before any STS call — in refresh and in init. Each
 * case: non-zero exit, one `okta-aws:` line last, nothing repeated, the credentials file
 * byte-identical, and no request at all to the emulated Okta or STS (they count every one). Also
 * the credentials files that must work: CR-only line endings, a file others could read.
 */
import { execFileSync } from 'node:child_process';
import { chmod, cp, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulators, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET, FIXTURE_USERNAME } from '../emulators/index.js';
import { type Sandbox, runCli } from '../helpers/cli.js';
import { USER_CREDENTIALS } from '../helpers/credentials.js';
import { switchingUser, writePythonSettings } from '../helpers/journey.js';
import { expectFailure, leftovers } from './fault-helpers.js';

let emu: Emulators;
let box: Sandbox;

beforeEach(async () => {
  ({ emu, box } = await switchingUser());
});
afterEach(async () => {
  await Promise.all([box.cleanup(), emu.close()]);
});

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { env: { ...box.env, ...env }, timeoutMs: 45_000 });
const oktaCalls = () => Object.values(emu.okta.counters.byPath).reduce((a, b) => a + b, 0);

/** No request reached Okta or STS: nothing was sent, no TOTP step spent. */
function expectNothingSent(): void {
  expect(emu.okta.counters.byPath).toEqual({});
  expect(oktaCalls()).toBe(0);
  expect(emu.sts.counters.total).toBe(0);
}

async function expectFileAsBefore(text = USER_CREDENTIALS, path = box.credentials): Promise<void> {
  expect(await readFile(path, 'utf8')).toBe(text);
  expect(await leftovers(dirname(path))).toEqual([]);
}

describe('refresh fails before the network', () => {
  it('a credentials file that does not parse', async () => {
    const broken = `${USER_CREDENTIALS}\n[work]\nregion = us-east-1\n`;
    await writeFile(box.credentials, broken);
    expectFailure(await run(['refresh']), { what: /credentials line 18 is not valid: .*\[work\]/, next: /okta-aws left the file unchanged/ });
    expectNothingSent();
    await expectFileAsBefore(broken);
  });

  it('a read-only (0444) credentials file: refused, not replaced', async () => {
    await chmod(box.credentials, 0o444);
    expectFailure(await run(['refresh']), { what: /The AWS credentials file .*credentials is read-only \(mode 444\)/, next: /chmod 600 .*the file was left as it was/ });
    expectNothingSent();
    await expectFileAsBefore();
    expect((await stat(box.credentials)).mode & 0o777).toBe(0o444);
  });

  it('a credentials folder that cannot exist (its parent is a regular file)', async () => {
    const blocker = join(box.home, 'not-a-folder');
    await writeFile(blocker, 'I am a file\n');
    expectFailure(await run(['refresh'], { AWS_SHARED_CREDENTIALS_FILE: join(blocker, 'credentials') }), {
      what: /Cannot write the AWS credentials file .*not-a-folder\/credentials \(ENOTDIR: not a directory\)/,
      next: /point AWS_SHARED_CREDENTIALS_FILE elsewhere/,
    });
    expectNothingSent();
    await expectFileAsBefore();
  });

  it('an SSO URL that is the bare org, not the AWS app', async () => {
    await writePythonSettings(box, emu, { sso_url: `${emu.okta.url}/` });
    expectFailure(await run(['refresh']), { what: /The SSO URL http:\/\/127\.0\.0\.1:\d+\/ is not an AWS app link/, next: /home\/amazon_aws\/0oa…\/272.*app\/amazon_aws\/exk…\/sso\/saml/ });
    expectNothingSent();
    await expectFileAsBefore();
  });

  for (const value of ['0.001', '100000', 'soon']) {
    it(`OKTA_AWS_HTTP_TIMEOUT=${value}`, async () => {
      expectFailure(await run(['refresh'], { OKTA_AWS_HTTP_TIMEOUT: value }), { what: /OKTA_AWS_HTTP_TIMEOUT=".*" is not a number of seconds from 1 to 300/, next: /or unset it/ });
      expectNothingSent();
      await expectFileAsBefore();
    });
  }

  it('--mode process from an install path with " #" (SDK ini parsers would cut the line there)', async () => {
    // A copy of bin/ under such a path; dist and node_modules are links to this checkout.
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const install = join(box.home, 'okta aws #2');
    await mkdir(install);
    await cp(join(root, 'bin'), join(install, 'bin'), { recursive: true });
    for (const name of ['dist', 'node_modules', 'package.json', 'oclif.manifest.json']) await symlink(join(root, name), join(install, name));
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      try {
        const stdout = execFileSync(process.execPath, [join(install, 'bin', 'run.js'), 'refresh', '--mode', 'process'], { env: box.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        resolve({ code: 0, stdout, stderr: '' });
      } catch (error) {
        const e = error as { status: number | null; stdout: string; stderr: string };
        resolve({ code: e.status, stdout: e.stdout, stderr: e.stderr });
      }
    });
    expectFailure({ ...result, signal: null }, { what: /Cannot write credential_process for the path .*okta aws #2.*: " #" or " ;" starts a comment/, next: /without " #" or " ;", or use --mode static/ });
    expectNothingSent();
    await expectFileAsBefore();
  });
});

describe('init fails before the password is sent', () => {
  const initEnv = { OKTA_AWS_PASSWORD: FIXTURE_PASSWORD, OKTA_AWS_TOTP_SECRET: FIXTURE_TOTP_SECRET };

  it('init --sso-url with the bare org URL', async () => {
    const settings = await readFile(box.settings, 'utf8');
    expectFailure(await run(['init', '--sso-url', `${emu.okta.url}/`, '--username', FIXTURE_USERNAME], initEnv), { what: /is not an AWS app link/, next: /amazon_aws/ });
    expectNothingSent();
    expect(await readFile(box.settings, 'utf8')).toBe(settings);
    await expectFileAsBefore();
  });

  it('init with a credentials file the refresh could not write', async () => {
    const broken = `${USER_CREDENTIALS}\n[work]\nregion = us-east-1\n`;
    await writeFile(box.credentials, broken);
    expectFailure(await run(['init', '--sso-url', emu.okta.ssoUrl, '--username', FIXTURE_USERNAME], initEnv), { what: /credentials line 18 is not valid/, next: /left the file unchanged/ });
    expectNothingSent();
    await expectFileAsBefore(broken);
  });

  it('init with OKTA_AWS_HTTP_TIMEOUT=0.001', async () => {
    expectFailure(await run(['init', '--sso-url', emu.okta.ssoUrl, '--username', FIXTURE_USERNAME], { ...initEnv, OKTA_AWS_HTTP_TIMEOUT: '0.001' }), { what: /OKTA_AWS_HTTP_TIMEOUT="0\.001"/, next: /unset it/ });
    expectNothingSent();
    await expectFileAsBefore();
  });
});

describe('credentials files that must work', () => {
  /** Sections and keys as Python's configparser (botocore's reader) sees the file. */
  const configparser = (path: string) =>
    JSON.parse(
      execFileSync('python3', ['-c', 'import configparser,json,sys\np=configparser.RawConfigParser(strict=True)\np.read(sys.argv[1])\nprint(json.dumps(p.sections()))', path], { encoding: 'utf8' }),
    ) as string[];

  it('CR-only line endings: each okta- section once, twice over, and configparser reads it', async () => {
    const cr = USER_CREDENTIALS.replace(/\n/g, '\r');
    await writeFile(box.credentials, cr, { mode: 0o600 });
    for (let i = 0; i < 2; i++) {
      const refresh = await run(['refresh']);
      expect(refresh.code, refresh.stderr).toBe(0);
    }
    const after = await readFile(box.credentials, 'utf8');
    expect(after).not.toContain('\n');
    expect(after.startsWith(cr.slice(0, cr.indexOf('[okta-111111111111-Old]')))).toBe(true);
    expect(configparser(box.credentials)).toEqual(['default', 'work', 'personal', 'okta-111111111111-Admin', 'okta-111111111111-team-dev-Deployer', 'okta-222222222222-Auditor']);
  });

  it('a credentials file others can read is tightened to 0600, with a warning', async () => {
    await chmod(box.credentials, 0o644);
    const refresh = await run(['refresh']);
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(refresh.stderr).toMatch(/^okta-aws: .*credentials was readable by others \(mode 644\) and holds AWS keys; tightened it to 600\.$/m);
    expect((await stat(box.credentials)).mode & 0o777).toBe(0o600);
  });
});
