import { UserError } from '../lib/errors.js';
import { scanTags } from './html.js';

/** What Okta's auto-submitting SSO page would POST to AWS. */
export interface SamlForm {
  /** Base64, exactly as STS wants it (entities undone, whitespace removed). */
  samlResponse: string;
  relayState?: string;
  /** The form action, e.g. https://signin.aws.amazon.com/saml (names the partition). */
  action?: string;
}

/**
 * Finds the SAMLResponse form in Okta's SSO page. HTML is not XML (unquoted attributes, void tags,
 * entities XML does not know), so this scans tags one by one instead of parsing a document.
 */
export function extractSamlForm(html: string): SamlForm {
  let action: string | undefined;
  let samlResponse: string | undefined;
  let relayState: string | undefined;
  for (const tag of scanTags(html)) {
    if (tag.name === 'form') {
      if (samlResponse === undefined) action = tag.attributes.get('action');
      continue;
    }
    if (tag.name !== 'input') continue;
    const name = tag.attributes.get('name');
    if (name === 'SAMLResponse' && samlResponse === undefined) samlResponse = tag.attributes.get('value') ?? '';
    if (name === 'RelayState' && relayState === undefined) relayState = tag.attributes.get('value');
  }

  if (samlResponse === undefined || samlResponse.trim() === '') {
    // Okta's app-level sign-on policy (step-up MFA) serves a page that runs a new authn transaction in JS.
    if (/var\s+stateToken\s*=\s*['"]/.test(html)) {
      throw new UserError('The Okta AWS app asked for extra verification (an app-level MFA step-up), which okta-aws cannot answer unattended', {
        hint: "Ask your Okta admin to let the AWS app's sign-on policy accept the MFA done at login, or sign in to the app once in a browser.",
        code: 'STEP_UP',
      });
    }
    throw new UserError("Okta's SSO page had no SAMLResponse (the Okta session expired, or the AWS app is not assigned to you)", {
      hint: 'Run `okta-aws refresh` to sign in again; if it persists, check sso_url with `okta-aws init` and ask your Okta admin to assign the AWS app.',
      code: 'NO_SAML_RESPONSE',
    });
  }

  const form: SamlForm = { samlResponse: samlResponse.replace(/\s/g, '') };
  if (relayState !== undefined && relayState !== '') form.relayState = relayState;
  if (action !== undefined && action.trim() !== '') form.action = action.trim();
  return form;
}

/** Base64 SAMLResponse → the XML text of the Response. */
export function decodeSamlResponse(base64: string): string {
  const compact = base64.replace(/\s/g, '');
  // Buffer.from would skip what is not base64 and accept missing padding: check first.
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    throw new UserError('The SAMLResponse from Okta is not valid base64', {
      hint: 'Okta sent something other than a SAML assertion; run again with --debug and report it.',
      code: 'BAD_SAML',
    });
  }
  let xml: string | undefined;
  try {
    xml = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(compact, 'base64'));
  } catch {
    // Not UTF-8: not XML either, said below.
  }
  // TextDecoder has dropped a byte-order mark; trimStart() drops blank lines before the XML.
  if (xml === undefined || !xml.trimStart().startsWith('<')) {
    throw new UserError('The SAMLResponse from Okta does not decode to XML', {
      hint: 'Okta sent something other than a SAML assertion; run again with --debug and report it.',
      code: 'BAD_SAML',
    });
  }
  return xml;
}
