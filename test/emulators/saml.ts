/**
 * What the Okta "AWS Account Federation" app produces: the decoded SAML 2.0 Response, the auto-submit HTML
 * form carrying it (escaped the way Okta escapes it), the step-up and sign-in pages, and the Trust registry
 * STS uses in place of signature checking (a stand-in for the IdP metadata uploaded to IAM).
 */
import { createHash, randomBytes } from 'node:crypto';
import { isoMillis, randomString } from './http.js';

export interface SamlRole {
  roleArn: string;
  principalArn: string;
  /** Put the saml-provider ARN before the role ARN (Okta's habit). Default false (AWS docs' order). */
  providerFirst?: boolean;
  /** A space after the comma. */
  space?: boolean;
}

export interface GrantedPair {
  roleArn: string;
  principalArn: string;
}

export interface TrustedAssertion {
  /** The saml2:Assertion ID. */
  id: string;
  responseId: string;
  roles: GrantedPair[];
  sessionName: string | undefined;
  sessionDuration: number | undefined;
  subject: string;
  issuer: string;
  recipient: string;
  audience: string;
  issuedAt: number;
  /** Conditions@NotOnOrAfter, epoch ms. */
  notOnOrAfter: number;
  /** sha256 (hex) of the exact decoded XML bytes: any change to them breaks the "signature". */
  digest: string;
}

/** Every assertion the IdP issued. STS accepts only those, unmodified. */
export class Trust {
  private readonly byId = new Map<string, TrustedAssertion>();
  record(a: TrustedAssertion): void {
    this.byId.set(a.id, a);
  }
  get(id: string): TrustedAssertion | undefined {
    return this.byId.get(id);
  }
  get size(): number {
    return this.byId.size;
  }
  all(): TrustedAssertion[] {
    return [...this.byId.values()];
  }
}

export type Partition = 'aws' | 'aws-us-gov' | 'aws-cn';

export function partitionOf(arn: string): Partition {
  const p = arn.split(':')[1];
  if (p === 'aws' || p === 'aws-us-gov' || p === 'aws-cn') return p;
  throw new Error(`unknown partition in ${arn}`);
}

/** The form action (and SAML Destination/Recipient) for a partition, optionally regional. */
export function signinSamlUrl(partition: Partition = 'aws', region?: string): string {
  if (partition === 'aws-us-gov') return 'https://signin.amazonaws-us-gov.com/saml';
  if (partition === 'aws-cn') return 'https://signin.amazonaws.cn/saml';
  return region ? `https://${region}.signin.aws.amazon.com/saml` : 'https://signin.aws.amazon.com/saml';
}

export function roleAttributeValue(role: SamlRole): string {
  const sep = role.space ? ', ' : ',';
  return role.providerFirst ? `${role.principalArn}${sep}${role.roleArn}` : `${role.roleArn}${sep}${role.principalArn}`;
}

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Okta's (ESAPI-style) HTML attribute encoder: every character outside [A-Za-z0-9,._ -] becomes &#xHH;. */
export function oktaHtmlEscape(s: string): string {
  return s.replace(/[^A-Za-z0-9,._ -]/g, (c) => `&#x${c.codePointAt(0)!.toString(16)};`);
}

export function samlId(): string {
  // Okta ids look like id2190457151742541061403915 (decimal digits after "id").
  return `id${BigInt(`0x${randomBytes(12).toString('hex')}`).toString().slice(0, 26)}`;
}

export interface BuildSamlOptions {
  issuer: string;
  destination: string;
  nameId: string;
  roles: SamlRole[];
  /** RoleSessionName attribute; omitted when undefined. */
  sessionName?: string;
  /** SessionDuration attribute in seconds; omitted when undefined. */
  sessionDuration?: number;
  /** Issue instant, epoch ms. */
  now: number;
  /** Lifetime of Conditions/SubjectConfirmationData NotOnOrAfter. Default 300 s. */
  lifetimeSeconds?: number;
  /** Leave out the Role attribute entirely (an app assignment without AWS roles). */
  omitRoleAttribute?: boolean;
}

