/** okta/oauth: the token endpoint's answers, what is sent on the wire, and every token kept out of logs. */
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/lib/errors.js';
import { createHttpClient } from '../../../src/lib/http.js';
import { redact } from '../../../src/lib/log.js';
import { DEVICE_SCOPES, OAuthError, oauthPost, parseOAuthAnswer, refreshTokens, tokenSetFrom } from '../../../src/okta/oauth.js';
import { scriptedServer } from '../../helpers/scripted-server.js';

describe('OAuthError', () => {
  it('says the error, its description when there is one, and the status', () => {
    expect(new OAuthError(400, 'invalid_grant', 'The refresh token is invalid or expired.').message).toBe('Okta answered invalid_grant: The refresh token is invalid or expired. (HTTP 400)');
    expect(new OAuthError(401, 'invalid_client', undefined).message).toBe('Okta answered invalid_client (HTTP 401)');
  });

  it.each([
    ['invalid_grant', "The application's assurance requirements are not met by the 'subject_token'.", true],
    ['invalid_grant', 'ASSURANCE not met', true],
    ['invalid_grant', 'The refresh token is invalid or expired.', false],
    ['invalid_grant', undefined, false],
    ['invalid_request', 'assurance', false],
  ])('%s "%s" is an assurance refusal: %s', (error, description, expected) => {
    expect(new OAuthError(400, error, description).assuranceNotMet).toBe(expected);
  });
});

describe('parseOAuthAnswer', () => {
  const parse = (status: number, type: string, text: string) => {
    try {
      return parseOAuthAnswer(status, type, text, 'o.okta.com');
    } catch (error) {
      return error;
    }
  };

  it.each<[string, number, string, string, unknown]>([
    ['a JSON object with 200', 200, 'application/json;charset=UTF-8', '{"a":1}', { a: 1 }],
    ['a JSON object with 299', 299, 'application/json', '{"a":1}', { a: 1 }],
    ['an error body with 400', 400, 'application/json', '{"error":"invalid_grant","error_description":"x"}', new OAuthError(400, 'invalid_grant', 'x')],
    ['an error body with 300', 300, 'application/json', '{"error":"invalid_grant"}', new OAuthError(300, 'invalid_grant', undefined)],
    ['an error body whose description is no string', 400, 'application/json', '{"error":"invalid_grant","error_description":7}', new OAuthError(400, 'invalid_grant', undefined)],
  ])('%s', (_what, status, type, text, expected) => {
    const result = parse(status, type, text);
    expect(result).toEqual(expected);
    if (expected instanceof OAuthError) expect(result).toMatchObject({ status: expected.status, error: expected.error, description: expected.description });
  });

  it.each<[string, number, string, string, { message: string; hint: string; code: string }]>([
    [
      'an HTML page',
      200,
      'text/html; charset=utf-8',
      '<html>',
      { message: "o.okta.com answered HTTP 200 with text/html instead of Okta's OAuth JSON", hint: "Check that sso_url is your Okta org's AWS app link and that no proxy rewrites it.", code: 'NOT_OKTA' },
    ],
    ['JSON sent as text', 200, 'text/plain', '{"access_token":"a"}', { message: "o.okta.com answered HTTP 200 with text/plain instead of Okta's OAuth JSON", hint: expect.any(String) as never, code: 'NOT_OKTA' }],
    ['no type at all', 400, '', '', { message: "o.okta.com answered HTTP 400 with an unknown type instead of Okta's OAuth JSON", hint: expect.any(String) as never, code: 'NOT_OKTA' }],
    ['a JSON array', 200, 'application/json', '[{"error":"x"}]', { message: "o.okta.com answered HTTP 200 with application/json instead of Okta's OAuth JSON", hint: expect.any(String) as never, code: 'NOT_OKTA' }],
    ['a JSON string', 200, 'application/json', '"x"', { message: "o.okta.com answered HTTP 200 with application/json instead of Okta's OAuth JSON", hint: expect.any(String) as never, code: 'NOT_OKTA' }],
    ['a JSON number', 200, 'application/json', '7', { message: "o.okta.com answered HTTP 200 with application/json instead of Okta's OAuth JSON", hint: expect.any(String) as never, code: 'NOT_OKTA' }],
    ['JSON null', 200, 'application/json', 'null', { message: "o.okta.com answered HTTP 200 with application/json instead of Okta's OAuth JSON", hint: expect.any(String) as never, code: 'NOT_OKTA' }],
    ['broken JSON', 200, 'application/json', '{', { message: "o.okta.com answered HTTP 200 with application/json instead of Okta's OAuth JSON", hint: expect.any(String) as never, code: 'NOT_OKTA' }],
    ['a 4xx JSON body without an error', 400, 'application/json', '{"errorCode":"E0000001"}', { message: "o.okta.com answered HTTP 400 with application/json instead of Okta's OAuth JSON", hint: expect.any(String) as never, code: 'NOT_OKTA' }],
    ['a 500 page', 500, 'text/html', '<html>', { message: 'Okta (o.okta.com) answered HTTP 500', hint: 'Okta may be having trouble; try again in a minute.', code: 'HTTP_500' }],
    ['a 503 JSON body without an error', 503, 'application/json', '{}', { message: 'Okta (o.okta.com) answered HTTP 503', hint: 'Okta may be having trouble; try again in a minute.', code: 'HTTP_503' }],
    ['a 499 page', 499, 'text/html', '<html>', { message: "o.okta.com answered HTTP 499 with text/html instead of Okta's OAuth JSON", hint: expect.any(String) as never, code: 'NOT_OKTA' }],
  ])('turns %s into a UserError', (_what, status, type, text, expected) => {
    const error = parse(status, type, text);
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject(expected);
  });
});

