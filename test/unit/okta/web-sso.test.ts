import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/lib/errors.js';
import { OAuthError, parseOAuthAnswer } from '../../../src/okta/oauth.js';
import { createHttpClient } from '../../../src/lib/http.js';
import { redact } from '../../../src/lib/log.js';
import { type AppLink, AssuranceNotMet, appInstanceIdFromUrl, awsAppInstance, exchangeForWebSsoToken, listAppLinks, samlResponseFromWebSsoToken } from '../../../src/okta/web-sso.js';
import { type ScriptedAnswer, scriptedServer } from '../../helpers/scripted-server.js';

const link = (appName: string, appInstanceId: string, label = appName): AppLink => ({ appName, appInstanceId, label, linkUrl: `https://example.okta.com/home/${appName}/${appInstanceId}/272` });

describe('the AWS app instance id', () => {
  it('comes from a dashboard link, not from an embed link (whose key is another id)', () => {
    expect(appInstanceIdFromUrl('https://example.okta.com/home/amazon_aws/0oa1b2c3d4E5f6g7h8/272')).toBe('0oa1b2c3d4E5f6g7h8');
    expect(appInstanceIdFromUrl('https://example.okta.com/home/amazon_aws/0oa1b2c3/272?fromHome=true')).toBe('0oa1b2c3');
    expect(appInstanceIdFromUrl('https://example.okta.com/app/amazon_aws/exk1abc/sso/saml')).toBeUndefined();
    expect(appInstanceIdFromUrl('https://example.okta.com/home/slack/0oa1b2c3/272')).toBeUndefined();
  });

  it('is the one amazon_aws app link; none or several say what to do', () => {
    expect(awsAppInstance([link('slack', '0oaSlack'), link('amazon_aws', '0oaAws1', 'AWS')])).toBe('0oaAws1');
    expect(() => awsAppInstance([link('slack', '0oaSlack')])).toThrow(/no AWS app/);
    let error: UserError | undefined;
    try {
      awsAppInstance([link('amazon_aws', '0oaProd', 'AWS prod'), link('amazon_aws', '0oaDev', 'AWS dev')]);
    } catch (e) {
      error = e as UserError;
    }
    expect(error?.message).toBe('Okta lists 2 AWS apps for you: "AWS prod" https://example.okta.com/home/amazon_aws/0oaProd/272, "AWS dev" https://example.okta.com/home/amazon_aws/0oaDev/272');
    expect(error?.hint).toMatch(/okta-aws init --sso-url/);
  });
});

describe('parseOAuthAnswer', () => {
  it('returns a JSON success, throws OAuthError for an RFC 6749 error body', () => {
    expect(parseOAuthAnswer(200, 'application/json', '{"access_token":"a"}', 'h')).toEqual({ access_token: 'a' });
    let error: unknown;
    try {
      parseOAuthAnswer(400, 'application/json;charset=UTF-8', '{"error":"invalid_grant","error_description":"The application\'s assurance requirements are not met by the \'subject_token\'."}', 'h');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).assuranceNotMet).toBe(true);
    expect(new OAuthError(400, 'invalid_grant', 'The refresh token is invalid or expired.').assuranceNotMet).toBe(false);
  });

  it('turns an HTML page or a 5xx into a UserError, not an OAuthError', () => {
    expect(() => parseOAuthAnswer(200, 'text/html', '<html>', 'h')).toThrow(UserError);
    expect(() => parseOAuthAnswer(502, 'text/html', '<html>', 'h')).toThrow(/HTTP 502/);
  });
});

