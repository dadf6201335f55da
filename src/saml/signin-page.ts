import { decodeEntities, scanTags } from './html.js';

/** Account id → its alias on the AWS sign-in page, or null when the account has none. */
export type AccountNames = Record<string, string | null>;

/** `acme-prod (111111111111)` or a bare `222222222222`, as both page formats label accounts. */
const LABEL = /^\s*(?:Account:\s*)?(?:(.*\S)\s*\((\d{12})\)|(\d{12}))\s*$/;

/** IAM's rule for an account alias; anything else on the page is not trusted into a profile name. */
const ALIAS = /^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/;

function parseLabel(label: string): [string, string | null] | undefined {
  const match = LABEL.exec(label);
  if (!match) return undefined;
  if (match[3]) return [match[3], null];
  return [match[2]!, ALIAS.test(match[1]!) ? match[1]! : null];
}

/**
 * The account names on the page AWS answers a SAMLResponse POST with, in either format: the classic
 * `saml-account-name` divs, or the newer `<meta name="data">` base64 JSON with `roles_accounts`.
 * Undefined when the page is in neither shape (AWS changed it, or it is an error page): names are a
 * convenience and never worth failing for, so the caller keeps what it knew.
 */
export function parseSigninPage(html: string): AccountNames | undefined {
  return fromMetaData(html) ?? fromAccountDivs(html);
}

function fromAccountDivs(html: string): AccountNames | undefined {
  const names: AccountNames = {};
  let found = false;
  for (const tag of scanTags(html)) {
    // Splitting at each white-space character: the empty pieces between a run of them match nothing.
    if (tag.name !== 'div' || !tag.attributes.get('class')?.split(/\s/).includes('saml-account-name')) continue;
    const close = html.indexOf('<', tag.end);
    const label = parseLabel(decodeEntities(html.slice(tag.end, close === -1 ? html.length : close)));
    if (!label) continue;
    names[label[0]] = label[1];
    found = true;
  }
  return found ? names : undefined;
}

function fromMetaData(html: string): AccountNames | undefined {
  for (const tag of scanTags(html)) {
    if (tag.name !== 'meta' || tag.attributes.get('name') !== 'data') continue;
    const content = tag.attributes.get('content');
    if (content === undefined) return undefined;
    const json = Buffer.from(content, 'base64').toString('utf8');
    let data: unknown;
    try {
      data = JSON.parse(json);
    } catch {
      // Not JSON: data stays undefined, which has no roles_accounts.
    }
    const accounts = (data as { roles_accounts?: unknown } | null)?.roles_accounts;
    if (typeof accounts !== 'object' || accounts === null || Array.isArray(accounts)) return undefined;
    const names: AccountNames = {};
    for (const key of Object.keys(accounts)) {
      const label = parseLabel(key);
      if (label) names[label[0]] = label[1];
    }
    return Object.keys(names).length > 0 ? names : undefined;
  }
  return undefined;
}
