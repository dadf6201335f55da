/** validateChain: every flag STS would refuse fails before any request, with its reason and fix. */
import { describe, expect, it } from 'vitest';
import { CHAIN_MAX_DURATION, CHAIN_MIN_DURATION, chainedProfile, validateChain } from '../../../src/aws/role-chain.js';
import type { ProfileCredentials } from '../../../src/aws/types.js';

const base: ProfileCredentials = {
  profile: 'okta-111111111111-Admin',
  roleArn: 'arn:aws:iam::111111111111:role/Admin',
  region: 'eu-west-1',
  partition: 'aws',
  chained: false,
  accessKeyId: 'ASIA',
  secretAccessKey: 's',
  sessionToken: 't',
  expiration: new Date(Date.now() + 3600_000),
};
const target = 'arn:aws:iam::222222222222:role/team/Deploy';

describe('validateChain', () => {
  it('fills in an hour, a session name from the clock, and the region of the partition', () => {
    expect(CHAIN_MIN_DURATION).toBe(900);
    expect(CHAIN_MAX_DURATION).toBe(3600);
    expect(validateChain({ base, roleArn: ` ${target} `, region: 'eu-west-1' }, 1_700_000_000_999)).toEqual({
      roleArn: target,
      roleName: 'Deploy',
      partition: 'aws',
      durationSeconds: 3600,
      sessionName: 'okta-aws-1700000000',
      externalId: undefined,
      region: 'eu-west-1',
    });
    const gov = { ...base, partition: 'aws-us-gov' as const };
    expect(validateChain({ base: gov, roleArn: 'arn:aws-us-gov:iam::333333333333:role/R', region: 'eu-west-1', durationSeconds: 900, sessionName: 'me', externalId: 'ext-1' })).toMatchObject({
      partition: 'aws-us-gov',
      region: 'us-gov-west-1',
      durationSeconds: 900,
      sessionName: 'me',
      externalId: 'ext-1',
    });
  });

  it.each([
    [{ roleArn: 'arn:aws:iam::2222:role/x' }, `"arn:aws:iam::2222:role/x" is not an IAM role ARN`, 'Give the role to chain to as arn:aws:iam::<12-digit account>:role/<name>.', 'BAD_ROLE_ARN'],
    [{ roleArn: 'arn:aws-cn:iam::222222222222:role/x' }, 'Cannot chain from okta-111111111111-Admin (aws) to a role in the aws-cn partition', 'Role chaining works only within one partition: start from a profile of the same partition.', 'PARTITION_MISMATCH'],
    [{ durationSeconds: 899 }, 'The duration 899 is outside what STS allows', 'Use a whole number of seconds from 900 to 3600.', 'BAD_DURATION'],
    [{ durationSeconds: 1000.5 }, 'The duration 1000.5 is outside what STS allows', 'Use a whole number of seconds from 900 to 3600.', 'BAD_DURATION'],
    [{ durationSeconds: 3601 }, 'A chained role session cannot last 3601 s: AWS limits role chaining to 1 hour', 'Use --duration 3600 or less; for longer sessions, have the role granted in Okta directly.', 'CHAIN_DURATION'],
    [{ sessionName: 'x' }, '"x" is not a valid role session name', 'Use 2–64 characters from letters, digits and _+=,.@-', 'BAD_SESSION_NAME'],
    [{ sessionName: 'has space' }, '"has space" is not a valid role session name', 'Use 2–64 characters from letters, digits and _+=,.@-', 'BAD_SESSION_NAME'],
    [{ externalId: 'x' }, 'The external ID is not one STS accepts', 'Use 2–1224 characters from letters, digits and _+=,.@:/- as the role owner gave it.', 'BAD_EXTERNAL_ID'],
  ])('%j fails: %s', (change, message, hint, code) => {
    expect(() => validateChain({ base, roleArn: target, region: 'eu-west-1', ...change })).toThrow(expect.objectContaining({ name: 'UserError', message, hint, code }));
  });

  it('accepts the edges: 900 and 3600 s, 2- and 64-character session names, a 2-character external ID', () => {
    for (const durationSeconds of [900, 3600]) expect(validateChain({ base, roleArn: target, region: 'eu-west-1', durationSeconds }).durationSeconds).toBe(durationSeconds);
    for (const sessionName of ['ab', 'a'.repeat(64), 'a_b+c=d,e.f@g-h']) expect(validateChain({ base, roleArn: target, region: 'eu-west-1', sessionName }).sessionName).toBe(sessionName);
    expect(() => validateChain({ base, roleArn: target, region: 'eu-west-1', sessionName: 'a'.repeat(65) })).toThrow(/not a valid role session name/);
    expect(validateChain({ base, roleArn: target, region: 'eu-west-1', externalId: 'ab' }).externalId).toBe('ab');
  });

  it('names a chained profile after its base and role', () => {
    expect(chainedProfile('okta-111111111111-Admin', 'Deploy')).toBe('okta-111111111111-Admin+Deploy');
  });
});
