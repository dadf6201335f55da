import { afterEach, describe, expect, it, vi } from 'vitest';
import { redact, registerSecret } from '../../../src/lib/log.js';
import { UserError, oneLine } from '../../../src/lib/errors.js';

describe('redact', () => {
  it('removes every registered secret and tokens in URLs and bodies', () => {
    registerSecret('hunter2-canary');
    expect(redact('password hunter2-canary twice hunter2-canary')).toBe('password [redacted] twice [redacted]');
    expect(redact('GET https://o.okta.com/app?sessionToken=abc123&x=1')).toBe('GET https://o.okta.com/app?sessionToken=[redacted]&x=1');
    expect(redact('Cookie: sid=102abc; Path=/')).toBe('Cookie: sid=[redacted]; Path=/');
  });
});

describe('registerSecret', () => {
  it('takes values of 4 characters or more: shorter ones would redact noise', () => {
    registerSecret('Qz9!');
    registerSecret('Wv7');
    registerSecret('');
    registerSecret(undefined);
    expect(redact('a Qz9! b Wv7 c')).toBe('a [redacted] b Wv7 c');
  });
});

describe('debug', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  /** A fresh copy of the module, as a process starting with this DEBUG would load it. */
  async function loadWith(debug: string | undefined) {
    vi.resetModules();
    vi.stubEnv('DEBUG', debug);
    return import('../../../src/lib/log.js');
  }

  it('writes nothing until --debug or DEBUG=okta-aws turns it on, then one scrubbed line per message', async () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const log = await loadWith('other-tool');
    log.debug('quiet');
    expect(log.debugEnabled()).toBe(false);
    log.enableDebug();
    expect(log.debugEnabled()).toBe(true);
    log.debug('GET /x?sessionToken=abc');
    expect(written).toEqual(['okta-aws: GET /x?sessionToken=[redacted]\n']);
    for (const on of ['okta-aws', '*', 'other, okta-aws', 'okta-aws,other']) expect((await loadWith(on)).debugEnabled(), on).toBe(true);
    for (const off of ['okta-aws-x', 'xokta-aws', '']) expect((await loadWith(off)).debugEnabled(), off).toBe(false);
  });
});

describe('oneLine', () => {
  it('joins what happened and what to do, on one line', () => {
    expect(oneLine(new UserError('Okta said no.\nreally', { hint: 'Run `okta-aws init`.' }))).toBe('Okta said no. really. Run `okta-aws init`.');
  });

  it('marks unexpected errors as bugs without a stack', () => {
    const line = oneLine(new TypeError('x is undefined'));
    expect(line).toBe('x is undefined. This looks like a bug; run again with --debug and report it.');
  });
});
