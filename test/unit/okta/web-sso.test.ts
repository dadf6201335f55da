import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/lib/errors.js';
import { OAuthError, parseOAuthAnswer } from '../../../src/okta/oauth.js';
import { type AppLink, appInstanceIdFromUrl, awsAppInstance } from '../../../src/okta/web-sso.js';

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
