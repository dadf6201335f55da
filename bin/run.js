#!/usr/bin/env node
// Entry point of both bins (okta-aws, okta-aws-cred-helper). CommonJS (bin/package.json) on
// purpose: Node starts a CommonJS file a few milliseconds faster than an ES module, and the two
// fast paths below are run before every AWS call.
'use strict';
const { readFileSync } = require('node:fs');
const { homedir } = require('node:os');
const { join, resolve } = require('node:path');

/**
 * `--config NAME` picks a named configuration. It goes into OKTA_AWS_CONFIG before anything reads a
 * path, so the fast paths, the prerun hook and every module agree on the folder; oclif still parses
 * (and documents) the flag. The rest of the arguments are what the fast paths look at.
 */
const args = [];
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') {
      args.push(...argv.slice(i));
      break;
    }
    if (argv[i] === '--config' && i + 1 < argv.length) process.env.OKTA_AWS_CONFIG = argv[++i];
    else if (argv[i].startsWith('--config=')) process.env.OKTA_AWS_CONFIG = argv[i].slice('--config='.length);
    else args.push(argv[i]);
  }
}

/** `<SSO origin> <username>` from the environment over settings.json, as src/lib/identity.ts. */
function currentIdentity(home) {
  let settings = {};
  try {
    settings = JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')) || {};
  } catch {
    // none, or broken: the environment alone may still name the identity
  }
  const ssoUrl = process.env.OKTA_AWS_SSO_URL || settings.sso_url;
  const username = process.env.OKTA_AWS_USERNAME || settings.user_name;
  if (typeof ssoUrl !== 'string' || typeof username !== 'string' || !ssoUrl || !username) return undefined;
  try {
    return `${new URL(ssoUrl.trim()).origin} ${username}`;
  } catch {
    return undefined;
  }
}

/**
 * `credential-process <profile>` with a fresh cache: print it without loading oclif, the AWS SDK
 * or any of dist/. Mirrors src/aws/credential-cache.ts and src/lib/paths.ts (path, configuration folder,
 * identity, the role the profile names, 5-minute threshold, field names); anything it cannot answer
 * falls through to the full command.
 */
function serveFromCache(profile) {
  const base = process.env.OKTA_AWS_HOME ? resolve(process.env.OKTA_AWS_HOME) : join(homedir(), '.aws', 'okta-aws');
  const config = process.env.OKTA_AWS_CONFIG;
  // A name src/lib/paths.ts would refuse goes to the full command, which says why.
  if (config && config !== 'default' && !/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/.test(config)) return false;
  const home = config && config !== 'default' ? join(base, 'configs', config) : base;
  let entry;
  try {
    const cache = JSON.parse(readFileSync(join(home, 'cache', 'credentials.json'), 'utf8'));
    if (cache.version !== 1 || !cache.credentials || !Array.isArray(cache.roles) || cache.identity !== currentIdentity(home)) return false;
    const arns = new Set(cache.roles.filter((r) => r.profile === profile).map((r) => r.roleArn));
    entry = cache.credentials[profile];
    if (!entry || arns.size !== 1 || !arns.has(entry.RoleArn)) return false;
  } catch {
    return false;
  }
  if (!(Date.parse(entry.Expiration) - Date.now() > 5 * 60 * 1000)) return false;
  const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = entry;
  process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId, SecretAccessKey, SessionToken, Expiration }) + '\n');
  return true;
}

/** `--version`, which scripts call to probe for the tool: oclif's user agent, without oclif. */
function printVersion() {
  const agent = require('./user-agent.js').userAgent();
  if (agent === undefined) return false;
  process.stdout.write(`${agent}\n`);
  return true;
}

const answered =
  (args.length === 2 && args[0] === 'credential-process' && !args[1].startsWith('-') && serveFromCache(args[1])) ||
  (args.length === 1 && args[0] === '--version' && printVersion());

/**
 * @oclif/core checks as it loads that Node satisfies its own `engines` range, with semver: some 40
 * files, ~30 ms of every run. A plain `>=X.Y.Z` range is checked here instead and oclif's check
 * switched off while it loads (the variable is not left for children); any other range, or a Node
 * that fails it, is left to oclif, which warns in its own words.
 */
