/**
 * okta/push: an Okta Verify push sent and polled against the Okta emulator on loopback (the phone's
 * answers scripted per user), and the answers the emulator never gives from a scripted server. Time
 * is a fake clock that only the injected sleep moves, so no test waits.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type HttpClient, createHttpClient } from '../../../src/lib/http.js';
import { INTERRUPT_EVENT } from '../../../src/lib/interrupt.js';
import { enableDebug } from '../../../src/lib/log.js';
import { oktaPost } from '../../../src/okta/api.js';
import type { AuthnResponse } from '../../../src/okta/authn.js';
import { type PushOptions, verifyPush } from '../../../src/okta/push.js';
import { type Emulators, FIXTURE_PASSWORD, FIXTURE_USERS, startEmulators } from '../../emulators/index.js';
import type { PushScript } from '../../emulators/okta-push.js';
import { type ScriptedAnswer, scriptedServer } from '../../helpers/scripted-server.js';

const slept: number[] = [];
const notes: string[] = [];
const options = (timeoutMs = 60_000, extra: Partial<PushOptions> = {}): PushOptions => ({
  timeoutMs,
  notify: (line) => notes.push(line),
  sleep: async (ms) => {
    slept.push(ms);
    vi.setSystemTime(Date.now() + ms);
  },
  ...extra,
});

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-01-01T00:00:00Z') });
  slept.length = 0;
  notes.length = 0;
});
afterEach(() => vi.useRealTimers());

describe('verifyPush against the Okta emulator', () => {
  let emu: Emulators;
  beforeEach(async () => {
    emu = await startEmulators();
  });
  afterEach(() => emu.close());

  /** Password step for the push-only user, whose phone answers as `script` says. */
  async function start(script: PushScript, http?: HttpClient) {
    emu.okta.users.get(FIXTURE_USERS.pushOnly)!.config.push = script;
    const client = http ?? (await createHttpClient({ env: {} }));
    const answer = await oktaPost<AuthnResponse>(client, `${emu.okta.url}/api/v1/authn`, { username: FIXTURE_USERS.pushOnly, password: FIXTURE_PASSWORD });
    const factor = answer._embedded!.factors![0]!;
    return { http: client, tx: { verifyUrl: factor._links!.verify!.href, stateToken: answer.stateToken!, device: factor.profile!.name! } };
  }

  it('polls every 2 s until the push is approved, and returns the session token', async () => {
    const { http, tx } = await start({ answer: 'approve', afterPolls: 2 });
    const answer = await verifyPush(http, emu.okta.url, tx, options());
    expect(answer).toMatchObject({ status: 'SUCCESS', sessionToken: expect.any(String) });
    expect(slept).toEqual([2000, 2000, 2000]);
    expect(notes).toEqual([`Approve the Okta Verify push on ${tx.device}`]);
    expect(emu.okta.counters).toMatchObject({ pushesSent: 1, pushPolls: 3, pushCancels: 0 });
  });

  it('leaves at least 1 s after a slow answer, and counts the 2 s from when the poll went out', async () => {
    const base = await createHttpClient({ env: {} });
    // Each answer takes 1.5 s (of fake time) to come back.
    const slow: HttpClient = { ...base, fetch: async (url, init) => (vi.setSystemTime(Date.now() + 1500), base.fetch(url, init)) };
    const { http, tx } = await start({ answer: 'approve', afterPolls: 1 }, slow);
    await verifyPush(http, emu.okta.url, tx, options());
    expect(slept).toEqual([1000, 1000]);
  });

  it('shows the number to tap once, however often Okta repeats it', async () => {
    const { http, tx } = await start({ answer: 'approve', afterPolls: 3, numberChallenge: 42 });
    await verifyPush(http, emu.okta.url, tx, options());
    expect(notes).toEqual([`Approve the Okta Verify push on ${tx.device}`, 'Okta Verify asks for a number: tap 42']);
  });

  it.each([
    [
      'reject',
      {
        message: "The Okta Verify push was rejected on push-only's iPhone",
        hint: 'Nothing was changed. If that was not you, tell your Okta admin; otherwise run the command again and approve it.',
        code: 'PUSH_REJECTED',
      },
    ],
    ['timeout', { message: "Okta says the Okta Verify push to push-only's iPhone timed out", hint: 'Nothing was changed. Run the command again and approve the push when it arrives.', code: 'PUSH_TIMEOUT' }],
  ] as const)('a push the phone answers with %s cancels the transaction and says so', async (answer, expected) => {
    const { http, tx } = await start({ answer, afterPolls: 1 });
    expect(tx.device).toBe("push-only's iPhone");
    await expect(verifyPush(http, emu.okta.url, tx, options())).rejects.toMatchObject(expected);
    expect(emu.okta.counters.byPath['POST /api/v1/authn/cancel']).toBe(1);
  });

  it.each([
    [4000, [2000, 2000, 0]],
    [5000, [2000, 2000, 1000]],
  ])('gives up at its own timeout (%i ms): sleeps to the deadline, cancels, and names the seconds', async (timeoutMs, sleeps) => {
    const { http, tx } = await start({ answer: 'never' });
    await expect(verifyPush(http, emu.okta.url, tx, options(timeoutMs))).rejects.toMatchObject({
      message: `No answer to the Okta Verify push on push-only's iPhone within ${timeoutMs / 1000} s`,
      hint: 'Nothing was changed. Run the command again and approve the push; OKTA_AWS_PUSH_TIMEOUT sets how many seconds to wait.',
      code: 'PUSH_TIMEOUT',
    });
    expect(slept).toEqual(sleeps);
    expect(emu.okta.counters).toMatchObject({ pushPolls: 2, pushCancels: 1 });
  });

  it('stops where it is on an interrupt: cancels once, and never settles', async () => {
    const { http, tx } = await start({ answer: 'never' });
    const waits: Promise<unknown>[] = [];
    const listeners = process.listenerCount(INTERRUPT_EVENT);
    let settled = false;
    const interruptingSleep = async (ms: number) => {
      slept.push(ms);
      if (slept.length === 2) process.emit(INTERRUPT_EVENT as 'exit', waits as unknown as number);
    };
    void verifyPush(http, emu.okta.url, tx, options(60_000, { sleep: interruptingSleep })).finally(() => (settled = true));
    await vi.waitUntil(() => waits.length > 0);
    await Promise.all(waits);
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    expect(slept).toHaveLength(2);
    expect(emu.okta.counters).toMatchObject({ pushPolls: 1, pushCancels: 1 });
    expect(process.listenerCount(INTERRUPT_EVENT)).toBe(listeners);
  });

  /** Runs a push whose phone never answers, interrupted as `when` says; resolves once the interrupt's cancel is done. */
  async function interrupted(when: 'poll answered' | 'before the poll is sent' | 'deadline sleep') {
    const base = await createHttpClient({ env: {} });
    const waits: Promise<unknown>[] = [];
    const interrupt = () => process.emit(INTERRUPT_EVENT as 'exit', waits as unknown as number);
    let verifies = 0;
    const client: HttpClient = {
      ...base,
      fetch: async (url, init) => {
        if (!url.endsWith('/verify') || ++verifies !== 2 || when === 'deadline sleep') return base.fetch(url, init);
        if (when === 'poll answered') {
          const response = await base.fetch(url, init);
          interrupt();
          return response;
        }
        interrupt();
        await Promise.all(waits); // the transaction is cancelled before the poll reaches Okta
        return base.fetch(url, init);
      },
    };
    const { http, tx } = await start({ answer: 'never' }, client);
    let settled = false;
    const sleep = async (ms: number) => {
      slept.push(ms);
      if (when === 'deadline sleep') interrupt();
    };
    void verifyPush(http, emu.okta.url, tx, options(when === 'deadline sleep' ? 1000 : 60_000, { sleep })).finally(() => (settled = true));
    await vi.waitUntil(() => waits.length > 0);
    await Promise.all(waits);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { settled };
  }

  it.each(['poll answered', 'before the poll is sent', 'deadline sleep'] as const)('an interrupt (%s) stops it where it is, cancelling once', async (when) => {
    expect((await interrupted(when)).settled).toBe(false);
    expect(slept).toHaveLength(1);
    expect(emu.okta.counters.pushCancels).toBe(1);
  });

  it('no longer listens for interrupts once it is done', async () => {
    const listeners = process.listenerCount(INTERRUPT_EVENT);
    const { http, tx } = await start({ answer: 'approve', afterPolls: 0 });
    await verifyPush(http, emu.okta.url, tx, options());
    expect(process.listenerCount(INTERRUPT_EVENT)).toBe(listeners);
  });
});

