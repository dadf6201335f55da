/**
 * Okta Verify push for the emulated org: what the user's phone does with a push (scripted per user, or
 * answered live through the control API), and what the org measures (pushes, polls, gaps between polls).
 */
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';

export type PushAnswer = 'approve' | 'reject' | 'timeout' | 'never';

/** How the user's phone answers each push. */
export interface PushScript {
  /** approve / reject / timeout (Okta's TIMEOUT) after `afterPolls` WAITING polls; never: stays WAITING. */
  answer: PushAnswer;
  /** Polls answered WAITING before the answer. Default 2. */
  afterPolls?: number;
  /** A number challenge: true for a random 10–99, or this number. Shown in WAITING poll answers. */
  numberChallenge?: boolean | number;
}

export const DEFAULT_PUSH_SCRIPT: PushScript = { answer: 'approve', afterPolls: 2 };

export interface PushCounters {
  pushesSent: number;
  pushResends: number;
  pushPolls: number;
  /** Transactions cancelled (POST /api/v1/authn/cancel) while a push was out. */
  pushCancels: number;
  /** Milliseconds (real time) between one request of a push (send, resend or poll) and its next poll. */
  pollGapsMs: number[];
  /** Pushes sent per device name (factor profile.name). */
  pushesByDevice: Record<string, number>;
}

export const newPushCounters = (): PushCounters => ({ pushesSent: 0, pushResends: 0, pushPolls: 0, pushCancels: 0, pollGapsMs: [], pushesByDevice: {} });

export interface LivePush {
  factorId: string;
  device: string;
  state: 'WAITING' | 'REJECTED' | 'TIMEOUT';
  script: PushScript;
  polls: number;
  /** performance.now() of the last request for this push. */
  lastRequestAt: number;
  /** Emulated-clock ms when Okta gives up on it (about 5 minutes). */
  expiresAt: number;
  number: number | undefined;
  /** Set through the control API: the answer the next poll sees. */
  liveAnswer?: 'approve' | 'reject';
}

/** A new push (send or resend): WAITING, counted, with a fresh number when the script asks for one. */
export function newPush(factorId: string, device: string, script: PushScript, expiresAt: number, counters: PushCounters): LivePush {
  counters.pushesSent++;
  counters.pushesByDevice[device] = (counters.pushesByDevice[device] ?? 0) + 1;
  const n = script.numberChallenge;
  return {
    factorId,
    device,
    state: 'WAITING',
    script,
    polls: 0,
    lastRequestAt: performance.now(),
    expiresAt,
    number: typeof n === 'number' ? n : n ? randomInt(10, 100) : undefined,
  };
}

/** One poll: measured, then what the phone has done by now. */
export function pollPush(push: LivePush, nowMs: number, counters: PushCounters): 'WAITING' | 'APPROVED' | 'REJECTED' | 'TIMEOUT' {
  const at = performance.now();
  counters.pushPolls++;
  counters.pollGapsMs.push(Math.round(at - push.lastRequestAt));
  push.lastRequestAt = at;
  push.polls++;
  if (push.liveAnswer === 'approve') return 'APPROVED';
  if (push.liveAnswer === 'reject') return (push.state = 'REJECTED');
  if (nowMs >= push.expiresAt) return (push.state = 'TIMEOUT');
  const { answer, afterPolls = 2 } = push.script;
  if (answer === 'never' || push.polls <= afterPolls) return 'WAITING';
  if (answer === 'approve') return 'APPROVED';
  return (push.state = answer === 'reject' ? 'REJECTED' : 'TIMEOUT');
}

export function validatePushScript(body: Record<string, unknown>): PushScript {
  const { answer, afterPolls, numberChallenge } = body;
  if (answer !== 'approve' && answer !== 'reject' && answer !== 'timeout' && answer !== 'never') throw new Error('answer must be approve, reject, timeout or never');
  if (afterPolls !== undefined && (typeof afterPolls !== 'number' || !Number.isInteger(afterPolls) || afterPolls < 0)) throw new Error('afterPolls must be a non-negative integer');
  if (numberChallenge !== undefined && typeof numberChallenge !== 'boolean' && typeof numberChallenge !== 'number') throw new Error('numberChallenge must be a boolean or a number');
  return { answer, ...(afterPolls === undefined ? {} : { afterPolls }), ...(numberChallenge === undefined ? {} : { numberChallenge }) };
}
