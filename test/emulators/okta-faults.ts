/** The faults the Okta emulator can be told to produce, and their validation (they also arrive as JSON). */
import { optionalNumber, optionalString, requireObject, type FaultBase } from './faults.js';

export type OktaFault =
  /** The next `count` requests to `path` get 429 E0000047 with X-Rate-Limit-Reset `resetInSeconds` ahead (default 1). */
  | { kind: 'rateLimit'; count?: number; path?: string; resetInSeconds?: number }
  /** The next `count` requests to `path` get 500 E0000009. */
  | { kind: 'serverError'; count?: number; path?: string }
  /** The next `count` requests to `path` get an HTML maintenance page (status default 200) instead of JSON. */
  | { kind: 'html'; count?: number; path?: string; status?: number }
  /** The next `count` requests to `path` are accepted and never answered. */
  | { kind: 'hang'; count?: number; path?: string }
  /** The next `count` SSO pages with a live session: sign-in page, no SAMLResponse. */
  | { kind: 'noSamlResponse'; count?: number }
  /** The next `count` SSO pages: app-level MFA (step-up) page with `var stateToken`. */
  | { kind: 'stepUp'; count?: number }
  /** The next `count` SSO pages: a SAMLResponse whose XML does not parse. */
  | { kind: 'brokenSaml'; count?: number }
  /** The next `count` SSO pages: a valid assertion without the AWS Role attribute. */
  | { kind: 'noRoles'; count?: number }
  /** The next `count` requests to `path` get a `status` (default 307) redirect to `location`. */
  | { kind: 'redirect'; count?: number; path?: string; status?: number; location: string }
  /** The next `count` requests to `path` get a 200 HTML body of `bytes` bytes (default 8 MB). */
  | { kind: 'hugeBody'; count?: number; path?: string; bytes?: number }
  /** The next `count` requests to `path` get headers and the start of a JSON body, then silence. */
  | { kind: 'stallBody'; count?: number; path?: string }
  /** The next `count` /api/v1/authn answers carry links (`_links.*.href`) on `origin` instead of the org's. */
  | { kind: 'foreignLinks'; count?: number; origin: string }
  /** The next `count` requests to `path` get an Okta error (status default 400) whose errorSummary is `summary`, as a hostile org could word it. */
  | { kind: 'oktaError'; count?: number; path?: string; status?: number; summary: string };

const KINDS = new Set(['rateLimit', 'serverError', 'html', 'hang', 'noSamlResponse', 'stepUp', 'brokenSaml', 'noRoles', 'redirect', 'hugeBody', 'stallBody', 'foreignLinks', 'oktaError']);

export function validateOktaFault(raw: unknown): OktaFault {
  const o = requireObject(raw);
  const kind = optionalString(o, 'kind');
  if (!kind || !KINDS.has(kind)) throw new Error(`unknown Okta fault kind ${JSON.stringify(o.kind)}; one of ${[...KINDS].join(', ')}`);
  optionalNumber(o, 'count');
  optionalString(o, 'path');
  optionalNumber(o, 'resetInSeconds');
  optionalNumber(o, 'status');
  optionalNumber(o, 'bytes');
  if (kind === 'redirect' && typeof o.location !== 'string') throw new Error('a redirect fault needs a location');
  if (kind === 'foreignLinks' && typeof o.origin !== 'string') throw new Error('a foreignLinks fault needs an origin');
  if (kind === 'oktaError' && typeof o.summary !== 'string') throw new Error('an oktaError fault needs a summary');
  return o as unknown as OktaFault & FaultBase;
}
