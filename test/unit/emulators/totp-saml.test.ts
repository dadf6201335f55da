import { describe, it, expect } from 'vitest';
import { DOMParser } from '@xmldom/xmldom';
import { createGuardrails, generate } from 'otplib';
import { base32Decode, base32Encode, hotp, totpAt } from '../../emulators/totp.js';
import {
  buildSamlResponse, jsEscape, oktaHtmlEscape, roleAttributeValue, samlFormPage, signInPage, signinSamlUrl, stepUpPage,
} from '../../emulators/saml.js';
import { FIXTURE_ROLES, FIXTURE_TOTP_SECRET } from '../../emulators/index.js';
import { htmlUnescape, samlFromPage } from './helpers.js';

const RFC_KEY = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('totp', () => {
  it('matches the RFC 6238 SHA-1 vectors', () => {
    expect(totpAt(RFC_KEY, 59, 8)).toBe('94287082');
    expect(totpAt(RFC_KEY, 1111111109, 8)).toBe('07081804');
    expect(totpAt(RFC_KEY, 1234567890, 8)).toBe('89005924');
    expect(totpAt(RFC_KEY, 2000000000, 8)).toBe('69279037');
    expect(totpAt(RFC_KEY, 1111111109)).toBe('081804');
  });

  it('decodes base32 in any case, with spaces and padding, and round-trips', () => {
    expect(base32Decode('gezd gnbv gy3t qojq gezd gnbv gy3t qojq').toString()).toBe('12345678901234567890');
    expect(base32Decode('MZXW6===').toString()).toBe('foo');
    expect(base32Encode(Buffer.from('12345678901234567890'))).toBe(RFC_KEY);
    expect(() => base32Decode('ABC1')).toThrow();
    expect(hotp(Buffer.from('12345678901234567890'), 0)).toBe('755224');
  });

  it('agrees with otplib, which needs relaxed guardrails for 10-byte (Okta-size) secrets', async () => {
    expect(base32Decode(FIXTURE_TOTP_SECRET)).toHaveLength(10);
    await expect(generate({ secret: FIXTURE_TOTP_SECRET, epoch: 1_700_000_000 })).rejects.toThrow(/16 bytes/);
    const guardrails = createGuardrails({ MIN_SECRET_BYTES: 10 });
    expect(await generate({ secret: FIXTURE_TOTP_SECRET, epoch: 1_700_000_000, guardrails })).toBe(totpAt(FIXTURE_TOTP_SECRET, 1_700_000_000));
    expect(await generate({ secret: RFC_KEY, epoch: 59 })).toBe('287082');
  });
});

describe('saml', () => {
  const now = Date.UTC(2025, 0, 2, 3, 4, 5);
  const built = buildSamlResponse({
    issuer: 'http://www.okta.com/exk1abc',
    destination: 'https://signin.aws.amazon.com/saml',
    nameId: 'alice@example.com',
    roles: FIXTURE_ROLES,
    sessionName: 'alice@example.com',
    sessionDuration: 3600,
    now,
  });

  it('builds a namespaced SAML 2.0 Response with the AWS attributes', () => {
    const doc = new DOMParser().parseFromString(built.xml, 'text/xml');
    const P = 'urn:oasis:names:tc:SAML:2.0:protocol';
    const A = 'urn:oasis:names:tc:SAML:2.0:assertion';
    const response = doc.getElementsByTagNameNS(P, 'Response')[0]!;
    expect(response.getAttribute('Destination')).toBe('https://signin.aws.amazon.com/saml');
    expect(doc.getElementsByTagNameNS(P, 'StatusCode')[0]!.getAttribute('Value')).toBe('urn:oasis:names:tc:SAML:2.0:status:Success');
    const assertion = doc.getElementsByTagNameNS(A, 'Assertion')[0]!;
    expect(assertion.getAttribute('ID')).toBe(built.assertion.id);
    expect(doc.getElementsByTagNameNS(A, 'Audience')[0]!.textContent).toBe('urn:amazon:webservices');
    const five = new Date(now + 300_000).toISOString();
    expect(doc.getElementsByTagNameNS(A, 'Conditions')[0]!.getAttribute('NotOnOrAfter')).toBe(five);
    expect(doc.getElementsByTagNameNS(A, 'SubjectConfirmationData')[0]!.getAttribute('NotOnOrAfter')).toBe(five);
    const attrs = Array.from(doc.getElementsByTagNameNS(A, 'Attribute'));
    const values = (name: string) =>
      Array.from(attrs.find((a) => a.getAttribute('Name') === name)!.getElementsByTagNameNS(A, 'AttributeValue')).map((v) => v.textContent);
    expect(values('https://aws.amazon.com/SAML/Attributes/Role')).toEqual([
      'arn:aws:iam::111111111111:saml-provider/Okta,arn:aws:iam::111111111111:role/Admin',
      'arn:aws:iam::111111111111:role/team/dev/Deployer, arn:aws:iam::111111111111:saml-provider/Okta',
      'arn:aws:iam::222222222222:saml-provider/Okta, arn:aws:iam::222222222222:role/Auditor',
    ]);
    expect(values('https://aws.amazon.com/SAML/Attributes/RoleSessionName')).toEqual(['alice@example.com']);
    expect(values('https://aws.amazon.com/SAML/Attributes/SessionDuration')).toEqual(['3600']);
    expect(roleAttributeValue({ roleArn: 'r', principalArn: 'p' })).toBe('r,p');
  });

  it('escapes the form like Okta, and the base64 exercises +, / and =', () => {
    expect(built.base64).toMatch(/\+/);
    expect(built.base64).toMatch(/\//);
    expect(built.base64).toMatch(/=$/);
    const page = samlFormPage({ samlResponse: built.base64, action: signinSamlUrl('aws') });
    expect(page).toContain('<form id="appForm" action="https&#x3a;&#x2f;&#x2f;signin.aws.amazon.com&#x2f;saml" method="POST">');
    expect(page).toContain('&#x2b;');
    expect(page).toContain('&#x3d;"/>');
    expect(page).not.toMatch(/value="[^"]*[+=/][^"]*"/);
    expect(page).toContain('<input name="RelayState" type="hidden" value=""/>');
    expect(samlFromPage(page)).toBe(built.base64);
    expect(Buffer.from(samlFromPage(page)!, 'base64').toString('utf8')).toBe(built.xml);
    expect(htmlUnescape(oktaHtmlEscape('a+b/c=d:é'))).toBe('a+b/c=d:é');
  });

  it('knows the form action of each partition', () => {
    expect(signinSamlUrl('aws')).toBe('https://signin.aws.amazon.com/saml');
    expect(signinSamlUrl('aws', 'eu-west-1')).toBe('https://eu-west-1.signin.aws.amazon.com/saml');
    expect(signinSamlUrl('aws-us-gov')).toBe('https://signin.amazonaws-us-gov.com/saml');
    expect(signinSamlUrl('aws-cn')).toBe('https://signin.amazonaws.cn/saml');
  });

  it('serves step-up and sign-in pages without a SAMLResponse', () => {
    const step = stepUpPage({ stateToken: '00ab-cd_EF' });
    expect(step).toContain("var stateToken = '00ab\\x2Dcd_EF';");
    expect(step).not.toContain('SAMLResponse');
    expect(jsEscape('a-b')).toBe('a\\x2Db');
    expect(signInPage()).not.toContain('SAMLResponse');
  });
});
