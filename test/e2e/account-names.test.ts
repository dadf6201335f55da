import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulators, FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET, FIXTURE_USERS, startEmulators } from '../emulators/index.js';
import { type Sandbox, runCli, sandbox } from '../helpers/cli.js';
import { USER_CREDENTIALS, seedUserCredentials, userBytesKept } from '../helpers/credentials.js';

let emu: Emulators;
let box: Sandbox;

beforeEach(async () => {
  emu = await startEmulators();
  box = await sandbox(emu.env);
  await seedUserCredentials(box.credentials);
  const init = await runCli(['init', '--sso-url', emu.okta.ssoUrl, '--username', FIXTURE_USERS.alice, '--no-verify'], {
    env: { ...box.env, OKTA_AWS_PASSWORD: FIXTURE_PASSWORD, OKTA_AWS_TOTP_SECRET: FIXTURE_TOTP_SECRET },
  });
  expect(init.code).toBe(0);
});
afterEach(async () => {
  await Promise.all([box.cleanup(), emu.close()]);
});

interface Row {
  profile: string;
  accountId: string;
  accountAlias: string | null;
}

async function roles(): Promise<Row[]> {
  const run = await runCli(['roles', '--json'], { env: box.env });
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Row[];
}

const aliasByAccount = (rows: Row[]) => Object.fromEntries(rows.map((r) => [r.accountId, r.accountAlias]));
const statePath = () => join(box.env.OKTA_AWS_HOME!, 'state.json');

/** Makes the remembered names a day and a minute old, so the next refresh reads the page again. */
async function ageNames(): Promise<void> {
  const state = JSON.parse(await readFile(statePath(), 'utf8'));
  state.account_names.checkedAt -= 24 * 60 * 60 * 1000 + 60_000;
  await writeFile(statePath(), JSON.stringify(state));
}

describe('account names from the AWS sign-in page', () => {
  it.each(['classic', 'meta'] as const)('the %s page gives acme-prod for 111111111111 and null for 222222222222, read once a day', async (format) => {
    emu.federation.samlPage.format = format;
    const first = await runCli(['refresh'], { env: box.env });
    expect(first.code).toBe(0);
    expect(first.stderr).not.toMatch(/warning/i);
    expect(aliasByAccount(await roles())).toEqual({ '111111111111': 'acme-prod', '222222222222': null });
    expect(emu.federation.counters.samlPage).toBe(1);

    const second = await runCli(['refresh'], { env: box.env });
    expect(second.code).toBe(0);
    expect(emu.federation.counters.samlPage).toBe(1);

    await ageNames();
    emu.federation.samlPage.accountAliases = { '111111111111': 'acme-prod', '222222222222': 'acme-audit' };
    expect((await runCli(['refresh'], { env: box.env })).code).toBe(0);
    expect(emu.federation.counters.samlPage).toBe(2);
    expect(aliasByAccount(await roles())).toEqual({ '111111111111': 'acme-prod', '222222222222': 'acme-audit' });
  });

  it.each(['garbage', 'error', 'hang'] as const)('a %s page leaves the refresh successful, keeps the last names, and warns once', async (format) => {
    expect((await runCli(['refresh'], { env: box.env })).code).toBe(0);
    await ageNames();
    emu.federation.samlPage.format = format;
    const broken = await runCli(['refresh', '--json'], { env: { ...box.env, OKTA_AWS_HTTP_TIMEOUT: '3' } });
    expect(broken.code).toBe(0);
    expect(JSON.parse(broken.stdout).profiles).toHaveLength(3);
    const warnings = broken.stderr.split('\n').filter((l) => /account names/.test(l));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/kept the last known names/);
    expect(aliasByAccount(await roles())).toEqual({ '111111111111': 'acme-prod', '222222222222': null });

    // The failed attempt is remembered too: the next refresh neither asks again nor warns again.
    const next = await runCli(['refresh'], { env: box.env });
    expect(next.code).toBe(0);
    expect(next.stderr).not.toMatch(/account names/);
    expect(emu.federation.counters.samlPage).toBe(2);
  });

  it('a single-role user (AWS redirects instead of listing accounts) refreshes without a warning', async () => {
    const env = { ...box.env, OKTA_AWS_SECRET_STORE: 'env', OKTA_AWS_SSO_URL: emu.okta.ssoUrl, OKTA_AWS_USERNAME: FIXTURE_USERS.noMfa, OKTA_AWS_PASSWORD: FIXTURE_PASSWORD, OKTA_AWS_HOME: `${box.home}/single` };
    const run = await runCli(['refresh', '--json'], { env });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).profiles).toHaveLength(1);
    expect(emu.federation.counters.samlPage).toBe(1);
    expect(run.stderr).not.toMatch(/account names/);
  });

  it('account_aliases in settings win over the page', async () => {
    const settings = JSON.parse(await readFile(box.settings, 'utf8'));
    await writeFile(box.settings, JSON.stringify({ ...settings, account_aliases: { '111111111111': 'mine' } }));
    expect((await runCli(['refresh'], { env: box.env })).code).toBe(0);
    const rows = await roles();
    expect(aliasByAccount(rows)).toEqual({ '111111111111': 'mine', '222222222222': null });
    // account_aliases name profiles in either naming, as in the original tool.
    expect(rows.map((r) => r.profile)).toContain('okta-mine-Admin');
  });
});

