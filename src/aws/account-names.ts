import { createHttpClient, timeoutFromEnv } from '../lib/http.js';
import { debug } from '../lib/log.js';
import { type State, readState, updateState } from '../lib/state.js';
import { type AccountNames, parseSigninPage } from '../saml/signin-page.js';

export type { AccountNames } from '../saml/signin-page.js';

/** Names change rarely: the sign-in page is read at most once a day. */
export const NAMES_MAX_AGE_MS = 86_400_000;
/** The page is a convenience; a slow AWS must not hold up a login for long. */
const PAGE_TIMEOUT_MS = 5_000;

export interface RememberedNames {
  names: AccountNames;
  /** Epoch ms of the last attempt to read the page, successful or not. */
  checkedAt: number;
}

export function rememberedNames(state: State): RememberedNames | undefined {
  const entry = state.account_names;
  if (!entry || typeof entry.checkedAt !== 'number' || typeof entry.names !== 'object' || entry.names === null) return undefined;
  return entry;
}

/** The sign-in host: AWS_ENDPOINT_URL_SIGNIN, else the origin of the assertion's Destination (partition and region). */
export function signinBase(env: NodeJS.ProcessEnv, destination: string | undefined): string | undefined {
  if (env.AWS_ENDPOINT_URL_SIGNIN) return env.AWS_ENDPOINT_URL_SIGNIN.replace(/\/+$/, '');
  if (!destination) return undefined;
  try {
    const url = new URL(destination);
    return url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Why the page gave no names, for the one warning; undefined when it did. */
export type NamesOutcome = { names: AccountNames } | { problem: string };

/** POSTs the SAMLResponse to `{signin}/saml` the way a browser would and reads the account names. */
export async function fetchAccountNames(input: { signin: string; samlResponse: string; relayState?: string; env: NodeJS.ProcessEnv }): Promise<NamesOutcome> {
  const url = `${input.signin}/saml`;
  try {
    const http = await createHttpClient({ env: input.env, timeoutMs: Math.min(PAGE_TIMEOUT_MS, timeoutFromEnv(input.env)) });
    const body = new URLSearchParams({ SAMLResponse: input.samlResponse, ...(input.relayState ? { RelayState: input.relayState } : {}) });
    const response = await http.fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' },
      body: body.toString(),
      redirect: 'manual',
    });
    // With a single role AWS skips the selection page and redirects to the console: nothing to
    // read, and nothing wrong either, so no warning.
    if (response.status >= 300 && response.status < 400) return { names: {} };
    if (response.status !== 200) return { problem: `AWS answered ${response.status}` };
    const names = parseSigninPage(await response.text());
    return names ? { names } : { problem: 'the page is in a format okta-aws does not know' };
  } catch (error) {
    debug(`account names: ${(error as Error).message}`);
    return { problem: (error as Error).message };
  }
}

/**
 * The account names to use for this login: remembered ones while less than a day old, else read
 * afresh from the sign-in page. A failure keeps what was known and returns a warning; it never
 * fails the login.
 */
export async function accountNamesFor(input: {
  env: NodeJS.ProcessEnv;
  samlResponse: string;
  relayState?: string;
  destination?: string;
  now?: number;
}): Promise<{ names: AccountNames; warning?: string }> {
  const now = input.now ?? Date.now();
  const known = rememberedNames(await readState(input.env));
  if (known && now - known.checkedAt < NAMES_MAX_AGE_MS) return { names: known.names };
  const signin = signinBase(input.env, input.destination);
  const outcome: NamesOutcome = signin
    ? await fetchAccountNames({ signin, samlResponse: input.samlResponse, relayState: input.relayState, env: input.env })
    : { problem: 'the assertion names no sign-in host' };
  const names = 'names' in outcome ? { ...known?.names, ...outcome.names } : (known?.names ?? {});
  // Remember the attempt either way, so a broken page costs one warning a day, not one a refresh.
  await updateState((state) => {
    state.account_names = { names, checkedAt: now };
  }, input.env);
  if ('names' in outcome) return { names };
  return { names, warning: `Could not read account names from the AWS sign-in page (${outcome.problem}); ${known ? 'kept the last known names' : 'using account ids'}` };
}
