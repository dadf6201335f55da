/** The one-line errors of lib/validate: what is wrong and how to fix it, word for word. */
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, validateDuration, validateRegion, validateSsoUrl } from '../../../src/lib/validate.js';

const fails = (fn: () => unknown, message: string, hint: string, code: string) => expect(fn).toThrow(expect.objectContaining({ name: 'UserError', message, hint, code }));

describe('validation errors', () => {
  it('an SSO URL that is not a URL', () => {
    fails(
      () => validateSsoUrl('  example.okta.com/app '),
      'The SSO URL "example.okta.com/app" is not a URL',
      "Copy the AWS app's embed link from Okta, e.g. https://example.okta.com/home/amazon_aws/0oa…/272 or …/app/amazon_aws/exk…/sso/saml.",
      'BAD_SSO_URL',
    );
  });

  it('an SSO URL over plain http', () => {
    fails(() => validateSsoUrl('http://example.okta.com:8080/app'), 'The SSO URL must use https:// (got http://example.okta.com:8080)', 'Use the https:// link Okta shows; plain http is accepted only for loopback test servers.', 'INSECURE_SSO_URL');
  });

  it('an SSO URL with credentials in it', () => {
    fails(() => validateSsoUrl('https://me@example.okta.com/'), 'The SSO URL must not contain a user name or password', 'Remove the user:password@ part.', 'BAD_SSO_URL');
    fails(() => validateSsoUrl('https://:pw@example.okta.com/'), 'The SSO URL must not contain a user name or password', 'Remove the user:password@ part.', 'BAD_SSO_URL');
  });

  it('a region name', () => {
    expect(validateRegion(' us-iso-east-1 ')).toBe('us-iso-east-1');
    expect(validateRegion('us-isob-east-1')).toBe('us-isob-east-1');
    for (const bad of ['us-east-1a', 'xus-east-1', 'us-east-10', 'US-EAST-1', 'us-east']) {
      fails(() => validateRegion(bad), `"${bad}" is not an AWS region name`, 'Use a region such as ap-southeast-2, us-east-1 or eu-west-1.', 'BAD_REGION');
    }
  });

  it('a duration', () => {
    fails(() => validateDuration(3600.5), 'The duration 3600.5 is outside what STS allows', 'Use a whole number of seconds from 900 to 43200.', 'BAD_DURATION');
  });

  it('loopback hosts, exactly', () => {
    expect(isLoopbackHost('LOCALHOST')).toBe(true);
    expect(isLoopbackHost('::1')).toBe(true);
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('localhost.example.com')).toBe(false);
    expect(isLoopbackHost('[::2]')).toBe(false);
    expect(isLoopbackHost('1.127.0.0')).toBe(false);
  });
});
