import { describe, expect, it } from 'vitest';
import { chooseStep, currentStep, normalizeTotpSecret, totpCode } from '../../../src/lib/totp.js';
import { thrown } from '../../helpers/user-error.js';

const RFC_KEY = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // base32 of "12345678901234567890"

describe('totpCode', () => {
  it.each([
    [59, '287082'],
    [1111111109, '081804'],
    [1234567890, '005924'],
    [2000000000, '279037'],
  ])('matches the RFC 6238 SHA-1 vector at t=%i (last six digits)', async (t, code) => {
    expect(await totpCode(RFC_KEY, currentStep(t * 1000))).toBe(code);
  });

  it('works with the 10-byte (16-character) secrets Okta and Google Authenticator issue', async () => {
    // base32 of "1234567890"; expected codes from Python's hmac + RFC 4226 truncation.
    const short = 'GEZDGNBVGY3TQOJQ';
    expect(await totpCode(short, 1)).toBe('263420');
    expect(await totpCode(short, 2)).toBe('092045');
    expect(await totpCode(' gezd-gnbv gy3t-qojq ', 2)).toBe('092045');
  });

  it('accepts a secret whose length leaves spare bits (as Google Authenticator does)', async () => {
    // 26 characters = 130 bits: 16 bytes and 2 spare bits, which strict decoders refuse.
    expect(await totpCode('GEZDGNBVGY3TQOJQGEZDGNBVG7', 0)).toBe('250600');
  });
});

describe('normalizeTotpSecret', () => {
  it('upper-cases and drops spaces, dashes and padding', () => {
    expect(normalizeTotpSecret('  gezd gnbv-gy3t qojq gezd gnbv gy3t qojq====\n')).toBe(RFC_KEY);
    expect(normalizeTotpSecret('JBSWY3DPEHPK3PXP')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('takes the secret out of an otpauth:// URI', () => {
    expect(normalizeTotpSecret('otpauth://totp/Okta:jane%40example.com?secret=jbswy3dpehpk3pxp&issuer=Okta')).toBe('JBSWY3DPEHPK3PXP');
    expect(normalizeTotpSecret('otpauth://totp/Okta:jane?secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30')).toBe('JBSWY3DPEHPK3PXP');
    expect(normalizeTotpSecret('OTPAUTH://TOTP/x?secret=JBSWY3DPEHPK3PXP&algorithm=sha1')).toBe('JBSWY3DPEHPK3PXP');
  });

  it.each([
    ['algorithm=SHA256', 'otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=SHA256'],
    ['digits=8', 'otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=8'],
    ['period=60', 'otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=60'],
  ])('refuses a URI with %s, saying Okta uses SHA-1/6/30', (_name, uri) => {
    expect(thrown(() => normalizeTotpSecret(uri)).message).toMatch(/Okta's TOTP factor uses SHA-1, 6 digits, 30 s$/);
  });

  it('refuses an HOTP URI and a URI without a secret', () => {
    expect(thrown(() => normalizeTotpSecret('otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=1')).message).toBe('The otpauth:// URI is for "hotp", not a time-based (totp) code');
    expect(thrown(() => normalizeTotpSecret('otpauth://totp/x?issuer=Okta')).message).toBe('The otpauth:// URI has no secret= parameter');
  });

  it('refuses what is not base32, without echoing the secret, with a hint', () => {
    for (const bad of ['JBSWY3DPEHPK3PX1', 'JBSWY3DP=EHPK3PXP', 'JBSWY3DPEHPK3PX!', 'otpauth://totp/x?secret=JBSWY3DPEHPK3PX0']) {
      const error = thrown(() => normalizeTotpSecret(bad));
      expect(error.message).toBe('The TOTP secret is not base32: it may hold only the letters A-Z and the digits 2-7');
      expect(error.message).not.toContain('JBSWY3');
      expect(error.hint).toMatch(/QR code/);
      expect(error.hint).toMatch(/otpauth:\/\//);
    }
  });

  it('refuses a secret too short to be real', () => {
    expect(thrown(() => normalizeTotpSecret('hello')).message).toBe("The TOTP secret is too short (5 characters; Okta's have at least 16)");
    expect(thrown(() => normalizeTotpSecret('')).code).toBe('BAD_TOTP_SECRET');
  });
});

describe('chooseStep', () => {
  const at = (step: number, offsetMs: number) => step * 30_000 + offsetMs;

  it('uses the current step with no wait when it has time left', () => {
    expect(currentStep(at(100, 0))).toBe(100);
    expect(currentStep(at(100, 29_999))).toBe(100);
    expect(chooseStep({ nowMs: at(100, 0) })).toEqual({ step: 100, waitMs: 0 });
    expect(chooseStep({ nowMs: at(100, 28_000) })).toEqual({ step: 100, waitMs: 0 });
  });

  it('moves to the next step, waiting for it, when under minRemainingMs are left', () => {
    expect(chooseStep({ nowMs: at(100, 28_001) })).toEqual({ step: 101, waitMs: 1_999 });
    expect(chooseStep({ nowMs: at(100, 29_999) })).toEqual({ step: 101, waitMs: 1 });
    expect(chooseStep({ nowMs: at(100, 20_000), minRemainingMs: 15_000 })).toEqual({ step: 101, waitMs: 10_000 });
  });

  it('never repeats or goes back to a used step', () => {
    expect(chooseStep({ nowMs: at(100, 5_000), lastUsedStep: 100 })).toEqual({ step: 101, waitMs: 25_000 });
    expect(chooseStep({ nowMs: at(100, 5_000), lastUsedStep: 99 })).toEqual({ step: 100, waitMs: 0 });
    expect(chooseStep({ nowMs: at(100, 29_000), lastUsedStep: 101 })).toEqual({ step: 102, waitMs: 31_000 });
  });

  it('refuses to wait for a used step from a clock that went back', () => {
    const error = thrown(() => chooseStep({ nowMs: at(100, 0), lastUsedStep: 102 }));
    expect(error.code).toBe('CLOCK_SKEW');
  });
});
