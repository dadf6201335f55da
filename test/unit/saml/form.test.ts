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

describe('extractSamlForm on the pages Okta serves around the form', () => {
  const STEP_UP_HINT = "Ask your Okta admin to let the AWS app's sign-on policy accept the MFA done at login, or sign in to the app once in a browser.";
  const NO_SAML_HINT = 'Run `okta-aws refresh` to sign in again; if it persists, check sso_url with `okta-aws init` and ask your Okta admin to assign the AWS app.';

  it.each<[string, string, Record<string, string>]>([
    [
      'reads the action of the form holding SAMLResponse, not of a form after it',
      '<form action="https://signin.aws.amazon.com/saml"><input name="SAMLResponse" value="QUJD"></form><form action="/logout"><input name="x"></form>',
      { samlResponse: 'QUJD', action: 'https://signin.aws.amazon.com/saml' },
    ],
    [
      'reads the form right before the input, when a search form comes first',
      '<form action="/search"></form><form action=" https://signin.aws.amazon.com/saml "><input name="SAMLResponse" value="QUJD"></form>',
      { samlResponse: 'QUJD', action: 'https://signin.aws.amazon.com/saml' },
    ],
    ['reads the first SAMLResponse and RelayState of two', '<input name="SAMLResponse" value="QUJD"><input name="RelayState" value="r1"><input name="SAMLResponse" value="WFla"><input name="RelayState" value="r2">', { samlResponse: 'QUJD', relayState: 'r1' }],
    ['reads a RelayState before the SAMLResponse', '<input name="RelayState" value="https://console.aws.amazon.com/"><input name="SAMLResponse" value="QUJD">', { samlResponse: 'QUJD', relayState: 'https://console.aws.amazon.com/' }],
    ['only inputs count, not other tags with the same name', '<meta name="SAMLResponse" value="WFla"><textarea name="RelayState" value="t"></textarea><input name="SAMLResponse" value="QUJD">', { samlResponse: 'QUJD' }],
    ['a RelayState input without a value is none', '<input name="RelayState"><input name="SAMLResponse" value="QUJD">', { samlResponse: 'QUJD' }],
    ['an action of only spaces is none', '<form action="  "><input name="SAMLResponse" value="QUJD"></form>', { samlResponse: 'QUJD' }],
    ['drops tabs and CR/LF inside the value', '<input name="SAMLResponse" value="\tQU\r\nJD ">', { samlResponse: 'QUJD' }],
  ])('%s', (_what, html, form) => {
    expect(extractSamlForm(html)).toStrictEqual(form);
  });

  it.each([
    ["var stateToken='00Ab';", 'STEP_UP'],
    ['var  stateToken  =  "00Ab";', 'STEP_UP'],
    ['var\n\tstateToken=\n"00Ab";', 'STEP_UP'],
    ['var stateToken = null;', 'NO_SAML_RESPONSE'],
    ["var stateTokenX = '00Ab';", 'NO_SAML_RESPONSE'],
    ["let stateToken = '00Ab';", 'NO_SAML_RESPONSE'],
  ])('tells a step-up page (%s) from any other page without SAMLResponse', (script, code) => {
    const error = thrown(() => extractSamlForm(`<html><script>${script}</script><form id="form1"></form></html>`));
    expect(error.code).toBe(code);
    if (code === 'STEP_UP') {
      expect(error.message).toBe('The Okta AWS app asked for extra verification (an app-level MFA step-up), which okta-aws cannot answer unattended');
      expect(error.hint).toBe(STEP_UP_HINT);
    } else {
      expect(error.message).toBe("Okta's SSO page had no SAMLResponse (the Okta session expired, or the AWS app is not assigned to you)");
      expect(error.hint).toBe(NO_SAML_HINT);
    }
  });

  it('treats a SAMLResponse of only whitespace, or one without a value, as missing', () => {
    expect(thrown(() => extractSamlForm('<input name="SAMLResponse" value=" \n ">')).code).toBe('NO_SAML_RESPONSE');
    expect(thrown(() => extractSamlForm('<input name="SAMLResponse">')).code).toBe('NO_SAML_RESPONSE');
  });
});

describe('decodeSamlResponse, strictly', () => {
  const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
  const NOT_BASE64 = 'The SAMLResponse from Okta is not valid base64';
  const NOT_XML = 'The SAMLResponse from Okta does not decode to XML';
  const HINT = 'Okta sent something other than a SAML assertion; run again with --debug and report it.';

  it.each([
    ['line-wrapped base64', b64(XML).replace(/(.{16})/g, '$1\r\n'), XML],
    ['XML after a byte-order mark (which decoding drops)', b64(`\uFEFF${XML}`), XML],
    ['XML after blank lines', b64(`\n\n  ${XML}`), `\n\n  ${XML}`],
    ['a short XML document needing two = of padding', b64('<a/>'), '<a/>'],
  ])('decodes %s', (_what, value, xml) => {
    expect(b64('<a/>')).toBe('PGEvPg==');
    expect(decodeSamlResponse(value)).toBe(xml);
  });

  it.each([
    ['nothing', '', NOT_BASE64],
    ['only whitespace', ' \n ', NOT_BASE64],
    ['base64 missing its padding', 'PGEvPg', NOT_BASE64],
    ['garbage before base64', `!!!!${b64('<a/>')}`, NOT_BASE64],
    ['garbage after base64', `${b64('<a/>')}!!!!`, NOT_BASE64],
    ['three = of padding', 'PGE===', NOT_BASE64],
    ['base64url', b64(XML).replace(/\+/g, '-').replace(/\//g, '_'), NOT_BASE64],
    ['JSON', b64('{"json":true}'), NOT_XML],
    ['XML-looking bytes that are not UTF-8', b64(Buffer.from([0x3c, 0xff, 0xfe, 0x00])), NOT_XML],
    ['XML after text', b64(`x${XML}`), NOT_XML],
  ])('rejects %s', (_what, value, message) => {
    const error = thrown(() => decodeSamlResponse(value));
    expect(error.message).toBe(message);
    expect(error.hint).toBe(HINT);
    expect(error.code).toBe('BAD_SAML');
  });
});
