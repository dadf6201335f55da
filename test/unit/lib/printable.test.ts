import { describe, expect, it } from 'vitest';
import { timeoutFromEnv } from '../../../src/lib/http.js';
import { printable } from '../../../src/lib/printable.js';
import { commonOktaError, OktaApiError } from '../../../src/okta/api.js';

describe('printable: remote text cannot drive the terminal', () => {
  it('shows control and bidi characters as escapes, and keeps the rest', () => {
    expect(printable('ok\x1b[2J\x1b]0;pwned\x07 line\r\nforged\x9b1m \u202eevil\u2028x tab\there')).toBe(
      'ok\\x1b[2J\\x1b]0;pwned\\x07 line\\x0d\\x0aforged\\x9b1m \\u202eevil\\u2028x tab\\x09here',
    );
    expect(printable('Ünïcödé — “fine” 日本')).toBe('Ünïcödé — “fine” 日本');
  });

  it("Okta's error summary is printed without its escapes", () => {
    const error = commonOktaError(new OktaApiError(400, { errorCode: 'E0000001', errorSummary: 'Bad\x1b[31m request\r\nokta-aws: forged' }), 'https://x.okta.com');
    expect((error as Error).message).toBe('Okta refused the request: Bad\\x1b[31m request\\x0d\\x0aokta-aws: forged (E0000001)');
  });
});

describe('OKTA_AWS_HTTP_TIMEOUT', () => {
  it('takes seconds from 1 to 300; unset or empty is the default 30 s', () => {
    expect(timeoutFromEnv({})).toBe(30_000);
    expect(timeoutFromEnv({ OKTA_AWS_HTTP_TIMEOUT: '' })).toBe(30_000);
    expect(timeoutFromEnv({ OKTA_AWS_HTTP_TIMEOUT: '1' })).toBe(1000);
    expect(timeoutFromEnv({ OKTA_AWS_HTTP_TIMEOUT: '2.5' })).toBe(2500);
    expect(timeoutFromEnv({ OKTA_AWS_HTTP_TIMEOUT: '300' })).toBe(300_000);
    expect(timeoutFromEnv({ OKTA_AWS_HTTP_TIMEOUT: '   ' })).toBe(30_000);
  });

  it('is a clear error outside that range, never a 1 ms timeout or a silent default', () => {
    for (const value of ['0.001', '0', '-5', '301', '1e9', 'abc', '30s', 'Infinity']) {
      expect(() => timeoutFromEnv({ OKTA_AWS_HTTP_TIMEOUT: value }), value).toThrow(
        expect.objectContaining({
          message: `OKTA_AWS_HTTP_TIMEOUT="${value}" is not a number of seconds from 1 to 300`,
          hint: 'Set it to how long to wait for an answer (default 30), or unset it.',
          code: 'BAD_TIMEOUT',
        }),
      );
    }
  });
});
