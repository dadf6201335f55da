/** assumeAllRoles against the STS emulator on loopback: durations, failures and their one-line errors. */
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type RoleOutcome, assumeAllRoles } from '../../../src/aws/sts.js';
import type { GrantedRole } from '../../../src/aws/types.js';
import { type Emulators, FIXTURE_ROLES, startEmulators } from '../../emulators/index.js';
import { buildSamlResponse, signinSamlUrl } from '../../emulators/saml.js';

let emu: Emulators;
// The SDK reads its endpoint override from process.env, as it does in the CLI.
beforeEach(async () => {
  emu = await startEmulators();
  vi.stubEnv('AWS_ENDPOINT_URL_STS', emu.sts.url);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await emu.close();
});

const granted: GrantedRole[] = FIXTURE_ROLES.map((r) => {
  const [, , , , accountId, resource] = r.roleArn.split(':') as [string, string, string, string, string, string];
  return { profile: `p-${accountId}-${resource}`, roleArn: r.roleArn, principalArn: r.principalArn, accountId, roleName: resource.split('/').pop()!, partition: 'aws' };
});
const [admin, deployer, auditor] = granted as [GrantedRole, GrantedRole, GrantedRole];

/** A SAML assertion the emulated IAM trusts, granting the fixture roles. */
function assertion(): string {
  const built = buildSamlResponse({ issuer: 'http://www.okta.com/exk1', destination: signinSamlUrl('aws'), nameId: 'alice@example.com', roles: FIXTURE_ROLES, sessionName: 'alice@example.com', now: emu.clock.now() });
  emu.trust.record(built.assertion);
  return built.base64;
}

async function assume(roles: GrantedRole[], env: NodeJS.ProcessEnv = {}, durationFor = () => 43200) {
  const started: string[] = [];
  const done: RoleOutcome[] = [];
  const outcomes = await assumeAllRoles({
    roles,
    samlAssertion: assertion(),
    durationFor,
    region: 'ap-southeast-2',
    env: { ...process.env, ...env },
    onStart: (role) => started.push(role.roleArn),
    onDone: (outcome) => done.push(outcome),
  });
  return { outcomes, started, done };
}

