/**
 * A loopback HTTP server that speaks the container-credentials protocol every AWS SDK polls
 * (AWS_CONTAINER_CREDENTIALS_FULL_URI + AWS_CONTAINER_AUTHORIZATION_TOKEN): GET with the bare token
 * in `Authorization` → `{"AccessKeyId","SecretAccessKey","Token","Expiration"}`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProfileCredentials } from '../aws/types.js';
import { UserError, oneLine } from '../lib/errors.js';
import { redact } from '../lib/log.js';
import { rfc3339 } from '../lib/time.js';

/** What answers one path: fresh credentials, or a UserError that becomes the response's Message. */
export type CredentialSource = () => Promise<ProfileCredentials>;

/** One finished request, for a log line. Never carries a key. */
export interface RequestRecord {
  method: string;
  path: string;
  status: number;
  /** The profile served, when the path named one. */
  profile?: string;
  /** Why it was refused or failed; the credentials' expiry when it succeeded. */
  outcome: string;
}

export interface CredentialServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  token: string;
  /** The source for a request path, or undefined for a path that names nothing (404). */
  route: (path: string) => { profile: string; source: CredentialSource } | undefined;
  onRequest?: (record: RequestRecord) => void;
}

export interface CredentialServer {
  port: number;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  close(): Promise<void>;
}

/** 32 random bytes, URL-safe: the shared secret between the server and its clients. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time: hashing first makes both sides the same length, so not even the length leaks. */
export function tokensMatch(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * A Host header naming a loopback address. Anything else means the request did not come from a
 * local SDK (a web page using DNS rebinding sends its own host name) and is refused.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '');
  return name === 'localhost' || name === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** The container-credentials answer (RFC 3339 expiry, as SDKs parse it). */
export function containerCredentials(creds: ProfileCredentials): Record<string, string> {
  return {
    AccessKeyId: creds.accessKeyId,
    SecretAccessKey: creds.secretAccessKey,
    Token: creds.sessionToken,
    Expiration: rfc3339(creds.expiration),
    RoleArn: creds.roleArn,
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

/** Starts listening on 127.0.0.1 only; resolves once the port is known. */
export async function startCredentialServer(options: CredentialServerOptions): Promise<CredentialServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<RequestRecord> => {
    const method = req.method ?? 'GET';
    const path = decodePath((req.url ?? '/').split('?')[0]!);
    const refuse = (status: number, message: string): RequestRecord => {
      send(res, status, { Message: message });
      return { method, path: path ?? '(undecodable)', status, outcome: message };
    };
    if (!isLoopbackHost(req.headers.host)) return refuse(403, 'invalid Host header');
    const authorization = req.headers.authorization;
    if (!tokensMatch(typeof authorization === 'string' ? authorization : undefined, options.token)) return refuse(403, 'invalid Authorization token');
    if (method !== 'GET') return refuse(405, `method ${method} not allowed`);
    const route = path === undefined ? undefined : options.route(path);
    if (!route) return refuse(404, `no credentials at ${path ?? 'this path'}`);
    try {
      const creds = await route.source();
      send(res, 200, containerCredentials(creds));
      return { method, path: path!, status: 200, profile: route.profile, outcome: `until ${rfc3339(creds.expiration)}` };
    } catch (error) {
      // The SDK shows Message to its user: say what failed and what to do, never a secret.
      return { ...refuse(500, redact(oneLine(error))), profile: route.profile };
    }
  };

  const server: Server = createServer((req, res) => {
    req.resume(); // a GET has no body; never buffer one
    void handle(req, res).then(
      (record) => options.onRequest?.(record),
      () => {
        if (!res.headersSent) send(res, 500, { Message: 'internal error' });
      },
    );
  });
  // SDK clients keep connections open; never let an idle one hold the process.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: NodeJS.ErrnoException) => {
    throw listenError(error, options.port ?? 0);
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function decodePath(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function listenError(error: NodeJS.ErrnoException, port: number): UserError {
  if (error.code === 'EADDRINUSE') {
    return new UserError(`Port ${port} on 127.0.0.1 is already in use`, { hint: 'Stop what uses it, or pick another with --port (or leave --port out for a free one).', code: 'EADDRINUSE', cause: error });
  }
  if (error.code === 'EACCES') {
    return new UserError(`Not allowed to listen on port ${port}`, { hint: 'Use a port above 1023 with --port.', code: 'EACCES', cause: error });
  }
  return new UserError(`Cannot listen on 127.0.0.1:${port}: ${error.message}`, { hint: 'Try another --port.', code: error.code, cause: error });
}
