/**
 * Starts the emulated Okta org, STS and federation endpoint wired together (one clock, one Trust), with the
 * default fixture org. Import from here in tests; see cli.ts for a subprocess version.
 */
import { startFederation, type Federation } from './federation.js';
import { Clock } from './http.js';
import { startOktaOrg, type OktaOrg, type OktaOrgOptions, type OktaUserConfig } from './okta.js';
import { Trust, type SamlRole } from './saml.js';
import { startSts, type Sts, type StsRoleConfig } from './sts.js';
import { totpAt } from './totp.js';

export { Clock } from './http.js';
export { Trust, type SamlRole } from './saml.js';
export { startOktaOrg, DEFAULT_AWS_APP_INSTANCE_ID, DEFAULT_CLIENT_ID, type OktaOrg, type OktaOrgOptions, type OktaUserConfig, type PushScript } from './okta.js';
export { startSts, type Sts, type StsOptions, type StsRoleConfig, type IssuedCredentials } from './sts.js';
export { startFederation, type Federation } from './federation.js';
export { totpAt, totpForStep, timeStep } from './totp.js';

export const FIXTURE_PASSWORD = 'correct horse battery staple';
/** Alice's Google Authenticator secret: 16 base32 characters = 10 bytes, the length Okta hands out. */
export const FIXTURE_TOTP_SECRET = 'KRSXG5CTMVRXEZLU';
/** The Okta Verify (OKTA token:software:totp) user's secret. */
export const FIXTURE_OKTA_VERIFY_SECRET = 'ORSXG5DPNN2GK3TT';
export const FIXTURE_REGION = 'ap-southeast-2';
/** What the AWS sign-in page calls the fixture accounts: 222222222222 has no alias. */
export const FIXTURE_ACCOUNT_ALIASES: Record<string, string> = { '111111111111': 'acme-prod' };

export const FIXTURE_USERS = {
  alice: 'alice@example.com',
  lockedOut: 'locked@example.com',
  passwordExpired: 'expired@example.com',
  pushOnly: 'push-only@example.com',
  oktaVerify: 'okta-verify@example.com',
  mfaEnroll: 'enroll@example.com',
  noMfa: 'no-mfa@example.com',
  govCloud: 'gov@example.com',
} as const;
export const FIXTURE_USERNAME = FIXTURE_USERS.alice;

const provider = (account: string, partition = 'aws') => `arn:${partition}:iam::${account}:saml-provider/Okta`;

/** Alice's three roles: provider-first and role-first pairs, with and without a space after the comma. */
export const FIXTURE_ROLES: SamlRole[] = [
  { roleArn: 'arn:aws:iam::111111111111:role/Admin', principalArn: provider('111111111111'), providerFirst: true, space: false },
  { roleArn: 'arn:aws:iam::111111111111:role/team/dev/Deployer', principalArn: provider('111111111111'), providerFirst: false, space: true },
  { roleArn: 'arn:aws:iam::222222222222:role/Auditor', principalArn: provider('222222222222'), providerFirst: true, space: true },
];

/** MaxSessionDuration per role known to STS (others default to 43200). */
export const FIXTURE_STS_ROLES: Record<string, StsRoleConfig> = {
  'arn:aws:iam::222222222222:role/Auditor': { maxSessionDuration: 3600 },
};

/**
 * n roles for benchmarks: the three fixture roles first, then generated ones spread over accounts
 * 3000000000NN with paths, alternating pair order and spacing.
 */
export function generateRoles(n: number): SamlRole[] {
  const roles = FIXTURE_ROLES.slice(0, n);
  for (let i = roles.length; i < n; i++) {
    const account = `3000000000${String(i % 100).padStart(2, '0')}`.slice(-12);
    const name = i % 4 === 0 ? `path/to/Role${i}` : `Role${i}`;
    roles.push({ roleArn: `arn:aws:iam::${account}:role/${name}`, principalArn: provider(account), providerFirst: i % 2 === 0, space: i % 3 === 0 });
  }
  return roles;
}