function requireOclif() {
  if (process.env.OCLIF_DISABLE_ENGINE_WARNING === undefined && satisfiesOclifEngines()) {
    process.env.OCLIF_DISABLE_ENGINE_WARNING = 'true';
    try {
      return require('@oclif/core');
    } finally {
      delete process.env.OCLIF_DISABLE_ENGINE_WARNING;
    }
  }
  return require('@oclif/core');
}

function satisfiesOclifEngines() {
  try {
    const range = JSON.parse(readFileSync(require.resolve('@oclif/core/package.json'), 'utf8')).engines.node;
    const min = /^>=\s*(\d+)\.(\d+)\.(\d+)$/.exec(range.trim());
    if (!min) return false;
    const have = process.versions.node.split('.').map(Number);
    for (let i = 0; i < 3; i++) if (have[i] !== Number(min[i + 1])) return have[i] > Number(min[i + 1]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ctrl-C: exit 130 through process.exit, so the exit handlers drop our locks and temp files.
 * Every write is a rename of a complete file, so nothing is ever half-written. First, work open
 * at a server (an Okta push waiting for approval) is cancelled: src/lib/interrupt.ts, bounded.
 * Once per process: the fast init and, if it hands over, oclif both need it.
 */
let signalsHandled = false;
function handleSignals() {
  if (signalsHandled) return;
  signalsHandled = true;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
    process.once(signal, () => {
      const stop = () => {
        process.stderr.write('\nokta-aws: interrupted; every file is as it was before this step. Run the command again to finish.\n');
        process.exit(code);
      };
      if (process.listenerCount('okta-aws:interrupt') === 0) return stop();
      const waits = [];
      process.emit('okta-aws:interrupt', waits);
      const bound = new Promise((done) => setTimeout(done, 3000).unref());
      Promise.race([Promise.allSettled(waits), bound]).then(stop);
    });
  }
}

/** The full CLI: oclif, every command, hook and message. */
function runOclif() {
  handleSignals();
  requireOclif()
    .execute({ dir: join(__dirname, '..', 'package.json') })
    .catch((error) => {
      process.stderr.write(`okta-aws: ${error && error.message ? error.message : error}\n`);
      process.exitCode = 1;
    });
}

/**
 * Commands src/fast/offline.ts may answer from the cache with the commands' own services. It is
 * loaded as one CommonJS esbuild bundle (dist/fast-bundle/offline.cjs, built from the same
 * sources): one file instead of the few dozen modules of dist/, and no ES-module loader. Each
 * command's services are initialised only by its own branch.
 */
const OFFLINE = new Set(['roles', 'assume', 'exec']);

/** Commands run with their own code, bundled the same way (scripts/build-fast.js), when oclif would add nothing. */
const OWN_CODE = {
  init: ['../dist/fast-bundle/init.cjs', 'answerInit'],
  refresh: ['../dist/fast-bundle/refresh.cjs', 'answerRefresh'],
};

if (answered) {
  // done
} else if (args[args.length - 1] === '--help') {
  if (!require('./fast-help.js').printHelp(args)) runOclif();
} else if (Object.hasOwn(OWN_CODE, args[0] ?? '')) {
  // src/fast/init.ts, refresh.ts: the command's own code without oclif, when nothing oclif would do differently applies.
  const { plainOclifEnvironment, userPlugins } = require('./fast-help.js');
  const plugins = plainOclifEnvironment() ? userPlugins() : 'other';
  if (plugins === 'other') runOclif();
  else {
    handleSignals();
    const [bundle, answer] = OWN_CODE[args[0]];
    Promise.resolve()
      .then(() => require(bundle)[answer](args.slice(1), { entry: { node: process.execPath, script: __filename }, storePlugins: plugins === 'stores' }))
      .catch(() => false)
      .then((done) => done || runOclif());
  }
} else if (OFFLINE.has(args[0])) {
  Promise.resolve()
    .then(() => require('../dist/fast-bundle/offline.cjs').answerOffline(args, { node: process.execPath, script: __filename }))
    .catch(() => false)
    .then((done) => done || runOclif());
} else {
  runOclif();
}
