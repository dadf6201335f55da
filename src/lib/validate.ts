import { isIP } from 'node:net';
import { UserError } from './errors.js';

/** 127.0.0.0/8, ::1 and localhost: the only hosts where plain http is allowed (tests, the demo). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** The two links Okta gives for the AWS app: the dashboard tile's and the embed link. */
const AWS_APP_PATH = /^\/(?:app\/amazon_aws\/[^/]+\/sso\/saml|home\/amazon_aws\/[^/]+(?:\/[^/]*)?)\/?$/;

/** An SSO URL must be https (http only on loopback): the password travels to its origin. */
export function validateSsoUrl(input: string): string {
  const text = input.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`The SSO URL "${text}" is not a URL`, {
      hint: "Copy the AWS app's embed link from Okta, e.g. https://example.okta.com/home/amazon_aws/0oa…/272 or …/app/amazon_aws/exk…/sso/saml.",
      code: 'BAD_SSO_URL',
    });
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new UserError(`The SSO URL must use https:// (got ${url.protocol}//${url.host})`, {
      hint: 'Use the https:// link Okta shows; plain http is accepted only for loopback test servers.',
      code: 'INSECURE_SSO_URL',
    });
  }
  if (url.username || url.password) {
    throw new UserError('The SSO URL must not contain a user name or password', { hint: 'Remove the user:password@ part.', code: 'BAD_SSO_URL' });
  }
  // The bare org URL (or any other page) would get the password and a TOTP code, then a 404.
  if (!AWS_APP_PATH.test(url.pathname)) {
    throw new UserError(`The SSO URL ${url.origin}${url.pathname} is not an AWS app link`, {
      hint: "Use the AWS app's link from Okta: https://<org>.okta.com/home/amazon_aws/0oa…/272 (right-click the AWS tile) or …/app/amazon_aws/exk…/sso/saml (the app's embed link).",
      code: 'NOT_AWS_APP_URL',
    });
  }
  return url.toString();
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;

export function validateRegion(input: string): string {
  const region = input.trim();
  if (!REGION.test(region)) {
    throw new UserError(`"${region}" is not an AWS region name`, { hint: 'Use a region such as ap-southeast-2, us-east-1 or eu-west-1.', code: 'BAD_REGION' });
  }
  return region;
}

export function validateDuration(value: number): number {
  if (!Number.isInteger(value) || value < 900 || value > 43200) {
    throw new UserError(`The duration ${value} is outside what STS allows`, { hint: 'Use a whole number of seconds from 900 to 43200.', code: 'BAD_DURATION' });
  }
  return value;
}
