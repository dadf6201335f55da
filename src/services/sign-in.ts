import { type NameCollision, profileNames } from '../aws/profile-name.js';
import type { GrantedRole } from '../aws/types.js';
import { createHttpClient } from '../lib/http.js';
import { registerSecret } from '../lib/log.js';
import { fetchSamlAssertion } from '../okta/sso.js';
import { decodeSamlResponse, parseAssertion } from '../saml/assertion.js';
import type { Config } from './config.js';
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
}

/** Okta (session reuse, else password + TOTP) → the SAML assertion → the roles it grants. */
export async function signIn(config: Config, env: NodeJS.ProcessEnv, reporter: Reporter, given?: { password: string; totpSecret: string }): Promise<SignedIn> {
  const secrets = userSecrets(config, env, given);
  const http = await createHttpClient({ env });
  const saml = await reporter.task(`Signing in to Okta as ${config.username}`, async (retitle) => {
    const result = await fetchSamlAssertion(http, {
      ssoUrl: config.ssoUrl,
      username: config.username,
      // A login needs both secrets: a TOTP secret that is not base32 fails before the password is sent.
      password: async () => {
        await secrets.totpSecret();
        return secrets.password();
      },
      nextCode: totpCodeSource(config.username, secrets.totpSecret, env, reporter.wait),
      wait: reporter.wait,
      session: secrets.session,
      onLogin: () => retitle(`Signing in to Okta as ${config.username} (password + TOTP)`),
    });
    retitle(result.reusedSession ? 'Reused the Okta session (no password, no MFA)' : `Signed in to Okta as ${config.username} (password + TOTP)`);
    return result;
  });
  registerSecret(saml.samlResponse);
  const assertion = parseAssertion(decodeSamlResponse(saml.samlResponse));
  const { names, collisions } = profileNames(
    assertion.roles.map((r) => r.roleArn),
    config.aliases,
  );
  return {
    samlAssertion: saml.samlResponse,
    sessionDuration: assertion.sessionDuration,
    collisions,
    roles: assertion.roles.map((r) => ({
      profile: names.get(r.roleArn)!,
      roleArn: r.roleArn,
      principalArn: r.principalArn,
      accountId: r.accountId,
      roleName: r.roleName,
      partition: r.partition,
    })),
  };
}
