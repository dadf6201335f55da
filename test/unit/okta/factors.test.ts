import { describe, expect, it } from 'vitest';
import { type OktaFactor, chooseFactor, chooseTotpFactor } from '../../../src/okta/factors.js';
import { thrown as expectUserError } from '../../helpers/user-error.js';

const factor = (id: string, factorType: string, provider: string, name?: string): OktaFactor => ({
  id,
  factorType,
  provider,
  ...(name ? { profile: { name } } : {}),
  _links: { verify: { href: `https://example.okta.com/api/v1/authn/factors/${id}/verify` } },
});
const google = factor('uft1', 'token:software:totp', 'GOOGLE');
const oktaTotp = factor('ost1', 'token:software:totp', 'OKTA', "Jane's iPhone");
const phone = factor('opf1', 'push', 'OKTA', "Jane's iPhone");
const tablet = factor('opf2', 'push', 'OKTA', "Jane's iPad");
const sms = factor('mbl1', 'sms', 'OKTA');
const who = { username: 'jane@example.com', origin: 'https://example.okta.com' };

describe('chooseFactor', () => {
  it('auto: TOTP when a secret is stored and a TOTP factor is enrolled, even when push is listed first', () => {
    expect(chooseFactor([phone, sms, google], { preference: 'auto', haveTotpSecret: true }, who)).toMatchObject({ kind: 'totp', factor: google, verifyUrl: google._links!.verify!.href });
  });

  it('auto: push when no TOTP secret is stored, or no TOTP factor is enrolled', () => {
    expect(chooseFactor([google, phone], { preference: 'auto', haveTotpSecret: false }, who)).toMatchObject({ kind: 'push', factor: phone, device: "Jane's iPhone" });
    expect(chooseFactor([sms, phone], { preference: 'auto', haveTotpSecret: true }, who)).toMatchObject({ kind: 'push', factor: phone });
  });

  it('push: the first device, or the one OKTA_AWS_PUSH_DEVICE names (case-insensitive)', () => {
    expect(chooseFactor([google, phone, tablet], { preference: 'push', haveTotpSecret: true }, who)).toMatchObject({ kind: 'push', factor: phone });
    expect(chooseFactor([google, phone, tablet], { preference: 'push', haveTotpSecret: true, pushDevice: "jane's ipad" }, who)).toMatchObject({ kind: 'push', factor: tablet, device: "Jane's iPad" });
  });

  it('push: a device name that matches none lists the names Okta has', () => {
    const error = expectUserError(() => chooseFactor([phone, tablet], { preference: 'push', haveTotpSecret: false, pushDevice: 'Pixel' }, who));
    expect(error.code).toBe('NO_PUSH_DEVICE');
    expect(error.message).toContain(`"Jane's iPhone", "Jane's iPad"`);
  });

  it('totp: insists on TOTP, and without a TOTP factor points at push when there is one', () => {
    expect(chooseFactor([phone, oktaTotp], { preference: 'totp', haveTotpSecret: true }, who)).toMatchObject({ kind: 'totp', factor: oktaTotp });
    const error = expectUserError(() => chooseFactor([phone, sms], { preference: 'totp', haveTotpSecret: true }, who));
    expect(error.code).toBe('NO_TOTP_FACTOR');
    expect(error.message).toContain('Okta Verify push, OKTA sms');
    expect(error.hint).toContain('--factor push');
  });

  it('auto without a TOTP secret and without push: names the secret to store', () => {
    const error = expectUserError(() => chooseFactor([google, sms], { preference: 'auto', haveTotpSecret: false }, who));
    expect(error.code).toBe('NO_PUSH_FACTOR');
    expect(error.hint).toContain('okta-aws init --factor totp');
  });

  it('auto with a secret but neither TOTP nor push enrolled: says to enroll', () => {
    const error = expectUserError(() => chooseFactor([sms], { preference: 'auto', haveTotpSecret: true }, who));
    expect(error.code).toBe('NO_TOTP_FACTOR');
    expect(error.hint).toContain('Enroll Google Authenticator');
  });

  it('ignores factors without an id or verify link (not set up)', () => {
    const notSetUp: OktaFactor = { factorType: 'push', provider: 'OKTA', status: 'NOT_SETUP' };
    expect(() => chooseFactor([notSetUp], { preference: 'push', haveTotpSecret: false }, who)).toThrow(/No Okta Verify push/);
    expect(chooseTotpFactor([{ ...google, _links: {} }, oktaTotp])).toBe(oktaTotp);
  });
});

