import { describe, expect, it } from 'vitest';
import { resolveTarget } from '../../../src/aws/targets.js';
import type { GrantedRole } from '../../../src/aws/types.js';
import { UserError } from '../../../src/lib/errors.js';

function role(account: string, path: string, alias?: string): GrantedRole {
  return {
    profile: `okta-${alias ?? account}-${path.replace(/[^0-9A-Za-z]+/g, '-')}`,
    roleArn: `arn:aws:iam::${account}:role/${path}`,
    principalArn: `arn:aws:iam::${account}:saml-provider/Okta`,
    accountId: account,
    roleName: path,
    partition: 'aws',
    ...(alias ? { accountAlias: alias } : {}),
  };
}

const deployer = role('111111111111', 'team/dev/Deployer');
const prodAdmin = role('222222222222', 'Admin', 'prod');
const devAdmin = role('333333333333', 'Admin');
const readOnly = role('111111111111', 'ReadOnly');
const lowerReadonly = role('444444444444', 'readonly');
const roles = [deployer, prodAdmin, devAdmin, readOnly, lowerReadonly];

function failure(target: string, list: GrantedRole[] = roles): UserError {
  try {
    resolveTarget(target, list);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error(`resolveTarget("${target}") did not fail`);
}

describe('resolveTarget', () => {
  it('finds a profile name, exactly or ignoring case', () => {
    expect(resolveTarget('okta-prod-Admin', roles)).toBe(prodAdmin);
    expect(resolveTarget('OKTA-111111111111-TEAM-DEV-DEPLOYER', roles)).toBe(deployer);
  });

  it('finds <alias>/<role> and <account id>/<role>, with the path or the bare name, exactly or ignoring case', () => {
    expect(resolveTarget('prod/Admin', roles)).toBe(prodAdmin);
    expect(resolveTarget('PROD/admin', roles)).toBe(prodAdmin);
    expect(resolveTarget('222222222222/Admin', roles)).toBe(prodAdmin);
    expect(resolveTarget('333333333333/Admin', roles)).toBe(devAdmin);
    expect(resolveTarget('111111111111/team/dev/Deployer', roles)).toBe(deployer);
    expect(resolveTarget('111111111111/Deployer', roles)).toBe(deployer);
    // Bare "Admin" is two roles; the account picks one.
    expect(failure('Admin').code).toBe('AMBIGUOUS_TARGET');
    expect(failure('nosuch/Admin').code).toBe('UNKNOWN_TARGET');
  });

  it('finds a role ARN', () => {
    expect(resolveTarget('arn:aws:iam::333333333333:role/Admin', roles)).toBe(devAdmin);
    expect(resolveTarget('arn:aws:iam::111111111111:role/team/dev/deployer', roles)).toBe(deployer);
  });

  it('finds a role by its name or by its path after role/', () => {
    expect(resolveTarget('Deployer', roles)).toBe(deployer);
    expect(resolveTarget('team/dev/Deployer', roles)).toBe(deployer);
    expect(resolveTarget('deployer', roles)).toBe(deployer);
    expect(resolveTarget(' Deployer ', roles)).toBe(deployer);
  });

  it('prefers an exact short name or path over a case-insensitive one', () => {
    const teamDeployer = role('555555555555', 'team/Deployer');
    const lower = role('666666666666', 'deployer');
    expect(resolveTarget('Deployer', [teamDeployer, lower])).toBe(teamDeployer);
    expect(resolveTarget('team/Deployer', [teamDeployer, role('777777777777', 'TEAM/deployer')])).toBe(teamDeployer);
    expect(resolveTarget('TEAM/dev/deployer', roles)).toBe(deployer);
  });

  it('prefers the exact case over a case-insensitive match', () => {
    expect(resolveTarget('ReadOnly', roles)).toBe(readOnly);
    expect(resolveTarget('readonly', roles)).toBe(lowerReadonly);
  });

  it('is ambiguous when two accounts share the name, and lists the matching profiles', () => {
    const error = failure('Admin');
    expect(error.message).toBe('"Admin" matches 2 roles: okta-prod-Admin, okta-333333333333-Admin');
    expect(error.hint).toMatch(/profile name or the role ARN/);
    expect(error.code).toBe('AMBIGUOUS_TARGET');
    // Case-insensitively, ReadOnly and readonly are two roles too, once no exact match exists.
    expect(failure('READONLY').message).toContain('okta-111111111111-ReadOnly, okta-444444444444-readonly');
  });

  it('does not treat one role granted through two providers as ambiguous', () => {
    const twice = { ...deployer, principalArn: 'arn:aws:iam::111111111111:saml-provider/Other' };
    expect(resolveTarget('Deployer', [deployer, twice])).toBe(deployer);
  });

  it('names what is available when nothing matches', () => {
    const error = failure('Nope');
    expect(error.message).toBe('No granted role matches "Nope"');
    expect(error.hint).toContain('okta-111111111111-ReadOnly, okta-111111111111-team-dev-Deployer');
    expect(error.code).toBe('UNKNOWN_TARGET');
    expect(failure('arn:aws:iam::999999999999:role/Admin').message).toContain('No granted role');
    expect(failure('').code).toBe('UNKNOWN_TARGET');
  });

  it('lists at most 10 profiles', () => {
    const many = Array.from({ length: 14 }, (_, i) => role(String(100000000000 + i), `Role${String(i).padStart(2, '0')}`));
    const error = failure('Nope', many);
    expect(error.hint?.match(/okta-\d/g)).toHaveLength(10);
    expect(error.hint).toContain('and 4 more');
    expect(error.hint).toContain('okta-aws roles');
  });

  it('tells the user to refresh when no roles are known', () => {
    expect(failure('Admin', [])).toMatchObject({
      message: 'No granted role matches "Admin": no roles are known yet',
      hint: 'Run `okta-aws refresh` to log in and fetch your roles.',
      code: 'UNKNOWN_TARGET',
    });
  });

  it('lists exactly 10 profiles without "and more", in order', () => {
    const ten = Array.from({ length: 10 }, (_, i) => role(String(100000000000 + i), `Role${i}`));
    expect(failure('Nope', ten).hint).toBe(
      `Use a profile name, role name or role ARN; available: ${ten.map((r) => r.profile).join(', ')}. If the role was granted recently, run \`okta-aws refresh\`.`,
    );
    expect(failure('Nope', [...ten, role('100000000010', 'Role10')]).hint).toContain(' and 1 more (see `okta-aws roles`). ');
  });

  it('a blank target matches nothing, and the message shows it as given', () => {
    expect(failure('   ').message).toBe('No granted role matches "   "');
  });
});
