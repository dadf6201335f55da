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