describe('chooseFactor, every refusal in full', () => {
  const origin = who.origin;

  it('skips a factor with an id but no verify link, and a push from another provider', () => {
    const noLinks: OktaFactor = { id: 'x1', factorType: 'push', provider: 'OKTA' };
    const noVerify: OktaFactor = { id: 'x2', factorType: 'push', provider: 'OKTA', _links: {} };
    const otherPush = factor('x3', 'push', 'SYMANTEC');
    expect(chooseFactor([noLinks, noVerify, otherPush, tablet], { preference: 'push', haveTotpSecret: false }, who)).toMatchObject({ factor: tablet });
    expect(chooseTotpFactor([{ id: 'g', factorType: 'token:software:totp', provider: 'GOOGLE' }])).toBeUndefined();
  });

  it('names a push device without a name generically, and a blank OKTA_AWS_PUSH_DEVICE means the first device', () => {
    const nameless = factor('opf3', 'push', 'OKTA');
    expect(chooseFactor([nameless], { preference: 'push', haveTotpSecret: false }, who)).toMatchObject({ kind: 'push', device: 'your Okta Verify device', verifyUrl: nameless._links!.verify!.href });
    expect(chooseFactor([{ ...nameless, profile: { name: '' } }], { preference: 'push', haveTotpSecret: false }, who)).toMatchObject({ device: 'your Okta Verify device' });
    expect(chooseFactor([phone, tablet], { preference: 'push', haveTotpSecret: false, pushDevice: '   ' }, who)).toMatchObject({ factor: phone });
    expect(chooseFactor([phone, tablet], { preference: 'push', haveTotpSecret: false, pushDevice: " Jane's iPad " }, who)).toMatchObject({ factor: tablet });
  });

  it.each<[string, OktaFactor[], Parameters<typeof chooseFactor>[1], { message: string; hint: string; code: string }]>([
    [
      'totp wished, only push and sms',
      [phone, { ...sms, status: 'NOT_SETUP' }],
      { preference: 'totp', haveTotpSecret: true },
      {
        message: 'No TOTP factor (Google Authenticator or Okta Verify code) is enrolled for jane@example.com; Okta offers: Okta Verify push, OKTA sms (not set up)',
        hint: 'Use Okta Verify push instead: `okta-aws init --factor push` (or OKTA_AWS_MFA_FACTOR=push).',
        code: 'NO_TOTP_FACTOR',
      },
    ],
    [
      'auto with a secret, nothing usable',
      [],
      { preference: 'auto', haveTotpSecret: true },
      {
        message: 'No TOTP factor (Google Authenticator or Okta Verify code) is enrolled for jane@example.com; Okta offers: none',
        hint: `Enroll Google Authenticator at ${origin} (Settings → Extra Verification), then store its secret with \`okta-aws init\`.`,
        code: 'NO_TOTP_FACTOR',
      },
    ],
    [
      'push wished, a TOTP factor enrolled',
      [google],
      { preference: 'push', haveTotpSecret: false },
      {
        message: 'No Okta Verify push is enrolled for jane@example.com; Okta offers: GOOGLE token:software:totp',
        hint: `Enroll Okta Verify at ${origin} (Settings → Extra Verification), or store its TOTP secret with \`okta-aws init --factor totp\`.`,
        code: 'NO_PUSH_FACTOR',
      },
    ],
    [
      'push wished, nothing enrolled',
      [sms],
      { preference: 'push', haveTotpSecret: true },
      {
        message: 'No Okta Verify push is enrolled for jane@example.com; Okta offers: OKTA sms',
        hint: `Enroll Okta Verify at ${origin} (Settings → Extra Verification), or enroll Okta Verify or Google Authenticator at ${origin}.`,
        code: 'NO_PUSH_FACTOR',
      },
    ],
    [
      'auto without a secret, nothing enrolled',
      [],
      { preference: 'auto', haveTotpSecret: false },
      {
        message: 'No Okta Verify push is enrolled for jane@example.com; Okta offers: none',
        hint: `Enroll Okta Verify at ${origin} (Settings → Extra Verification), or enroll Okta Verify or Google Authenticator at ${origin}.`,
        code: 'NO_PUSH_FACTOR',
      },
    ],
    [
      'a push device that is not there',
      [phone, tablet],
      { preference: 'auto', haveTotpSecret: false, pushDevice: 'Pixel' },
      {
        message: `No Okta Verify device named "Pixel" for jane@example.com; Okta has: "Jane's iPhone", "Jane's iPad"`,
        hint: 'Set OKTA_AWS_PUSH_DEVICE to one of those names, or unset it to use the first.',
        code: 'NO_PUSH_DEVICE',
      },
    ],
  ])('%s', (_what, factors, wish, expected) => {
    const error = expectUserError(() => chooseFactor(factors, wish, who));
    expect({ message: error.message, hint: error.hint, code: error.code }).toEqual(expected);
  });

  it('auto with a secret and only push uses push; with a secret and only TOTP uses TOTP', () => {
    expect(chooseFactor([phone], { preference: 'auto', haveTotpSecret: true }, who)).toMatchObject({ kind: 'push' });
    expect(chooseFactor([google], { preference: 'auto', haveTotpSecret: true }, who)).toMatchObject({ kind: 'totp', factor: google });
  });
});
