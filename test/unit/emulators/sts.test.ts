import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { AssumeRoleCommand, AssumeRoleWithSAMLCommand, GetCallerIdentityCommand, STSClient, type Credentials } from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { FIXTURE_PASSWORD, FIXTURE_ROLES, FIXTURE_TOTP_SECRET, FIXTURE_USERS, startEmulators, type Emulators } from '../../emulators/index.js';
import { loginToSaml } from './helpers.js';

let emu: Emulators;
let saml: string;
beforeEach(async () => {
  emu = await startEmulators();
  saml = (await loginToSaml(emu.okta, FIXTURE_USERS.alice, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET)).saml;
});
afterEach(async () => {
  await emu.close();
});

const [ADMIN, DEPLOYER, AUDITOR] = FIXTURE_ROLES as [(typeof FIXTURE_ROLES)[0], (typeof FIXTURE_ROLES)[0], (typeof FIXTURE_ROLES)[0]];
const client = (credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) =>
  new STSClient({ region: 'ap-southeast-2', endpoint: emu.sts.url, maxAttempts: 1, ...(credentials ? { credentials } : {}) });
const withSaml = (role: typeof ADMIN, extra: { DurationSeconds?: number; SAMLAssertion?: string } = {}) =>
  client().send(new AssumeRoleWithSAMLCommand({ RoleArn: role.roleArn, PrincipalArn: role.principalArn, SAMLAssertion: saml, ...extra }));
const asSdk = (c: Credentials) => ({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! });
const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
};

