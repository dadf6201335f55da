/**
 * A loopback HTTP server that answers each request with the next scripted answer and records what it
 * got: for the answers an emulator would never give (odd content types, bodies a proxy might send).
 */
import { readBody, startServer } from '../emulators/http.js';

export interface ScriptedAnswer {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON with `application/json`. */
  body?: unknown;
}

export interface Received {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export async function scriptedServer(...answers: ScriptedAnswer[]) {
  const received: Received[] = [];
  const running = await startServer(async (req, res) => {
    received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: (await readBody(req)).toString('utf8') });
    const next = answers.shift() ?? { status: 599, headers: { 'Content-Type': 'text/plain' }, body: 'no answer scripted' };
    const json = typeof next.body !== 'string';
    res.writeHead(next.status ?? 200, { ...(json ? { 'Content-Type': 'application/json' } : {}), ...next.headers });
    res.end(json ? JSON.stringify(next.body ?? null) : next.body);
  });
  return { url: running.url, received, close: () => running.close() };
}
