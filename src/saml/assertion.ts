import { DOMParser, type Element } from '@xmldom/xmldom';
import type { Partition } from '../aws/types.js';
import { printable } from '../lib/printable.js';
import { UserError } from '../lib/errors.js';

// sign-in.ts takes both steps from here.
export { decodeSamlResponse } from './form.js';

const ASSERTION_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
const PROTOCOL_NS = 'urn:oasis:names:tc:SAML:2.0:protocol';
const STATUS_SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const ROLE_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/Role';
const SESSION_NAME_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/RoleSessionName';
const DURATION_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/SessionDuration';

export interface SamlRole {
  roleArn: string;
  principalArn: string;
  accountId: string;
  /** Everything after `role/`, the path included (`team/dev/Deployer`). */
  roleName: string;
  partition: Partition;
}

export interface SamlAssertion {
  roles: SamlRole[];
  /** Seconds; AWS applies it to console sessions only. */
  sessionDuration?: number;
  roleSessionName?: string;
  /** STS refuses the assertion after this (about 5 minutes after issue). */
  notOnOrAfter?: Date;
  destination?: string;
}

// Shapes IAM allows: provider names [\w.-]; role paths printable ASCII; role names [\w+=,.@-].
const PARTITION = '(aws|aws-us-gov|aws-cn)';
const PROVIDER_ARN = new RegExp(`^arn:${PARTITION}:iam::(\\d{12}):saml-provider/[\\w.-]{1,128}$`);
const ROLE_ARN = new RegExp(`^arn:${PARTITION}:iam::(\\d{12}):role/((?:[\\x21-\\x7e]+/)?[\\w+=,.@-]{1,64})$`);

/** Reads the roles and limits out of a decoded SAML Response (or a bare Assertion). */
export function parseAssertion(xml: string): SamlAssertion {
  const root = parseXml(xml);
  const assertion = findAssertion(root);
  const attributes = readAttributes(assertion);

  const roles = parseRoles(attributes.get(ROLE_ATTRIBUTE) ?? []);
  const result: SamlAssertion = { roles };
  const duration = attributes.get(DURATION_ATTRIBUTE)?.[0];
  if (duration !== undefined) result.sessionDuration = parseDuration(duration);
  const sessionName = attributes.get(SESSION_NAME_ATTRIBUTE)?.[0];
  if (sessionName) result.roleSessionName = sessionName;
  const notOnOrAfter = readNotOnOrAfter(assertion);
  if (notOnOrAfter) result.notOnOrAfter = notOnOrAfter;
  const destination = root.namespaceURI === PROTOCOL_NS ? root.getAttribute('Destination') : null;
  if (destination) result.destination = destination;
  return result;
}

function badSaml(message: string): UserError {
  return new UserError(message, {
    hint: 'Okta sent an assertion okta-aws cannot use; run again with --debug and report it, or ask your Okta admin to check the AWS app.',
    code: 'BAD_SAML',
  });
}

function parseXml(xml: string): Element {
  let problem: string | undefined;
  let doc;
  try {
    doc = new DOMParser({
      // Warnings too: a half-parsed assertion could silently drop roles. Throwing ends the parse.
      onError: (level, message) => {
        problem = `${level}: ${message}`;
        throw new Error(message);
      },
    }).parseFromString(xml, 'text/xml');
  } catch {
    // xmldom reports every problem through onError first, so `problem` says what it was.
  }
  if (!doc?.documentElement) throw badSaml(`The SAML assertion from Okta is not well-formed XML (${String(problem).split('\n')[0]})`);
  // SAML never carries a DTD; refusing one rules out entity tricks.
  if (doc.doctype) throw badSaml('The SAML assertion from Okta contains a DOCTYPE, which SAML never has');
  return doc.documentElement;
}

function children(parent: Element, ns: string, localName: string): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    // Only elements have a namespace: text, comments and processing instructions never match.
    const element = node as Element;
    if (element.namespaceURI === ns && element.localName === localName) found.push(element);
  }
  return found;
}

function findAssertion(root: Element): Element {
  if (root.namespaceURI === ASSERTION_NS && root.localName === 'Assertion') return root;
  if (root.namespaceURI !== PROTOCOL_NS || root.localName !== 'Response') {
    throw badSaml(`The SAML document's root is <${root.tagName}>, not a SAML 2.0 Response`);
  }
  const status = children(root, PROTOCOL_NS, 'Status')[0];
  const code = status ? children(status, PROTOCOL_NS, 'StatusCode')[0]?.getAttribute('Value') : STATUS_SUCCESS;
  if (code !== STATUS_SUCCESS) {
    throw new UserError(`Okta's SAML Response reports a failure (${code ?? 'no StatusCode'})`, {
      hint: 'Sign in to the AWS app once in a browser to see why, or ask your Okta admin.',
      code: 'BAD_SAML',
    });
  }
  const assertion = children(root, ASSERTION_NS, 'Assertion')[0];
  if (assertion) return assertion;
  if (children(root, ASSERTION_NS, 'EncryptedAssertion').length > 0) {
    throw new UserError('The SAML assertion is encrypted, so okta-aws cannot read the roles in it', {
      hint: 'Ask your Okta admin to turn off assertion encryption for the AWS app.',
      code: 'BAD_SAML',
    });
  }
  throw badSaml('The SAML Response from Okta holds no Assertion');
}

