import { describe, expect, it } from 'vitest';
import { isLoopbackHost, validateDuration, validateRegion, validateSsoUrl } from '../../../src/lib/validate.js';

describe('validateSsoUrl', () => {
  it('accepts https and loopback http', () => {
    expect(validateSsoUrl(' https://example.okta.com/home/amazon_aws/0oa1/272 ')).toBe('https://example.okta.com/home/amazon_aws/0oa1/272');
    expect(validateSsoUrl('http://127.0.0.1:8080/app/amazon_aws/x/sso/saml')).toBe('http://127.0.0.1:8080/app/amazon_aws/x/sso/saml');
    expect(validateSsoUrl('http://localhost/home/amazon_aws/0oa1/272')).toBe('http://localhost/home/amazon_aws/0oa1/272');
    expect(validateSsoUrl('http://[::1]:9/app/amazon_aws/exk1/sso/saml')).toBe('http://[::1]:9/app/amazon_aws/exk1/sso/saml');
  });

  it('refuses a link that is not the AWS app\'s (the bare org URL would get the password, then a 404)', () => {
    for (const url of ['https://example.okta.com/', 'https://example.okta.com', 'https://example.okta.com/app/UserHome', 'https://example.okta.com/app/amazon_aws/exk1/sso', 'https://example.okta.com/home/salesforce/0oa1/24', 'http://localhost/x']) {
      expect(() => validateSsoUrl(url), url).toThrow(/is not an AWS app link/);
    }
    expect(validateSsoUrl('https://example.okta.com/home/amazon_aws/0oa1/272?fromHome=true')).toBe('https://example.okta.com/home/amazon_aws/0oa1/272?fromHome=true');
    expect(validateSsoUrl('https://example.okta.com/app/amazon_aws/exk1/sso/saml/')).toBe('https://example.okta.com/app/amazon_aws/exk1/sso/saml/');
  });

  it('refuses http to any other host, other schemes and non-URLs', () => {
    expect(() => validateSsoUrl('http://example.okta.com/app')).toThrow(/must use https/);
    expect(() => validateSsoUrl('http://10.0.0.1/app')).toThrow(/must use https/);
    expect(() => validateSsoUrl('http://127.example.com/app')).toThrow(/must use https/);
    expect(() => validateSsoUrl('ftp://example.okta.com/')).toThrow(/must use https/);
    expect(() => validateSsoUrl('example.okta.com/app')).toThrow(/is not a URL/);
    expect(() => validateSsoUrl('https://me:pw@example.okta.com/')).toThrow(/user name or password/);
  });

  it('knows loopback hosts', () => {
    expect(isLoopbackHost('127.255.0.1')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
  });
});

describe('validateRegion and validateDuration', () => {
  it('accepts real region names only', () => {
    expect(validateRegion('ap-southeast-2')).toBe('ap-southeast-2');
    expect(validateRegion('us-gov-west-1')).toBe('us-gov-west-1');
    expect(() => validateRegion('sydney')).toThrow(/not an AWS region/);
  });

  it('keeps durations within what STS allows', () => {
    expect(validateDuration(900)).toBe(900);
    expect(validateDuration(43200)).toBe(43200);
    expect(() => validateDuration(899)).toThrow(/outside what STS allows/);
    expect(() => validateDuration(43201)).toThrow(/outside what STS allows/);
  });
});
