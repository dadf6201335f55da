/** lib/totp: each way a pasted secret can be wrong, in words that say how to fix it; the step choice at its edges. */
import { describe, expect, it } from 'vitest';
import { chooseStep, currentStep, normalizeTotpSecret, totpCode } from '../../../src/lib/totp.js';

const COPY_HINT = 'Copy the secret again from Okta when you set up Google Authenticator (the "Can\'t scan?" text under the QR code), or paste the whole otpauth:// URI the QR code holds.';
const fails = (input: string, message: string, hint = COPY_HINT) =>
  expect(() => normalizeTotpSecret(input)).toThrow(expect.objectContaining({ name: 'UserError', message, hint, code: 'BAD_TOTP_SECRET' }));

describe('normalizeTotpSecret errors', () => {
  it('not base32', () => fails('KRSXG5CTMVRXEZL1', 'The TOTP secret is not base32: it may hold only the letters A-Z and the digits 2-7'));
  it('too short', () => fails('krsx g5', "The TOTP secret is too short (6 characters; Okta's have at least 16)"));
  it('a broken URI', () => fails('otpauth://[', 'The TOTP secret looks like an otpauth:// URI but is not a valid one'));
  it('an HOTP URI', () => fails('otpauth://hotp/Okta:a?secret=KRSXG5CTMVRXEZLU', 'The otpauth:// URI is for "hotp", not a time-based (totp) code'));
  it('a URI without a secret', () => fails('otpauth://totp/Okta:a?issuer=Okta', 'The otpauth:// URI has no secret= parameter'));
  it.each([
    ['algorithm=SHA256', 'SHA256, 6 digits, 30 s'],
    ['digits=8', 'SHA1, 8 digits, 30 s'],
    ['period=60', 'SHA1, 6 digits, 60 s'],
  ])('a URI asking for other parameters (%s)', (param, what) => {
    fails(`otpauth://totp/Okta:a?secret=KRSXG5CTMVRXEZLU&${param}`, `The otpauth:// URI asks for ${what}; Okta's TOTP factor uses SHA-1, 6 digits, 30 s`, 'Use the QR code of the Google Authenticator factor that Okta showed you.');
  });

  it('accepts what Okta writes: any case, padding, spaces and dashes, and explicit default parameters', () => {
    expect(normalizeTotpSecret(' krsx-g5ct mvrx ezlu== ')).toBe('KRSXG5CTMVRXEZLU');
    expect(normalizeTotpSecret('OTPAUTH://TOTP/Okta:a?secret=krsxg5ctmvrxezlu&algorithm=sha1&digits=6&period=30')).toBe('KRSXG5CTMVRXEZLU');
    expect(normalizeTotpSecret('A'.repeat(16))).toBe('A'.repeat(16));
  });
});

describe('codes and steps', () => {
  it('computes RFC 6238 codes (its SHA-1 test vector, last 6 digits)', async () => {
    // RFC 6238 appendix B: secret "12345678901234567890", T = 59 s → 94287082.
    expect(await totpCode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', currentStep(59_000))).toBe('287082');
    expect(await totpCode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', currentStep(1_111_111_109_000))).toBe('081804');
  });

  it('takes the next step when under 2 s are left, or when the current one was used', () => {
    expect(chooseStep({ nowMs: 30_000 * 10 + 28_001 })).toEqual({ step: 11, waitMs: 1_999 });
    expect(chooseStep({ nowMs: 30_000 * 10 + 28_000 })).toEqual({ step: 10, waitMs: 0 });
    expect(chooseStep({ nowMs: 30_000 * 10 + 5_000, minRemainingMs: 26_000 })).toEqual({ step: 11, waitMs: 25_000 });
    expect(chooseStep({ nowMs: 30_000 * 10 + 5_000, lastUsedStep: 10 })).toEqual({ step: 11, waitMs: 25_000 });
    expect(chooseStep({ nowMs: 30_000 * 10 + 5_000, lastUsedStep: 9 })).toEqual({ step: 10, waitMs: 0 });
    expect(chooseStep({ nowMs: 30_000 * 10 + 5_000, lastUsedStep: 11 })).toEqual({ step: 12, waitMs: 55_000 });
  });

  it('refuses to wait for a clock that went back more than a step', () => {
    expect(() => chooseStep({ nowMs: 30_000 * 10, lastUsedStep: 12 })).toThrow(
      expect.objectContaining({
        message: `A TOTP code for ${new Date(12 * 30_000).toISOString()} was already sent, but this computer's clock says ${new Date(300_000).toISOString()}`,
        hint: 'Fix the system clock (turn on network time) and try again.',
        code: 'CLOCK_SKEW',
      }),
    );
  });
});
