import { describe, expect, it } from 'vitest';
import { decodeSamlResponse, extractSamlForm } from '../../../src/saml/form.js';
import { thrown } from '../../helpers/user-error.js';

/** Okta's page escapes every non-alphanumeric character of the attribute values. */
function oktaEscape(text: string): string {
  return text.replace(/[^A-Za-z0-9]/g, (c) => `&#x${c.charCodeAt(0).toString(16)};`);
}

const XML = '<?xml version="1.0" encoding="UTF-8"?><saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol"/>';
// Chosen so the base64 holds both + and /, which Okta writes as &#x2b; and &#x2f;.
const B64 = Buffer.from(`${XML}<!-- ??>>> -->`).toString('base64');

function oktaPage(value: string, action = 'https://signin.aws.amazon.com/saml'): string {
  return `<!DOCTYPE html>
<html lang="en"><head><title>Amazon Web Services</title>
<script type="text/javascript">var x = '<input name="SAMLResponse" value="FROMSCRIPT">';</script></head>
<body id="app" class="enduser-app">
<!-- <input name="SAMLResponse" value="FROMCOMMENT"/> -->
<form id="appForm" action="${oktaEscape(action)}" method="POST">
    <input name="SAMLResponse" type="hidden" value="${oktaEscape(value)}"/>
    <input name="RelayState" type="hidden" value=""/>
</form>
<script type="text/javascript">document.getElementById('appForm').submit();</script>
</body></html>`;
}

describe('extractSamlForm', () => {
  it("reads Okta's hex-escaped value and action, ignoring inputs in scripts and comments", () => {
    expect(B64).toMatch(/\+/);
    expect(B64).toMatch(/\//);
    expect(extractSamlForm(oktaPage(B64))).toEqual({ samlResponse: B64, action: 'https://signin.aws.amazon.com/saml' });
  });

  it('handles any attribute order, single quotes, unquoted values, upper-case tags and decimal/named entities', () => {
    const html = `<FORM method=post ACTION=https://us-east-2.signin.aws.amazon.com/saml>
      <input value='ab&#43;c&#x2F;d&#61;' type=hidden name='SAMLResponse'>
      <input type="hidden" value="state&amp;1" name=RelayState /></FORM>`;
    expect(extractSamlForm(html)).toEqual({ samlResponse: 'ab+c/d=', relayState: 'state&1', action: 'https://us-east-2.signin.aws.amazon.com/saml' });
  });

  it('drops whitespace some pages wrap the base64 with', () => {
    expect(extractSamlForm('<form action="x"><input name="SAMLResponse" value="PD94\n  bWwg&#x2b;"></form>').samlResponse).toBe('PD94bWwg+');
  });

  it('has no action when the form has none', () => {
    expect(extractSamlForm('<input name="SAMLResponse" value="QUJD">')).toEqual({ samlResponse: 'QUJD' });
  });

  it('says STEP_UP for an app-level MFA page', () => {
    const html = `<html><script>var stateToken = '00Ab\\x2DcD\\x2D';\nvar x = 1;</script><form id="form1"></form></html>`;
    const error = thrown(() => extractSamlForm(html));
    expect(error.code).toBe('STEP_UP');
    expect(error.message).toMatch(/extra verification/);
    expect(error.hint).toBeTruthy();
  });

  it('says NO_SAML_RESPONSE for a sign-in page (expired session)', () => {
    const html = '<html><body><div id="signin-container"></div><form action="/login/do-login"><input name="username"></form></body></html>';
    const error = thrown(() => extractSamlForm(html));
    expect(error.code).toBe('NO_SAML_RESPONSE');
    expect(error.message).toMatch(/no SAMLResponse/);
  });

  it('treats an empty SAMLResponse as missing', () => {
    expect(thrown(() => extractSamlForm('<input name="SAMLResponse" value="">')).code).toBe('NO_SAML_RESPONSE');
  });
});

describe('decodeSamlResponse', () => {
  it('decodes base64 to the XML text', () => {
    expect(decodeSamlResponse(Buffer.from(XML).toString('base64'))).toBe(XML);
  });

  it('rejects what is not base64', () => {
    const error = thrown(() => decodeSamlResponse('not base64!'));
    expect(error.code).toBe('BAD_SAML');
    expect(error.message).toBe('The SAMLResponse from Okta is not valid base64');
  });

  it('rejects base64 that is not XML', () => {
    const error = thrown(() => decodeSamlResponse(Buffer.from('{"json":true}').toString('base64')));
    expect(error.code).toBe('BAD_SAML');
    expect(error.message).toBe('The SAMLResponse from Okta does not decode to XML');
    expect(thrown(() => decodeSamlResponse(Buffer.from([0x3c, 0xff, 0xfe, 0x00]).toString('base64'))).code).toBe('BAD_SAML');
  });
});