describe('app links and the AWS app instance, in detail', () => {
  it.each([
    ['https://example.okta.com/home/amazon_aws/0oaABC', '0oaABC'],
    ['https://example.okta.com/home/amazon_aws/0oaABC/', '0oaABC'],
    ['https://example.okta.com/home/amazon_aws/0oaABC-x/272', undefined],
    ['https://example.okta.com/home/amazon_aws/1oaABC/272', undefined],
    ['https://example.okta.com/x/home/amazon_aws/0oaABC/272', '0oaABC'],
  ])('%s → %s', (url, id) => {
    expect(appInstanceIdFromUrl(url)).toBe(id);
  });

  it('counts only amazon_aws links with an app instance id', () => {
    expect(awsAppInstance([link('amazon_aws', 'exk1abc'), link('amazon_aws', '0oa1-2'), link('amazon_aws', 'x0oa12'), link('amazon_aws', '0oaGood')])).toBe('0oaGood');
    expect(() => awsAppInstance([])).toThrow(
      expect.objectContaining({
        message: 'Okta lists no AWS app for you',
        hint: 'Ask your Okta admin to assign you the AWS app, or set sso_url to its dashboard link (…/home/amazon_aws/0oa…/272) with `okta-aws init --sso-url …`.',
        code: 'NO_AWS_APP',
      }),
    );
    expect(() => awsAppInstance([link('amazon_aws', '0oa1'), link('amazon_aws', '0oa2')])).toThrow(expect.objectContaining({ hint: 'Pick one and set it as the SSO URL: `okta-aws init --sso-url <its link>`.', code: 'SEVERAL_AWS_APPS' }));
  });
});