describe('tokenSetFrom', () => {
  it('reads the tokens and registers each for redaction', () => {
    const set = tokenSetFrom({ access_token: 'acc-1234', id_token: 'idt-1234', refresh_token: 'ref-1234', scope: 'openid', token_type: 'Bearer' });
    expect(set).toStrictEqual({ accessToken: 'acc-1234', idToken: 'idt-1234', refreshToken: 'ref-1234', scope: 'openid' });
    expect(redact('acc-1234 idt-1234 ref-1234')).toBe('[redacted] [redacted] [redacted]');
  });

  it('leaves out tokens that are empty or not strings', () => {
    expect(tokenSetFrom({ access_token: 'acc-5678', id_token: '', refresh_token: 5, scope: null })).toStrictEqual({ accessToken: 'acc-5678', idToken: undefined, refreshToken: undefined, scope: undefined });
  });

  it.each([{}, { access_token: '' }, { access_token: 42 }])('refuses an answer without an access token (%j)', (body) => {
    expect(() => tokenSetFrom(body)).toThrow(expect.objectContaining({ message: "Okta's token answer has no access_token", hint: 'Run again with --debug and report it.', code: 'BAD_TOKEN_ANSWER' }));
  });
});

describe('oauthPost and refreshTokens over loopback', () => {
  let server: Awaited<ReturnType<typeof scriptedServer>>;
  afterEach(() => server.close());

  it('POSTs a form, asking for JSON', async () => {
    server = await scriptedServer({ body: { ok: true } });
    expect(await oauthPost(await createHttpClient({ env: {} }), `${server.url}/oauth2/v1/x`, { a: '1 2', b: '&' })).toEqual({ ok: true });
    expect(server.received).toMatchObject([{ method: 'POST', path: '/oauth2/v1/x', body: 'a=1+2&b=%26', headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' } }]);
  });

  it('refreshes with the refresh grant and the CLI scopes, hiding the refresh token from logs first', async () => {
    server = await scriptedServer({ body: { access_token: 'new-access', refresh_token: 'new-refresh', id_token: 'new-id', scope: DEVICE_SCOPES } });
    const set = await refreshTokens(await createHttpClient({ env: {} }), server.url, 'cli0client', 'old-refresh');
    expect(set).toEqual({ accessToken: 'new-access', refreshToken: 'new-refresh', idToken: 'new-id', scope: DEVICE_SCOPES });
    expect(server.received[0]?.path).toBe('/oauth2/v1/token');
    expect(Object.fromEntries(new URLSearchParams(server.received[0]?.body))).toEqual({ client_id: 'cli0client', grant_type: 'refresh_token', refresh_token: 'old-refresh', scope: 'openid okta.apps.sso okta.users.read.self offline_access' });
    expect(redact('old-refresh')).toBe('[redacted]');
  });

  it('says so when the answer has no content type at all', async () => {
    server = await scriptedServer({ status: 200, body: '{"access_token":"a"}' });
    await expect(oauthPost(await createHttpClient({ env: {} }), `${server.url}/oauth2/v1/token`, {})).rejects.toMatchObject({ message: `${new URL(server.url).host} answered HTTP 200 with an unknown type instead of Okta's OAuth JSON` });
  });

  it('names the host of a page that is not Okta', async () => {
    server = await scriptedServer({ status: 200, headers: { 'Content-Type': 'text/html' }, body: '<html>' });
    await expect(oauthPost(await createHttpClient({ env: {} }), `${server.url}/oauth2/v1/token`, {})).rejects.toMatchObject({ message: `${new URL(server.url).host} answered HTTP 200 with text/html instead of Okta's OAuth JSON` });
  });
});
