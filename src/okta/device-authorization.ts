import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../lib/errors.js';
import type { HttpClient } from '../lib/http.js';
import { debug, registerSecret } from '../lib/log.js';
import { DEVICE_SCOPES, OAuthError, type TokenSet, oauthPost, tokenEndpoint, tokenSetFrom } from './oauth.js';

/** RFC 8628's answer to `/oauth2/v1/device/authorize`. */
export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  /** The URL with the user code in it: what the browser opens. */
  verificationUriComplete: string;
  expiresInSeconds: number;
  intervalSeconds: number;
}

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628 §3.5: without an interval the client waits 5 s; `slow_down` adds 5 s for good. */
const DEFAULT_INTERVAL_SECONDS = 5;
const SLOW_DOWN_SECONDS = 5;

/** Step 1: ask for a device code and the user code to show. */
export async function authorizeDevice(http: HttpClient, origin: string, clientId: string): Promise<DeviceAuthorization> {
  let body;
  try {
    body = await oauthPost(http, `${origin}/oauth2/v1/device/authorize`, { client_id: clientId, scope: DEVICE_SCOPES });
  } catch (error) {
    throw clientError(error, clientId);
  }
  return deviceAuthorizationFrom(body);
}

/** Validates the authorize answer (pure). The device code is registered for redaction at once. */
export function deviceAuthorizationFrom(body: Record<string, unknown>): DeviceAuthorization {
  // An empty string is refused or replaced below like a missing one.
  const text = (key: string) => (typeof body[key] === 'string' ? body[key] : undefined);
  const deviceCode = text('device_code');
  const userCode = text('user_code');
  const verificationUri = text('verification_uri');
  if (!deviceCode || !userCode || !verificationUri || !/^https?:\/\//i.test(verificationUri)) {
    throw new UserError("Okta's device authorization answer is missing the device code, user code or verification URL", {
      hint: 'Run again with --debug and report it.',
      code: 'BAD_DEVICE_ANSWER',
    });
  }
  registerSecret(deviceCode);
  const complete = text('verification_uri_complete');
  // JSON has no NaN or Infinity: a number is finite.
  const seconds = (key: string, fallback: number) => (typeof body[key] === 'number' && body[key] > 0 ? body[key] : fallback);
  return {
    deviceCode,
    userCode,
    verificationUri,
    verificationUriComplete: complete && /^https?:\/\//i.test(complete) ? complete : verificationUri,
    expiresInSeconds: seconds('expires_in', 600),
    intervalSeconds: Math.max(1, seconds('interval', DEFAULT_INTERVAL_SECONDS)),
  };
}

/**
 * What one refused poll means (pure): wait and poll again (at this interval), or stop with the
 * UserError to show. Anything but `authorization_pending` and `slow_down` ends the login.
 */
export function afterRefusedPoll(error: OAuthError, intervalSeconds: number, clientId: string): { intervalSeconds: number } | UserError {
  switch (error.error) {
    case 'authorization_pending':
      return { intervalSeconds };
    case 'slow_down':
      return { intervalSeconds: intervalSeconds + SLOW_DOWN_SECONDS };
    case 'expired_token':
      return expired();
    case 'access_denied':
      return new UserError('The Okta device login was denied in the browser', {
        hint: 'Run the command again and approve the request (check that the code shown matches the one in the browser).',
        code: 'access_denied',
      });
    default: {
      const mapped = clientError(error, clientId);
      return mapped instanceof UserError ? mapped : new UserError(`Okta refused the device login: ${error.message}`, { hint: 'Run the command again; if it repeats, ask your Okta admin to check the OIDC app.', code: error.error });
    }
  }
}

const expired = () =>
  new UserError('The Okta device code expired before the login was approved', {
    hint: 'Run the command again and approve the request in the browser within the time shown.',
    code: 'expired_token',
  });

/**
 * Step 2: poll the token endpoint every `interval` seconds until the user approved (tokens),
 * refused, or the code expired. Never longer than the code's own lifetime.
 */
export async function pollForTokens(http: HttpClient, origin: string, clientId: string, auth: DeviceAuthorization, wait: (ms: number) => Promise<unknown> = sleep): Promise<TokenSet> {
  const deadline = Date.now() + auth.expiresInSeconds * 1000;
  let interval = auth.intervalSeconds;
  for (;;) {
    await wait(interval * 1000);
    if (Date.now() > deadline) throw expired();
    try {
      return tokenSetFrom(await oauthPost(http, tokenEndpoint(origin), { client_id: clientId, device_code: auth.deviceCode, grant_type: DEVICE_GRANT }));
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      const next = afterRefusedPoll(error, interval, clientId);
      if (next instanceof UserError) throw next;
      if (next.intervalSeconds !== interval) debug(`Okta asked to slow down; polling every ${next.intervalSeconds} s`);
      interval = next.intervalSeconds;
    }
  }
}

/** The OIDC app is missing or not set up for this grant: that is the admin's fix, so say what to ask for. */
export function clientError(error: unknown, clientId: string): unknown {
  if (!(error instanceof OAuthError)) return error;
  if (error.error === 'invalid_client') {
    return new UserError(`Okta does not know the OIDC client id ${clientId} (invalid_client)`, {
      hint: 'Check the client id with your Okta admin and run `okta-aws init --flow device --client-id <id>`.',
      code: 'invalid_client',
    });
  }
  if (error.error === 'unauthorized_client' || error.error === 'unsupported_grant_type') {
    return new UserError(`Okta's OIDC app ${clientId} may not use this grant (${error.error})`, {
      hint: 'Ask your Okta admin to enable the Device Authorization, Token Exchange and Refresh Token grants on it (README: "Okta Identity Engine orgs").',
      code: error.error,
    });
  }
  return error;
}
