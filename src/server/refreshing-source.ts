import { FRESH_FOR_MS, isFresh } from '../aws/credential-cache.js';
import type { ProfileCredentials } from '../aws/types.js';

export interface RefreshingSource {
  /** Fresh credentials: from memory while they have more than 5 minutes left, else one shared refresh. */
  get(): Promise<ProfileCredentials>;
  /** Cancels the scheduled refresh (the server is closing). */
  stop(): void;
}

/**
 * Credentials for a long-running server. `fetch` is the tool's credential chain (cache → refresh
 * lock → Okta session → login), which hands out new credentials once fewer than 5 minutes are left.
 * A timer asks it again just past that point, so a refresh (maybe a login) runs in the background
 * and SDKs, which give up after about 2 s, get an answer from memory.
 */
export function refreshingSource(fetch: () => Promise<ProfileCredentials>, onBackgroundError: (error: unknown) => void = () => undefined): RefreshingSource {
  let current: ProfileCredentials | undefined;
  let inFlight: Promise<ProfileCredentials> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const schedule = (creds: ProfileCredentials) => {
    clearTimeout(timer);
    const delay = creds.expiration.getTime() - FRESH_FOR_MS - Date.now() + 1_000;
    // Credentials that are stale the moment they arrive get no timer: the next request asks again,
    // rather than a loop of refreshes nobody asked for.
    if (stopped || delay <= 0) return;
    timer = setTimeout(() => void refresh().catch(onBackgroundError), Math.min(delay, 2 ** 31 - 1));
    timer.unref();
  };

  const refresh = (): Promise<ProfileCredentials> => {
    inFlight ??= fetch()
      .then((creds) => {
        current = creds;
        schedule(creds);
        return creds;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  return {
    get: () => (current && isFresh(current) ? Promise.resolve(current) : refresh()),
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