describe('assumeAllRoles', () => {
  it('returns credentials STS issued for every role, in order, reporting each start and end', async () => {
    const { outcomes, started, done } = await assume(granted);
    expect(outcomes.map((o) => o.role)).toEqual(granted);
    expect(started.sort()).toEqual(granted.map((r) => r.roleArn).sort());
    expect(done).toHaveLength(3);
    for (const outcome of outcomes) {
      if (!('credentials' in outcome)) throw new Error(`${outcome.role.roleArn} failed: ${outcome.error.message}`);
      const issued = emu.sts.lookup(outcome.credentials.accessKeyId);
      expect(issued?.secretAccessKey).toBe(outcome.credentials.secretAccessKey);
      expect(issued?.sessionToken).toBe(outcome.credentials.sessionToken);
      expect(outcome.credentials.expiration).toBeInstanceOf(Date);
    }
    expect(outcomes.map((o) => ('durationSeconds' in o ? o.durationSeconds : 0))).toEqual([43200, 43200, 3600]);
  });

  it('steps down 43200 → 14400 → 3600 for a role with a shorter MaxSessionDuration, and asks what was given first', async () => {
    const { outcomes } = await assume([auditor]);
    expect(outcomes[0]).toMatchObject({ durationSeconds: 3600 });
    expect(emu.sts.counters.errors.ValidationError).toBe(2);
    emu.sts.resetCounters();
    const again = await assume([auditor], {}, () => 3600);
    expect(again.outcomes[0]).toMatchObject({ durationSeconds: 3600 });
    expect(emu.sts.counters.errors.ValidationError ?? 0).toBe(0);
  });

  it('from an odd duration, steps down to the next rung below it', async () => {
    const { outcomes } = await assume([auditor], {}, () => 3601);
    expect(outcomes[0]).toMatchObject({ durationSeconds: 3600 });
    expect(emu.sts.counters.errors.ValidationError).toBe(1);
  });

  it('a role whose MaxSessionDuration is below the last rung fails, saying how to ask for less', async () => {
    emu.sts.roles[auditor.roleArn] = { maxSessionDuration: 1800 };
    const { outcomes } = await assume([auditor], {}, () => 3601);
    expect(outcomes[0]).toMatchObject({ error: { name: 'UserError', code: 'ValidationError' } });
    const error = (outcomes[0] as { error: { message: string; hint: string } }).error;
    expect(error.message).toMatch(new RegExp(`^STS refused ${auditor.roleArn}: ValidationError: .*MaxSessionDuration`));
    expect(emu.sts.counters.errors.ValidationError).toBe(2); // 3601, then 3600
    expect(error.hint).toBe('The role allows less than 3600 s: ask for less with `okta-aws refresh --duration 900`, or ask your AWS admin to raise its MaxSessionDuration.');
  });

  it('a duration outside 900–43200 is refused with the range to use', async () => {
    const { outcomes } = await assume([admin], {}, () => 100);
    expect(outcomes[0]).toMatchObject({ error: { code: 'ValidationError', hint: 'Use --duration between 900 and 43200 seconds.' } });
  });

  it.each([
    ['AccessDenied', "Ask your AWS admin to let the role's trust policy allow sts:AssumeRoleWithSAML from the Okta provider."],
    ['ExpiredTokenException', "The SAML assertion expired before STS saw it: check this machine's clock, then run `okta-aws refresh`."],
    ['InvalidIdentityTokenException', "Ask your AWS admin to check the IAM SAML provider's metadata against Okta's."],
    ['InternalFailure', 'Try again; run with --debug to see more.'],
  ] as const)('one role refused with %s does not stop the others', async (kind, hint) => {
    emu.sts.faults.add({ kind: kind === 'InvalidIdentityTokenException' ? 'InvalidIdentityToken' : kind, roleArn: deployer.roleArn, count: 0 });
    const { outcomes } = await assume(granted);
    expect(outcomes.filter((o) => 'credentials' in o).map((o) => o.role)).toEqual([admin, auditor]);
    const failed = outcomes[1] as { error: { message: string; hint: string; code: string } };
    expect(failed.error.code).toBe(kind);
    expect(failed.error.message).toMatch(new RegExp(`^STS refused ${deployer.roleArn}: ${kind}: \\S`));
    expect(failed.error.hint).toBe(hint);
  });

  it('a silent STS ends in a timeout error naming the role, not a hang', async () => {
    emu.sts.latencyMs = 5_000;
    const { outcomes } = await assume([admin], { OKTA_AWS_HTTP_TIMEOUT: '1' });
    expect(outcomes[0]).toMatchObject({
      error: {
        message: `No answer from STS for ${admin.roleArn} within 1 s`,
        hint: 'Check your network and proxy settings (HTTPS_PROXY, NO_PROXY, AWS_ENDPOINT_URL_STS), or raise OKTA_AWS_HTTP_TIMEOUT (seconds).',
        code: 'TIMEOUT',
      },
    });
  });

  it('an STS nobody listens on is a network error naming the role', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    vi.stubEnv('AWS_ENDPOINT_URL_STS', `http://127.0.0.1:${port}`);
    const { outcomes } = await assume([admin]);
    expect(outcomes[0]).toMatchObject({
      error: { code: 'NETWORK', hint: 'Check your network and proxy settings (HTTPS_PROXY, NO_PROXY, AWS_ENDPOINT_URL_STS).' },
    });
    expect((outcomes[0] as { error: Error }).error.message).toMatch(new RegExp(`^Cannot reach STS for ${admin.roleArn}: .*ECONNREFUSED`));
  });
});
