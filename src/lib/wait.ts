import { debug } from './log.js';

/**
 * A pause the user should hear about (next TOTP step, Okta's rate limit). `say(seconds)` words it
 * for the seconds still left, so a terminal can count down; elsewhere it is said once.
 */
export type Wait = (ms: number, say: (seconds: number) => string) => Promise<void>;

/** For callers without a reporter: the reason goes to the --debug log. */
export const quietWait: Wait = async (ms, say) => {
  debug(say(Math.ceil(ms / 1000)));
  await new Promise((resolve) => setTimeout(resolve, ms)); // the global timer, which a test can fake
};
