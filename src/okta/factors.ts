import { UserError } from '../lib/errors.js';
import type { MfaFactor } from '../lib/settings.js';

/** One enrolled factor as `/api/v1/authn` lists it under MFA_REQUIRED. */
export interface OktaFactor {
  id?: string;
  factorType: string;
  provider: string;
  status?: string;
  /** For Okta Verify, `name` is the device ("Jane's iPhone"). */
  profile?: { name?: string };
  _links?: { verify?: { href: string } };
}

export interface FactorWish {
  /** The setting: auto, totp or push. */
  preference: MfaFactor;
  /** A TOTP secret is stored (auto uses TOTP only then). */
  haveTotpSecret: boolean;
  /** OKTA_AWS_PUSH_DEVICE: the push factor whose profile.name this is. */
  pushDevice?: string;
}

export type FactorChoice = { kind: 'totp'; factor: OktaFactor; verifyUrl: string } | { kind: 'push'; factor: OktaFactor; verifyUrl: string; device: string };

const usable = (f: OktaFactor): f is OktaFactor & { _links: { verify: { href: string } } } => Boolean(f.id && f._links?.verify?.href);

/** Google Authenticator first (what the original tool used), then Okta Verify's code. */
export function chooseTotpFactor(factors: OktaFactor[]): OktaFactor | undefined {
  const totp = factors.filter((f) => f.factorType === 'token:software:totp' && usable(f));
  return totp.find((f) => f.provider === 'GOOGLE') ?? totp.find((f) => f.provider === 'OKTA');
}

export const pushDeviceName = (factor: OktaFactor): string => factor.profile?.name || 'your Okta Verify device';

/**
 * Which factor answers MFA_REQUIRED. auto: TOTP when a secret is stored and a TOTP factor is
 * enrolled, else push; totp and push insist. Pure: every refusal is a UserError naming the fix.
 */
export function chooseFactor(factors: OktaFactor[], wish: FactorWish, who: { username: string; origin: string }): FactorChoice {
  const totp = chooseTotpFactor(factors);
  const pushes = factors.filter((f) => f.factorType === 'push' && f.provider === 'OKTA' && usable(f));
  const offered = [...new Set(factors.map(describeFactor))].join(', ') || 'none';

  const useTotp = wish.preference === 'totp' || (wish.preference === 'auto' && wish.haveTotpSecret && totp !== undefined);
  if (useTotp || (wish.preference === 'auto' && pushes.length === 0 && wish.haveTotpSecret)) {
    if (!totp) {
      throw new UserError(`No TOTP factor (Google Authenticator or Okta Verify code) is enrolled for ${who.username}; Okta offers: ${offered}`, {
        hint: pushes.length
          ? 'Use Okta Verify push instead: `okta-aws init --factor push` (or OKTA_AWS_MFA_FACTOR=push).'
          : `Enroll Google Authenticator at ${who.origin} (Settings → Extra Verification), then store its secret with \`okta-aws init\`.`,
        code: 'NO_TOTP_FACTOR',
      });
    }
    return { kind: 'totp', factor: totp, verifyUrl: totp._links!.verify!.href };
  }

  if (pushes.length === 0) {
    const totpHint = totp ? 'store its TOTP secret with `okta-aws init --factor totp`' : `enroll Okta Verify or Google Authenticator at ${who.origin}`;
    throw new UserError(`No Okta Verify push is enrolled for ${who.username}; Okta offers: ${offered}`, {
      hint: `Enroll Okta Verify at ${who.origin} (Settings → Extra Verification), or ${totpHint}.`,
      code: 'NO_PUSH_FACTOR',
    });
  }
  const wanted = wish.pushDevice?.trim().toLowerCase();
  const factor = wanted ? pushes.find((f) => pushDeviceName(f).toLowerCase() === wanted) : pushes[0];
  if (!factor) {
    throw new UserError(`No Okta Verify device named "${wish.pushDevice}" for ${who.username}; Okta has: ${pushes.map((f) => `"${pushDeviceName(f)}"`).join(', ')}`, {
      hint: 'Set OKTA_AWS_PUSH_DEVICE to one of those names, or unset it to use the first.',
      code: 'NO_PUSH_DEVICE',
    });
  }
  return { kind: 'push', factor, verifyUrl: factor._links!.verify!.href, device: pushDeviceName(factor) };
}

export function describeFactor(factor: OktaFactor): string {
  if (factor.factorType === 'push') return 'Okta Verify push';
  return `${factor.provider} ${factor.factorType}${factor.status === 'NOT_SETUP' ? ' (not set up)' : ''}`;
}
