/**
 * `npm run bench`: what the speed claims rest on, measured as ratios against `node -e 0` in the
 * same run (absolute times on a shared machine mean little). Prints a table; writes bench-results.json.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIXTURE_PASSWORD, FIXTURE_TOTP_SECRET, FIXTURE_USERNAME, startEmulators } from '../test/emulators/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'bin', 'run.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 21);

/** Async, never spawnSync: the emulators answer from this process's event loop. */
function timeOnce(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code === 0) resolve(ms);
      else reject(new Error(`${args.join(' ')} failed: ${stderr}`));
    });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Interleaved, so a slow moment on the machine hits every subject alike. */
async function compare(subjects: Record<string, string[]>, env: NodeJS.ProcessEnv): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(subjects).map((k) => [k, []]));
  for (const args of Object.values(subjects)) await timeOnce(args, env); // warm the file cache
  for (let i = 0; i < RUNS; i += 1) for (const [name, args] of Object.entries(subjects)) samples[name]!.push(await timeOnce(args, env));
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}

const home = await mkdtemp(join(tmpdir(), 'okta-aws-bench-'));
const emu = await startEmulators({ roles: 40, stsLatencyMs: 200 });
const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: home,
  AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
  ...emu.env,
};
try {
  await timeOnce([cli, 'init', '--no-verify', '--sso-url', emu.okta.ssoUrl, '--username', FIXTURE_USERNAME], {
    ...env,
    OKTA_AWS_PASSWORD: FIXTURE_PASSWORD,
    OKTA_AWS_TOTP_SECRET: FIXTURE_TOTP_SECRET,
  });

  // A store plugin installed, as a pass user has it: the fast paths must not notice.
  await timeOnce([cli, 'plugins', 'link', '--no-install', join(root, 'plugins', 'store-pass')], env);

  // First refresh: password + TOTP login, then 40 roles through STS with 200 ms each.
  emu.sts.resetCounters();
  const loginRefreshMs = await timeOnce([cli, 'refresh', '--json'], env);
  const firstInFlight = emu.sts.counters.maxInFlight;

  // Repeat refresh: the Okta session is reused; what remains is the STS fan-out and the write.
  const authn = emu.okta.counters.authn;
  const verify = emu.okta.counters.verify;
  emu.sts.resetCounters();
  const repeatRefreshMs = await timeOnce([cli, 'refresh', '--json'], env);
  const repeat = { authn: emu.okta.counters.authn - authn, verify: emu.okta.counters.verify - verify, maxInFlight: emu.sts.counters.maxInFlight };

  // Every command that can answer from local files, with the ratio the issue sets for it.
  const subjects: Record<string, { args: string[]; target: number }> = {
    'credential-process (cached)': { args: [cli, 'credential-process', 'okta-111111111111-Admin'], target: 1.3 },
    'okta-aws --version': { args: [cli, '--version'], target: 1.5 },
    'roles': { args: [cli, 'roles'], target: 1.5 },
    'roles --json': { args: [cli, 'roles', '--json'], target: 1.5 },
    'assume (cached)': { args: [cli, 'assume', 'okta-111111111111-Admin'], target: 1.5 },
    'exec (cached) -- true': { args: [cli, 'exec', 'okta-111111111111-Admin', '--', 'true'], target: 1.5 },
    'okta-aws --help': { args: [cli, '--help'], target: 2 },
    'okta-aws roles --help': { args: [cli, 'roles', '--help'], target: 2 },
  };
  const startup = await compare({ 'node -e 0': ['-e', '0'], ...Object.fromEntries(Object.entries(subjects).map(([k, v]) => [k, v.args])) }, env);
  const base = startup['node -e 0']!;
  const ratios = Object.fromEntries(Object.keys(subjects).map((k) => [k, round(startup[k]! / base)]));
  const results = {
    runs: RUNS,
    nodeBaselineMs: round(base),
    credentialProcessCachedRatio: ratios['credential-process (cached)']!,
    versionRatio: ratios['okta-aws --version']!,
    startupRatios: ratios,
    refresh40Roles: {
      stsLatencyMs: 200,
      withLoginMs: round(loginRefreshMs),
      withLoginMaxInFlight: firstInFlight,
      /** Session reused: no login, so this is the time a refresh takes after login. */
      afterLoginMs: round(repeatRefreshMs),
      afterLoginMaxInFlight: repeat.maxInFlight,
      repeatAuthnCalls: repeat.authn,
      repeatVerifyCalls: repeat.verify,
    },
  };
  console.log('okta-aws benchmark (medians of %d interleaved runs; ratios against `node -e 0` measured alongside)\n', RUNS);
  console.table({
    'node -e 0': { ms: round(base), 'x node': 1, target: '', holds: '' },
    ...Object.fromEntries(
      Object.entries(subjects).map(([k, v]) => [k, { ms: round(startup[k]!), 'x node': ratios[k]!, target: `<= ${v.target}`, holds: ratios[k]! <= v.target ? 'yes' : 'NO' }]),
    ),
  });
  console.table({
    'refresh, 40 roles, 200 ms STS, with login': { ms: results.refresh40Roles.withLoginMs, 'max in flight': firstInFlight, 'authn calls': '1', 'verify calls': '1' },
    'repeat refresh (session reused)': { ms: results.refresh40Roles.afterLoginMs, 'max in flight': repeat.maxInFlight, 'authn calls': String(repeat.authn), 'verify calls': String(repeat.verify) },
  });
  await writeFile(join(root, 'bench-results.json'), JSON.stringify(results, null, 2) + '\n');
  console.log('\nwritten to bench-results.json');
} finally {
  await emu.close();
  await rm(home, { recursive: true, force: true });
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