export interface BuiltSaml {
  xml: string;
  base64: string;
  assertion: TrustedAssertion;
}

function fakeSignature(refId: string): string {
  const b64 = (n: number) => randomBytes(n).toString('base64');
  return (
    '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>' +
    '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>' +
    '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>' +
    `<ds:Reference URI="#${refId}"><ds:Transforms>` +
    '<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>' +
    '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"><ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" PrefixList="xs"/></ds:Transform>' +
    '</ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>' +
    `<ds:DigestValue>${b64(32)}</ds:DigestValue></ds:Reference></ds:SignedInfo>` +
    `<ds:SignatureValue>${b64(256)}</ds:SignatureValue>` +
    `<ds:KeyInfo><ds:X509Data><ds:X509Certificate>${b64(600)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>`
  );
}

function assemble(o: BuildSamlOptions, ids: { response: string; assertion: string }, declSpaces: number, tail: number): string {
  const issue = isoMillis(o.now);
  const notBefore = isoMillis(o.now - 5 * 60_000);
  const notOnOrAfter = isoMillis(o.now + (o.lifetimeSeconds ?? 300) * 1000);
  const A = 'xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion"';
  const attr = (name: string, values: string[]) =>
    `<saml2:Attribute Name="${xmlEscape(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">` +
    values
      .map(
        (v) =>
          `<saml2:AttributeValue xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">${xmlEscape(v)}</saml2:AttributeValue>`,
      )
      .join('') +
    '</saml2:Attribute>';
  const attrs: string[] = [];
  if (!o.omitRoleAttribute) attrs.push(attr('https://aws.amazon.com/SAML/Attributes/Role', o.roles.map(roleAttributeValue)));
  if (o.sessionName !== undefined) attrs.push(attr('https://aws.amazon.com/SAML/Attributes/RoleSessionName', [o.sessionName]));
  if (o.sessionDuration !== undefined)
    attrs.push(attr('https://aws.amazon.com/SAML/Attributes/SessionDuration', [String(o.sessionDuration)]));
  const issuer = `<saml2:Issuer ${A} Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">${xmlEscape(o.issuer)}</saml2:Issuer>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"${' '.repeat(declSpaces)}?>` +
    `<saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol" Destination="${xmlEscape(o.destination)}" ID="${ids.response}" IssueInstant="${issue}" Version="2.0" xmlns:xs="http://www.w3.org/2001/XMLSchema">` +
    issuer +
    '<saml2p:Status xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol"><saml2p:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></saml2p:Status>' +
    `<saml2:Assertion ${A} ID="${ids.assertion}" IssueInstant="${issue}" Version="2.0" xmlns:xs="http://www.w3.org/2001/XMLSchema">` +
    issuer.replace(` ${A}`, '') +
    fakeSignature(ids.assertion) +
    `<saml2:Subject><saml2:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">${xmlEscape(o.nameId)}</saml2:NameID>` +
    '<saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">' +
    `<saml2:SubjectConfirmationData NotOnOrAfter="${notOnOrAfter}" Recipient="${xmlEscape(o.destination)}"/></saml2:SubjectConfirmation></saml2:Subject>` +
    `<saml2:Conditions NotBefore="${notBefore}" NotOnOrAfter="${notOnOrAfter}"><saml2:AudienceRestriction><saml2:Audience>urn:amazon:webservices</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions>` +
    `<saml2:AuthnStatement AuthnInstant="${issue}" SessionIndex="${ids.assertion}"><saml2:AuthnContext><saml2:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement>` +
    `<saml2:AttributeStatement ${A}>${attrs.join('')}</saml2:AttributeStatement>` +
    '</saml2:Assertion></saml2p:Response>' +
    '\n'.repeat(tail)
  );
}

/**
 * Builds a Response. The layout is nudged (spaces in the XML declaration, trailing newlines) so that the base64
 * contains '+', '/' and '=', which the client must unescape from &#x2b; &#x2f; &#x3d;.
 */
