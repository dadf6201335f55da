/**
 * Server-side AWS Signature Version 4 verification (Authorization header form), written from the spec with
 * node:crypto so the emulator does not trust the client's signing library.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export type SigV4Failure = { code: string; status: number; message: string };

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function parseAuthorization(header: string | undefined): ParsedAuthorization | undefined {
  if (!header?.startsWith('AWS4-HMAC-SHA256 ')) return undefined;
  const fields = new Map<string, string>();
  for (const part of header.slice('AWS4-HMAC-SHA256 '.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const cred = fields.get('Credential')?.split('/');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!cred || cred.length !== 5 || cred[4] !== 'aws4_request' || !signedHeaders || !signature) return undefined;
  return {
    accessKeyId: cred[0]!,
    date: cred[1]!,
    region: cred[2]!,
    service: cred[3]!,
    signedHeaders: signedHeaders.split(';'),
    signature,
  };
}

function canonicalPath(rawPath: string): string {
  const segments: string[] = [];
  for (const seg of rawPath.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') segments.pop();
    else segments.push(seg);
  }
  const joined = `/${segments.map(uriEncode).join('/')}`;
  return rawPath.endsWith('/') && joined !== '/' ? `${joined}/` : joined;
}

function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs = rawQuery.split('&').filter(Boolean).map((kv) => {
    const eq = kv.indexOf('=');
    const k = decodeURIComponent((eq < 0 ? kv : kv.slice(0, eq)).replace(/\+/g, ' '));
    const v = eq < 0 ? '' : decodeURIComponent(kv.slice(eq + 1).replace(/\+/g, ' '));
    return [uriEncode(k), uriEncode(v)] as const;
  });
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** Header values by lower-case name, from rawHeaders so repeated headers are kept apart. */
function headerValues(req: IncomingMessage): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const list = out.get(name) ?? [];
    list.push(req.rawHeaders[i + 1]!);
    out.set(name, list);
  }
  return out;
}

/** Parses X-Amz-Date (20240101T000000Z) to epoch ms. */
export function parseAmzDate(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : undefined;
}

const fail = (status: number, code: string, message: string): SigV4Failure => ({ status, code, message });
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/**
 * Checks the signature of `req` (whose body was already read into `body`) with the secret of the access key
 * named in `auth` (the caller has looked the key up). Returns undefined when valid, else the AWS error.
 */
export function verifySigV4(
  req: IncomingMessage,
  body: Buffer,
  auth: ParsedAuthorization,
  secret: string,
  nowMs: number,
  expectedService = 'sts',
): SigV4Failure | undefined {
  const headers = headerValues(req);
  const signed = auth.signedHeaders;
  if (signed.some((h) => h !== h.toLowerCase()) || [...signed].sort().join(';') !== signed.join(';'))
    return fail(403, 'SignatureDoesNotMatch', MISMATCH);
  if (!signed.includes('host')) return fail(400, 'IncompleteSignature', "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  const amzDate = headers.get('x-amz-date')?.[0];
  if (!amzDate || !signed.includes('x-amz-date'))
    return fail(400, 'IncompleteSignature', "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  const when = parseAmzDate(amzDate);
  if (when === undefined) return fail(400, 'IncompleteSignature', `Date must be in ISO-8601 'basic format'. Got '${amzDate}'.`);
  if (auth.date !== amzDate.slice(0, 8)) return fail(403, 'SignatureDoesNotMatch', `Credential should be scoped to a valid region and date.`);
  if (auth.service !== expectedService)
    return fail(403, 'SignatureDoesNotMatch', `Credential should be scoped to correct service: '${expectedService}'.`);
  if (Math.abs(nowMs - when) > 15 * 60_000) {
    const fmt = (ms: number) => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');
    return fail(403, 'SignatureDoesNotMatch', `Signature expired: ${amzDate} is now earlier than ${fmt(nowMs - 15 * 60_000)} (${fmt(nowMs)} - 15 min.)`);
  }
  const bodyHash = sha256(body);
  const declared = headers.get('x-amz-content-sha256')?.[0];
  // A declared payload hash that is not the body's is a signature mismatch (the body was changed in flight).
  if (declared !== undefined && declared !== bodyHash) return fail(403, 'SignatureDoesNotMatch', MISMATCH);
  let canonicalHeaders = '';
  for (const name of signed) {
    const values = headers.get(name);
    if (!values) return fail(403, 'SignatureDoesNotMatch', MISMATCH);
    canonicalHeaders += `${name}:${values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',')}\n`;
  }
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const canonicalRequest = [
    req.method ?? 'GET',
    canonicalPath(q < 0 ? rawUrl : rawUrl.slice(0, q)),
    canonicalQuery(q < 0 ? '' : rawUrl.slice(q + 1)),
    canonicalHeaders,
    signed.join(';'),
    bodyHash,
  ].join('\n');
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, auth.date), auth.region), auth.service), 'aws4_request');
  const expected = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  const given = Buffer.from(auth.signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected, 'utf8')))
    return fail(403, 'SignatureDoesNotMatch', MISMATCH);
  return undefined;
}
