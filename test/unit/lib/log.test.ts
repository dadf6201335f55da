import { describe, expect, it } from 'vitest';
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

describe('oneLine', () => {
  it('joins what happened and what to do, on one line', () => {
    expect(oneLine(new UserError('Okta said no.\nreally', { hint: 'Run `okta-aws init`.' }))).toBe('Okta said no. really. Run `okta-aws init`.');
  });

  it('marks unexpected errors as bugs without a stack', () => {
    const line = oneLine(new TypeError('x is undefined'));
    expect(line).toBe('x is undefined. This looks like a bug; run again with --debug and report it.');
  });
});
