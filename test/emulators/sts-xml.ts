/** AWS STS Query-protocol XML bodies and the shapes of the credentials STS hands out. */
import { randomBytes, randomInt } from 'node:crypto';
import { isoSeconds, randomString, randomUpper } from './http.js';

/** Escapes element text the way AWS does: only &, < and >. */
export function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch ms. */
  expiration: number;
  issuedAt: number;
  /** 'saml' from AssumeRoleWithSAML, 'chained' from AssumeRole with role credentials. */
  source: 'saml' | 'chained';
  roleArn: string;
  roleSessionName: string;
  account: string;
  partition: string;
  /** arn:{partition}:sts::{account}:assumed-role/{roleName}/{sessionName} */
  arn: string;
  /** AROA…:{sessionName} */
  assumedRoleId: string;
  durationSeconds: number;
}

/** Formats per action: the XML element wrapper names. */
export function successXml(action: string, result: string, requestId: string): string {
  return (
    `<${action}Response xmlns="${STS_NS}">\n` +
    `  <${action}Result>\n${result}  </${action}Result>\n` +
    `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n` +
    `</${action}Response>\n`
  );
}

export function errorXml(type: 'Sender' | 'Receiver', code: string, message: string, requestId: string): string {
  return (
    `<ErrorResponse xmlns="${STS_NS}">\n` +
    `  <Error>\n    <Type>${type}</Type>\n    <Code>${xmlText(code)}</Code>\n    <Message>${xmlText(message)}</Message>\n  </Error>\n` +
    `  <RequestId>${requestId}</RequestId>\n` +
    `</ErrorResponse>\n`
  );
}

/** Leaf elements at a given indentation. Values are escaped; undefined ones are left out. */
export function elements(indent: number, fields: [string, string | number | undefined][]): string {
  const pad = ' '.repeat(indent);
  return fields
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${pad}<${k}>${xmlText(String(v))}</${k}>\n`)
    .join('');
}

export function credentialsXml(c: IssuedCredentials, indent = 4): string {
  const pad = ' '.repeat(indent);
  return (
    `${pad}<Credentials>\n` +
    elements(indent + 2, [
      ['AccessKeyId', c.accessKeyId],
      ['SecretAccessKey', c.secretAccessKey],
      ['SessionToken', c.sessionToken],
      ['Expiration', isoSeconds(c.expiration)],
    ]) +
    `${pad}</Credentials>\n`
  );
}

export function assumedRoleUserXml(c: IssuedCredentials, indent = 4): string {
  const pad = ' '.repeat(indent);
  return `${pad}<AssumedRoleUser>\n${elements(indent + 2, [['AssumedRoleId', c.assumedRoleId], ['Arn', c.arn]])}${pad}</AssumedRoleUser>\n`;
}

export function newAccessKeyId(): string {
  return `ASIA${randomUpper(16)}`;
}

/** 40 characters of the base64 alphabet, with at least one '+' and one '/' (they matter to URL encoders). */
export function newSecretAccessKey(): string {
  const chars = randomString(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/').split('');
  const a = randomInt(40);
  const b = (a + 1 + randomInt(39)) % 40;
  chars[a] = '+';
  chars[b] = '/';
  return chars.join('');
}

/** Looks like a real STS session token: base64 starting IQoJb3JpZ2luX2Vj, several hundred characters. */
export function newSessionToken(): string {
  let token = '';
  do token = `IQoJb3JpZ2luX2Vj${randomBytes(600 + randomInt(100)).toString('base64')}`;
  while (!/\+/.test(token) || !/\//.test(token));
  return token;
}

export function roleNameOf(roleArn: string): string {
  const resource = roleArn.split(':').slice(5).join(':');
  return resource.slice(resource.lastIndexOf('/') + 1);
}

export function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '';
}

export const ROLE_ARN_RE = /^arn:(aws|aws-us-gov|aws-cn):iam::(\d{12}):role\/([\w+=,.@/-]+)$/;
export const PROVIDER_ARN_RE = /^arn:(aws|aws-us-gov|aws-cn):iam::(\d{12}):saml-provider\/([\w+=,.@-]+)$/;
export const SESSION_NAME_RE = /^[\w+=,.@-]{2,64}$/;
