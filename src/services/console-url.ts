import { openInBrowser } from '../console/open-browser.js';
import { signinUrl } from '../console/signin.js';
import { createHttpClient } from '../lib/http.js';
import type { Prompter } from '../ui/prompter.js';
import type { FreshOptions } from './fresh-credentials.js';
import { type ChainRequest, roleCredentials } from './role-credentials.js';

export interface ConsoleRequest {
  target?: string;
  destination?: string;
  /** Console session seconds; defaults to the SAML SessionDuration for credentials straight from Okta. */
  duration?: number;
  open: boolean;
  chain?: ChainRequest;
  prompter?: Prompter;
}

/** A signed console sign-in URL for a role (federation getSigninToken, then Action=login). */
export async function consoleUrl(request: ConsoleRequest, options: FreshOptions): Promise<{ url: string; notes: string[] }> {
  const env = options.env ?? process.env;
  const { credentials, sessionDuration } = await roleCredentials(
    { ...(request.target ? { target: request.target } : {}), ...(request.chain ? { chain: request.chain } : {}), ...(request.prompter ? { prompter: request.prompter } : {}) },
    options,
  );
  const notes: string[] = [];
  if (credentials.chained && request.duration !== undefined) {
    notes.push('AWS refuses a console session duration for chained role credentials; the session lasts as long as they do.');
  }
  const http = await createHttpClient({ env });
  const duration = request.duration ?? sessionDuration;
  const url = await signinUrl({
    creds: credentials,
    ...(request.destination ? { destination: request.destination } : {}),
    ...(duration !== undefined ? { sessionDuration: duration } : {}),
    ...(env.AWS_ENDPOINT_URL_SIGNIN ? { signinBase: env.AWS_ENDPOINT_URL_SIGNIN } : {}),
    fetch: http.fetch,
  });
  if (request.open) await openInBrowser(url, env);
  return { url, notes };
}
