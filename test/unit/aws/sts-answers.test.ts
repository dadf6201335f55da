/** aws/sts: answers the STS emulator never gives (incomplete credentials, a body the SDK cannot read), --debug, optional callbacks. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { assumeAllRoles } from '../../../src/aws/sts.js';
import type { GrantedRole } from '../../../src/aws/types.js';
import { enableDebug } from '../../../src/lib/log.js';
import { type Emulators, FIXTURE_ROLES, startEmulators } from '../../emulators/index.js';
import { buildSamlResponse, signinSamlUrl } from '../../emulators/saml.js';

const role = (roleArn: string, principalArn: string): GrantedRole => {
  const [, , , , accountId, resource] = roleArn.split(':') as [string, string, string, string, string, string];
  return { profile: `p-${accountId}`, roleArn, principalArn, accountId, roleName: resource.split('/').pop()!, partition: 'aws' };
};
const [admin, , auditor] = FIXTURE_ROLES.map((r) => role(r.roleArn, r.principalArn)) as [GrantedRole, GrantedRole, GrantedRole];

describe('answers STS gives rarely', () => {
  let server: Server;
  let reply: { status: number; body: string };
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(reply.status, { 'Content-Type': 'text/xml' });
        res.end(reply.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    vi.stubEnv('AWS_ENDPOINT_URL_STS', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  // No onStart or onDone: both are optional.
  const assumeAdmin = async () => (await assumeAllRoles({ roles: [admin], samlAssertion: 'PHNhbWw+', durationFor: () => 3600, region: 'us-east-1' }))[0]!;

  it('an answer without complete credentials fails that role, saying so', async () => {
    const all = { AccessKeyId: 'ASIAX', SecretAccessKey: 'secret-x', SessionToken: 'token-x', Expiration: '2030-01-01T01:00:00Z' };
    for (const missing of [...Object.keys(all), 'Credentials']) {
      const parts = Object.entries(all).filter(([k]) => k !== missing);
      const credentials = missing === 'Credentials' ? '' : `<Credentials>${parts.map(([k, v]) => `<${k}>${v}</${k}>`).join('')}</Credentials>`;
      reply = { status: 200, body: `<AssumeRoleWithSAMLResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithSAMLResult>${credentials}</AssumeRoleWithSAMLResult></AssumeRoleWithSAMLResponse>` };
      expect(await assumeAdmin(), missing).toEqual({
        role: admin,
        error: expect.objectContaining({ name: 'UserError', message: `STS returned no credentials for ${admin.roleArn}`, hint: 'Try again; report it if it persists.' }),
      });
    }
  });

  it('an error body the SDK cannot read is reported with the SDK’s words and code Error', async () => {
    reply = { status: 400, body: 'not xml' };
    const outcome = await assumeAdmin();
    expect(outcome).toEqual({ role: admin, error: expect.objectContaining({ name: 'UserError', code: 'Error', hint: 'Try again; run with --debug to see more.' }) });
    expect((outcome as { error: Error }).error.message).toMatch(new RegExp(`^STS refused ${admin.roleArn}: Error: \\S`));
  });
});

describe('--debug', () => {
  let emu: Emulators;
  let lines: string[];
  const write = process.stderr.write.bind(process.stderr);
  beforeEach(async () => {
    emu = await startEmulators();
    vi.stubEnv('AWS_ENDPOINT_URL_STS', emu.sts.url);
    lines = [];
    process.stderr.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
  });
  afterEach(async () => {
    process.stderr.write = write;
    vi.unstubAllEnvs();
    await emu.close();
  });

  it('says each step down the duration ladder', async () => {
    enableDebug();
    const built = buildSamlResponse({ issuer: 'http://www.okta.com/exk1', destination: signinSamlUrl('aws'), nameId: 'alice@example.com', roles: FIXTURE_ROLES, sessionName: 'alice@example.com', now: emu.clock.now() });
    emu.trust.record(built.assertion);
    const [outcome] = await assumeAllRoles({ roles: [auditor], samlAssertion: built.base64, durationFor: () => 43200, region: 'ap-southeast-2' });
    expect(outcome).toMatchObject({ durationSeconds: 3600 });
    expect(lines.filter((l) => l.includes('MaxSessionDuration'))).toEqual([
      `okta-aws: ${auditor.roleArn}: 43200 s exceeds its MaxSessionDuration; trying 14400 s\n`,
      `okta-aws: ${auditor.roleArn}: 14400 s exceeds its MaxSessionDuration; trying 3600 s\n`,
    ]);
  });
});