describe('verifyPush on answers the emulator never gives', () => {
  let server: Awaited<ReturnType<typeof scriptedServer>>;
  afterEach(() => server.close());
  const waiting = (extra: Record<string, unknown> = {}) => ({ body: { status: 'MFA_CHALLENGE', factorResult: 'WAITING', ...extra } });
  const run = async (...answers: ScriptedAnswer[]) => {
    server = await scriptedServer(...answers);
    const http = await createHttpClient({ env: {} });
    return verifyPush(http, server.url, { verifyUrl: `${server.url}/api/v1/authn/factors/opf1/verify`, stateToken: 'st1', device: 'Phone' }, options());
  };
  const requests = () => server.received.map((r) => `${r.method} ${r.path} ${r.body}`);

  it('polls the next link with the newest state token, and cancels at the newest cancel link', async () => {
    server = await scriptedServer();
    const base = server.url;
    await server.close();
    server = await scriptedServer(
      waiting({ stateToken: 'st2', _links: { next: { href: `${base}/poll` } } }),
      waiting({ _links: { next: { href: `${base}/poll` }, cancel: { href: `${base}/cancel-here` } } }),
      { body: { status: 'MFA_CHALLENGE', factorResult: 'CANCELLED' } },
      { body: {} },
    );
    const http = await createHttpClient({ env: {} });
    const sent: string[] = [];
    const client: HttpClient = { ...http, fetch: (url, init) => (sent.push(`${new URL(url).pathname} ${init?.body ?? ''}`), http.fetch(url.replace(base, server.url), init)) };
    await expect(verifyPush(client, base, { verifyUrl: `${base}/verify`, stateToken: 'st1', device: 'Phone' }, options())).rejects.toMatchObject({
      message: 'Okta answered the Okta Verify push with CANCELLED',
      hint: 'Nothing was changed. Run the command again; if it persists, report it with --debug output.',
      code: 'PUSH_FAILED',
    });
    expect(sent).toEqual(['/verify {"stateToken":"st1"}', '/poll {"stateToken":"st2"}', '/poll {"stateToken":"st2"}', '/cancel-here {"stateToken":"st2"}']);
  });

  it('shows a number once, ignores answers that carry none, and reads answers with parts of the challenge missing', async () => {
    server = await scriptedServer();
    const base = server.url;
    await server.close();
    server = await scriptedServer(
      waiting({ _embedded: { factor: { _embedded: { challenge: { correctAnswer: 42 } } } }, _links: { next: { href: `${base}/poll` } } }),
      waiting({ _embedded: { factor: {} }, _links: { next: { href: `${base}/poll` } } }),
      waiting({ _embedded: {}, _links: { next: { href: `${base}/poll` } } }),
      waiting({ _embedded: { factor: { _embedded: {} } }, _links: { next: { href: `${base}/poll` } } }),
      { body: { status: 'SUCCESS', sessionToken: 'session' } },
    );
    const http = await createHttpClient({ env: {} });
    const client: HttpClient = { ...http, fetch: (url, init) => http.fetch(url.replace(base, server.url), init) };
    expect(await verifyPush(client, base, { verifyUrl: `${base}/verify`, stateToken: 'st1', device: 'Phone' }, options())).toEqual({ status: 'SUCCESS', sessionToken: 'session' });
    expect(notes).toEqual(['Approve the Okta Verify push on Phone', 'Okta Verify asks for a number: tap 42']);
  });

  it('a waiting answer with links but none to poll cancels at its cancel link', async () => {
    server = await scriptedServer();
    const base = server.url;
    await server.close();
    server = await scriptedServer(waiting({ _links: { cancel: { href: `${base}/api/v1/authn/cancel?x=1` } } }), { body: {} });
    const http = await createHttpClient({ env: {} });
    const client: HttpClient = { ...http, fetch: (url, init) => http.fetch(url.replace(base, server.url), init) };
    await expect(verifyPush(client, base, { verifyUrl: `${base}/verify`, stateToken: 'st1', device: 'Phone' }, options())).rejects.toMatchObject({ code: 'PUSH_NO_POLL' });
    expect(server.received.map((r) => r.path)).toEqual(['/verify', '/api/v1/authn/cancel?x=1']);
  });

  it('a waiting answer without a poll link cancels at the default cancel URL', async () => {
    await expect(run(waiting(), { body: {} })).rejects.toMatchObject({
      message: 'Okta answered the push without a link to poll',
      hint: 'Try again; if it persists, report it with --debug output.',
      code: 'PUSH_NO_POLL',
    });
    expect(requests()).toEqual(['POST /api/v1/authn/factors/opf1/verify {"stateToken":"st1"}', 'POST /api/v1/authn/cancel {"stateToken":"st1"}']);
  });

  it('a challenge without a result is a failure; a cancel that fails changes nothing', async () => {
    await expect(run({ body: { status: 'MFA_CHALLENGE' } }, { status: 500, body: { errorCode: 'E0000009' } })).rejects.toMatchObject({
      message: 'Okta answered the Okta Verify push with no result',
      code: 'PUSH_FAILED',
    });
    expect(requests()).toHaveLength(2);
  });

  it("returns any other state for the caller, and turns Okta's errors into the shared lines", async () => {
    expect(await run({ body: { status: 'LOCKED_OUT' } })).toEqual({ status: 'LOCKED_OUT' });
    await server.close();
    await expect(run({ status: 401, body: { errorCode: 'E0000011', errorSummary: 'Invalid token provided' } })).rejects.toMatchObject({ message: 'The Okta login transaction expired (E0000011)' });
  });

  it('traces each answer and the cancel under --debug', async () => {
    enableDebug();
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    try {
      await run({ body: { status: 'MFA_CHALLENGE', factorResult: 'REJECTED' } }, { body: {} }).catch(() => undefined);
      await server.close();
      await run({ body: { status: 'SUCCESS', sessionToken: 'st' } });
      await server.close();
      await run({ body: { status: 'MFA_CHALLENGE', factorResult: 'REJECTED' } }, { status: 500, headers: { 'Content-Type': 'text/html' }, body: 'down' }).catch(() => undefined);
    } finally {
      spy.mockRestore();
    }
    const ours = lines.filter((l) => l.startsWith('okta-aws: push:')).map((l) => l.replace(/127\.0\.0\.1:\d+/, 'HOST'));
    expect(ours).toEqual([
      'okta-aws: push: POST http://HOST/api/v1/authn/factors/opf1/verify → MFA_CHALLENGE REJECTED\n',
      'okta-aws: push: transaction cancelled\n',
      'okta-aws: push: POST http://HOST/api/v1/authn/factors/opf1/verify → SUCCESS\n',
      'okta-aws: push: POST http://HOST/api/v1/authn/factors/opf1/verify → MFA_CHALLENGE REJECTED\n',
      'okta-aws: push: cancelling the transaction failed: Okta (HOST) answered HTTP 500\n',
    ]);
  });
});