export function fixtureUsers(roles: SamlRole[] = FIXTURE_ROLES): OktaUserConfig[] {
  const common = { password: FIXTURE_PASSWORD, roles: FIXTURE_ROLES.slice(0, 1) };
  return [
    { login: FIXTURE_USERS.alice, password: FIXTURE_PASSWORD, totpSecret: FIXTURE_TOTP_SECRET, roles, firstName: 'Alice' },
    { ...common, login: FIXTURE_USERS.lockedOut, totpSecret: FIXTURE_TOTP_SECRET, status: 'LOCKED_OUT' },
    { ...common, login: FIXTURE_USERS.passwordExpired, totpSecret: FIXTURE_TOTP_SECRET, status: 'PASSWORD_EXPIRED' },
    { ...common, login: FIXTURE_USERS.pushOnly, factors: ['push'] },
    { ...common, login: FIXTURE_USERS.oktaVerify, totpSecret: FIXTURE_OKTA_VERIFY_SECRET, factors: ['okta-totp'] },
    { ...common, login: FIXTURE_USERS.mfaEnroll, mfaEnroll: true },
    { ...common, login: FIXTURE_USERS.noMfa, factors: [] },
    {
      ...common,
      login: FIXTURE_USERS.govCloud,
      totpSecret: FIXTURE_TOTP_SECRET,
      factors: ['google-totp'],
      partition: 'aws-us-gov',
      roles: [{ roleArn: 'arn:aws-us-gov:iam::333333333333:role/GovAdmin', principalArn: provider('333333333333', 'aws-us-gov'), providerFirst: true }],
    },
  ];
}

export interface StartEmulatorsOptions {
  /** Give alice this many roles (fixture roles first, then generated). Default: the three fixture roles. */
  roles?: number;
  stsLatencyMs?: number;
  /** More users besides the fixture ones. */
  extraUsers?: OktaUserConfig[];
  /** Extra STS role settings (MaxSessionDuration, ExternalId). */
  stsRoles?: Record<string, StsRoleConfig>;
  okta?: Omit<Partial<OktaOrgOptions>, 'users' | 'clock' | 'trust'>;
  clock?: Clock;
}

export interface Emulators {
  okta: OktaOrg;
  sts: Sts;
  federation: Federation;
  clock: Clock;
  trust: Trust;
  /** Endpoint overrides for a CLI subprocess. */
  env: { AWS_ENDPOINT_URL_STS: string; AWS_ENDPOINT_URL_SIGNIN: string };
  /** The fixture user's settings, as the CLI's env store reads them. */
  fixtureEnv: {
    OKTA_AWS_SSO_URL: string;
    OKTA_AWS_USERNAME: string;
    OKTA_AWS_PASSWORD: string;
    OKTA_AWS_TOTP_SECRET: string;
    OKTA_AWS_REGION: string;
  };
  /** Alice's current TOTP code by the emulators' clock. */
  currentTotp(secret?: string): string;
  close(): Promise<void>;
}

export async function startEmulators(opts: StartEmulatorsOptions = {}): Promise<Emulators> {
  const clock = opts.clock ?? new Clock();
  const trust = new Trust();
  const roles = opts.roles === undefined ? FIXTURE_ROLES : generateRoles(opts.roles);
  const okta = await startOktaOrg({ ...opts.okta, users: [...fixtureUsers(roles), ...(opts.extraUsers ?? [])], clock, trust });
  const sts = await startSts({ trust, clock, latencyMs: opts.stsLatencyMs, roles: { ...FIXTURE_STS_ROLES, ...opts.stsRoles } });
  const federation = await startFederation({ sts, clock, trust, accountAliases: FIXTURE_ACCOUNT_ALIASES });
  return {
    okta,
    sts,
    federation,
    clock,
    trust,
    env: { AWS_ENDPOINT_URL_STS: sts.url, AWS_ENDPOINT_URL_SIGNIN: federation.url },
    fixtureEnv: {
      OKTA_AWS_SSO_URL: okta.ssoUrl,
      OKTA_AWS_USERNAME: FIXTURE_USERNAME,
      OKTA_AWS_PASSWORD: FIXTURE_PASSWORD,
      OKTA_AWS_TOTP_SECRET: FIXTURE_TOTP_SECRET,
      OKTA_AWS_REGION: FIXTURE_REGION,
    },
    currentTotp: (secret = FIXTURE_TOTP_SECRET) => totpAt(secret, clock.now() / 1000),
    close: async () => {
      await Promise.all([okta.close(), sts.close(), federation.close()]);
    },
  };
}
