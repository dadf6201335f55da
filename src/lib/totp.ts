import { UserError } from './errors.js';

/** Okta and Google Authenticator: SHA-1, 6 digits, 30-second steps. */
const STEP_MS = 30_000;
const DIGITS = 6;
/** Google Authenticator and Okta secrets are 16 characters (80 bits); anything shorter is a bad copy. */
const MIN_SECRET_CHARS = 16;

/*
 * otplib 13 refuses secrets under 16 bytes by default (RFC 4226's recommendation), but the secrets
 * Okta and Google Authenticator hand out are 10 bytes. Its guardrails can be lowered, so we keep
 * otplib for the HOTP arithmetic and do the base32 decoding ourselves: its decoder also rejects
 * secrets whose length leaves non-zero spare bits, which Google Authenticator accepts.
 */
const GUARDRAILS = { MIN_SECRET_BYTES: 1, MAX_SECRET_BYTES: 1024 };

const COPY_HINT = 'Copy the secret again from Okta when you set up Google Authenticator (the "Can\'t scan?" text under the QR code), or paste the whole otpauth:// URI the QR code holds.';

/**
 * A bare base32 secret (any case; spaces, `-` and `=` padding ignored) or an `otpauth://totp/…` URI
 * → upper-case unpadded base32.
 */
export function normalizeTotpSecret(input: string): string {
  const trimmed = input.trim();
  const raw = /^otpauth:/i.test(trimmed) ? secretFromUri(trimmed) : trimmed;
  const compact = raw.replace(/[\s-]+/g, '').toUpperCase().replace(/=+$/, '');
  if (!/^[A-Z2-7]*$/.test(compact)) {
    throw new UserError('The TOTP secret is not base32: it may hold only the letters A-Z and the digits 2-7', { hint: COPY_HINT, code: 'BAD_TOTP_SECRET' });
  }
  if (compact.length < MIN_SECRET_CHARS) {
    throw new UserError(`The TOTP secret is too short (${compact.length} characters; Okta's have at least ${MIN_SECRET_CHARS})`, { hint: COPY_HINT, code: 'BAD_TOTP_SECRET' });
  }
  return compact;
}

function secretFromUri(uri: string): string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new UserError('The TOTP secret looks like an otpauth:// URI but is not a valid one', { hint: COPY_HINT, code: 'BAD_TOTP_SECRET' });
  }
  if (url.host.toLowerCase() !== 'totp') {
    throw new UserError(`The otpauth:// URI is for "${url.host}", not a time-based (totp) code`, { hint: COPY_HINT, code: 'BAD_TOTP_SECRET' });
  }
  const params = url.searchParams;
  const algorithm = params.get('algorithm');
  const digits = params.get('digits');
  const period = params.get('period');
  if ((algorithm !== null && algorithm.toUpperCase() !== 'SHA1') || (digits !== null && digits !== String(DIGITS)) || (period !== null && period !== String(STEP_MS / 1000))) {
    throw new UserError(`The otpauth:// URI asks for ${algorithm ?? 'SHA1'}, ${digits ?? DIGITS} digits, ${period ?? STEP_MS / 1000} s; Okta's TOTP factor uses SHA-1, 6 digits, 30 s`, {
      hint: 'Use the QR code of the Google Authenticator factor that Okta showed you.',
      code: 'BAD_TOTP_SECRET',
    });
  }
  const secret = params.get('secret');
  if (!secret) throw new UserError('The otpauth:// URI has no secret= parameter', { hint: COPY_HINT, code: 'BAD_TOTP_SECRET' });
  return secret;
}

/** RFC 4648 base32 → bytes; spare bits at the end are dropped, as Google Authenticator does. */
function base32Bytes(secret: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of secret) {
    buffer = ((buffer << 5) | alphabet.indexOf(char)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return Uint8Array.from(bytes);
}

/** The 6-digit code of `step` (RFC 6238: HOTP with the step as counter), leading zeros kept. */
export async function totpCode(secret: string, step: number): Promise<string> {
  const key = base32Bytes(normalizeTotpSecret(secret));
  // Loaded on use: a refresh that reuses the Okta session (most of them) never computes a code.
  const { createGuardrails, generate } = await import('otplib');
  return generate({ strategy: 'hotp', secret: key, counter: step, digits: DIGITS, algorithm: 'sha1', guardrails: createGuardrails(GUARDRAILS) });
}

export function currentStep(nowMs: number): number {
  return Math.floor(nowMs / STEP_MS);
}

/**
 * The step to send: never one at or before `lastUsedStep` (Okta refuses a step twice), and not one
 * with under `minRemainingMs` left (it could expire in flight). Returns how long to wait for the
 * chosen step to begin (0 when it already has).
 */
export function chooseStep(input: { nowMs: number; lastUsedStep?: number; minRemainingMs?: number }): { step: number; waitMs: number } {
  const { nowMs, lastUsedStep, minRemainingMs = 2000 } = input;
  const now = currentStep(nowMs);
  let step = (now + 1) * STEP_MS - nowMs < minRemainingMs ? now + 1 : now;
  if (lastUsedStep !== undefined && step <= lastUsedStep) {
    // A step is remembered once it has begun, so one more than a step ahead means the clock went
    // back; waiting for it could take hours, and Okta refuses codes from a clock that runs behind.
    if (lastUsedStep > now + 1) {
      throw new UserError(`A TOTP code for ${new Date(lastUsedStep * STEP_MS).toISOString()} was already sent, but this computer's clock says ${new Date(nowMs).toISOString()}`, {
        hint: 'Fix the system clock (turn on network time) and try again.',
        code: 'CLOCK_SKEW',
      });
    }
    step = lastUsedStep + 1;
  }
  return { step, waitMs: Math.max(0, step * STEP_MS - nowMs) };
}
