import { UserError } from '../lib/errors.js';
import type { HttpClient } from '../lib/http.js';
import { sessionOwner } from '../lib/identity.js';
import { debug } from '../lib/log.js';
import { type DeviceAuthorization, authorizeDevice, pollForTokens } from '../okta/device-authorization.js';
import { OAuthError, type TokenSet, refreshTokens } from '../okta/oauth.js';
import { AssuranceNotMet, appInstanceIdFromUrl, awsAppInstance, exchangeForWebSsoToken, listAppLinks, samlResponseFromWebSsoToken } from '../okta/web-sso.js';
import { openStore } from '../stores/index.js';
import type { Config } from './config.js';
import type { Reporter } from './reporter.js';

/** What a device login needs from whoever runs it: a person with a browser, or not. */
export interface DeviceLoginUi {
  /** A device login may start: on a terminal, or during `init` (its verify step is that login). */
  mayStartDeviceLogin: boolean;
  /** Shows the URL and user code on stderr, and opens the browser when there is a terminal. */
  present(auth: DeviceAuthorization): Promise<void>;
}

/** For callers with nobody to approve a login (credential-process and the hook without a terminal). */
export const noDeviceLogin: DeviceLoginUi = { mayStartDeviceLogin: false, present: async () => undefined };

/**
 * The Identity Engine login: the stored refresh token first (rotated on every use), else the OAuth
 * device flow; then the web SSO token exchange and `/login/token/sso` → the base64 SAMLResponse.
 * A refused refresh token or an assurance failure leads to one device login at most, never a loop.
 */
export async function deviceSamlResponse(http: HttpClient, config: Config, env: NodeJS.ProcessEnv, reporter: Reporter, ui: DeviceLoginUi): Promise<string> {
  const origin = new URL(config.ssoUrl).origin;
  const clientId = config.clientId!;
  const store = openStore(config.store, env);
  // Filed under (SSO origin, username), like the Okta session: a refresh token is only ever sent
  // back to the org that issued it, never to another org a new SSO URL points at.
  const user = sessionOwner(config.ssoUrl, config.username);
  const saml = async (tokens: TokenSet) => {
    const appInstanceId = appInstanceIdFromUrl(config.ssoUrl) ?? awsAppInstance(await listAppLinks(http, origin, tokens.accessToken));
    const webSsoToken = await exchangeForWebSsoToken(http, origin, clientId, tokens, appInstanceId);
    return samlResponseFromWebSsoToken(http, origin, webSsoToken);
  };

  const stored = store.writable ? await store.get(user, 'oauth_refresh_token') : undefined;
  // The env store never writes, and nothing falls back to an unprotected file: there, every login is
  // a device login. (Asked after the first call: a plugin's store knows only once it is found.)
  const keep = store.writable;
  let why: string;
  if (stored) {
    try {
      const tokens = await reporter.task('Signing in to Okta with the stored refresh token', async (retitle) => {
        const fresh = await refreshTokens(http, origin, clientId, stored);
        // Rotation: the old token is dead now, so the new one is saved before anything else can fail.
        if (fresh.refreshToken && fresh.refreshToken !== stored) await store.set(user, 'oauth_refresh_token', fresh.refreshToken);
        retitle('Signed in to Okta with the refresh token (no browser)');
        return fresh;
      });
      return await saml(tokens);
    } catch (error) {
      const refused = error instanceof OAuthError && error.error === 'invalid_grant';
      if (!refused && !(error instanceof AssuranceNotMet)) throw error;
      debug(refused ? `the refresh token was refused: ${(error as OAuthError).description ?? ''}` : 'the AWS app wants a fresh login');
      if (refused) await store.delete(user, 'oauth_refresh_token');
      why = refused ? 'Okta no longer accepts the stored refresh token (expired or revoked)' : "Okta says the stored login no longer meets the AWS app's assurance requirements";
    }
  } else {
    why = keep ? `No Okta refresh token is stored for ${config.username}` : `The ${store.name} store keeps no refresh token`;
  }
  if (!ui.mayStartDeviceLogin) {
    throw new UserError(`${why}, and a browser login needs a terminal`, { hint: 'Run `okta-aws refresh` on a terminal to sign in in the browser once.', code: 'DEVICE_LOGIN_NEEDED' });
  }

  const tokens = await deviceLogin(http, origin, clientId, reporter, ui);
  try {
    const samlResponse = await saml(tokens);
    // Kept only once it proved itself: a login that ends in an error leaves nothing behind.
    if (keep && tokens.refreshToken) await store.set(user, 'oauth_refresh_token', tokens.refreshToken);
    return samlResponse;
  } catch (error) {
    // Another browser login would earn the same answer: say what has to change instead of looping.
    if (!(error instanceof AssuranceNotMet)) throw error;
    throw new UserError("Even a fresh browser login does not meet the AWS app's assurance requirements", {
      hint: "Ask your Okta admin which factors the AWS app's authentication policy requires, and sign in with one of them.",
      code: 'ASSURANCE',
    });
  }
}

async function deviceLogin(http: HttpClient, origin: string, clientId: string, reporter: Reporter, ui: DeviceLoginUi): Promise<TokenSet> {
  const auth = await authorizeDevice(http, origin, clientId);
  await ui.present(auth);
  return reporter.task(`Waiting for you to approve code ${auth.userCode} in the browser`, async (retitle) => {
    const tokens = await pollForTokens(http, origin, clientId, auth);
    retitle('Signed in to Okta in the browser');
    return tokens;
  });
}
