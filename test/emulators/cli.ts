/**
 * npx tsx test/emulators/cli.ts [--roles N] [--sts-latency MS]
 *
 * Starts the emulated Okta org, STS and federation endpoint, prints ONE JSON line on stdout describing them
 * (URLs, the fixture user's credentials, the env a CLI subprocess needs, the control URLs), and stays up
 * until SIGTERM/SIGINT. Diagnostics go to stderr.
 */
import { FIXTURE_PASSWORD, FIXTURE_REGION, FIXTURE_TOTP_SECRET, FIXTURE_USERNAME, FIXTURE_USERS, startEmulators } from './index.js';

function parseArgs(argv: string[]): { roles?: number; stsLatencyMs?: number } {
  const out: { roles?: number; stsLatencyMs?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? arg.split('=', 2) : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || !/^\d+$/.test(v)) throw new Error(`${flag} needs a non-negative integer`);
      return Number(v);
    };
    if (flag === '--roles') out.roles = value();
    else if (flag === '--sts-latency') out.stsLatencyMs = value();
    else throw new Error(`unknown argument ${arg} (usage: cli.ts [--roles N] [--sts-latency MS])`);
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const emu = await startEmulators(args);
  const info = {
    oktaUrl: emu.okta.url,
    ssoUrl: emu.okta.ssoUrl,
    stsUrl: emu.sts.url,
    signinUrl: emu.federation.url,
    username: FIXTURE_USERNAME,
    password: FIXTURE_PASSWORD,
    totpSecret: FIXTURE_TOTP_SECRET,
    region: FIXTURE_REGION,
    users: FIXTURE_USERS,
    roles: emu.okta.users.get(FIXTURE_USERNAME)!.config.roles.map((r) => ({ roleArn: r.roleArn, principalArn: r.principalArn })),
    env: { ...emu.env, ...emu.fixtureEnv },
    control: {
      okta: `${emu.okta.url}/__emulator`,
      sts: `${emu.sts.url}/__emulator`,
      federation: `${emu.federation.url}/__emulator`,
    },
    pid: process.pid,
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`emulators: ${signal}, shutting down\n`);
    emu.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`emulators: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
