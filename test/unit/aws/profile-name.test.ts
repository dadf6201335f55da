import { describe, expect, it } from 'vitest';
import { PROFILE_PREFIX, isOwnedProfile, ownsProfile, profileName, profileNames, profilePrefix } from '../../../src/aws/profile-name.js';

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

  // Pinned byte for byte: a changed name orphans the profiles users already have. Each run of
  // characters outside [0-9A-Za-z] (`-` included) becomes one `-`, at the ends too.
  it.each([
    ['role/my-_role', 'okta-111111111111-my-role'],
    ['role/a--b', 'okta-111111111111-a-b'],
    ['role/a-/-b', 'okta-111111111111-a-b'],
    ['role/team//dev', 'okta-111111111111-team-dev'],
    ['role/x+=,.@_-y', 'okta-111111111111-x-y'],
    ['role/_Admin_', 'okta-111111111111--Admin-'],
    ['role/-Admin-', 'okta-111111111111--Admin-'],
    ['role/Ops_', 'okta-111111111111-Ops-'],
    ['role/--', 'okta-111111111111--'],
  ])('separator runs: %s', (path, name) => {
    expect(profileName(`arn:aws:iam::111111111111:${path}`)).toBe(name);
  });

  it.each([
    ['Prod Ünïcode—Team', 'okta-Prod-n-code-Team-Admin'],
    ['-prod-', 'okta--prod--Admin'],
    ['é', 'okta---Admin'],
  ])('alias %j (non-ASCII letters are separators too)', (alias, name) => {
    expect(profileName('arn:aws:iam::111111111111:role/Admin', { '111111111111': alias })).toBe(name);
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

describe('profileNames', () => {
  const UNDERSCORE = 'arn:aws:iam::111111111111:role/ReadOnly_Admin';
  const DASH = 'arn:aws:iam::111111111111:role/ReadOnly-Admin';
  const ADMIN = 'arn:aws:iam::111111111111:role/Admin';

  it('gives roles that fold to one name a suffix each, derived from the ARN, and leaves the others alone', () => {
    const { names, collisions } = profileNames([UNDERSCORE, ADMIN, DASH]);
    expect(names.get(ADMIN)).toBe('okta-111111111111-Admin');
    expect(names.get(UNDERSCORE)).toMatch(/^okta-111111111111-ReadOnly-Admin-[0-9a-f]{8}$/);
    expect(names.get(DASH)).toMatch(/^okta-111111111111-ReadOnly-Admin-[0-9a-f]{8}$/);
    expect(names.get(UNDERSCORE)).not.toBe(names.get(DASH));
    expect(collisions).toEqual([{ name: 'okta-111111111111-ReadOnly-Admin', roles: [{ roleArn: UNDERSCORE, profile: names.get(UNDERSCORE) }, { roleArn: DASH, profile: names.get(DASH) }] }]);
  });

  it('is stable: the same ARN gets the same name whatever the order', () => {
    expect(profileNames([DASH, UNDERSCORE]).names).toEqual(profileNames([UNDERSCORE, DASH]).names);
  });

  it('separates two accounts given one alias', () => {
    const other = 'arn:aws:iam::555555555555:role/Admin';
    const { names, collisions } = profileNames([ADMIN, other], { '111111111111': 'prod', '555555555555': 'prod' });
    expect(new Set(names.values()).size).toBe(2);
    expect([...names.values()].every((n) => /^okta-prod-Admin-[0-9a-f]{8}$/.test(n))).toBe(true);
    expect(collisions).toHaveLength(1);
  });

  it('keeps one name for a role granted twice (two SAML providers)', () => {
    const { names, collisions } = profileNames([ADMIN, ADMIN]);
    expect([...names]).toEqual([[ADMIN, 'okta-111111111111-Admin']]);
    expect(collisions).toEqual([]);
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

describe('configurations: whose profiles are whose', () => {
  it('a named configuration writes okta-<name>-… and owns only those', () => {
    expect(profilePrefix(undefined)).toBe('okta-');
    expect(profilePrefix('')).toBe('okta-');
    expect(profilePrefix('work')).toBe('okta-work-');
    const work = ownsProfile('work', ['ignored']);
    expect(['okta-work-111111111111-Admin', 'okta-111111111111-Admin', 'okta-workshop-1', 'my-okta-work-x', 'okta-work'].map(work)).toEqual([true, false, false, false, false]);
  });

  it('the default configuration owns every okta-… profile except the named configurations’', () => {
    const owns = ownsProfile(undefined, ['work', 'lab']);
    expect(['okta-111111111111-Admin', 'okta-work-111111111111-Admin', 'okta-lab-1-R', 'okta-workshop-1', 'default', 'x-okta-1'].map(owns)).toEqual([true, false, false, true, false, false]);
    expect(['okta-work-1', 'okta-1'].map(ownsProfile(undefined, []))).toEqual([true, true]);
  });
});

describe('role ARNs it refuses', () => {
  it.each(['xarn:aws:iam::111111111111:role/Admin', 'arn:aws:iam::111111111111:role/Admin\n', 'arn:aws:iam::111111111111:role/'])('%j', (arn) => {
    expect(() => profileName(arn)).toThrow(expect.objectContaining({ message: `"${arn}" is not an IAM role ARN`, hint: 'Expected arn:aws:iam::<12-digit account>:role/<name>.', code: 'BAD_ROLE' }));
  });
});
