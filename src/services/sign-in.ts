import { accountNamesFor } from '../aws/account-names.js';
import { type NameCollision, profileNames, profilePrefix } from '../aws/profile-name.js';
import type { GrantedRole } from '../aws/types.js';
import { UserError } from '../lib/errors.js';
import { type HttpClient, createHttpClient } from '../lib/http.js';
import { sessionOwner } from '../lib/identity.js';
import { configName } from '../lib/paths.js';
import { registerSecret } from '../lib/log.js';
import { orgPipeline } from '../okta/organization.js';
import { fetchSamlAssertion } from '../okta/sso.js';
import { decodeSamlResponse, parseAssertion } from '../saml/assertion.js';
import type { Config } from './config.js';
import { type DeviceLoginUi, deviceSamlResponse, noDeviceLogin } from './device-sign-in.js';
import { namingAliases } from './profile-naming.js';
import type { Reporter } from './reporter.js';
import { userSecrets } from './secrets.js';
import { totpCodeSource } from './totp-clock.js';

export interface SignedIn {
  /** Base64 SAMLResponse, for STS. */
  samlAssertion: string;
  roles: GrantedRole[];
  sessionDuration: number | undefined;
  /** Roles whose plain profile names collided and got ARN-derived suffixes instead. */
  collisions: NameCollision[];
  /** Things the user should know that did not stop the login (account names unreadable). */
  warnings: string[];
}

const FACTOR_LABEL = { totp: 'password + TOTP', push: 'password + Okta Verify push', none: 'password' } as const;

/**
 * Okta → the SAML assertion → the roles it grants. Classic: session reuse, else password + TOTP.
 * Device flow (Identity Engine): refresh token, else a browser login through `device`.
 */
export async function signIn(
  config: Config,
  env: NodeJS.ProcessEnv,
  reporter: Reporter,
  given?: { password: string; totpSecret?: string },
  device: DeviceLoginUi = noDeviceLogin,
): Promise<SignedIn> {
  // Pinned to the SSO origin: a link in Okta's answers that points elsewhere gets no password, code or token.
  const http = await createHttpClient({ env, origin: new URL(config.ssoUrl).origin });
  const samlResponse =
    config.loginFlow === 'device'
      ? await deviceSamlResponse(http, config, env, reporter, device)
      : await classicSamlResponse(http, config, env, reporter, given).catch((error: unknown) => identityEngineError(http, config, env, error));
  registerSecret(samlResponse);
  const assertion = parseAssertion(decodeSamlResponse(samlResponse));
  const known = await accountNamesFor({ env, samlResponse, destination: assertion.destination });
  const named = assertion.roles.map((r) => {
    // account_aliases in settings win over the names AWS shows.
    const alias = config.aliases[r.accountId]?.trim() || known.names[r.accountId];
    return { ...r, ...(alias ? { accountAlias: alias } : {}) };
  });
  const { names, collisions } = profileNames(
    named.map((r) => r.roleArn),
    namingAliases(config.profileNames, config.aliases, named),
    profilePrefix(configName(env)),
  );
  return {
    samlAssertion: samlResponse,
    sessionDuration: assertion.sessionDuration,
    collisions,
    warnings: known.warning ? [known.warning] : [],
    roles: named.map((r) => ({
      profile: names.get(r.roleArn)!,
      roleArn: r.roleArn,
      principalArn: r.principalArn,
      accountId: r.accountId,
      roleName: r.roleName,
      partition: r.partition,
      ...(r.accountAlias ? { accountAlias: r.accountAlias } : {}),
    })),
  };
}

async function classicSamlResponse(http: HttpClient, config: Config, env: NodeJS.ProcessEnv, reporter: Reporter, given?: { password: string; totpSecret?: string }): Promise<string> {
  const secrets = userSecrets(config, env, given);
  const saml = await reporter.task(`Signing in to Okta as ${config.username}`, async (retitle) => {
    const result = await fetchSamlAssertion(http, {
      ssoUrl: config.ssoUrl,
      username: config.username,
      // Both secrets are read before the password leaves: a TOTP secret that is not base32 fails first.
      credentials: async () => {
        const totpSecret =
          config.mfaFactor === 'push' ? undefined : config.mfaFactor === 'totp' ? await secrets.totpSecret() : await secrets.optionalTotpSecret();
        const password = await secrets.password();
        return {
          password,
          mfa: {
            preference: config.mfaFactor,
            nextCode: totpSecret === undefined ? undefined : totpCodeSource(sessionOwner(config.ssoUrl, config.username), async () => totpSecret, env, reporter.wait),
            pushDevice: config.pushDevice,
            push: { timeoutMs: config.pushTimeoutSeconds * 1000, notify: (line) => reporter.attention(line) },
          },
        };
      },
      wait: reporter.wait,
      session: secrets.session,
    });
    retitle(result.reusedSession ? 'Reused the Okta session (no password, no MFA)' : `Signed in to Okta as ${config.username} (${FACTOR_LABEL[result.factor ?? 'none']})`);
    return result;
  });
  return saml.samlResponse;
}

/**
 * A classic login refused by an Identity Engine org (FastPass, passwordless, or a policy that
 * disallows /api/v1/authn) gets the way out instead of "check your password".
 */
async function identityEngineError(http: HttpClient, config: Config, env: NodeJS.ProcessEnv, error: unknown): Promise<never> {
  const refused = error instanceof UserError && (error.code === 'E0000004' || error.code === 'E0000005' || error.code === 'HTTP_403');
  if (refused && (await orgPipeline(http, new URL(config.ssoUrl).origin, env)) === 'idx') {
    throw new UserError(`This Okta org runs Identity Engine and refused the classic password login (${(error as UserError).code})`, {
      hint: 'Use the device login: ask your Okta admin for the client id of an OIDC native app for CLIs (README: "Okta Identity Engine orgs") and run `okta-aws init --flow device --client-id <id>`.',
      code: 'IDX_CLASSIC_REFUSED',
    });
  }
  throw error;
}
