import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { AssumeRoleCommand, AssumeRoleWithSAMLCommand, STSClient, type Credentials } from '@aws-sdk/client-sts';
import { FIXTURE_PASSWORD, FIXTURE_ROLES, FIXTURE_TOTP_SECRET, FIXTURE_USERS, startEmulators, type Emulators } from '../../emulators/index.js';
import { loginToSaml } from './helpers.js';

let emu: Emulators;
let samlCreds: Credentials;
beforeEach(async () => {
  emu = await startEmulators();
  const { saml } = await loginToSaml(emu.okta, FIXTURE_USERS.alice, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET);
  const admin = FIXTURE_ROLES[0]!;
  const out = await new STSClient({ region: 'us-east-1', endpoint: emu.sts.url, maxAttempts: 1 }).send(
    new AssumeRoleWithSAMLCommand({ RoleArn: admin.roleArn, PrincipalArn: admin.principalArn, SAMLAssertion: saml }),
  );
  samlCreds = out.Credentials!;
});
afterEach(async () => {
  await emu.close();
});

const session = (c: Credentials) => JSON.stringify({ sessionId: c.AccessKeyId, sessionKey: c.SecretAccessKey, sessionToken: c.SessionToken });
const getToken = async (sessionJson: string, extra = '') => {
  const res = await fetch(`${emu.federation.url}/federation?Action=getSigninToken${extra}&Session=${encodeURIComponent(sessionJson)}`);
  const text = await res.text();
  return { status: res.status, text, token: res.status === 200 ? (JSON.parse(text).SigninToken as string) : undefined };
};
const login = (token: string, destination = 'https://console.aws.amazon.com/') =>
  fetch(
    `${emu.federation.url}/federation?Action=login&Issuer=${encodeURIComponent('https://example.okta.com')}&Destination=${encodeURIComponent(destination)}&SigninToken=${encodeURIComponent(token)}`,
    { redirect: 'manual' },
  );

describe('federation emulator', () => {
  it('turns STS credentials into a SigninToken and logs in with a 302 to the Destination', async () => {
    const t = await getToken(session(samlCreds), '&SessionDuration=43200');
    expect(t.status).toBe(200);
    expect(t.token).toBeTruthy();
    const r = await login(t.token!, 'https://console.aws.amazon.com/ec2/home?region=ap-southeast-2');
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('https://console.aws.amazon.com/ec2/home?region=ap-southeast-2');
    expect(emu.federation.lastLogin?.token.sessionDuration).toBe(43200);
    expect(emu.federation.counters).toMatchObject({ getSigninToken: 1, tokensIssued: 1, login: 1, logins: 1 });
  });

  it('checks all three Session fields against what STS issued', async () => {
    const c = samlCreds;
    expect((await getToken(JSON.stringify({ sessionId: c.AccessKeyId, sessionKey: c.SecretAccessKey }))).text).toBe('Invalid credentials parameter');
    expect((await getToken(JSON.stringify({ sessionId: c.AccessKeyId, sessionKey: `${c.SecretAccessKey}x`, sessionToken: c.SessionToken }))).status).toBe(400);
    expect((await getToken(JSON.stringify({ sessionId: c.AccessKeyId, sessionKey: c.SecretAccessKey, sessionToken: 'x' }))).status).toBe(400);
    expect((await getToken('not json')).status).toBe(400);
    // a '+' in the secret sent unencoded becomes a space: refused
    const raw = await fetch(`${emu.federation.url}/federation?Action=getSigninToken&Session=${session(c)}`);
    expect(raw.status).toBe(400);
  });

  it('validates SessionDuration, and refuses it with role-chained credentials', async () => {
    expect((await getToken(session(samlCreds), '&SessionDuration=899')).text).toBe('Invalid SessionDuration');
    expect((await getToken(session(samlCreds), '&SessionDuration=43201')).status).toBe(400);
    const sts = new STSClient({
      region: 'us-east-1',
      endpoint: emu.sts.url,
      maxAttempts: 1,
      credentials: { accessKeyId: samlCreds.AccessKeyId!, secretAccessKey: samlCreds.SecretAccessKey!, sessionToken: samlCreds.SessionToken! },
    });
    const chained = (await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::333333333333:role/Next', RoleSessionName: 'chain' }))).Credentials!;
    const withDuration = await getToken(session(chained), '&SessionDuration=3600');
    expect(withDuration).toMatchObject({ status: 400, text: 'Invalid credentials parameter' });
    expect((await getToken(session(chained))).status).toBe(200);
  });

  it('refuses expired credentials, and tokens older than 15 minutes or unknown', async () => {
    const t = await getToken(session(samlCreds));
    emu.clock.advance(15 * 60_000 + 1000);
    expect((await login(t.token!)).status).toBe(400);
    expect((await login('bogus')).status).toBe(400);
    const fresh = await getToken(session(samlCreds));
    expect((await login(fresh.token!, 'http://console.aws.amazon.com/')).status).toBe(400);
    expect((await login(fresh.token!)).status).toBe(302);
    emu.clock.advance(3600_000);
    expect((await getToken(session(samlCreds))).status).toBe(400);
  });
});
