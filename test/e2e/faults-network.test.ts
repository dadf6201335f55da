/**
 * The fault matrix, network part: a hostile or broken Okta. Answers too large to read, bodies that
 * stall, redirects and links that point away from the SSO origin. Each one: exit 1, one
 * `okta-aws:` line last, the credentials file byte-identical, and nothing sent where it must not go.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulators, FIXTURE_PASSWORD, startEmulators } from '../emulators/index.js';
import { type Sandbox, runCli, sandbox } from '../helpers/cli.js';
import { seedUserCredentials, USER_CREDENTIALS } from '../helpers/credentials.js';
import { writePythonSettings } from '../helpers/journey.js';
import { expectFailure } from './fault-helpers.js';

let emu: Emulators;
let box: Sandbox;
/** Another host, which records whatever reaches it. */
let elsewhere: { origin: string; requests: string[]; close(): void };

beforeEach(async () => {
  emu = await startEmulators();
  box = await sandbox(emu.env);
  await seedUserCredentials(box.credentials);
  await writePythonSettings(box, emu);
  const requests: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url} ${req.headers.cookie ?? ''} ${body}`);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"SUCCESS","sessionToken":"stolen"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  elsewhere = { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => server.close() };
});
afterEach(async () => {
  elsewhere.close();
  await Promise.all([box.cleanup(), emu.close()]);
});

const refresh = (extraEnv: NodeJS.ProcessEnv = {}) => runCli(['refresh'], { env: { ...box.env, ...extraEnv }, timeoutMs: 45_000 });

async function expectUntouched(): Promise<void> {
  expect(await readFile(box.credentials, 'utf8')).toBe(USER_CREDENTIALS);
  expect(emu.sts.counters.total).toBe(0);
}

describe('answers that are too large or never finish', () => {
  it('an SSO page of 8 MB is refused unread, in one line', async () => {
    emu.okta.faults.add({ kind: 'hugeBody', path: '/app/*' });
    expectFailure(await refresh(), { what: /127\.0\.0\.1:\d+ sent an answer larger than 4 MB; okta-aws stopped reading it/, next: /Check the SSO URL/ });
    await expectUntouched();
  });

  it('an Okta API answer of 8 MB is refused unread, in one line', async () => {
    emu.okta.faults.add({ kind: 'hugeBody', path: '/api/v1/authn' });
    expectFailure(await refresh(), { what: /sent an answer larger than 4 MB/, next: /Check the SSO URL/ });
    await expectUntouched();
  });

  it('a body that stalls halfway gives the same line as a server that never answers', async () => {
    emu.okta.faults.add({ kind: 'stallBody', path: '/api/v1/authn' });
    expectFailure(await refresh({ OKTA_AWS_HTTP_TIMEOUT: '2' }), { what: /No answer from 127\.0\.0\.1:\d+ within 2 s/, next: /raise OKTA_AWS_HTTP_TIMEOUT \(seconds\)/ });
    await expectUntouched();
  });

  it('an SSO page that stalls halfway, likewise', async () => {
    emu.okta.faults.add({ kind: 'stallBody', path: '/app/*' });
    expectFailure(await refresh({ OKTA_AWS_HTTP_TIMEOUT: '2' }), { what: /No answer from 127\.0\.0\.1:\d+ within 2 s/, next: /raise OKTA_AWS_HTTP_TIMEOUT/ });
    await expectUntouched();
  });
});

describe('STS answers that are too large or never finish', () => {
  it('an STS answer of 8 MB is refused unread, in one line, and nothing is written', async () => {
    emu.sts.faults.add({ kind: 'hugeBody', count: 0 });
    expectFailure(await refresh(), { what: /127\.0\.0\.1:\d+ sent an answer larger than 4 MB; okta-aws stopped reading it/, next: /AWS_ENDPOINT_URL_STS|proxy/ });
    expect(await readFile(box.credentials, 'utf8')).toBe(USER_CREDENTIALS);
    expect(emu.sts.counters.total).toBeGreaterThan(0);
  });

  it('an STS answer that stalls halfway gives the same line as an STS that never answers', async () => {
    emu.sts.faults.add({ kind: 'stallBody', count: 0 });
    expectFailure(await refresh({ OKTA_AWS_HTTP_TIMEOUT: '2' }), { what: /No answer from STS for arn:aws:iam::\d+:role\/\S+ within 2 s/, next: /raise OKTA_AWS_HTTP_TIMEOUT \(seconds\)/ });
    expect(await readFile(box.credentials, 'utf8')).toBe(USER_CREDENTIALS);
    expect(emu.sts.counters.total).toBeGreaterThan(0);
  });
});

describe('no credential crosses origins', () => {
  it('a 307 from /api/v1/authn to another host: the password is not posted there', async () => {
    emu.okta.faults.add({ kind: 'redirect', path: '/api/v1/authn', status: 307, location: `${elsewhere.origin}/api/v1/authn` });
    expectFailure(await refresh(), { what: /redirected to http:\/\/127\.0\.0\.1:\d+, another origin/, next: /Check the SSO URL/ });
    expect(elsewhere.requests).toEqual([]);
    await expectUntouched();
  });

  it('a 307 within the org after the password POST: the body is not sent again', async () => {
    emu.okta.faults.add({ kind: 'redirect', path: '/api/v1/authn', status: 307, location: '/api/v1/authn/again' });
    expectFailure(await refresh(), { what: /asked for the request body to be sent again .*never re-sends a password or code/, next: /Check the SSO URL/ });
    expect(emu.okta.counters.byPath['POST /api/v1/authn/again']).toBeUndefined();
    await expectUntouched();
  });

  it('a factor verify link on another host: neither the code nor the state token goes there', async () => {
    emu.okta.faults.add({ kind: 'foreignLinks', origin: elsewhere.origin });
    expectFailure(await refresh(), { what: /Okta pointed okta-aws at http:\/\/127\.0\.0\.1:\d+, which is not the SSO URL's origin/, next: /Check the SSO URL/ });
    expect(elsewhere.requests).toEqual([]);
    expect(emu.okta.counters.verify).toBe(0);
    await expectUntouched();
  });

  it('the SSO page redirecting to another host does not take the saved session along', async () => {
    expect((await refresh()).code).toBe(0);
    await seedUserCredentials(box.credentials);
    const before = await readFile(box.credentials, 'utf8');
    emu.okta.faults.add({ kind: 'redirect', path: '/app/*', status: 302, location: `${elsewhere.origin}/login` });
    const run = await refresh();
    expectFailure(run, { what: /redirected to http:\/\/127\.0\.0\.1:\d+, another origin/, next: /Check the SSO URL/ });
    expect(elsewhere.requests).toEqual([]);
    expect(run.stderr).not.toContain(FIXTURE_PASSWORD);
    expect(await readFile(box.credentials, 'utf8')).toBe(before);
  });
});