/** Attribute name → its values (text, trimmed), across every AttributeStatement. */
function readAttributes(assertion: Element): Map<string | null, string[]> {
  // An Attribute without a Name is kept under null, which no lookup asks for.
  const attributes = new Map<string | null, string[]>();
  for (const statement of children(assertion, ASSERTION_NS, 'AttributeStatement')) {
    for (const attribute of children(statement, ASSERTION_NS, 'Attribute')) {
      const name = attribute.getAttribute('Name');
      // An element's textContent is never null (only a document's is).
      const values = children(attribute, ASSERTION_NS, 'AttributeValue').map((v) => v.textContent!.trim());
      attributes.set(name, [...(attributes.get(name) ?? []), ...values]);
    }
  }
  return attributes;
}

/**
 * Each value is `provider,role` or `role,provider` (optional spaces): the halves are told apart by
 * their ARN type, never by position. A value that is neither is an error, so no role goes missing.
 */
function parseRoles(values: string[]): SamlRole[] {
  const byRoleArn = new Map<string, SamlRole>();
  for (const value of values) {
    const role = parseRolePair(value);
    // The same role through a second provider would give the same credentials and the same profile.
    if (!byRoleArn.has(role.roleArn)) byRoleArn.set(role.roleArn, role);
  }
  if (byRoleArn.size === 0) {
    throw new UserError('The SAML assertion grants no AWS role', {
      hint: 'Ask your Okta admin to assign you a role in the AWS app.',
      code: 'NO_ROLES',
    });
  }
  return [...byRoleArn.values()];
}

function parseRolePair(value: string): SamlRole {
  const invalid = (why: string) =>
    new UserError(`The SAML Role attribute value "${printable(value)}" is malformed: ${printable(why)}`, {
      hint: 'Ask your Okta admin to fix the role mapping of the AWS app: each value must be "arn:aws:iam::<account>:saml-provider/<name>,arn:aws:iam::<account>:role/<name>".',
      code: 'BAD_ROLE',
    });
  const halves = value.split(',').map((half) => half.trim());
  if (halves.length !== 2) throw invalid('expected two ARNs separated by one comma');
  const provider = halves.find((half) => half.includes(':saml-provider/'));
  const role = halves.find((half) => half.includes(':role/'));
  if (!provider || !role) throw invalid('expected one saml-provider ARN and one role ARN');
  const providerMatch = PROVIDER_ARN.exec(provider);
  if (!providerMatch) throw invalid(`"${provider}" is not a SAML provider ARN`);
  const roleMatch = ROLE_ARN.exec(role);
  if (!roleMatch) throw invalid(`"${role}" is not an IAM role ARN`);
  // ROLE_ARN's three groups always match.
  const partition = roleMatch[1]!;
  const accountId = roleMatch[2]!;
  const roleName = roleMatch[3]!;
  if (providerMatch[1] !== partition) throw invalid('the provider and the role are in different AWS partitions');
  return { roleArn: role, principalArn: provider, accountId, roleName, partition: partition as Partition };
}

function parseDuration(text: string): number {
  if (!/^\d+$/.test(text)) throw badSaml(`The SAML SessionDuration "${text}" is not a whole number of seconds`);
  return Number(text);
}

/** The earliest of the Conditions and SubjectConfirmationData limits. */
function readNotOnOrAfter(assertion: Element): Date | undefined {
  const stamps: string[] = [];
  for (const conditions of children(assertion, ASSERTION_NS, 'Conditions')) stamps.push(conditions.getAttribute('NotOnOrAfter') ?? '');
  for (const subject of children(assertion, ASSERTION_NS, 'Subject')) {
    for (const confirmation of children(subject, ASSERTION_NS, 'SubjectConfirmation')) {
      for (const data of children(confirmation, ASSERTION_NS, 'SubjectConfirmationData')) stamps.push(data.getAttribute('NotOnOrAfter') ?? '');
    }
  }
  const times = stamps.filter((s) => s !== '').map((s) => new Date(s));
  const bad = times.findIndex((t) => Number.isNaN(t.getTime()));
  if (bad >= 0) throw badSaml(`The SAML assertion has an invalid NotOnOrAfter "${stamps.filter((s) => s !== '')[bad]}"`);
  if (times.length === 0) return undefined;
  return new Date(Math.min(...times.map((t) => t.getTime())));
}
