import { setTimeout as pause } from 'node:timers/promises';
import { UserError } from '../lib/errors.js';
import type { HttpClient } from '../lib/http.js';
import { loggableUrl } from '../lib/http.js';
import { onInterrupt } from '../lib/interrupt.js';
import { debug } from '../lib/log.js';
import type { Wait } from '../lib/wait.js';
import { commonOktaError, oktaPost } from './api.js';
import type { AuthnResponse } from './authn.js';

export interface PushOptions {
  /** Give up (and cancel the transaction) when the push is not answered within this. */
  timeoutMs: number;
  /** A line the user must see: which device to approve, the number to tap. */
  notify(line: string): void;
  /** How a rate-limit pause is shown. */
  wait?: Wait;
  /** The pause between polls (tests pass one that moves a fake clock). */
  sleep?: (ms: number) => Promise<unknown>;
}

export interface PushTransaction {
  /** The push factor's verify URL (sends the push). */
  verifyUrl: string;
  stateToken: string;
  device: string;
}

/** Okta documents no interval; clients poll every 1–3 s. Aim at 2 s between polls, never under 1 s after an answer. */
const POLL_PERIOD_MS = 2_000;
const MIN_PAUSE_MS = 1_000;

/**
 * Sends an Okta Verify push and polls until the user answers. Returns Okta's answer once it is no
 * longer a waiting challenge (SUCCESS with the session token, or another state for the caller);
 * a rejection, Okta's timeout, our own timeout and an interrupt each cancel the transaction.
 */
export async function verifyPush(http: HttpClient, origin: string, tx: PushTransaction, options: PushOptions): Promise<AuthnResponse> {
  const { device } = tx;
  const { sleep = pause } = options;
  let stateToken = tx.stateToken;
  // Okta's cancel link is always this; the answers' _links.cancel, when present, wins.
  let cancelUrl = `${origin}/api/v1/authn/cancel`;
  let cancelled: Promise<void> | undefined;
  let interrupted = false;
  const cancel = () =>
    (cancelled ??= oktaPost(http, cancelUrl, { stateToken }).then(
      () => debug('push: transaction cancelled'),
      (error: unknown) => debug(`push: cancelling the transaction failed: ${(error as Error).message}`),
    ));
  const release = onInterrupt(() => {
    interrupted = true;
    return cancel();
  });
  // After an interrupt the process is about to exit with its own line: nothing more from here.
  const halt = () => new Promise<never>(() => undefined);

  try {
    const post = async (url: string) => {
      try {
        const answer = await oktaPost<AuthnResponse>(http, url, { stateToken }, options.wait);
        debug(`push: POST ${loggableUrl(url)} → ${answer.status}${answer.factorResult ? ` ${answer.factorResult}` : ''}`);
        return answer;
      } catch (error) {
        if (interrupted) return halt();
        throw commonOktaError(error, origin);
      }
    };
    const deadline = Date.now() + options.timeoutMs;
    let sentAt = Date.now();
    let answer = await post(tx.verifyUrl);
    let shownNumber: number | undefined;
    options.notify(`Approve the Okta Verify push on ${device}`);
    for (;;) {
      if (interrupted) return halt();
      cancelUrl = answer._links?.cancel?.href ?? cancelUrl;
      stateToken = answer.stateToken ?? stateToken;
      if (answer.status !== 'MFA_CHALLENGE') return answer;
      if (answer.factorResult !== 'WAITING') {
        await cancel();
        throw pushFailure(answer.factorResult, device, options.timeoutMs);
      }
      const number = answer._embedded?.factor?._embedded?.challenge?.correctAnswer;
      if (number !== undefined && number !== shownNumber) {
        shownNumber = number;
        options.notify(`Okta Verify asks for a number: tap ${number}`);
      }
      const poll = answer._links?.next?.href;
      if (!poll) {
        await cancel();
        throw new UserError('Okta answered the push without a link to poll', { hint: 'Try again; if it persists, report it with --debug output.', code: 'PUSH_NO_POLL' });
      }
      const gap = Math.max(MIN_PAUSE_MS, sentAt + POLL_PERIOD_MS - Date.now());
      if (Date.now() + gap > deadline) {
        await sleep(Math.max(0, deadline - Date.now()));
        if (interrupted) return halt();
        await cancel();
        throw pushFailure('CLIENT_TIMEOUT', device, options.timeoutMs);
      }
      await sleep(gap);
      if (interrupted) return halt();
      sentAt = Date.now();
      answer = await post(poll);
    }
  } finally {
    release();
  }
}

function pushFailure(result: string | undefined, device: string, timeoutMs: number): UserError {
  switch (result) {
    case 'REJECTED':
      return new UserError(`The Okta Verify push was rejected on ${device}`, {
        hint: 'Nothing was changed. If that was not you, tell your Okta admin; otherwise run the command again and approve it.',
        code: 'PUSH_REJECTED',
      });
    case 'TIMEOUT':
      return new UserError(`Okta says the Okta Verify push to ${device} timed out`, {
        hint: 'Nothing was changed. Run the command again and approve the push when it arrives.',
        code: 'PUSH_TIMEOUT',
      });
    case 'CLIENT_TIMEOUT':
      return new UserError(`No answer to the Okta Verify push on ${device} within ${Math.round(timeoutMs / 1000)} s`, {
        hint: 'Nothing was changed. Run the command again and approve the push; OKTA_AWS_PUSH_TIMEOUT sets how many seconds to wait.',
        code: 'PUSH_TIMEOUT',
      });
    default:
      return new UserError(`Okta answered the Okta Verify push with ${result ?? 'no result'}`, {
        hint: 'Nothing was changed. Run the command again; if it persists, report it with --debug output.',
        code: 'PUSH_FAILED',
      });
  }
}