describe('sts emulator with the real @aws-sdk/client-sts', () => {
  it('assumes every role of one assertion and returns AWS-shaped credentials', async () => {
    const out = await Promise.all([withSaml(ADMIN), withSaml(DEPLOYER), withSaml(AUDITOR)]);
    const [admin, deployer] = out;
    expect(admin.Credentials!.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(admin.Credentials!.SecretAccessKey).toHaveLength(40);
    expect(admin.Credentials!.SessionToken).toMatch(/^IQoJb3JpZ2luX2Vj/);
    expect(admin.Credentials!.Expiration).toBeInstanceOf(Date);
    const ttl = admin.Credentials!.Expiration!.getTime() - emu.clock.now();
    expect(ttl).toBeGreaterThan(3590_000);
    expect(ttl).toBeLessThanOrEqual(3600_000);
    expect(deployer.AssumedRoleUser!.Arn).toBe('arn:aws:sts::111111111111:assumed-role/Deployer/alice@example.com');
    expect(deployer.AssumedRoleUser!.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:alice@example.com$/);
    expect(deployer.Subject).toBe('alice@example.com');
    expect(deployer.Issuer).toBe('http://www.okta.com/exk1abc');
    expect(deployer.Audience).toBe('https://signin.aws.amazon.com/saml');
    expect(emu.sts.counters.ok.AssumeRoleWithSAML).toBe(3);
    expect(emu.sts.lookup(admin.Credentials!.AccessKeyId!)?.source).toBe('saml');
  });

  it('enforces MaxSessionDuration per role and the 900..43200 range', async () => {
    const tooLong = await failure(withSaml(AUDITOR, { DurationSeconds: 7200 }));
    expect(tooLong).toEqual({ name: 'ValidationError', status: 400, message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.' });
    expect((await withSaml(AUDITOR, { DurationSeconds: 3600 })).Credentials).toBeTruthy();
    expect((await withSaml(ADMIN, { DurationSeconds: 43200 })).Credentials).toBeTruthy();
    expect((await failure(withSaml(ADMIN, { DurationSeconds: 899 }))).message).toMatch(/greater than or equal to 900/);
    expect((await failure(withSaml(ADMIN, { DurationSeconds: 43201 }))).message).toMatch(/less than or equal to 43200/);
  });

  it('refuses a pair the assertion does not grant, a tampered or unknown assertion, and an expired one', async () => {
    const swapped = { roleArn: ADMIN.roleArn, principalArn: AUDITOR.principalArn };
    expect(await failure(withSaml(swapped))).toEqual({ name: 'AccessDenied', status: 403, message: 'Not authorized to perform sts:AssumeRoleWithSAML' });
    const xml = Buffer.from(saml, 'base64').toString('utf8').replace('role/Admin', 'role/Admin2');
    const tampered = await failure(withSaml(ADMIN, { SAMLAssertion: Buffer.from(xml).toString('base64') }));
    expect(tampered).toMatchObject({ name: 'InvalidIdentityTokenException', message: 'Response signature invalid' });
    expect((await failure(withSaml(ADMIN, { SAMLAssertion: Buffer.from('<nope').toString('base64') }))).name).toBe('InvalidIdentityTokenException');
    emu.clock.advance(300_000);
    expect(await failure(withSaml(ADMIN))).toEqual({ name: 'ExpiredTokenException', status: 400, message: 'Token must be redeemed within 5 minutes of issuance' });
  });

  it('verifies SigV4 on GetCallerIdentity with the issued secret and token', async () => {
    const { Credentials: c } = await withSaml(DEPLOYER, { DurationSeconds: 900 });
    const me = await client(asSdk(c!)).send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({ Account: '111111111111', Arn: 'arn:aws:sts::111111111111:assumed-role/Deployer/alice@example.com' });
    expect(me.UserId).toMatch(/^AROA\w+:alice@example.com$/);

    const flipped = c!.SecretAccessKey!.replace(/^./, (ch) => (ch === 'A' ? 'B' : 'A'));
    const bad = await failure(client({ ...asSdk(c!), secretAccessKey: flipped }).send(new GetCallerIdentityCommand({})));
    expect(bad).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
    expect((await failure(client({ ...asSdk(c!), sessionToken: 'other' }).send(new GetCallerIdentityCommand({})))).name).toBe('InvalidClientTokenId');
    expect((await failure(client({ accessKeyId: 'ASIAUNKNOWNUNKNOWN00', secretAccessKey: 'x', sessionToken: 't' }).send(new GetCallerIdentityCommand({})))).name).toBe(
      'InvalidClientTokenId',
    );
    emu.clock.advance(901_000);
    // 901 s is past the 15-minute signing window too: the SDK corrects its clock from the Date header, retries,
    // and then meets the real expiry.
    const retrying = new STSClient({ region: 'ap-southeast-2', endpoint: emu.sts.url, maxAttempts: 3, credentials: asSdk(c!) });
    expect(await failure(retrying.send(new GetCallerIdentityCommand({})))).toMatchObject({ name: 'ExpiredToken', status: 400 });
    expect(emu.sts.counters.errors.SignatureDoesNotMatch).toBe(2);
  });

  it('checks what the signature covers (body, method) when signed by @smithy/signature-v4 directly', async () => {
    const { Credentials: c } = await withSaml(ADMIN);
    const url = new URL(emu.sts.url);
    const signer = new SignatureV4({ service: 'sts', region: 'us-east-1', credentials: asSdk(c!), sha256: Sha256 });
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const signed = await signer.sign(
      new HttpRequest({ method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded' }, body }),
    );
    const send = (b: string) => fetch(emu.sts.url, { method: 'POST', headers: signed.headers, body: b });
    const ok = await send(body);
    const xml = await ok.text();
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/xml');
    expect(xml).toMatch(/^<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/);
    expect(xml).toMatch(/<RequestId>[0-9a-f-]{36}<\/RequestId>/);
    const tampered = await send(`${body}&X=1`);
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toMatch(/<Type>Sender<\/Type>\s*<Code>SignatureDoesNotMatch<\/Code>/);
  });

  it('caps role chaining at one hour (AssumeRole) and records chained credentials', async () => {
    const { Credentials: c } = await withSaml(ADMIN);
    const sts = client(asSdk(c!));
    const input = { RoleArn: 'arn:aws:iam::333333333333:role/Target', RoleSessionName: 'alice-chain' };
    const over = await failure(sts.send(new AssumeRoleCommand({ ...input, DurationSeconds: 7200 })));
    expect(over).toEqual({ name: 'ValidationError', status: 400, message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.' });
    const chained = await sts.send(new AssumeRoleCommand({ ...input, DurationSeconds: 3600, ExternalId: 'ext-1' }));
    expect(chained.AssumedRoleUser!.Arn).toBe('arn:aws:sts::333333333333:assumed-role/Target/alice-chain');
    expect(emu.sts.lookup(chained.Credentials!.AccessKeyId!)?.source).toBe('chained');
    const unsigned = await fetch(emu.sts.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A333333333333%3Arole%2FTarget&RoleSessionName=x1',
    });
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain('<Code>MissingAuthenticationToken</Code>');
  });

  it('is strict about the wire: POST /, form encoding, Version', async () => {
    const post = (body: string, type = 'application/x-www-form-urlencoded') => fetch(emu.sts.url, { method: 'POST', headers: { 'Content-Type': type }, body });
    const json = await post('{"Action":"GetCallerIdentity"}', 'application/json');
    expect(json.status).toBe(400);
    expect(await json.text()).toContain('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">');
    expect(await (await post('Action=AssumeRoleWithSAML&Version=2010-01-01')).text()).toContain('<Code>InvalidAction</Code>');
    expect(await (await post('Action=AssumeRoleWithSAML&Version=2011-06-15')).text()).toContain(
      "<Code>ValidationError</Code>\n    <Message>1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null</Message>",
    );
    expect((await fetch(emu.sts.url)).status).toBe(405);
  });

  it('injects faults per role (in process and over HTTP), adds latency and tracks concurrency', async () => {
    emu.sts.faults.add({ kind: 'AccessDenied', roleArn: ADMIN.roleArn });
    expect((await failure(withSaml(ADMIN))).name).toBe('AccessDenied');
    expect((await withSaml(ADMIN)).Credentials).toBeTruthy();
    const arm = await fetch(`${emu.sts.url}/__emulator/faults`, { method: 'POST', body: JSON.stringify([{ kind: 'ExpiredTokenException', roleArn: DEPLOYER.roleArn }, { kind: 'InvalidIdentityToken', action: 'AssumeRoleWithSAML' }]) });
    expect(arm.status).toBe(200);
    expect((await failure(withSaml(DEPLOYER))).name).toBe('ExpiredTokenException');
    // the wire code is InvalidIdentityToken; the SDK names the exception InvalidIdentityTokenException
    expect((await failure(withSaml(AUDITOR))).name).toBe('InvalidIdentityTokenException');
    expect((await fetch(`${emu.sts.url}/__emulator/faults`, { method: 'POST', body: '{"kind":"Nope"}' })).status).toBe(400);

    await fetch(`${emu.sts.url}/__emulator/config`, { method: 'POST', body: JSON.stringify({ latencyMs: 40 }) });
    emu.sts.resetCounters();
    const t0 = Date.now();
    await Promise.all([withSaml(ADMIN), withSaml(DEPLOYER), withSaml(AUDITOR), withSaml(ADMIN)]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(35);
    const counters = await (await fetch(`${emu.sts.url}/__emulator/counters`)).json();
    expect(counters.maxInFlight).toBe(4);
    expect(counters.byAction.AssumeRoleWithSAML).toBe(4);
    expect(counters.inFlight).toBe(0);
  });
});
