import { UserError } from '../lib/errors.js';

/** What Okta's auto-submitting SSO page would POST to AWS. */
export interface SamlForm {
  /** Base64, exactly as STS wants it (entities undone, whitespace removed). */
  samlResponse: string;
  relayState?: string;
  /** The form action, e.g. https://signin.aws.amazon.com/saml (names the partition). */
  action?: string;
}

interface Tag {
  name: string;
  attributes: Map<string, string>;
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

  const form: SamlForm = { samlResponse: samlResponse.replace(/\s+/g, '') };
  if (relayState !== undefined && relayState !== '') form.relayState = relayState;
  if (action !== undefined && action.trim() !== '') form.action = action.trim();
  return form;
}

/** Base64 SAMLResponse → the XML text of the Response. */
export function decodeSamlResponse(base64: string): string {
  const compact = base64.replace(/\s+/g, '');
  if (compact === '' || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    throw new UserError('The SAMLResponse from Okta is not valid base64', {
      hint: 'Okta sent something other than a SAML assertion; run again with --debug and report it.',
      code: 'BAD_SAML',
    });
  }
  let xml: string;
  try {
    xml = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(compact, 'base64'));
  } catch {
    xml = '';
  }
  if (!xml.replace(/^\uFEFF/, '').trimStart().startsWith('<')) {
    throw new UserError('The SAMLResponse from Okta does not decode to XML', {
      hint: 'Okta sent something other than a SAML assertion; run again with --debug and report it.',
      code: 'BAD_SAML',
    });
  }
  return xml;
}

/** Every start tag in the page, with lower-cased names and entity-decoded attribute values. */
function* scanTags(html: string): Generator<Tag> {
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) return;
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      if (end < 0) return;
      i = end + 3;
      continue;
    }
    const nameMatch = /^<([A-Za-z][A-Za-z0-9-]*)/.exec(html.slice(lt, lt + 64));
    if (!nameMatch?.[1]) {
      i = lt + 1;
      continue;
    }
    const name = nameMatch[1].toLowerCase();
    const { attributes, end } = readAttributes(html, lt + nameMatch[0].length);
    yield { name, attributes };
    i = end;
    // Script and style bodies are raw text: a "<input" inside a script is not a tag.
    if (name === 'script' || name === 'style') {
      const close = new RegExp(`</${name}`, 'gi');
      close.lastIndex = i;
      i = close.exec(html)?.index ?? html.length;
    }
  }
}

/** Reads `name`, `name=value`, `name='value'`, `name="value"` pairs up to the closing `>`. */
function readAttributes(html: string, start: number): { attributes: Map<string, string>; end: number } {
  const attributes = new Map<string, string>();
  let i = start;
  const skipSpace = () => {
    while (i < html.length && /[\s/]/.test(html.charAt(i))) i += 1;
  };
  for (;;) {
    skipSpace();
    if (i >= html.length) return { attributes, end: i };
    if (html.charAt(i) === '>') return { attributes, end: i + 1 };
    const nameStart = i;
    while (i < html.length && !/[\s/>=]/.test(html.charAt(i))) i += 1;
    const attrName = html.slice(nameStart, i).toLowerCase();
    while (i < html.length && /\s/.test(html.charAt(i))) i += 1;
    let value = '';
    if (html.charAt(i) === '=') {
      i += 1;
      while (i < html.length && /\s/.test(html.charAt(i))) i += 1;
      const quote = html.charAt(i);
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, i + 1);
        const stop = close < 0 ? html.length : close;
        value = html.slice(i + 1, stop);
        i = stop + 1;
      } else {
        const valueStart = i;
        while (i < html.length && !/[\s>]/.test(html.charAt(i))) i += 1;
        value = html.slice(valueStart, i);
      }
    }
    // The first occurrence wins, as in browsers.
    if (attrName !== '' && !attributes.has(attrName)) attributes.set(attrName, decodeEntities(value));
  }
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', sol: '/', colon: ':', equals: '=', plus: '+' };

/** Undoes `&name;`, `&#43;` and `&#x2b;`; an unknown or invalid reference stays as written, as in browsers. */
function decodeEntities(text: string): string {
  return text.replace(/&(#[xX][0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[ref] ?? whole;
  });
}
