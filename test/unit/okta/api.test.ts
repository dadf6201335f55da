/** okta/api's pieces on their own: the rate-limit wait, OktaApiError's text, and the errors every caller shares. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UserError } from '../../../src/lib/errors.js';
import { type HttpResponse, createHttpClient } from '../../../src/lib/http.js';
import { OktaApiError, commonOktaError, oktaPost, rateLimitSay, rateLimitWait } from '../../../src/okta/api.js';
import { type ScriptedAnswer, scriptedServer } from '../../helpers/scripted-server.js';

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

describe('oktaPost over loopback', () => {
  let server: Awaited<ReturnType<typeof scriptedServer>>;
  afterEach(() => server.close());
  const post = async (...answers: ScriptedAnswer[]) => {
    server = await scriptedServer(...answers);
    const waits: string[] = [];
    const result = oktaPost(await createHttpClient({ env: {} }), `${server.url}/api/v1/authn`, { username: 'alice', n: 1 }, async (ms, say) => {
      waits.push(`${ms} ${say(Math.ceil(ms / 1000))}`);
    });
    return { result, waits };
  };
  const host = () => new URL(server.url).host;
  const NOT_OKTA_HINT = "Check that sso_url is your Okta org's AWS app link (https://<org>.okta.com/app/amazon_aws/…/sso/saml) and that no proxy rewrites it.";

  it('POSTs the body as JSON, asking for JSON, and returns the parsed answer', async () => {
    const { result } = await post({ body: { status: 'SUCCESS', sessionToken: 'st' } });
    expect(await result).toEqual({ status: 'SUCCESS', sessionToken: 'st' });
    expect(server.received).toHaveLength(1);
    const [request] = server.received;
    expect(request).toMatchObject({ method: 'POST', path: '/api/v1/authn', body: '{"username":"alice","n":1}' });
    expect(request?.headers).toMatchObject({ accept: 'application/json', 'content-type': 'application/json' });
  });

  it('waits out a 429 until X-Rate-Limit-Reset, twice at most, then reports the rate limit', async () => {
    const limited = { status: 429, headers: { 'X-Rate-Limit-Reset': 'soon' }, body: { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' } };
    const { result, waits } = await post(limited, limited, limited, { body: { status: 'SUCCESS' } });
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OktaApiError);
    expect(error).toMatchObject({ status: 429, errorCode: 'E0000047' });
    expect(waits).toEqual(['1000 Okta rate limit: retrying in 1 s', '1000 Okta rate limit: retrying in 1 s']);
    expect(server.received).toHaveLength(3);
  });

  it('retries after a 429 with the same body, and returns the answer after it', async () => {
    const { result, waits } = await post({ status: 429, body: { errorCode: 'E0000047' } }, { body: { status: 'SUCCESS' } });
    expect(await result).toEqual({ status: 'SUCCESS' });
    expect(waits).toHaveLength(1);
    expect(server.received.map((r) => r.body)).toEqual(['{"username":"alice","n":1}', '{"username":"alice","n":1}']);
  });

  it('does not wait for a reset too far away', async () => {
    const { result, waits } = await post({ status: 429, headers: { 'X-Rate-Limit-Reset': String(Math.ceil(Date.now() / 1000) + 3600) }, body: { errorCode: 'E0000047' } });
    await expect(result).rejects.toMatchObject({ status: 429, errorCode: 'E0000047' });
    expect(waits).toEqual([]);
    expect(server.received).toHaveLength(1);
  });

  it.each<[string, ScriptedAnswer, Record<string, unknown>]>([
    ['HTML with 200', { headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: '<html>' }, { message: 'HOST answered HTTP 200 with text/html instead of Okta\'s JSON API', code: 'NOT_OKTA', hint: NOT_OKTA_HINT }],
    ['JSON sent as text/plain', { headers: { 'Content-Type': 'text/plain' }, body: '{"status":"SUCCESS"}' }, { message: 'HOST answered HTTP 200 with text/plain instead of Okta\'s JSON API', code: 'NOT_OKTA' }],
    ['no content type', { body: '' }, { message: 'HOST answered HTTP 200 with an unknown type instead of Okta\'s JSON API', code: 'NOT_OKTA' }],
    ['broken JSON', { headers: { 'Content-Type': 'application/json' }, body: '{"status":' }, { message: 'HOST answered HTTP 200 with application/json instead of Okta\'s JSON API', code: 'NOT_OKTA' }],
    ['a JSON string', { headers: { 'Content-Type': 'application/json' }, body: '"SUCCESS"' }, { code: 'NOT_OKTA' }],
    ['JSON null', { body: null }, { code: 'NOT_OKTA' }],
    ['a JSON number', { headers: { 'Content-Type': 'application/json' }, body: '42' }, { code: 'NOT_OKTA' }],
    ['a 404 HTML page', { status: 404, headers: { 'Content-Type': 'text/html' }, body: 'Not Found' }, { message: 'HOST answered HTTP 404 with text/html instead of Okta\'s JSON API', code: 'NOT_OKTA' }],
    ['a 500 HTML page', { status: 500, headers: { 'Content-Type': 'text/html' }, body: '<html>' }, { message: 'Okta (HOST) answered HTTP 500', code: 'HTTP_500', hint: 'Okta may be having trouble; try again in a minute (status.okta.com shows incidents).' }],
    ['a 500 JSON error without a code', { status: 500, body: { errorSummary: 'Internal Server Error' } }, { message: 'Okta (HOST) answered HTTP 500', code: 'HTTP_500' }],
    ['a 503 JSON error with a code', { status: 503, body: { errorCode: 'E0000009', errorSummary: 'Internal Server Error' } }, { message: 'Okta (HOST) answered HTTP 503 (E0000009)', code: 'E0000009' }],
  ])('turns %s into one line', async (_what, answer, expected) => {
    const { result } = await post(answer);
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject(JSON.parse(JSON.stringify(expected).replaceAll('HOST', host())));
  });

  it('passes a 4xx JSON error on as OktaApiError, and a 2xx or 3xx JSON answer as the result', async () => {
    const { result } = await post({ status: 401, body: { errorCode: 'E0000004', errorSummary: 'Authentication failed' } });
    await expect(result).rejects.toMatchObject({ status: 401, errorCode: 'E0000004', message: 'Okta answered HTTP 401 E0000004: Authentication failed' });
    await server.close();
    const created = await post({ status: 299, body: { status: 'SUCCESS' } });
    expect(await created.result).toEqual({ status: 'SUCCESS' });
    await server.close();
    const multiple = await post({ status: 300, body: { errorSummary: 'Multiple Choices' } });
    await expect(multiple.result).rejects.toMatchObject({ status: 300 });
  });
});

describe('rateLimitWait at the edge of what it waits for', () => {
  afterEach(() => vi.useRealTimers());

  it('waits exactly a minute, but not a millisecond more', () => {
    vi.useFakeTimers({ now: 1_700_000_000_250 });
    expect(rateLimitWait(answer('1700000060'))).toBe(60_000);
    vi.setSystemTime(1_700_000_000_249);
    expect(rateLimitWait(answer('1700000060'))).toBeUndefined();
  });
});

describe('OktaApiError.allText', () => {
  it('is the causes alone when there is no summary', () => {
    expect(new OktaApiError(403, { errorCauses: [{ errorSummary: 'Each code can only be used once.' }] }).allText).toBe('Each code can only be used once.');
    expect(new OktaApiError(403, { errorSummary: 'Invalid', errorCauses: [] }).allText).toBe('Invalid');
  });
});