describe('profile_names: alias', () => {
  it('renames the profiles in one write and back, keeping every byte of the user', async () => {
    expect((await runCli(['refresh'], { env: box.env })).code).toBe(0);
    const before = await readFile(box.credentials, 'utf8');
    expect(before).toContain('[okta-111111111111-Admin]');

    const toAlias = await runCli(['init', '--profile-names', 'alias', '--no-verify'], { env: box.env });
    expect(toAlias.code).toBe(0);
    expect(toAlias.stderr).toMatch(/Renamed 2 profiles: okta-111111111111-Admin → okta-acme-prod-Admin, okta-111111111111-team-dev-Deployer → okta-acme-prod-team-dev-Deployer/);
    const renamed = await readFile(box.credentials, 'utf8');
    expect(renamed).toContain('[okta-acme-prod-Admin]');
    expect(renamed).toContain('[okta-acme-prod-team-dev-Deployer]');
    expect(renamed).toContain('[okta-222222222222-Auditor]');
    expect(renamed).not.toContain('[okta-111111111111-Admin]');
    expect(userBytesKept(USER_CREDENTIALS, renamed)).toBe(true);
    expect((await roles()).map((r) => r.profile)).toEqual(['okta-acme-prod-Admin', 'okta-acme-prod-team-dev-Deployer', 'okta-222222222222-Auditor']);

    // The renamed profile answers with the same keys, from cache, without a login.
    emu.okta.resetCounters?.();
    const assume = await runCli(['assume', 'acme-prod/Admin'], { env: box.env });
    expect(assume.code).toBe(0);
    const keyId = /AWS_ACCESS_KEY_ID='?([A-Z0-9]+)/.exec(assume.stdout)?.[1];
    expect(keyId).toBeDefined();
    expect(renamed).toContain(`aws_access_key_id = ${keyId}`);

    // A refresh under the new naming keeps the new names.
    expect((await runCli(['refresh'], { env: box.env })).code).toBe(0);
    expect(await readFile(box.credentials, 'utf8')).toContain('[okta-acme-prod-Admin]');

    const back = await runCli(['init', '--profile-names', 'account-id', '--no-verify'], { env: box.env });
    expect(back.code).toBe(0);
    const restored = await readFile(box.credentials, 'utf8');
    expect(restored).toContain('[okta-111111111111-Admin]');
    expect(restored).not.toContain('[okta-acme-prod-Admin]');
    expect(userBytesKept(USER_CREDENTIALS, restored)).toBe(true);
  });
});
