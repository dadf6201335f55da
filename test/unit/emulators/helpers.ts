/** A minimal reference client for the emulator tests (deliberately independent of src/). */
import { expect } from 'vitest';
import type { OktaOrg } from '../../emulators/okta.js';
import { timeStep, totpForStep } from '../../emulators/totp.js';

export const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };

export interface JsonReply {
  status: number;
  headers: Headers;
  body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = JSON_HEADERS): Promise<JsonReply> {
  const res = await fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} };
}

export async function getJson(url: string, headers: Record<string, string> = {}): Promise<JsonReply> {
  const res = await fetch(url, { headers: { Accept: 'application/json', ...headers } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} };
}

/** The code for the emulator clock's current step. */
export function codeNow(org: OktaOrg, secret: string): string {
  return totpForStep(secret, timeStep(org.clock.now() / 1000));
}

/** Undoes Okta's &#xHH; escaping. */
export function htmlUnescape(s: string): string {
  return s
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The raw (still escaped) SAMLResponse value of a page, or undefined. */
export function rawSamlValue(html: string): string | undefined {
  return /<input name="SAMLResponse" type="hidden" value="([^"]*)"\/>/.exec(html)?.[1];
}

export function samlFromPage(html: string): string | undefined {
  const raw = rawSamlValue(html);
  return raw === undefined ? undefined : htmlUnescape(raw);
}

export function sidFrom(res: Response): string | undefined {
  const cookies = res.headers.getSetCookie();
  for (const c of cookies) {
    const m = /^sid=([^;]+)/.exec(c);
    if (m) return m[1];
  }
  return undefined;
}

/** Password + Google TOTP → sessionToken. */
export async function loginToSessionToken(org: OktaOrg, username: string, password: string, secret: string): Promise<string> {
  const primary = await postJson(`${org.url}/api/v1/authn`, { username, password, options: { multiOptionalFactorEnroll: false, warnBeforePasswordExpired: false } });
  expect(primary.body.status).toBe('MFA_REQUIRED');
  const factor = primary.body._embedded.factors.find((f: { factorType: string }) => f.factorType === 'token:software:totp');
  const verified = await postJson(factor._links.verify.href, { stateToken: primary.body.stateToken, passCode: codeNow(org, secret) });
  expect(verified.body.status).toBe('SUCCESS');
  return verified.body.sessionToken as string;
}

/** Full login and SSO: the base64 SAMLResponse plus the sid cookie. */
export async function loginToSaml(org: OktaOrg, username: string, password: string, secret: string): Promise<{ saml: string; sid: string }> {
  const sessionToken = await loginToSessionToken(org, username, password, secret);
  const res = await fetch(`${org.ssoUrl}?sessionToken=${encodeURIComponent(sessionToken)}`);
  const saml = samlFromPage(await res.text());
  const sid = sidFrom(res);
  if (!saml || !sid) throw new Error('no SAMLResponse or sid');
  return { saml, sid };
}
