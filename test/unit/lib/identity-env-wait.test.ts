import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UserError, oneLine } from '../../../src/lib/errors.js';
import { currentIdentity, identityKey } from '../../../src/lib/identity.js';
import { enableDebug } from '../../../src/lib/log.js';
import { SECRET_VARIABLES, dropSecretsFromProcessEnv, isSecretVariable, withoutSecrets } from '../../../src/lib/secret-env.js';
import { quietWait } from '../../../src/lib/wait.js';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('identity', () => {
  const roots: string[] = [];
  afterEach(async () => {
    for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
  });
  async function home(settings?: object): Promise<NodeJS.ProcessEnv> {
    const root = await mkdtemp(join(tmpdir(), 'identity-'));
    roots.push(root);
    if (settings) {
      await mkdir(join(root, 'home'), { mode: 0o700 });
      await writeFile(join(root, 'home', 'settings.json'), JSON.stringify(settings), { mode: 0o600 });
    }
    return { OKTA_AWS_HOME: join(root, 'home') };
  }

  it('is the SSO origin and the user', () => {
    expect(identityKey('https://a.okta.com/app/amazon_aws/exk1/sso/saml?x=1', 'alice')).toBe('https://a.okta.com alice');
  });

  it('comes from the environment over settings.json', async () => {
    const env = await home({ sso_url: 'https://s.okta.com/app/x/sso/saml', user_name: 'sam' });
    expect(await currentIdentity(env)).toBe('https://s.okta.com sam');
    expect(await currentIdentity({ ...env, OKTA_AWS_SSO_URL: ' https://e.okta.com/app ', OKTA_AWS_USERNAME: 'eve' })).toBe('https://e.okta.com eve');
    expect(await currentIdentity({ ...env, OKTA_AWS_USERNAME: 'eve' })).toBe('https://s.okta.com eve');
    expect(await currentIdentity({ ...env, OKTA_AWS_SSO_URL: '', OKTA_AWS_USERNAME: '' })).toBe('https://s.okta.com sam');
  });

  it('is undefined without a URL or a user, or with a URL that does not parse', async () => {
    expect(await currentIdentity(await home())).toBeUndefined();
    expect(await currentIdentity(await home({ sso_url: 'https://s.okta.com/app' }))).toBeUndefined();
    expect(await currentIdentity(await home({ user_name: 'sam' }))).toBeUndefined();
    expect(await currentIdentity(await home({ sso_url: 'not a url', user_name: 'sam' }))).toBeUndefined();
    expect(await currentIdentity(await home({ sso_url: 42, user_name: 'sam' }))).toBeUndefined();
    expect(await currentIdentity(await home({ sso_url: ['https://s.okta.com/app'], user_name: 'sam' }))).toBeUndefined();
    expect(await currentIdentity(await home({ sso_url: 'https://s.okta.com/app', user_name: '' }))).toBeUndefined();
    expect(await currentIdentity(await home({ sso_url: 'https://s.okta.com/app', user_name: ['sam'] }))).toBeUndefined();
  });
});

describe('secret variables', () => {
  it('are the password and the TOTP secret, case-insensitive only on Windows', () => {
    expect(SECRET_VARIABLES).toEqual({ password: 'OKTA_AWS_PASSWORD', totp_secret: 'OKTA_AWS_TOTP_SECRET' });
    expect(isSecretVariable('OKTA_AWS_PASSWORD', 'linux')).toBe(true);
    expect(isSecretVariable('OKTA_AWS_TOTP_SECRET', 'darwin')).toBe(true);
    expect(isSecretVariable('okta_aws_password', 'linux')).toBe(false);
    expect(isSecretVariable('okta_aws_password', 'win32')).toBe(true);
    expect(isSecretVariable('OKTA_AWS_USERNAME', 'win32')).toBe(false);
  });

  it('are left out of a child environment, and nothing else is', () => {
    const env = { PATH: '/bin', OKTA_AWS_PASSWORD: 'p', OKTA_AWS_TOTP_SECRET: 't', Okta_Aws_Password: 'w', OKTA_AWS_USERNAME: 'u', EMPTY: undefined };
    expect(withoutSecrets(env, 'linux')).toEqual({ PATH: '/bin', Okta_Aws_Password: 'w', OKTA_AWS_USERNAME: 'u' });
    expect(withoutSecrets(env, 'win32')).toEqual({ PATH: '/bin', OKTA_AWS_USERNAME: 'u' });
  });

  it('can be dropped from this process', () => {
    vi.stubEnv('OKTA_AWS_PASSWORD', 'p');
    vi.stubEnv('OKTA_AWS_TOTP_SECRET', 't');
    vi.stubEnv('OKTA_AWS_USERNAME', 'u');
    dropSecretsFromProcessEnv('linux');
    expect(process.env.OKTA_AWS_PASSWORD).toBeUndefined();
    expect(process.env.OKTA_AWS_TOTP_SECRET).toBeUndefined();
    expect(process.env.OKTA_AWS_USERNAME).toBe('u');
  });
});

describe('quietWait', () => {
  it('says why in the debug log, for the seconds it waits, then waits', async () => {
    enableDebug();
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const seconds: number[] = [];
    vi.useFakeTimers();
    try {
      let over = false;
      const waiting = quietWait(1_200, (s) => {
        seconds.push(s);
        return `waiting ${s} s`;
      }).then(() => (over = true));
      await vi.advanceTimersByTimeAsync(1_199);
      expect(over).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(over).toBe(true);
      await waiting;
    } finally {
      vi.useRealTimers();
    }
    expect(seconds).toEqual([2]);
    expect(lines).toEqual(['okta-aws: waiting 2 s\n']);
  });
});

describe('oneLine', () => {
  it('keeps a message without a hint as it is, and a UserError exits 1 unless told', () => {
    const error = new UserError('Nothing to do.');
    expect(oneLine(error)).toBe('Nothing to do.');
    expect(error.exitCode).toBe(1);
    expect(error.code).toBeUndefined();
    expect(error.name).toBe('UserError');
    expect(new UserError('x', { exitCode: 2, code: 'C' })).toMatchObject({ exitCode: 2, code: 'C' });
  });

  it('keeps the cause, and says so only when there is one', () => {
    const cause = new Error('inner');
    expect(new UserError('x', { cause }).cause).toBe(cause);
    expect('cause' in new UserError('x')).toBe(false);
  });

  it('strips trailing dots and spaces before adding the hint, and joins lines', () => {
    expect(oneLine(new UserError('Failed. . \n', { hint: 'Retry.' }))).toBe('Failed. Retry.');
    expect(oneLine('plain text\n  more')).toBe('plain text more. This looks like a bug; run again with --debug and report it.');
  });
});