describe('the web SSO steps over loopback', () => {
  let server: Awaited<ReturnType<typeof scriptedServer>>;
  afterEach(() => server.close());
  const client = () => createHttpClient({ env: {} });
  const tokens = (idToken: string | undefined = 'id-tok-1') => ({ accessToken: 'acc-tok-1', idToken, refreshToken: undefined, scope: undefined });

  it('lists the app links with the access token, keeping only objects and reading every field as text', async () => {
    server = await scriptedServer({ body: [{ label: 'AWS', linkUrl: 'https://o/home/amazon_aws/0oa1/272', appName: 'amazon_aws', appInstanceId: '0oa1', sortOrder: 0 }, null, 'x', { label: 7 }, {}] });
    expect(await listAppLinks(await client(), server.url, 'acc-tok-1')).toStrictEqual([
      { label: 'AWS', linkUrl: 'https://o/home/amazon_aws/0oa1/272', appName: 'amazon_aws', appInstanceId: '0oa1' },
      { label: '7', linkUrl: '', appName: '', appInstanceId: '' },
      { label: '', linkUrl: '', appName: '', appInstanceId: '' },
    ]);
    expect(server.received).toMatchObject([{ method: 'GET', path: '/api/v1/users/me/appLinks', headers: { accept: 'application/json', authorization: 'Bearer acc-tok-1' } }]);
  });

  it.each<[number, string | object, { message: string; hint: string; code: string }]>([
    [
      403,
      { errorCode: 'E0000006' },
      {
        message: 'Okta refused to list your apps (HTTP 403)',
        hint: "Ask your Okta admin to grant the OIDC app the okta.users.read.self scope, or set sso_url to the AWS app's dashboard link (…/home/amazon_aws/0oa…/272).",
        code: 'HTTP_403',
      },
    ],
    [401, { errorCode: 'E0000011' }, { message: 'Okta refused to list your apps (HTTP 401)', hint: expect.any(String) as never, code: 'HTTP_401' }],
    [500, [], { message: 'Okta answered HTTP 500 when asked for your apps', hint: 'Run again with --debug to see more.', code: 'HTTP_500' }],
    [201, [], { message: 'Okta answered HTTP 201 when asked for your apps', hint: 'Run again with --debug to see more.', code: 'HTTP_201' }],
    [200, { links: [] }, { message: 'Okta answered HTTP 200 when asked for your apps', hint: 'Run again with --debug to see more.', code: 'HTTP_200' }],
    [200, '<html>', { message: 'Okta answered HTTP 200 when asked for your apps', hint: 'Run again with --debug to see more.', code: 'HTTP_200' }],
  ])('app links answered %i %j say so', async (status, body, expected) => {
    server = await scriptedServer({ status, body });
    await expect(listAppLinks(await client(), server.url, 'acc-tok-1')).rejects.toMatchObject(expected);
  });

  it('exchanges the access and id tokens for a web SSO token for the app, and hides it from logs', async () => {
    server = await scriptedServer({ body: { token_type: 'N_A', access_token: 'web-sso-tok-1', issued_token_type: 'urn:okta:oauth:token-type:web_sso_token' } });
    expect(await exchangeForWebSsoToken(await client(), server.url, 'cli0client', tokens(), '0oaApp')).toBe('web-sso-tok-1');
    expect(server.received[0]?.path).toBe('/oauth2/v1/token');
    expect(Object.fromEntries(new URLSearchParams(server.received[0]?.body))).toEqual({
      client_id: 'cli0client',
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      actor_token: 'acc-tok-1',
      actor_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      subject_token: 'id-tok-1',
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      requested_token_type: 'urn:okta:oauth:token-type:web_sso_token',
      audience: 'urn:okta:apps:0oaApp',
    });
    expect(redact('web-sso-tok-1')).toBe('[redacted]');
  });

  it('needs an id token before asking', async () => {
    server = await scriptedServer();
    await expect(exchangeForWebSsoToken(await client(), server.url, 'c', tokens(''), '0oaApp')).rejects.toMatchObject({ message: 'Okta gave no id token', hint: 'Ask your Okta admin to allow the openid scope on the OIDC app.', code: 'NO_ID_TOKEN' });
    expect(server.received).toEqual([]);
  });

  it.each<[string, ScriptedAnswer, Record<string, unknown>]>([
    ['an assurance refusal', { status: 400, body: { error: 'invalid_grant', error_description: "The application's assurance requirements are not met." } }, { code: 'ASSURANCE', message: "Okta says your login does not meet the AWS app's assurance requirements", hint: 'Run `okta-aws refresh` on a terminal to sign in again in the browser.' }],
    [
      'another refusal, with a description',
      { status: 400, body: { error: 'invalid_target', error_description: 'Not allowed.' } },
      { code: 'invalid_target', message: 'Okta refused the web SSO token for the AWS app 0oaApp (invalid_target: Not allowed.)', hint: 'Ask your Okta admin to set the AWS app\'s "Allowed Web SSO Client" to the OIDC app and to enable its Token Exchange grant.' },
    ],
    ['another refusal, without one', { status: 400, body: { error: 'unauthorized_client' } }, { code: 'unauthorized_client', message: 'Okta refused the web SSO token for the AWS app 0oaApp (unauthorized_client)' }],
    ['an answer without the token', { body: { token_type: 'N_A' } }, { code: 'BAD_TOKEN_ANSWER', message: "Okta's token exchange answer has no web SSO token", hint: 'Run again with --debug and report it.' }],
    ['an answer whose token is no string', { body: { access_token: 1 } }, { code: 'BAD_TOKEN_ANSWER' }],
    ['a page that is not Okta', { headers: { 'Content-Type': 'text/html' }, body: '<html>' }, { code: 'NOT_OKTA' }],
  ])('turns %s into one line', async (_what, answer, expected) => {
    server = await scriptedServer(answer);
    const error = await exchangeForWebSsoToken(await client(), server.url, 'c', tokens(), '0oaApp').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject(expected);
    if (expected.code === 'ASSURANCE') expect(error).toBeInstanceOf(AssuranceNotMet);
  });

  it('posts the web SSO token as a form and reads the SAMLResponse off the page', async () => {
    server = await scriptedServer({ headers: { 'Content-Type': 'text/html' }, body: '<form action="https://signin.aws.amazon.com/saml"><input name="SAMLResponse" value="QUJD"></form>' });
    expect(await samlResponseFromWebSsoToken(await client(), server.url, 'web sso+tok')).toBe('QUJD');
    expect(server.received).toMatchObject([{ method: 'POST', path: '/login/token/sso', body: 'token=web+sso%2Btok', headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' } }]);
  });

  it.each([
    [400, 'Run the command again; if it repeats, run it with --debug.'],
    [499, 'Run the command again; if it repeats, run it with --debug.'],
    [500, 'Okta may be having trouble; try again in a minute.'],
    [201, 'Run the command again; if it repeats, run it with --debug.'],
  ])('a web SSO page with HTTP %i says so', async (status, hint) => {
    server = await scriptedServer({ status, headers: { 'Content-Type': 'text/html' }, body: '<html>' });
    await expect(samlResponseFromWebSsoToken(await client(), server.url, 't')).rejects.toMatchObject({ message: `Okta answered HTTP ${status} to the web SSO token`, hint, code: `HTTP_${status}` });
  });
});
