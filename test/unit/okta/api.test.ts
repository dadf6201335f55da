/** okta/api's pieces on their own: the rate-limit wait, OktaApiError's text, and the errors every caller shares. */
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/lib/errors.js';
import type { HttpResponse } from '../../../src/lib/http.js';
import { OktaApiError, commonOktaError, rateLimitSay, rateLimitWait } from '../../../src/okta/api.js';

const answer = (reset: string | null): HttpResponse => ({
  status: 429,
  url: 'https://o.okta.com/api/v1/authn',
  headers: { get: (name: string) => (name.toLowerCase() === 'x-rate-limit-reset' ? reset : null) },
  text: async () => '',
});

describe('rateLimitWait', () => {
  it('waits until X-Rate-Limit-Reset plus 250 ms', () => {
    const reset = Math.ceil(Date.now() / 1000) + 10;
    const before = Date.now();
    const ms = rateLimitWait(answer(String(reset)))!;
    const after = Date.now();
    expect(ms).toBeLessThanOrEqual(reset * 1000 - before + 250);
    expect(ms).toBeGreaterThanOrEqual(reset * 1000 - after + 250);
  });

  it('waits 250 ms for a reset already past, and 1 s when the header is missing or nonsense', () => {
    expect(rateLimitWait(answer(String(Math.floor(Date.now() / 1000) - 5)))).toBe(250);
    for (const reset of [null, '', 'soon', '0', '-4']) expect([reset, rateLimitWait(answer(reset))]).toEqual([reset, 1_000]);
  });

  it('does not wait for a reset more than a minute away', () => {
    const now = Date.now() / 1000;
    expect(rateLimitWait(answer(String(Math.ceil(now) + 120)))).toBeUndefined();
    expect(rateLimitWait(answer(String(Math.floor(now) + 59)))).toBeLessThanOrEqual(60_000);
  });

  it('says how long it waits', () => {
    expect(rateLimitSay(3)).toBe('Okta rate limit: retrying in 3 s');
  });
});

describe('OktaApiError', () => {
  it('names the status, the code and the summary, and joins the causes for matching', () => {
    const error = new OktaApiError(403, { errorCode: 'E0000068', errorSummary: 'Invalid Passcode/Answer', errorCauses: [{ errorSummary: 'Each code can only be used once.' }, {}] });
    expect(error.message).toBe('Okta answered HTTP 403 E0000068: Invalid Passcode/Answer');
    expect(error.errorCode).toBe('E0000068');
    expect(error.allText).toBe('Invalid Passcode/Answer Each code can only be used once.');
    const bare = new OktaApiError(400, {});
    expect(bare.message).toBe('Okta answered HTTP 400: no summary');
    expect(bare.errorCode).toBeUndefined();
    expect(bare.allText).toBe('');
  });
});

describe('commonOktaError', () => {
  const origin = 'https://o.okta.com';

  it('passes other errors through untouched', () => {
    const other = new Error('boom');
    expect(commonOktaError(other, origin)).toBe(other);
  });

  it('says a rate limit, by code or by status', () => {
    expect(commonOktaError(new OktaApiError(429, { errorCode: 'E0000047' }), origin)).toMatchObject({
      message: "Okta's rate limit was hit (E0000047)",
      hint: 'Wait a minute and try again; if it keeps happening, ask your Okta admin about the API rate limits.',
      code: 'E0000047',
    });
    expect(commonOktaError(new OktaApiError(429, {}), origin)).toMatchObject({ message: "Okta's rate limit was hit (HTTP 429)", code: undefined });
    expect(commonOktaError(new OktaApiError(400, { errorCode: 'E0000047' }), origin)).toMatchObject({ message: "Okta's rate limit was hit (E0000047)" });
  });

  it('says an expired transaction means running again', () => {
    expect(commonOktaError(new OktaApiError(401, { errorCode: 'E0000011', errorSummary: 'Invalid token provided' }), origin)).toMatchObject({
      message: 'The Okta login transaction expired (E0000011)',
      hint: 'Run the command again.',
      code: 'E0000011',
    });
  });

  it("passes anything else on in Okta's words, with where to look", () => {
    const error = commonOktaError(new OktaApiError(400, { errorCode: 'E0000001', errorSummary: 'Api validation failed: username' }), origin);
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({
      message: 'Okta refused the request: Api validation failed: username (E0000001)',
      hint: 'Check your settings with `okta-aws init`, or sign in at https://o.okta.com in a browser to see what Okta expects.',
      code: 'E0000001',
    });
    expect(commonOktaError(new OktaApiError(403, {}), origin)).toMatchObject({ message: 'Okta refused the request: HTTP 403' });
  });
});