export function buildSamlResponse(o: BuildSamlOptions): BuiltSaml {
  const ids = { response: samlId(), assertion: samlId() };
  let xml = '';
  let base64 = '';
  search: for (let spaces = 0; spaces < 3; spaces++) {
    for (let tail = 0; tail < 3; tail++) {
      xml = assemble(o, ids, spaces, tail);
      base64 = Buffer.from(xml, 'utf8').toString('base64');
      if (/\+/.test(base64) && /\//.test(base64) && base64.endsWith('=')) break search;
    }
  }
  const assertion: TrustedAssertion = {
    id: ids.assertion,
    responseId: ids.response,
    roles: o.omitRoleAttribute ? [] : o.roles.map((r) => ({ roleArn: r.roleArn, principalArn: r.principalArn })),
    sessionName: o.sessionName,
    sessionDuration: o.sessionDuration,
    subject: o.nameId,
    issuer: o.issuer,
    recipient: o.destination,
    audience: 'urn:amazon:webservices',
    issuedAt: o.now,
    notOnOrAfter: o.now + (o.lifetimeSeconds ?? 300) * 1000,
    digest: createHash('sha256').update(xml, 'utf8').digest('hex'),
  };
  return { xml, base64, assertion };
}

function pageShell(title: string, body: string, head = ''): string {
  return (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n' +
    '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">\n<head>\n' +
    '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />\n' +
    '<meta name="robots" content="none" />\n' +
    `<title>${title}</title>\n${head}</head>\n${body}\n</html>\n`
  );
}

/** The auto-submitting form Okta serves at the app's SSO URL. `samlResponse` is the raw base64. */
export function samlFormPage(o: { samlResponse: string; action: string; relayState?: string; orgName?: string }): string {
  return pageShell(
    `${o.orgName ?? 'Example'} - Signing in...`,
    '<body id="app" class="enduser-app  ">\n' +
      `<form id="appForm" action="${oktaHtmlEscape(o.action)}" method="POST">\n` +
      `    <input name="SAMLResponse" type="hidden" value="${oktaHtmlEscape(o.samlResponse)}"/>\n` +
      `    <input name="RelayState" type="hidden" value="${oktaHtmlEscape(o.relayState ?? '')}"/>\n` +
      '</form>\n' +
      '<script type="text/javascript">\n//<![CDATA[\n(function(){document.getElementById(\'appForm\').submit();})();\n//]]>\n</script>\n' +
      '</body>',
  );
}

/** JavaScript string escaping as Okta does it in its inline scripts: '-' becomes \x2D, and so on. */
export function jsEscape(s: string): string {
  return s.replace(/[^A-Za-z0-9_ .,]/g, (c) => `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** App-level MFA (step-up): a page with the transaction's stateToken in a script, and no SAMLResponse. */
export function stepUpPage(o: { stateToken: string; orgName?: string; fromUri?: string }): string {
  return pageShell(
    `${o.orgName ?? 'Example'} - Extra Verification`,
    '<body class="auth okta-container">\n<div id="signin-container"></div>\n' +
      '<script type="text/javascript">\n' +
      `var stateToken = '${jsEscape(o.stateToken)}';\n` +
      `var fromUri = '${jsEscape(o.fromUri ?? '')}';\n` +
      "var signIn = new OktaSignIn({ baseUrl: '', stateToken: stateToken });\n" +
      '</script>\n</body>',
    '<script src="/js/okta-sign-in.min.js" type="text/javascript"></script>\n',
  );
}

/** The Okta sign-in widget page served (200) when there is no live session. */
export function signInPage(o: { orgName?: string; fromUri?: string } = {}): string {
  return pageShell(
    `${o.orgName ?? 'Example'} - Sign In`,
    '<body class="auth okta-container">\n<div id="okta-sign-in" class="auth-container main-container"></div>\n' +
      '<script type="text/javascript">\n' +
      `var okta = { locale: 'en', deviceFingerprintingEnabled: true };\nvar fromUri = '${jsEscape(o.fromUri ?? '')}';\n` +
      `var repost = false; var csrf = '${randomString(24)}';\n` +
      '</script>\n</body>',
    '<script src="/js/okta-sign-in.min.js" type="text/javascript"></script>\n',
  );
}
