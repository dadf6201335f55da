import { describe, expect, it } from 'vitest';
import { profileListing, relativeExpiry } from '../../../src/lib/table.js';

const now = Date.parse('2026-12-01T00:00:00Z');
const rows = [
  { profile: 'okta-111111111111-Admin', roleArn: 'arn:aws:iam::111111111111:role/Admin', expiration: '2026-12-01T11:59:30Z' },
  { profile: 'okta-111111111111-team-dev-Deployer', roleArn: 'arn:aws:iam::111111111111:role/team/dev/Deployer', expiration: '2026-11-30T23:57:00Z' },
  { profile: 'okta-222222222222-Auditor', roleArn: 'arn:aws:iam::222222222222:role/Auditor', expiration: null },
];

describe('relativeExpiry', () => {
  it('says hours and minutes ahead, or how long ago', () => {
    expect(relativeExpiry('2026-12-01T11:59:30Z', now)).toBe('in 11h 59m');
    expect(relativeExpiry('2026-12-01T00:04:10Z', now)).toBe('in 4m');
    expect(relativeExpiry('2026-12-01T00:00:42Z', now)).toBe('in 42s');
    expect(relativeExpiry('2026-11-30T23:57:00Z', now)).toBe('expired 3m ago');
    expect(relativeExpiry('2026-12-01T00:00:00Z', now)).toBe('expired 0s ago'); // due now is gone
    expect(relativeExpiry('2026-12-01T00:01:00Z', now)).toBe('in 1m');
    expect(relativeExpiry('2026-12-01T00:00:59Z', now)).toBe('in 59s');
  });
});

describe('profileListing', () => {
  it('is tab-separated rows with absolute expiry when there is no terminal', () => {
    expect(profileListing(rows, { columns: undefined, expiry: true, now })).toBe(
      'okta-111111111111-Admin\tarn:aws:iam::111111111111:role/Admin\texpires 2026-12-01T11:59:30Z\n' +
        'okta-111111111111-team-dev-Deployer\tarn:aws:iam::111111111111:role/team/dev/Deployer\texpires 2026-11-30T23:57:00Z\n' +
        'okta-222222222222-Auditor\tarn:aws:iam::222222222222:role/Auditor\tno live credentials\n',
    );
    expect(profileListing(rows.slice(0, 1), { columns: undefined, expiry: false })).toBe('okta-111111111111-Admin\tarn:aws:iam::111111111111:role/Admin\n');
  });

  it('is an aligned table with a header on a wide terminal', () => {
    expect(profileListing(rows, { columns: 120, expiry: true, now })).toBe(
      [
        'PROFILE                              ROLE ARN                                          EXPIRES',
        'okta-111111111111-Admin              arn:aws:iam::111111111111:role/Admin              in 11h 59m',
        'okta-111111111111-team-dev-Deployer  arn:aws:iam::111111111111:role/team/dev/Deployer  expired 3m ago',
        'okta-222222222222-Auditor            arn:aws:iam::222222222222:role/Auditor            no live credentials',
        '',
      ].join('\n'),
    );
  });

  it('shortens the middle of ARNs to fit a narrow terminal, keeping the role name', () => {
    const text = profileListing(rows, { columns: 100, expiry: true, now });
    for (const line of text.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    expect(text).toContain('  arn:aws:iam::1111111…ole/team/dev/Deployer  expired 3m ago');
    expect(text).toContain('in 11h 59m');
  });

  it('adds an ACCOUNT column (alias, else id) on a terminal only', () => {
    const named = [
      { ...rows[0]!, accountId: '111111111111', accountAlias: 'acme-prod' },
      { ...rows[2]!, accountId: '222222222222', accountAlias: null },
    ];
    expect(profileListing(named, { columns: 120, expiry: true, account: true, now })).toBe(
      [
        'PROFILE                    ACCOUNT       ROLE ARN                                EXPIRES',
        'okta-111111111111-Admin    acme-prod     arn:aws:iam::111111111111:role/Admin    in 11h 59m',
        'okta-222222222222-Auditor  222222222222  arn:aws:iam::222222222222:role/Auditor  no live credentials',
        '',
      ].join('\n'),
    );
    expect(profileListing(named, { columns: undefined, expiry: true, account: true, now })).toBe(profileListing(named, { columns: undefined, expiry: true, now }));
    // Too narrow for it: the column goes before the ARN would be cut below its minimum.
    expect(profileListing(named, { columns: 80, expiry: true, account: true, now })).toBe(profileListing(named, { columns: 80, expiry: true, now }));
  });
});
