import { describe, expect, it } from 'vitest';
import { PROFILE_PREFIX, isOwnedProfile, profileName } from '../../../src/aws/profile-name.js';

describe('profileName', () => {
  it.each([
    ['arn:aws:iam::111111111111:role/Admin', 'okta-111111111111-Admin'],
    ['arn:aws:iam::111111111111:role/team/dev/Deployer', 'okta-111111111111-team-dev-Deployer'],
    ['arn:aws:iam::111111111111:role/a_b+c=d,e.f@g-h', 'okta-111111111111-a-b-c-d-e-f-g-h'],
    ['arn:aws:iam::111111111111:role/x__/..y', 'okta-111111111111-x-y'],
    ['arn:aws-us-gov:iam::222222222222:role/Reader', 'okta-222222222222-Reader'],
    ['arn:aws-cn:iam::333333333333:role/service-role/Ops', 'okta-333333333333-service-role-Ops'],
  ])('%s → %s', (arn, name) => {
    expect(profileName(arn)).toBe(name);
  });

  it('uses the account alias, sanitized the same way', () => {
    const aliases = { '111111111111': 'prod', '222222222222': 'My Team / Sandbox!' };
    expect(profileName('arn:aws:iam::111111111111:role/team/dev/Deployer', aliases)).toBe('okta-prod-team-dev-Deployer');
    expect(profileName('arn:aws:iam::222222222222:role/Admin', aliases)).toBe('okta-My-Team-Sandbox--Admin');
    expect(profileName('arn:aws:iam::333333333333:role/Admin', aliases)).toBe('okta-333333333333-Admin');
  });

  it('ignores an empty alias', () => {
    expect(profileName('arn:aws:iam::111111111111:role/Admin', { '111111111111': '  ' })).toBe('okta-111111111111-Admin');
  });

  it('refuses what is not a role ARN', () => {
    expect(() => profileName('arn:aws:iam::111111111111:saml-provider/Okta')).toThrow('"arn:aws:iam::111111111111:saml-provider/Okta" is not an IAM role ARN');
    expect(() => profileName('arn:aws:iam::1111:role/Admin')).toThrow(/not an IAM role ARN/);
  });
});

describe('isOwnedProfile', () => {
  it('owns okta- names only', () => {
    expect(PROFILE_PREFIX).toBe('okta-');
    expect(isOwnedProfile('okta-111111111111-Admin')).toBe(true);
    expect(isOwnedProfile('default')).toBe(false);
    expect(isOwnedProfile('profile okta-x')).toBe(false);
    expect(isOwnedProfile('OKTA-x')).toBe(false);
    expect(isOwnedProfile('okta')).toBe(false);
  });
});
