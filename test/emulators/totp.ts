/**
 * RFC 6238 TOTP (SHA-1, 30 s steps), written with node:crypto only so the emulator does not share code
 * (or bugs) with the client under test.
 */
import { createHmac } from 'node:crypto';

export const TOTP_PERIOD_SECONDS = 30;

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Decodes RFC 4648 base32: any case, spaces/dashes ignored, padding optional. Throws on other characters. */
export function base32Decode(input: string): Buffer {
  const clean = input.replace(/[\s-]/g, '').replace(/=+$/, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const idx = BASE32_ALPHABET.indexOf(ch);
    if (idx < 0) throw new Error(`invalid base32 character ${JSON.stringify(ch)}`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** Encodes bytes as upper-case base32 without padding (the form Okta shows for a shared secret). */
export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32_ALPHABET[(value >>> bits) & 31];
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** The time step (counter) for a Unix time in seconds. */
export function timeStep(epochSeconds: number, period = TOTP_PERIOD_SECONDS): number {
  return Math.floor(epochSeconds / period);
}

/** HOTP (RFC 4226) value for a counter, `digits` long, zero-padded. */
export function hotp(key: Buffer, counter: number, digits = 6): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const bin =
    ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(bin % 10 ** digits).padStart(digits, '0');
}

/** The TOTP code of a base32 secret for a given time step. */
export function totpForStep(base32Secret: string, step: number, digits = 6): string {
  return hotp(base32Decode(base32Secret), step, digits);
}

/** The TOTP code of a base32 secret at a Unix time in seconds (defaults to now). */
export function totpAt(base32Secret: string, epochSeconds = Date.now() / 1000, digits = 6): string {
  return totpForStep(base32Secret, timeStep(epochSeconds), digits);
}
